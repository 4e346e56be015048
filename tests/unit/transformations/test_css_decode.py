"""cssDecode: 1-6 hex digits, the full-width check, the swallowed white space."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"plain", b"plain", False),
    (b"\\41\\4a", b"AJ", True),
    (b"\\1", b"\x01", True),  # one digit: its value
    (b"\\123", b"#", True),  # the last two digits
    (b"\\ff41\\ff21\\ff5f\\fe41", b"aA_A", True),  # four digits: full-width check
    (b"\\0ff41\\1ff41", b"aA", True),  # five: checked only with a leading 0
    (b"\\00ff41\\01ff41", b"aA", True),  # six: checked only with 00
    (b"\\1234567", b"V7", True),  # at most six digits
    (b"\\41 B\\41\tB\\41  B", b"AB\x41B\x41 B", True),  # one white space after digits is swallowed
    (b"\\41\x0bB", b"AB", True),
    (b"\\g\\\\\\'", b"g\\'", True),
    (b"a\\\nb", b"ab", True),  # an escaped newline disappears
    (b"a\\\rb", b"a\rb", True),
    (b"abc\\", b"abc", True),  # so does a final backslash
    (b"\\\x00 x", b"\x00 x", True),
    # The end of the STS case cssDecode.json#3: both spaces stay (the JSON expects one).
    (b"\\\n\\\x00  string", b"\x00  string", True),
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_css_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("cssDecode", value, output, changed)
