"""t:base64DecodeExt: forgiving Base64 decoding (v2's ``decode_base64_ext``).

Unlike base64Decode it skips every byte outside the alphabet (white space, ``.``, ``-``...)
and decodes the rest; it stops at a NUL byte. A ``=`` that follows exactly 1 (mod 4)
alphabet characters and is not followed by another ``=`` makes the whole result empty.
An incomplete last byte is dropped.

v2's flag is "the result is not empty".
"""

from __future__ import annotations

from modsec_py.transformations._cbytes import EQUALS, NUL
from modsec_py.transformations._registry import non_empty, transformation
from modsec_py.transformations.base64_decode import decode_prefix

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_ALPHABET = bytes(sorted(set(range(256)) - set(_ALPHABET)))


def _bad_padding(value: bytes) -> bool:
    """Whether some ``=`` comes after 1 (mod 4) alphabet characters and before something other than ``=``."""
    position = value.find(b"=")
    while position != -1:
        if value[position + 1:position + 2] != b"=" and len(value[:position].translate(None, _NOT_ALPHABET)) % 4 == 1:
            return True
        position = value.find(b"=", position + 1)
    return False


@transformation("base64DecodeExt", changed=non_empty)
def base64_decode_ext(value: bytes) -> bytes:
    if NUL in value:
        value = value.split(b"\0", 1)[0]  # v2 reads a C string
    if EQUALS in value and _bad_padding(value):
        return b""
    return decode_prefix(value.translate(None, _NOT_ALPHABET))
