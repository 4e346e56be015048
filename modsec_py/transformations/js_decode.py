"""t:jsDecode: decode JavaScript escapes, as v2's ``js_decode_nonstrict_inplace``.

- ``\\uHHHH`` gives its low byte, plus 0x20 for full-width ASCII ``\\uFF01``-``\\uFF5E``;
- ``\\xHH`` gives that byte;
- ``\\OOO`` (1-3 octal digits, only two if the first is 4-7) gives that byte;
- ``\\a \\b \\f \\n \\r \\t \\v`` give the control characters, any other ``\\C`` gives ``C``;
- a backslash at the end is kept. Only lower-case ``u`` and ``x`` are escapes here.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import BACKSLASH, full_width
from modsec_py.transformations._registry import transformation

_ESCAPE = re.compile(rb"\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|([0-3][0-7]{2}|[0-7]{1,2})|(.))", re.DOTALL)
_CONTROL = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def _decode(match: re.Match[bytes]) -> bytes:
    if match[4] is not None:
        return _CONTROL.get(match[4], match[4])
    if match[1] is not None:
        return bytes((full_width(match[1][:2], int(match[1][2:], 16)),))
    if match[2] is not None:
        return bytes((int(match[2], 16),))
    return bytes((int(match[3], 8),))


@transformation("jsDecode")
def js_decode(value: bytes) -> bytes:
    if BACKSLASH not in value:
        return value
    return _ESCAPE.sub(_decode, value)
