"""t:parityEven7bit: set the high bit of each byte so that its 7 low bits plus it have even parity.

v2 computes the parity of the whole byte (high bit included) before replacing the high bit,
so a byte >= 0x80 may come out different from its 7-bit twin; the table reproduces that.
"""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


def _even(byte: int) -> int:
    nibble = (byte ^ (byte >> 4)) & 0xF
    return byte | 0x80 if (0x6996 >> nibble) & 1 else byte & 0x7F


_TABLE = bytes(_even(byte) for byte in range(256))


@transformation("parityEven7bit")
def parity_even_7bit(value: bytes) -> bytes:
    result = value.translate(_TABLE)
    return value if result == value else result
