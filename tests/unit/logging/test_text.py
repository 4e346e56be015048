"""v2's text helpers: timestamps (with v2's zone format), escaping, JSON strings."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from modsec_py.logging.text import apache_escape, json_string, log_escape_hex, log_time, severity_number

# 2026-11-21 20:46:19.121623 UTC
INSTANT = 1795293979_121623_000


@pytest.fixture
def zone() -> Iterator[None]:
    saved = os.environ.get("TZ")
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.mark.parametrize(("tz", "expected"), [
    ("UTC", "21/Nov/2026:20:46:19.121623 +0000"),
    ("Asia/Kolkata", "22/Nov/2026:02:16:19.121623 +0530"),  # as v2 wrote it
    ("America/New_York", "21/Nov/2026:15:46:19.121623 --0500"),  # v2's sign bug, as v2 wrote it
    ("America/St_Johns", "21/Nov/2026:17:16:19.121623 --03-30"),
])
def test_log_time(zone: None, tz: str, expected: str) -> None:
    os.environ["TZ"] = tz
    time.tzset()
    assert log_time(INSTANT) == expected


def test_escapes() -> None:
    assert log_escape_hex(b'd"\\\x01\x7f\xe9 ok') == "d\\x22\\x5c\\x01\\x7f\\xe9 ok"
    assert apache_escape('a\\b "q" \x01\xe9') == 'a\\\\b "q" \\x01\\xe9'
    assert (json_string(b'\xc3\xa9\xff "q" \\ \tt\x01\x1f\x7f/')
            == b'"\xc3\xa9\xff \\"q\\" \\\\ \\tt\\u0001\\u001F\x7f/"')


def test_severity_number() -> None:
    assert [severity_number(value) for value in ("CRITICAL", "warning", "2", "x", None)] == [2, 4, 2, 0, None]
