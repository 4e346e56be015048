"""The whole CRS 3.3.4 regression suite through real Apache + mod_wsgi + modsec_py (issue #5's bar).

Runs ``modsec-py crs test`` on Debian's CRS 3.3.4 rules and ../shared/crs-tests/v3.3.4 without
overrides: every one of the 2,396 enabled tests must pass, including those whose header names
mod_wsgi drops before a handler runs (security2_py.conf's header keeper restores them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from modsec_py.cli.crs import crs
from tests.conftest import DEBIAN_CRS, SHARED, require
from tests.integration.conftest import require_apache

pytestmark = pytest.mark.apache

SETUP = Path("/etc/modsecurity/crs/crs-setup.conf")


def test_crs_3_3_4_suite_passes_through_apache(tmp_path: Path) -> None:
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    require_apache()
    report = tmp_path / "report.json"
    result = CliRunner().invoke(crs, ["test", "--rules", str(DEBIAN_CRS / "rules"), "--setup", str(SETUP),
                                      "--tests", str(tests), "--json", str(report)])
    data = json.loads(report.read_text())
    failures = [f"{test['name']}: {test['reason']}" for test in data["tests"] if not test["passed"]]
    assert result.exit_code == 0, "\n".join(failures)
    assert (data["passed"], data["failed"]) == (2396, 0)
