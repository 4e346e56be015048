"""Differential test: CRS regression requests through modsec_py and through the real ModSecurity 2.9.7.

Both engines run the same ``crs test`` target (same SecLang entry file, same backend) in two private Apaches;
for every request the rule ids each logged are compared (the tests' own expectations are ignored). Prints each
disagreement (test, request number, ids only v2 logged, ids only modsec_py logged) and a summary line; exits 1
if there is any disagreement, 2 if the targets could not run.

    .venv/bin/python tools/diff_crs_modsec2.py --rules /work/shared/crs/v4.28.0/rules \\
        --setup /work/shared/crs/v4.28.0/crs-setup.conf.example --tests /work/shared/crs-tests/v3.3.4/tests
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modsec_py.crstest.differential import differential  # noqa: E402
from modsec_py.crstest.engines import DEFAULT_MODSEC2_MODULE  # noqa: E402
from modsec_py.crstest.runner import Selection  # noqa: E402
from modsec_py.crstest.target import TargetError  # noqa: E402
from modsec_py.testing.ftw import FtwError, load_dir  # noqa: E402


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", required=True, type=Path, help="directory of CRS rule files")
    parser.add_argument("--setup", required=True, type=Path, help="CRS setup file as shipped")
    parser.add_argument("--tests", required=True, type=Path, action="append",
                        help="directory of ftw / go-ftw YAML files (repeatable)")
    parser.add_argument("--paranoia", type=int, choices=range(1, 5), default=4)
    parser.add_argument("--include", help="only tests whose name matches this regex")
    parser.add_argument("--exclude", help="skip tests whose name matches this regex")
    parser.add_argument("--modsec2-module", type=Path, default=DEFAULT_MODSEC2_MODULE,
                        help="ModSecurity 2 Apache module (default: tools/fetch-modsec2.sh's)")
    parser.add_argument("--json", type=Path, help="write the disagreements here as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    try:
        for pattern in (args.include, args.exclude):
            if pattern:
                re.compile(pattern)
        files = [file for directory in args.tests for file in load_dir(directory)]
        comparison = differential(args.rules, args.setup, files, Selection(args.include, args.exclude),
                                  args.paranoia, args.modsec2_module)
    except (TargetError, FtwError, re.error, OSError, RuntimeError) as error:
        print(f"diff_crs_modsec2: {error}", file=sys.stderr)
        return 2
    for disagreement in comparison.disagreements:
        print(disagreement.describe())
    if args.json:
        args.json.write_text(json.dumps([vars(item) for item in comparison.disagreements], indent=1) + "\n")
    print(f"{comparison.summary()} ({time.monotonic() - started:.1f} s)")
    return 1 if comparison.disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
