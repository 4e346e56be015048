"""t:hexDecode: each pair of hex digits to a byte; an odd last character is dropped.

v2 does not validate: a pair that is not hex still becomes a byte, through ``x2c``'s
arithmetic (``"0z"`` gives 0x23, ``#``). v2 always reports it changed, even for ``""``.
"""

from __future__ import annotations

import binascii
import re

from modsec_py.transformations._cbytes import x2c
from modsec_py.transformations._registry import always, transformation

_HEX_ONLY = re.compile(rb"[0-9A-Fa-f]*")


@transformation("hexDecode", changed=always)
def hex_decode(value: bytes) -> bytes:
    even = value[:len(value) & ~1]
    if _HEX_ONLY.fullmatch(even):
        return binascii.unhexlify(even)
    return bytes(x2c(even[index], even[index + 1]) for index in range(0, len(even), 2))
