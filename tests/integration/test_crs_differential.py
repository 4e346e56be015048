"""Differential: CRS 4.28.0 at paranoia 4 through modsec_py and through the real ModSecurity 2.9.7.

A sample of the CRS 3.3.4 regression requests (the first two tests of every rule file, and the
files of past disagreements: null bytes in argument names, bodies that never come, a body the
XML processor refuses) goes through two private Apaches with the same SecLang entry file; every
request must trigger the same rule ids in both (``modsec_py/crstest/differential.py``). The
whole suite: ``tools/diff_crs_modsec2.py``.
"""

from __future__ import annotations

import pytest

from modsec_py.crstest.differential import differential
from modsec_py.crstest.engines import DEFAULT_MODSEC2_MODULE
from modsec_py.crstest.runner import Selection
from modsec_py.testing.ftw import load_dir
from tests.conftest import SHARED, require
from tests.integration.conftest import require_apache

pytestmark = pytest.mark.apache

SAMPLE = r"^(\d+-[12]|92027\d-\d+|920340-\d+|920400-\d+|920420-\d+)$"


def test_modsec_py_triggers_the_rules_modsec2_triggers() -> None:
    crs = require(SHARED / "crs" / "v4.28.0", "CRS 4.28.0 test data")
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    module = require(DEFAULT_MODSEC2_MODULE, "ModSecurity 2.9.7 reference (run tools/fetch-modsec2.sh)")
    require_apache()
    comparison = differential(crs / "rules", crs / "crs-setup.conf.example", load_dir(tests), Selection(SAMPLE),
                              paranoia=4, module=module)
    assert comparison.compared >= 300
    assert comparison.disagreements == [], "\n".join(item.describe() for item in comparison.disagreements)
