"""CRS 3.3.4 at paranoia level 4, DetectionOnly, fed the CRS regression requests in-process.

The configuration is the CRS project's test target (../shared/reference/crs-test-target-v3.3.4)
with Debian's CRS 3.3.4 rules. Only what can be judged without a server is judged here (the
logged rule ids); the full suite through real Apache belongs to ``modsec-py crs test``.
"""

from __future__ import annotations

import os
from pathlib import Path

from modsec_py.engine.waf import WAF
from modsec_py.testing.crs_inprocess import run_test
from modsec_py.testing.ftw import load_dir
from tests.conftest import SHARED, require
from tests.reference import MODSEC2


def test_crs_3_3_4_regression_in_process(tmp_path: Path, debian_crs: Path) -> None:
    target = require(SHARED / "reference" / "crs-test-target-v3.3.4", "the CRS 3.3.4 test-target configuration")
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    mapping = require(MODSEC2 / "etc/modsecurity/unicode.mapping", "unicode.mapping (tools/fetch-modsec2.sh)")
    (tmp_path / "data").mkdir()
    modsecurity = (target / "modsecurity.conf").read_text()
    modsecurity = modsecurity.replace("/etc/modsecurity/unicode.mapping", str(mapping))
    modsecurity = modsecurity.replace("/tmp/crs-anchor/v3.3.4/modsec-tmp", str(tmp_path / "data"))
    modsecurity = modsecurity.replace("/tmp/crs-anchor/v3.3.4/", f"{tmp_path}/")
    (tmp_path / "modsecurity.conf").write_text(modsecurity)
    entry = tmp_path / "entry.conf"
    entry.write_text(f"Include {tmp_path}/modsecurity.conf\nInclude {target}/crs-setup.conf\n"
                     f"Include {debian_crs}/rules/*.conf\n")
    waf = WAF.from_files([str(entry)])
    outcomes = [run_test(waf, file, test) for file in load_dir(tests) for test in file.tests
                if file.enabled and test.enabled]
    checkable = [outcome for outcome in outcomes if outcome.checkable]
    failed = [f"{outcome.name}: {outcome.reason}" for outcome in checkable if not outcome.passed]
    report = Path(os.environ.get("MODSEC_PY_CRS_REPORT", tmp_path / "report.txt"))
    report.write_text("\n".join(failed + [f"{o.name}: not checkable in-process: {o.reason}"
                                          for o in outcomes if not o.checkable]) + "\n")
    assert len(outcomes) == 2396
    assert len(checkable) >= 2300
    passed = len(checkable) - len(failed)
    assert passed / len(checkable) >= 0.95, "\n".join(failed)
