"""t:escapeSeqDecode: decode ANSI C escapes, as v2's ``ansi_c_sequences_decode_inplace``.

- ``\\a \\b \\f \\n \\r \\t \\v \\\\ \\? \\' \\"`` give their character;
- ``\\xHH`` or ``\\XHH`` gives that byte;
- ``\\O``, ``\\OO``, ``\\OOO`` (octal) give the number modulo 256 (``\\666`` gives 0xB6);
- any other ``\\C`` gives ``C`` (the backslash is dropped, also in an invalid ``\\xZZ``);
- a backslash at the end is kept.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import BACKSLASH
from modsec_py.transformations._registry import transformation

_ESCAPE = re.compile(rb"\\(?:[xX]([0-9A-Fa-f]{2})|([0-7]{1,3})|(.))", re.DOTALL)
_CONTROL = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def _decode(match: re.Match[bytes]) -> bytes:
    if match[3] is not None:
        return _CONTROL.get(match[3], match[3])
    if match[1] is not None:
        return bytes((int(match[1], 16),))
    return bytes((int(match[2], 8) & 0xFF,))


@transformation("escapeSeqDecode")
def escape_seq_decode(value: bytes) -> bytes:
    if BACKSLASH not in value:
        return value
    return _ESCAPE.sub(_decode, value)
