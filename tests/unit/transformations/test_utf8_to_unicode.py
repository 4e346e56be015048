"""utf8toUnicode (v2 spelling: Utf8toUnicode)."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"ascii %u0041", b"ascii %u0041", False),
    (b"caf\xc3\xa9", b"caf%u00e9", True),
    (b"\xe2\x82\xac\xd0\x80", b"%u20ac%u0400", True),
    (b"\xf0\x9f\x98\x80", b"%u1f600", True),  # beyond the BMP: five digits
    (b"\xf4\x8f\xbf\xbf", b"%u10ffff", True),
    (b"a\x00b\x00", b"ab", False),  # NUL bytes disappear, unreported
    (b"\xc3(", b"(", False),  # an invalid sequence loses its lead byte, unreported
    (b"\xe2\x82", b"\x82", False),  # truncated: the continuation byte is then kept alone
    (b"\xa9\xff\xf8", b"\xa9\xff\xf8", False),  # stray bytes are kept
    (b"\xc0\xaf", b"%u002f\xc0", True),  # overlong: converted, then the lead byte
    (b"\xe0\x80\xaf", b"%u002f\xe0", True),
    (b"\xed\xa0\x80", b"%ud800\xed", True),  # a surrogate too
    (b"\xf5\x80\x80\x80", b"\xf5%u140000", True),  # F5-F7 lead bytes are copied first
    (b"\xf6(", b"\xf6(", False),
    (b"\xc3\xa9\x00", b"%u00e9", True),
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_utf8_to_unicode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("utf8toUnicode", value, output, changed)
