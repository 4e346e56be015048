"""t:urlEncode: percent-encode every byte except ``*``, digits and ASCII letters; space becomes ``+``.

v2 writes lower-case hex (``%2f``) and also encodes ``-``, ``.``, ``_`` and ``~``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._registry import transformation

_KEPT = re.compile(rb"[*0-9A-Za-z]*")
_ENCODED = [bytes([byte]) if _KEPT.fullmatch(bytes([byte])) else b"%%%02x" % byte for byte in range(256)]
_ENCODED[0x20] = b"+"


@transformation("urlEncode")
def url_encode(value: bytes) -> bytes:
    if _KEPT.fullmatch(value):
        return value
    return b"".join([_ENCODED[byte] for byte in value])
