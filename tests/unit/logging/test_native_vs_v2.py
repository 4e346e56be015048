"""The native audit log, serial and concurrent, compared with ModSecurity 2.9.7's for the same requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.logging import replay

_STOPWATCH = re.compile(r"^(Stopwatch2?: )\d+ \d+(.*)$", re.M)


def normalised(entry: str) -> str:
    """An entry without what differs between two runs: boundary, time, stopwatch numbers."""
    entry = re.sub(r"^--[0-9a-f]{8}-([A-Z])--$", r"--BOUNDARY-\1--", entry, flags=re.M)
    entry = re.sub(r"^\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{6} [-+]+\d{4}\]", "[TIME]", entry, flags=re.M)
    entry = re.sub(r"^(Stopwatch: )\d+ \d+", r"\1N N", entry, flags=re.M)
    return re.sub(r"^(Stopwatch2: )\d+ \d+; combined=\d+(, \w+=\d+)*", r"\1N N; TIMES", entry, flags=re.M)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    directory = tmp_path_factory.mktemp("serial")
    replay.replay("serial", directory)
    entries = replay.native_entries((directory / "serial.log").read_text("latin-1"))
    return {replay.sections(entry)["A"].split()[2]: entry for entry in entries}


@pytest.mark.parametrize("name", [scenario["name"] for scenario in replay.scenarios()])
def test_serial_entry_matches_v2(name: str, ours: dict[str, str]) -> None:
    captured = replay.captured_transactions().get(name)
    if captured is None:  # v2 made no entry: nor do we
        assert not any(f"replay{index:02d}" in ours for index in range(len(replay.scenarios()))), sorted(ours)
        return
    theirs = next(entry for entry in replay.native_entries(replay.captured("serial.log"))
                  if replay.sections(entry)["A"].split()[2] == captured.unique_id)
    assert normalised(ours[captured.unique_id]) == normalised(theirs)


def test_entries_are_separated_by_a_blank_line(tmp_path: Path) -> None:
    replay.replay("serial", tmp_path)
    text = (tmp_path / "serial.log").read_text("latin-1")
    assert text.count("-Z--\n\n") == len(replay.captured_transactions())
