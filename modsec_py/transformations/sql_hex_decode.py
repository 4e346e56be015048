"""t:sqlHexDecode: decode SQL hex literals: ``0x414243`` -> ``ABC``.

Each ``0x``/``0X`` followed by at least one pair of hex digits is replaced by the bytes of
all the pairs that follow. v2 quirks (``sql_hex2bytes_inplace``) kept here:

- the byte right after a decoded literal is copied as it is, without being looked at, so
  ``0x410x42`` gives ``A0x42``;
- v2 works on a C string: the value ends at its first NUL byte, and so does the result
  (``0x4100ff`` gives ``A``);
- it always reports the value changed.
"""

from __future__ import annotations

import binascii
import re

from modsec_py.transformations._cbytes import NUL, ZERO
from modsec_py.transformations._registry import always, transformation

_LITERAL = re.compile(rb"0[xX]((?:[0-9A-Fa-f]{2})+)(.?)", re.DOTALL)


def _decode(match: re.Match[bytes]) -> bytes:
    return binascii.unhexlify(match[1]) + match[2]


@transformation("sqlHexDecode", changed=always)
def sql_hex_decode(value: bytes) -> bytes:
    if NUL in value:
        value = value.split(b"\0", 1)[0]
    if ZERO not in value:
        return value
    return _LITERAL.sub(_decode, value).split(b"\0", 1)[0]
