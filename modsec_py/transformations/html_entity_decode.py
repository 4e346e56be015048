"""t:htmlEntityDecode: decode HTML entities, as v2's ``html_entities_decode_inplace``.

- ``&#DDD`` and ``&#xHH`` (any number of digits, ``;`` optional) give one byte: the number
  modulo 256 (C ``strtol`` saturates, so a huge number gives 0xFF);
- ``&quot`` ``&amp`` ``&lt`` ``&gt`` ``&nbsp`` (any case, ``;`` optional) give ``" & < >``
  and 0xA0; other names are kept, like anything that is not a complete entity.

``&#x41&lt;&foo;`` becomes ``A<&foo;``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import AMPERSAND
from modsec_py.transformations._registry import transformation

_ENTITY = re.compile(rb"&(?:#[xX]([0-9A-Fa-f]+);?|#([0-9]+);?|([A-Za-z0-9]+);?)")
_NAMED = {b"quot": b'"', b"amp": b"&", b"lt": b"<", b"gt": b">", b"nbsp": b"\xa0"}
_LONG_MAX = 2**63 - 1


def _number(digits: bytes, base: int) -> bytes:
    return bytes((min(int(digits, base), _LONG_MAX) & 0xFF,))


def _decode(match: re.Match[bytes]) -> bytes:
    if match[1] is not None:
        return _number(match[1], 16)
    if match[2] is not None:
        return _number(match[2], 10)
    return _NAMED.get(match[3].lower(), match[0])


@transformation("htmlEntityDecode")
def html_entity_decode(value: bytes) -> bytes:
    if AMPERSAND not in value:
        return value
    result = _ENTITY.sub(_decode, value)  # unknown names match but stay
    return value if result == value else result
