"""What ``modsec-py crs test`` does, apart from parsing its options."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from modsec_py.crstest import engines
from modsec_py.crstest.runner import Selection, TargetServer, keep_requested, run, summary, write_report
from modsec_py.crstest.target import TargetError
from modsec_py.testing.ftw import FtwError, load_dir
from modsec_py.testing.overrides import Overrides, load_overrides


def main(rules: str, setup: str, tests: str, overrides_path: str | None, paranoia: int, json_out: str | None,
         include: str | None, exclude: str | None, keep: bool = False, engine: str = engines.MODSEC_PY,
         modsec2_module: str | None = None) -> int:
    """Run and report; the exit status: 0 all passed, 1 some failed, 2 could not run.

    ``engine="modsec2"`` runs the real ModSecurity 2 instead (a developer option, for differential testing)."""
    started = time.monotonic()
    try:
        for pattern in (include, exclude):
            if pattern:
                re.compile(pattern)
        files = load_dir(tests)
        overrides: Overrides | None = load_overrides(overrides_path) if overrides_path else None
        module = Path(modsec2_module) if modsec2_module else None
        with TargetServer.start(Path(rules), Path(setup), paranoia, keep=keep or keep_requested(), engine=engine,
                                modsec2_module=module) as server:
            if keep or keep_requested():
                print(f"test Apache in {server.root}", file=sys.stderr)
            results = run(server, files, Selection(include, exclude), overrides,
                          progress=lambda result: None if result.passed else print(
                              f"FAIL {result.name}: {result.reason}", flush=True))
            major = server.major
    except (TargetError, FtwError, re.error, OSError, RuntimeError) as error:
        print(f"modsec-py crs test: {error}", file=sys.stderr)
        return 2
    seconds = time.monotonic() - started
    if json_out:
        write_report(Path(json_out), results, seconds, major)
    print(f"{summary(results)} ({seconds:.1f} s)")
    return 0 if results and all(result.passed for result in results) else 1
