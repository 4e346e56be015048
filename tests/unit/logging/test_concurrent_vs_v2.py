"""SecAuditLogType Concurrent: entry files, their names and modes, and the index lines, against v2's."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import stat
from pathlib import Path

import pytest

from tests.unit.logging import replay
from tests.unit.logging.test_native_vs_v2 import normalised

# host ip user user [time] "request" status bytes "referer" "agent" id "session" file offset size md5
INDEX = re.compile(r'^(\S+) (\S+) (\S+) (\S+) \[([^\]]+)\] "(.*)" (\d+) (\d+) "-" "-" (\S+) "(.*)" '
                   r"(\S+) 0 (\d+) md5:([0-9a-f]{32}) $")
FILE_NAME = re.compile(r"^/[^/]+/(\d{8})/\1-\d{4}/\1-\d{6}-(\S+)$")


def served_file(entry: str) -> str:
    """Without the served file's date and ETag (each capture run served a new copy)."""
    entry = re.sub(r"^Last-Modified: .*$", "Last-Modified: DATE", entry, flags=re.M)
    return re.sub(r'^ETag: ".*"$', "ETag: TAG", entry, flags=re.M)


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("concurrent")
    old = os.umask(0o022)  # Apache's usual umask
    try:
        replay.replay("concurrent", directory)
    finally:
        os.umask(old)
    return directory


def index_fields(text: str) -> dict[str, tuple[str, ...]]:
    """Unique id -> the index line's fields."""
    lines = text.splitlines()
    fields = [INDEX.match(line) for line in lines]
    assert all(fields), lines
    return {match.group(9): match.groups() for match in fields if match}


def test_index_lines_match_v2(directory: Path) -> None:
    ours = index_fields((directory / "index").read_text("latin-1"))
    theirs = index_fields(replay.captured("index"))
    assert len(ours) == len(theirs) == len(replay.captured_transactions("concurrent"))
    for unique_id, theirs_fields in theirs.items():
        mine = ours[unique_id]
        # host, ip, users, request line, status, bytes sent, session: as v2's
        assert mine[:4] + mine[5:8] + mine[9:10] == theirs_fields[:4] + theirs_fields[5:8] + theirs_fields[9:10]
        name = mine[10]
        match = FILE_NAME.match(name)
        assert match and match.group(2) == unique_id
        assert name.startswith(f"/{pwd.getpwuid(os.getuid()).pw_name}/")
        data = (directory / "concurrent" / name[1:]).read_bytes()
        assert int(mine[11]) == len(data) and mine[12] == hashlib.md5(data).hexdigest()


def test_entry_files_match_v2(directory: Path) -> None:
    for name, captured in replay.captured_transactions("concurrent").items():
        theirs = next(path for path in (replay.DATA / "concurrent").rglob(f"*-{captured.unique_id}"))
        ours = next((directory / "concurrent").rglob(f"*-{captured.unique_id}"))
        expected = theirs.read_text("latin-1").replace(replay.CAPTURED_DIR, str(replay.DATA))
        assert served_file(normalised(ours.read_text("latin-1"))) == served_file(normalised(expected)), name


def test_modes_are_v2s_defaults(directory: Path) -> None:
    entry = next(path for path in (directory / "concurrent").rglob("*-*-*") if path.is_file())
    assert stat.S_IMODE(entry.stat().st_mode) == 0o640
    for parent in entry.relative_to(directory / "concurrent").parents:
        if str(parent) != ".":
            assert stat.S_IMODE((directory / "concurrent" / parent).stat().st_mode) == 0o750, parent
    assert stat.S_IMODE((directory / "index").stat().st_mode) == 0o640
