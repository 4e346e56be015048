"""hexDecode (odd length, invalid digits) and sqlHexDecode."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

HEX = [
    (b"", b"", True),  # v2 always reports a change
    (b"414243", b"ABC", True),
    (b"4142434", b"ABC", True),  # an odd last digit is dropped
    (b"4", b"", True),
    (b"0z", b"#", True),  # not validated: x2c's arithmetic on "z"
    (b"zz!!  ", b"S\x01\xf0", True),
    (b"4a4A", b"JJ", True),
]

SQL_HEX = [
    (b"", b"", True),  # always reports a change
    (b"plain", b"plain", True),
    (b"0x414243", b"ABC", True),
    (b"SELECT 0X41,0x4a4B", b"SELECT A,JK", True),
    (b"0x4", b"0x4", True),  # no complete pair: kept
    (b"0x414", b"A4", True),
    (b"0x41g", b"Ag", True),
    (b"0x410x42", b"A0x42", True),  # the byte after a literal is copied unexamined
    (b"0x41 0x42", b"A B", True),
    (b"0x", b"0x", True),
    (b"0x4100ff", b"A", True),  # the result is a C string: it ends at the decoded NUL
    (b"ab\x000x41", b"ab", True),  # and so does the input
]


@pytest.mark.parametrize(("value", "output", "changed"), HEX)
def test_hex_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("hexDecode", value, output, changed)


@pytest.mark.parametrize(("value", "output", "changed"), SQL_HEX)
def test_sql_hex_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("sqlHexDecode", value, output, changed)
