"""parse_arguments: QUERY_STRING and URLENCODED bodies as v2.9.7's msc_parsers.c splits and decodes them.

Every expectation was checked against Debian's 2.9.7 (debug log "Adding request argument").
"""

from __future__ import annotations

import pytest

from modsec_py.bodyprocessors.urlencoded import parse_arguments, url_decode_nonstrict

CASES = [
    pytest.param(b"a=1&b=2", [(b"a", b"1"), (b"b", b"2")], 0, id="plain"),
    pytest.param(b"a&&b", [(b"a", b""), (b"", b""), (b"b", b"")], 0, id="empty-piece-is-an-argument"),
    pytest.param(b"a&", [(b"a", b"")], 0, id="trailing-separator-adds-nothing"),
    pytest.param(b"&", [(b"", b"")], 0, id="lone-separator"),
    pytest.param(b"=", [(b"", b"")], 0, id="lone-equals"),
    pytest.param(b"=1&a==2", [(b"", b"1"), (b"a", b"=2")], 0, id="empty-name-and-second-equals"),
    pytest.param(b"b=%41%4&c=%4", [(b"b", b"A%4"), (b"c", b"%4")], 2, id="short-escapes-kept"),
    pytest.param(b"a+b=c+d&x=%2", [(b"a b", b"c d"), (b"x", b"%2")], 1, id="plus-is-space"),
    pytest.param(b"x=%00y%zz", [(b"x", b"\x00y%zz")], 1, id="nul-kept-invalid-kept"),
    pytest.param(b"a=1;b=2", [(b"a", b"1;b=2")], 0, id="semicolon-is-no-separator"),
    pytest.param(b"%41%42=%C3%A9", [(b"AB", b"\xc3\xa9")], 0, id="names-decoded"),
    pytest.param(b"a=%u0041", [(b"a", b"%u0041")], 1, id="no-u-escapes"),
    pytest.param(b"a=%2B+%2b", [(b"a", b"+ +")], 0, id="decoded-plus-stays"),
    pytest.param(b"c", [(b"c", b"")], 0, id="no-equals"),
    pytest.param(b"", [], 0, id="empty"),
]


@pytest.mark.parametrize(("data", "arguments", "invalid"), CASES)
def test_parse_arguments_as_v2(data: bytes, arguments: list, invalid: int) -> None:
    parsed = parse_arguments(data)
    assert parsed.arguments == arguments
    assert parsed.invalid_count == invalid
    assert parsed.urlencoded_error is (invalid != 0)


def test_custom_separator() -> None:
    assert parse_arguments(b"a=1;b=2&c=3", b";").arguments == [(b"a", b"1"), (b"b", b"2&c=3")]


@pytest.mark.parametrize(("data", "decoded", "invalid"), [
    (b"%", b"%", 1), (b"%4", b"%4", 1), (b"%41", b"A", 0), (b"%+1", b"% 1", 1), (b"% 1", b"% 1", 1),
    (b"%4%41", b"%4A", 1), (b"%fF", b"\xff", 0), (b"%g0", b"%g0", 1),
])
def test_nonstrict_decoder(data: bytes, decoded: bytes, invalid: int) -> None:
    # "%+1" and "% 1" must not be taken for hex by int(): v2's isxdigit test
    assert url_decode_nonstrict(data) == (decoded, invalid)
