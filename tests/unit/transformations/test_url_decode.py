"""urlDecode and urlDecodeUni, without and with a Unicode map."""

from __future__ import annotations

import pytest

from modsec_py import transformations
from modsec_py.seclang.directives.lookups import parse_unicode_map
from tests.unit.transformations import assert_transforms

URL_DECODE = [
    (b"", b"", False),
    (b"plain", b"plain", False),
    (b"a+b", b"a b", True),
    (b"%41%2b%2B", b"A++", True),  # an encoded plus stays a plus
    (b"%", b"%", False),
    (b"%4", b"%4", False),  # truncated
    (b"%zz%4g", b"%zz%4g", False),  # invalid: kept
    (b"%%41", b"%A", True),
    (b"%00%ff", b"\x00\xff", True),
    (b"%u0041", b"%u0041", False),  # no %u here
]

URL_DECODE_UNI = [
    *[row for row in URL_DECODE if row[0] != b"%u0041"],
    (b"%u0041%U0042", b"AB", True),
    (b"%u00e9", b"\xe9", True),  # the low byte
    (b"%u20ac", b"\xac", True),
    (b"%uff41%uFF21%uFf01", b"aA!", True),  # full-width ASCII: low byte + 0x20
    (b"%uff5e%uff5f%uff00", b"~_\x00", True),  # only FF01-FF5E get the 0x20
    (b"%ufe41", b"A", True),
    (b"%u3002", b"\x02", True),  # the full stops are mapped only when a map is loaded
    (b"%u004", b"%u004", False),  # too short: "%u" kept, rest is text
    (b"%u00zz", b"%u00zz", False),
    (b"%u%41", b"%uA", True),
    (b"%uu0041", b"%uu0041", False),
    (b"+%u002b", b" +", True),
]

MAP_FILE = b"""
(comment) 0
20127 (US-ASCII)
00e9:65 2215:2f 0100:41
1252 (Windows)
00e9:e9
"""


@pytest.mark.parametrize(("value", "output", "changed"), URL_DECODE)
def test_url_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("urlDecode", value, output, changed)


@pytest.mark.parametrize(("value", "output", "changed"), URL_DECODE_UNI)
def test_url_decode_uni(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("urlDecodeUni", value, output, changed)


@pytest.mark.parametrize(("value", "output"), [
    (b"%u00e9%u2215%u0100", b"e/A"),  # mapped by code page 20127
    (b"%u00E9", b"e"),
    (b"%u20ac%uff41", b"\xaca"),  # unmapped: low byte, full-width rule
    (b"%u3002%uff0e%uFF61", b"..."),  # v2 always maps these full stops once a map is loaded
    (b"%e9+", b"\xe9 "),
])
def test_url_decode_uni_with_a_unicode_map(value: bytes, output: bytes) -> None:
    decode = transformations.make_url_decode_uni(parse_unicode_map(MAP_FILE, 20127), 20127)
    assert decode(value) == output


def test_a_map_without_a_code_page_is_not_used() -> None:
    # v2 consults the map only when SecUnicodeCodePage (or the file's second argument) is > 0.
    decode = transformations.make_url_decode_uni(parse_unicode_map(MAP_FILE, 0), 0)
    assert decode is transformations.get("urlDecodeUni")
    assert decode(b"%u00e9") == b"\xe9"


def test_mapped_values_are_stored_in_a_byte() -> None:
    decode = transformations.make_url_decode_uni({0x41: 0x141, 0x42: -1}, 1)
    assert decode(b"%u0041%u0042") == b"\x41\x42"  # 0x141 & 0xFF; -1 means "not mapped"
