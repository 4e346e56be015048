"""replaceComments, removeComments (terminated or not) and removeCommentsChar."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

REPLACE = [
    (b"", b"", False),
    (b"a */ b", b"a */ b", False),
    (b"a/*x*/b", b"a b", True),
    (b"a/**/b/* c", b"a b ", True),  # unterminated: one space to the end
    (b"/*/", b" ", True),  # "/*/" does not close itself
    (b"a/*x/*y*/b*/", b"a b*/", True),
    (b"--x#y<!--z-->", b"--x#y<!--z-->", False),
]

REMOVE = [
    (b"", b"", False),
    (b"a */ b", b"a */ b", False),
    (b"a/*x*/b", b"ab", True),
    (b"a/*x*/", b"a\x00", True),  # v2 copies the C terminator after a final "*/"
    (b"a<!--x-->b", b"ab", True),
    (b"a<!--x*/b", b"ab", True),  # either closing marker ends either comment
    (b"a/**/#b", b"a#b", True),  # the byte after a closing marker is copied unexamined
    (b"a/**//*b*/c", b"a/*b*/c", True),
    (b"a/* x", b"a ", True),  # unterminated: one space
    (b"SELECT 1 -- x", b"SELECT 1 ", True),  # "--" and "#" cut the value
    (b"a#b/*c*/", b"a", True),
    (b"a-b", b"a-b", False),
]

REMOVE_CHAR = [
    (b"", b"", False),
    (b"a-b", b"a-b", False),
    (b"/*a*/b", b"ab", True),  # only the markers go
    (b"<!--a-->", b"a", True),
    (b"a--b#c", b"abc", True),
    (b"a--->b", b"a->b", True),
    (b"a/*/b", b"a/b", True),
]


@pytest.mark.parametrize(("value", "output", "changed"), REPLACE)
def test_replace_comments(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("replaceComments", value, output, changed)


@pytest.mark.parametrize(("value", "output", "changed"), REMOVE)
def test_remove_comments(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("removeComments", value, output, changed)


@pytest.mark.parametrize(("value", "output", "changed"), REMOVE_CHAR)
def test_remove_comments_char(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("removeCommentsChar", value, output, changed)
