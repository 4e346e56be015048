"""t:base64Encode: standard Base64 with padding (APR's ``apr_base64_encode``)."""

from __future__ import annotations

import binascii

from modsec_py.transformations._registry import non_empty, transformation


@transformation("base64Encode", changed=non_empty)
def base64_encode(value: bytes) -> bytes:
    return binascii.b2a_base64(value, newline=False)
