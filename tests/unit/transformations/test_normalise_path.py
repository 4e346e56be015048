"""normalisePath and normalisePathWin, and their American spellings."""

from __future__ import annotations

import pytest

from modsec_py import transformations
from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"/a/b/c", b"/a/b/c", False),
    (b"/a/./b/../c", b"/a/c", True),
    (b"/a//b///c//", b"/a/b/c/", True),
    (b"a/b/", b"a/b/", False),
    (b"/a/b/..", b"/a", False),  # v2 skips its flag for a back-reference at the very end
    (b"/a/b/.", b"/a/b", True),
    (b"/..", b"", False),  # the root slash goes too: the input had no trailing slash
    (b"/../../a", b"/a", True),  # an absolute path stops at the root
    (b"../../a", b"../../a", False),  # a relative one keeps what climbs above its start
    (b"a/../../b", b"../b", True),
    (b"./a", b"a", True),
    (b".", b"", True),
    (b"..", b"..", False),
    (b"a/b../c", b"a/c", True),  # v2 takes any segment ending in ".." for a back-reference
    (b"a/.b/c.", b"a/.b/c.", False),
    (b"a/b\\..\\c", b"a/b\\..\\c", False),  # backslashes are ordinary here
    (b"/a/\x00/../b", b"/a/b", True),
]

WIN_CASES = [
    (b"\\a\\b\\..\\c", b"/a/c", True),
    (b"a\\b", b"a/b", True),  # converting a backslash is a change
    (b"c:\\windows\\.\\system32\\", b"c:/windows/system32/", True),
    (b"a\\\\\\b", b"a\\b", True),  # v2 copies the last of several separators unconverted
    (b"a\\/b", b"a/b", True),
    (b"..\\..\\a", b"../../a", True),
    (b"/a/./b", b"/a/b", True),
    (b"/a/b", b"/a/b", False),
]


@pytest.mark.parametrize("name", ["normalisePath", "normalizePath"])
@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_normalise_path(name: str, value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms(name, value, output, changed)


@pytest.mark.parametrize("name", ["normalisePathWin", "normalizePathWin"])
@pytest.mark.parametrize(("value", "output", "changed"), WIN_CASES)
def test_normalise_path_win(name: str, value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms(name, value, output, changed)


def test_the_spellings_are_the_same_function() -> None:
    assert transformations.get("normalizePath") is transformations.get("normalisePath")
    assert transformations.get("normalizePathWin") is transformations.get("normalisePathWin")
