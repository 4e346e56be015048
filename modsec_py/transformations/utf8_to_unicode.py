"""t:utf8toUnicode: write each UTF-8 multi-byte character as ``%uHHHH``, as v2's ``utf8_unicode_inplace_ex``.

``é`` (C3 A9) becomes ``%u00e9`` (lower-case hex, at least four digits). Single bytes are
kept. v2 quirks, reproduced:

- an invalid or truncated sequence loses its lead byte; the bytes after it are then read on
  their own (a stray continuation byte, like any byte 0x80-0xBF or 0xF8-0xFF, is kept);
- NUL bytes disappear;
- overlong forms and surrogates (D800-DFFF) are converted *and* followed by their lead byte;
- a 4-byte lead F5-F7 is copied before the sequence is even checked.

v2's flag reports only converted characters: a value that merely lost a NUL or a bad lead
byte counts as unchanged (see :func:`converted_a_character`). It does not use the Unicode map.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import BACKSLASH, NUL
from modsec_py.transformations._registry import transformation

_LEAD_OR_NUL = re.compile(rb"[\xc0-\xf7][\x80-\xbf]{0,3}|\x00")
_ASTRAL = re.compile(rb"\\U([0-9a-f]{8})")  # what backslashreplace writes above U+FFFF
_CHARACTER = re.compile(rb"[\xc0-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf7][\x80-\xbf]{3}")
_SHORTEST = {2: 0x80, 3: 0x800, 4: 0x10000}  # below these, a sequence is overlong
_PAYLOAD_BITS = {2: 0x1F, 3: 0x0F, 4: 0x07}


def _length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _convert(match: re.Match[bytes]) -> bytes:
    found = match[0]
    lead = found[0]
    if lead == 0:
        return b""
    size = _length(lead)
    first = found[:1] if lead >= 0xF5 else b""  # v2 copies these before looking further
    if len(found) < size:  # invalid: the lead byte goes, the continuation bytes stay as they are
        return first + found[1:]
    code = lead & _PAYLOAD_BITS[size]
    for byte in found[1:size]:
        code = (code << 6) | (byte & 0x3F)
    text = first + b"%%u%04x" % code
    if 0xD800 <= code <= 0xDFFF or code < _SHORTEST[size]:
        text += found[:1]
    return text + found[size:]  # extra continuation bytes are kept


def converted_a_character(before: bytes, after: bytes) -> bool:
    """v2's flag: some multi-byte sequence was converted."""
    return _CHARACTER.search(before) is not None


def _astral(match: re.Match[bytes]) -> bytes:
    return b"%%u%04x" % int(match[1], 16)


@transformation("Utf8toUnicode", changed=converted_a_character)
def utf8_to_unicode(value: bytes) -> bytes:
    if value.isascii():
        return value.replace(b"\0", b"") if NUL in value else value
    if BACKSLASH not in value and NUL not in value:
        # Strictly valid UTF-8 (no overlong form, surrogate or stray byte): let the codecs
        # write the escapes, then put them in v2's form.
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            escaped = text.encode("ascii", "backslashreplace").replace(b"\\x", b"%u00").replace(b"\\u", b"%u")
            return _ASTRAL.sub(_astral, escaped) if b"\\U" in escaped else escaped
    result = _LEAD_OR_NUL.sub(_convert, value)  # a lone F5-F7 lead byte matches but stays
    return value if result == value else result
