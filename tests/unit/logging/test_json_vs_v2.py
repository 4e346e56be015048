"""The JSON audit log compared byte for byte with ModSecurity 2.9.7's for the same requests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.unit.logging import replay


def normalised(line: bytes) -> bytes:
    """An entry without what differs between runs: time, stopwatch, the served file's date and ETag.

    (The capture's three Apache runs each served a new copy of the file.)
    """
    line = re.sub(rb'"time":"[^"]*"', b'"time":"TIME"', line)
    line = re.sub(rb'"Last-Modified":"[^"]*"', b'"Last-Modified":"DATE"', line)
    line = re.sub(rb'"ETag":"\\"[^"]*\\""', b'"ETag":"TAG"', line)
    return re.sub(rb'"stopwatch":\{[^}]*\}', b'"stopwatch":{}', line)


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    directory = tmp_path_factory.mktemp("json")
    replay.replay("json", directory)
    ours = (directory / "serial.json").read_bytes().splitlines()
    theirs = replay.captured("serial.json").encode("latin-1").splitlines()
    return ({json.loads(line)["transaction"]["transaction_id"]: line for line in ours},
            {json.loads(line)["transaction"]["transaction_id"]: line for line in theirs})


@pytest.mark.parametrize("name", sorted(replay.captured_transactions()))
def test_json_entry_matches_v2(name: str, entries: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    ours, theirs = entries
    unique_id = replay.captured_transactions("json")[name].unique_id
    assert normalised(ours[unique_id]) == normalised(theirs[unique_id])


def test_one_entry_per_line(tmp_path: Path) -> None:
    replay.replay("json", tmp_path)
    text = (tmp_path / "serial.json").read_bytes()
    assert text.endswith(b"}\n") and b"\n\n" not in text
    assert len(text.splitlines()) == len(replay.captured_transactions())
