"""t:parityZero7bit: clear the high bit of every byte."""

from __future__ import annotations

from modsec_py.transformations._registry import transformation

_TABLE = bytes(byte & 0x7F for byte in range(256))


@transformation("parityZero7bit")
def parity_zero_7bit(value: bytes) -> bytes:
    return value if value.isascii() else value.translate(_TABLE)
