"""``@validateUtf8Encoding``: matches a value that is not UTF-8 as v2 checks it.

v2 (``detect_utf8_character``) refuses truncated sequences, bad continuation bytes,
overlong forms, UTF-16 surrogates and lead bytes 0xF5-0xFF, but accepts F4 90-BF .. (code
points above U+10FFFF); the first bad character decides the text and its offset.
Example: ``SecRule ARGS "@validateUtf8Encoding" "id:1"``.
Match text e.g. ``Invalid UTF-8 encoding: overlong character detected at <var>. [offset "3"]``.
"""

from __future__ import annotations

from modsec_py.operators._base import Operator, OperatorTx, operator

NOT_ENOUGH = "not enough bytes in character"
INVALID = "invalid byte value in character"
OVERLONG = "overlong character detected"
RESTRICTED = "use of restricted character"


def _character(value: bytes, i: int, left: int) -> tuple[int, str | None]:
    """(length, error) of the character at ``i``, as v2's ``detect_utf8_character``."""
    c = value[i]
    if c < 0x80:
        return 1, None
    if c & 0xE0 == 0xC0:
        size, d = 2, c & 0x1F
    elif c & 0xF0 == 0xE0:
        size, d = 3, c & 0x0F
    elif c & 0xF8 == 0xF0:
        if c >= 0xF5:
            return 0, RESTRICTED
        size, d = 4, c & 0x07
    else:
        return 0, INVALID
    if left < size:
        return 0, NOT_ENOUGH
    for k in range(1, size):
        if value[i + k] & 0xC0 != 0x80:
            return 0, INVALID
        d = (d << 6) | (value[i + k] & 0x3F)
    if 0xD800 <= d <= 0xDFFF:
        return 0, RESTRICTED
    if d < (0x80, 0x800, 0x10000)[size - 2]:
        return 0, OVERLONG
    return size, None


def utf8_error(value: bytes) -> tuple[str, int] | None:
    """The first error v2 reports, with its offset, or None for a valid value."""
    i, total = 0, len(value)
    while i < total:
        size, error = _character(value, i, total - i)
        if error is not None:
            return error, i
        i += size
    return None


@operator("validateUtf8Encoding")
class ValidateUtf8Encoding(Operator):
    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if value.isascii():
            return None
        try:
            value.decode("utf-8")  # what Python accepts, v2 accepts too
            return None
        except UnicodeDecodeError:
            return utf8_error(value)

    def message(self, detail: object, var_name: str) -> str:
        error, offset = detail  # type: ignore[misc]
        return f'Invalid UTF-8 encoding: {error} at {var_name}. [offset "{offset}"]'
