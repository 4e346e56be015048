"""The one-liners: case, NULs, parity, encodings, hashes, length."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    ("lowercase", b"", b"", False),
    ("lowercase", b"MiXeD 123", b"mixed 123", True),
    ("lowercase", b"\xc0\xc9\xde", b"\xc0\xc9\xde", False),  # ASCII only
    ("removeNulls", b"\x00a\x00\x00b\x00", b"ab", True),
    ("replaceNulls", b"\x00a\x00", b" a ", True),
    ("replaceNulls", b"a b", b"a b", False),
    ("parityZero7bit", b"\x80\xc1a", b"\x00Aa", True),
    ("parityEven7bit", b"ac\xe1", b"\xe1ca", True),  # the parity of all 8 bits decides
    ("parityOdd7bit", b"ac\xe1", b"a\xe3\xe1", True),
    ("urlEncode", b"", b"", False),
    ("urlEncode", b"aZ09*", b"aZ09*", False),
    ("urlEncode", b"a b-._~/\x00\xff", b"a+b%2d%2e%5f%7e%2f%00%ff", True),
    ("hexEncode", b"", b"", True),  # v2 always reports a change
    ("hexEncode", b"\x00\xffA", b"00ff41", True),
    ("length", b"", b"0", True),
    ("length", b"1", b"1", True),  # "changed" although equal
    ("length", b"a\x00b", b"3", True),
    ("md5", b"", bytes.fromhex("d41d8cd98f00b204e9800998ecf8427e"), True),
    ("sha1", b"", bytes.fromhex("da39a3ee5e6b4b0d3255bfef95601890afd80709"), True),
]


@pytest.mark.parametrize(("name", "value", "output", "changed"), CASES)
def test_simple_transformations(name: str, value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms(name, value, output, changed)
