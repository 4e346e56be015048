"""t:urlDecodeUni: like urlDecode, plus IIS's ``%uHHHH``.

``%uHHHH`` (or ``%UHHHH``) becomes one byte. Without a Unicode map (v2's default) that is
the low byte ``HH``, plus 0x20 for full-width ASCII ``%uFF01``-``%uFF5E`` (so ``%uFF41``
gives ``a``). With ``SecUnicodeMapFile`` and a code page, a code point the map knows gives
its mapped byte and the others fall back to the low byte. An invalid ``%u`` is kept as it is.

The registered ``urlDecodeUni`` has no map; :func:`make_url_decode_uni` builds the variant
for a configuration (the engine uses it when ``SecUnicodeMapFile`` is set).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import unquote_to_bytes

from modsec_py.transformations._cbytes import PERCENT, PLUS, full_width
from modsec_py.transformations._registry import Transformation, transformation

_ESCAPE = re.compile(rb"%(?:[uU]([0-9A-Fa-f]{4})|([0-9A-Fa-f]{2}))")
_UNMAPPED = -1  # v2's unicode_map_table holds -1 for a code point without mapping
_DIGITS = b"0123456789abcdefABCDEF"
_PAIRS = {bytes((high, low)): int(bytes((high, low)), 16) for high in _DIGITS for low in _DIGITS}
_BYTES = [bytes((byte,)) for byte in range(256)]


def _unmapped(match: re.Match[bytes]) -> bytes:
    code = match[1]
    if code is None:
        return _BYTES[_PAIRS[match[2]]]
    return _BYTES[full_width(code[:2], _PAIRS[code[2:]])]


def make_url_decode_uni(unicode_map: Mapping[int, int] | None, code_page: int) -> Transformation:
    """t:urlDecodeUni for a configuration: ``EngineConfig.unicode_map`` and ``unicode_code_page``.

    v2 consults the map only when one was loaded *and* the code page is positive; a mapped
    value is stored in a byte (``& 0xFF``).
    """
    if unicode_map is None or code_page <= 0:
        return url_decode_uni
    table = dict(unicode_map)

    def _mapped(match: re.Match[bytes]) -> bytes:
        code = match[1]
        if code is None:
            return _BYTES[_PAIRS[match[2]]]
        mapped = table.get(int(code, 16), _UNMAPPED)
        if mapped == _UNMAPPED:
            return _BYTES[full_width(code[:2], _PAIRS[code[2:]])]
        return _BYTES[mapped & 0xFF]

    def url_decode_uni_mapped(value: bytes) -> bytes:
        return _decode(value, _mapped)

    return url_decode_uni_mapped


def _decode(value: bytes, decode_escape: Callable[[re.Match[bytes]], bytes]) -> bytes:
    if PLUS in value:
        value = value.replace(b"+", b" ")
    elif PERCENT not in value:
        return value
    if PERCENT not in value:
        return value
    if b"%u" not in value and b"%U" not in value:
        result = unquote_to_bytes(value)  # invalid "%" sequences are kept
        return value if result == value else result
    return _ESCAPE.sub(decode_escape, value)


@transformation("urlDecodeUni")
def url_decode_uni(value: bytes) -> bytes:
    if PERCENT not in value and PLUS not in value:
        return value  # the common case, without a call
    return _decode(value, _unmapped)
