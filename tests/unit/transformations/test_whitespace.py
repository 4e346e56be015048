"""trim, trimLeft, trimRight, compressWhitespace and removeWhitespace."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

WHITE = b" \t\n\x0b\x0c\r"

TRIM = [
    # (input, trim, trimLeft, trimRight)
    (b"", b"", b"", b""),
    (b"a b", b"a b", b"a b", b"a b"),
    (WHITE + b"a b" + WHITE, b"a b", b"a b" + WHITE, WHITE + b"a b"),
    (b"\xa0a\xa0", b"\xa0a\xa0", b"\xa0a\xa0", b"\xa0a\xa0"),  # NBSP is not white space for trim
    (b"\x00 a \x00", b"\x00 a \x00", b"\x00 a \x00", b"\x00 a \x00"),
    (WHITE, b"", b"", b""),
]

COMPRESS = [
    (b"", b"", False),
    (b"a b c", b"a b c", False),
    (b"a\tb", b"a b", False),  # v2 flags only runs of two or more
    (b"a\xa0b", b"a b", False),
    (b"a  b", b"a b", True),
    (b"a \t\n\x0b\x0c\r\xa0b", b"a b", True),
    (b"  a  ", b" a ", True),
    (b"a\x00 b", b"a\x00 b", False),
]

REMOVE = [
    (b"", b"", False),
    (b"ab", b"ab", False),
    (b" a\tb\xa0c\x0b\x0c\r\n", b"abc", True),
    (b"a\x00b", b"a\x00b", False),
]


@pytest.mark.parametrize(("value", "trimmed", "left", "right"), TRIM)
def test_trim_variants(value: bytes, trimmed: bytes, left: bytes, right: bytes) -> None:
    assert_transforms("trim", value, trimmed, trimmed != value)
    assert_transforms("trimLeft", value, left, left != value)
    assert_transforms("trimRight", value, right, right != value)


@pytest.mark.parametrize(("value", "output", "changed"), COMPRESS)
def test_compress_whitespace(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("compressWhitespace", value, output, changed)


@pytest.mark.parametrize(("value", "output", "changed"), REMOVE)
def test_remove_whitespace(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("removeWhitespace", value, output, changed)
