"""t:cssDecode: decode CSS 2 escapes, as v2's ``css_decode_inplace``.

- ``\\`` with 1-6 hex digits gives one byte: the last two digits (the only one if there is
  one), plus 0x20 for full-width ASCII (``\\ff01``-``\\ff5e``, with up to two leading zeros);
  one white-space byte after the digits is swallowed;
- ``\\`` before a newline disappears with it, ``\\`` before any other byte gives that byte;
- a backslash at the end disappears.

``\\1A\\1 A\\123456 7`` becomes ``\\x1a\\x01AV7``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import BACKSLASH, full_width
from modsec_py.transformations._registry import transformation

_ESCAPE = re.compile(rb"\\(?:([0-9A-Fa-f]{1,6})[\t\n\v\f\r ]?|(\n)|(.)|\Z)", re.DOTALL)


def _decode(match: re.Match[bytes]) -> bytes:
    digits = match[1]
    if digits is None:
        return match[3] or b""  # "\C" -> "C"; "\<newline>" and a final "\" -> nothing
    if len(digits) == 1:
        return bytes((int(digits, 16),))
    byte = int(digits[-2:], 16)
    # A full-width check needs FFxx as the last four digits, preceded only by zeros.
    if len(digits) == 4 or (len(digits) == 5 and digits[:1] == b"0") or (len(digits) == 6 and digits[:2] == b"00"):
        byte = full_width(digits[-4:-2], byte)
    return bytes((byte,))


@transformation("cssDecode")
def css_decode(value: bytes) -> bytes:
    if BACKSLASH not in value:
        return value
    return _ESCAPE.sub(_decode, value)
