"""cmdLine (v2 spelling: cmdline)."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", True),  # v2 always reports a change
    (b"dir", b"dir", True),
    (b"C^OMMAND /C DIR", b"command/c dir", True),
    (b"\"c\"m'd\\.e^xe", b"cmd.exe", True),
    (b"a , ;\t\r\nb", b"a b", True),  # a run of separators: one space
    (b"a \" ' b", b"a b", True),  # deleted characters do not end a run
    (b"a / b ( c", b"a/ b( c", True),  # the space before / and ( goes, the one after stays
    (b"  /x", b"/x", True),
    (b" a ", b" a ", True),
    (b"a\x0bb\x0cC", b"a\x0bb\x0cc", True),  # \v and \f are ordinary characters here
    (b"\xc0A\xe9", b"\xc0a\xe9", True),
    (b"ab\x00CD", b"ab", True),  # a C string: it ends at NUL
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_cmd_line(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("cmdLine", value, output, changed)
