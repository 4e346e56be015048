"""t:parityOdd7bit: set the high bit of each byte so that its 7 low bits plus it have odd parity.

Like parityEven7bit, v2 takes the parity of the whole byte (high bit included).
"""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


def _odd(byte: int) -> int:
    nibble = (byte ^ (byte >> 4)) & 0xF
    return byte & 0x7F if (0x6996 >> nibble) & 1 else byte | 0x80


_TABLE = bytes(_odd(byte) for byte in range(256))


@transformation("parityOdd7bit")
def parity_odd_7bit(value: bytes) -> bytes:
    result = value.translate(_TABLE)
    return value if result == value else result
