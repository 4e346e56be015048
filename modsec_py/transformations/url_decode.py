"""t:urlDecode: decode ``%HH`` and ``+`` (v2's non-strict ``urldecode_nonstrict_inplace_ex``).

An invalid or truncated ``%`` sequence is kept as it is; ``%2B`` gives ``+`` (not a space).
``%uHHHH`` is not decoded here (see urlDecodeUni).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from modsec_py.transformations._cbytes import PERCENT, PLUS
from modsec_py.transformations._registry import transformation


@transformation("urlDecode")
def url_decode(value: bytes) -> bytes:
    if PLUS in value:
        value = value.replace(b"+", b" ")
    elif PERCENT not in value:
        return value
    if PERCENT not in value:
        return value
    result = unquote_to_bytes(value)  # invalid "%" sequences are kept
    return value if result == value else result
