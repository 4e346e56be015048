"""Engine behaviour as data: every profile in tests/data/engine runs through the transaction API."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from modsec_py.engine.waf import WAF
from modsec_py.testing.profiles import check, run_test

PROFILES = sorted((Path(__file__).resolve().parents[1] / "data" / "engine").glob("*.yaml"))


def cases() -> list[tuple[str, dict, dict]]:
    found = []
    for path in PROFILES:
        profile = yaml.safe_load(path.read_text())
        for test in profile.get("tests", []):
            found.append((f"{path.stem}: {test.get('title')}", profile, test))
    return found


_WAFS: dict[str, WAF] = {}


@pytest.mark.parametrize(("name", "profile", "test"), cases(), ids=[case[0] for case in cases()])
def test_profile(name: str, profile: dict, test: dict) -> None:
    waf = _WAFS.get(profile["rules"])
    if waf is None:
        waf = _WAFS[profile["rules"]] = WAF.from_directives(profile["rules"])
    outcome = run_test(waf, test)
    assert check(outcome, test.get("expect", {})) == []
