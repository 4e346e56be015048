"""validateByteRange / validateUrlEncoding / validateUtf8Encoding: v2's checks and texts."""

from __future__ import annotations

import pytest

from modsec_py.operators.validate_utf8_encoding import utf8_error
from tests.unit.operators._helpers import run


def test_byte_range() -> None:
    assert run("validateByteRange", "32-126", b"ok text") is None
    assert run("validateByteRange", "65-90,97", b"ABa\x01b", var="ARGS:vb") == \
        "Found 2 byte(s) in ARGS:vb outside range: 65-90,97."  # as Debian's 2.9.7 says
    assert run("validateByteRange", "", b"x") == "Found 1 byte(s) in ARGS:x outside range: ."
    assert run("validateByteRange", "xxx", b"\0") is None  # atoi("xxx") == 0
    assert run("validateByteRange", "0-255", bytes(range(256))) is None
    assert run("validateByteRange", "1-255", b"a\0b\0") == "Found 2 byte(s) in ARGS:x outside range: 1-255."


@pytest.mark.parametrize(("value", "text"), [
    (b"a%20b+c", None), (b"%ff%00", None), (b"abc", None),
    (b"%0", "Invalid URL Encoding: Not enough characters at the end of input at ARGS:x."),
    (b"ab%", "Invalid URL Encoding: Not enough characters at the end of input at ARGS:x."),
    (b"%zz", "Invalid URL Encoding: Non-hexadecimal digits used at ARGS:x."),
    (b"%0%", "Invalid URL Encoding: Non-hexadecimal digits used at ARGS:x."),
    (b"%%41", "Invalid URL Encoding: Non-hexadecimal digits used at ARGS:x."),
    (b"%41%z", "Invalid URL Encoding: Not enough characters at the end of input at ARGS:x."),
])
def test_url_encoding(value: bytes, text: str | None) -> None:
    assert run("validateUrlEncoding", "", value) == text


@pytest.mark.parametrize(("value", "error"), [
    (b"plain", None), ("d\u00e9j\u00e0 \u20ac \U0001f600".encode(), None),
    (b"\xf4\x90\x80\x80", None),  # above U+10FFFF: v2 only refuses lead bytes >= 0xF5
    (b"ab\xc3", ("not enough bytes in character", 2)),
    (b"\xc3(", ("invalid byte value in character", 0)),
    (b"x\x80", ("invalid byte value in character", 1)),
    (b"\xc0\xaf", ("overlong character detected", 0)),
    (b"\xe0\x80\xaf", ("overlong character detected", 0)),
    (b"\xf0\x80\x80\xaf", ("overlong character detected", 0)),
    (b"\xed\xa0\x80", ("use of restricted character", 0)),
    (b"\xf5\x80\x80\x80", ("use of restricted character", 0)),
    (b"\xf8", ("invalid byte value in character", 0)),
])
def test_utf8(value: bytes, error: tuple[str, int] | None) -> None:
    assert utf8_error(value) == error
    text = run("validateUtf8Encoding", "", value)
    if error is None:
        assert text is None
    else:
        assert text == f'Invalid UTF-8 encoding: {error[0]} at ARGS:x. [offset "{error[1]}"]'
