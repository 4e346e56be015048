"""escapeSeqDecode: ANSI C escapes."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"plain", b"plain", False),
    (b"\\a\\b\\f\\n\\r\\t\\v\\\\\\?\\'\\\"", b"\a\b\f\n\r\t\v\\?'\"", True),
    (b"\\x41\\X4a", b"AJ", True),
    (b"\\xag\\x4", b"xagx4", True),  # invalid: the backslash goes, the rest stays
    (b"\\0\\01\\012\\0123", b"\x00\x01\n\n3", True),
    (b"\\666\\777", b"\xb6\xff", True),  # modulo 256
    (b"\\8\\9\\e", b"89e", True),
    (b"\\u0041", b"u0041", True),
    (b"abc\\", b"abc\\", False),
    (b"\\\x00", b"\x00", True),
    # The original of the STS case escapeSeqDecode.json#5.
    (b"\\8\\9\\666\\xag\\xga\\0123", b"89\xb6xagxga\n3", True),
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_escape_seq_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("escapeSeqDecode", value, output, changed)
