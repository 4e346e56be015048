"""jsDecode: \\u, \\x, octal and single-character escapes."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"plain", b"plain", False),
    (b"\\u0041\\u20ac", b"A\xac", True),  # the low byte
    (b"\\uff41\\uFF21\\uff5f", b"aA_", True),  # full-width ASCII gets 0x20
    (b"\\U0041", b"U0041", True),  # only lower-case u; otherwise "\C" -> "C"
    (b"\\u004", b"u004", True),
    (b"\\x41\\x4a", b"AJ", True),
    (b"\\X41", b"X41", True),
    (b"\\x4", b"x4", True),
    (b"\\101\\0\\12x", b"A\x00\nx", True),
    (b"\\377\\400\\477", b"\xff 0'7", True),  # three digits only if the first is 0-3
    (b"\\8\\9", b"89", True),
    (b"\\a\\b\\f\\n\\r\\t\\v", b"\a\b\f\n\r\t\v", True),
    (b"\\\\\\'\\\"\\?\\e", b"\\'\"?e", True),
    (b"\\\x00", b"\x00", True),
    (b"abc\\", b"abc\\", False),  # a final backslash is kept
    # The original of the STS case jsDecode.json#4, whose JSON lost the escapes.
    (b"8966\\x0a\\x00\\x00\\x00\\x0a\\x0a\\x0a3u00a", b"8966\n\x00\x00\x00\n\n\n3u00a", True),
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_js_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("jsDecode", value, output, changed)
