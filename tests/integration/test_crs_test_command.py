"""``modsec-py crs test`` through a real Apache: a few CRS 3.3.4 regression files against Debian's CRS 3.3.4."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from modsec_py.cli.crs import crs
from tests.conftest import DEBIAN_CRS, SHARED, require
from tests.integration.conftest import require_apache

SETUP = Path("/etc/modsecurity/crs/crs-setup.conf")
# 920100-920190 (request line, headers, Content-Length; malformed requests), and files with expect_error /
# response_contains / status checks.
SUBSET = r"^(9201\d\d|920270|920280|920400|920430)-"


def arguments(tests: Path, report: Path, *extra: str) -> list[str]:
    return ["test", "--rules", str(DEBIAN_CRS / "rules"), "--setup", str(SETUP), "--tests", str(tests),
            "--json", str(report), "--include", SUBSET, *extra]


def test_a_subset_of_the_crs_3_3_4_suite_passes(tmp_path: Path) -> None:
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    require_apache()
    report = tmp_path / "report.json"
    result = CliRunner().invoke(crs, arguments(tests, report))
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["crs_major"] == 3 and data["failed"] == 0 and data["passed"] >= 40
    assert f"{data['passed']} passed, 0 failed" in result.output
    by_name = {test["name"]: test for test in data["tests"]}
    assert 920100 in by_name["920100-6"]["ids"]
    assert all(test["passed"] for test in data["tests"])


def test_a_failing_test_is_reported_and_the_exit_status_is_1(tmp_path: Path) -> None:
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    require_apache()
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("version: v0.0.0\nmeta: {engine: modsec_py, platform: httpd}\ntest_overrides:\n"
                         "  - rule_id: 920100\n    test_ids: [6]\n    reason: a check that cannot hold\n"
                         "    output: {status: 599}\n")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(crs, ["test", "--rules", str(DEBIAN_CRS / "rules"), "--setup", str(SETUP),
                                      "--tests", str(tests), "--json", str(report), "--include", "^920100-",
                                      "--overrides", str(overrides)])
    assert result.exit_code == 1, result.output
    assert "FAIL 920100-6: stage 1: status 405, expected 599" in result.output
    data = json.loads(report.read_text())
    assert data["failed"] == 1 and data["passed"] >= 5
