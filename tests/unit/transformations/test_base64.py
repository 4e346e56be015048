"""base64Decode against base64DecodeExt on bad input, and base64Encode."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

# (input, base64Decode, its flag, base64DecodeExt, its flag)
CASES = [
    (b"", b"", False, b"", False),
    (b"VGVzdA==", b"Test", True, b"Test", True),
    (b"VGVzdA", b"Test", True, b"Test", True),  # padding is optional
    (b"VGVzdA=", b"Test", True, b"Test", True),
    (b"VGVz dA==", b"Tes", True, b"Test", True),  # Decode stops at the space, Ext skips it
    (b"VGVz\ndA==", b"Tes", True, b"Test", True),
    (b"VGVz.dA-=", b"Tes", True, b"Test", True),  # Ext skips any byte outside the alphabet
    (b"VGVzdA==VGVzdA==", b"Test", True, b"Test\x05FW7@", True),  # Ext: one stream, "=" only skipped
    (b"VGVzdA==garbage", b"Test", True, b"Test\x08\x1a\xad\xb6\xa0", True),
    (b"V", b"", False, b"", False),  # a lone 6-bit group gives nothing: no change reported
    (b"!!!", b"", False, b"", False),
    (b"VGVzd", b"Tes", True, b"Tes", True),  # the incomplete last byte is dropped
    (b"VG=Vz", b"T", True, b"Tes", True),
    (b"V=Vz", b"", False, b"", False),  # Ext: "=" after 1 (mod 4) characters empties the result
    (b"V==Vz", b"", False, b"", False),  # the second "=" still follows 1 (mod 4) characters
    (b"VGVz\x00dA==", b"Tes", True, b"Tes", True),  # both stop at NUL
    (b"VGVzdA_-", b"Test", True, b"Test", True),  # no URL-safe alphabet
]


@pytest.mark.parametrize(("value", "decoded", "changed", "decoded_ext", "changed_ext"), CASES)
def test_base64_decode_and_ext(value: bytes, decoded: bytes, changed: bool, decoded_ext: bytes,
                               changed_ext: bool) -> None:
    assert_transforms("base64Decode", value, decoded, changed)
    assert_transforms("base64DecodeExt", value, decoded_ext, changed_ext)


@pytest.mark.parametrize(("value", "output", "changed"), [
    (b"", b"", False),
    (b"Test", b"VGVzdA==", True),
    (b"\x00\xff", b"AP8=", True),
])
def test_base64_encode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("base64Encode", value, output, changed)
