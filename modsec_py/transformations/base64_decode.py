"""t:base64Decode: decode Base64 the way APR's ``apr_base64_decode`` does.

Decoding stops at the first byte outside the Base64 alphabet (``=``, white space, NUL...);
what came before is decoded, a final lone character is dropped. Nothing is rejected:
``"VGVzdA==garbage"`` gives ``"Test"``, ``"!"`` gives ``""``.

v2's flag is "the result is not empty" (so ``"A"`` -> ``""`` reports no change).
"""

from __future__ import annotations

import binascii
import re

from modsec_py.transformations._registry import non_empty, transformation

_ENCODED_PREFIX = re.compile(rb"[A-Za-z0-9+/]*")


def decode_prefix(encoded: bytes) -> bytes:
    """Decode ``encoded`` (only Base64 alphabet bytes) without padding, as APR does for a partial group."""
    usable = len(encoded) - (1 if len(encoded) % 4 == 1 else 0)  # a lone 6-bit group yields no byte
    return binascii.a2b_base64(encoded[:usable] + b"=" * (-usable % 4))


@transformation("base64Decode", changed=non_empty)
def base64_decode(value: bytes) -> bytes:
    match = _ENCODED_PREFIX.match(value)
    return decode_prefix(match[0]) if match else b""
