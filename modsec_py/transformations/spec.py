"""The transformation names ModSecurity 2.9.7 registers (apache2/re_tfns.c), plus ``none``.

v2 looks names up case-insensitively (``t:LOWERCASE`` loads); an unknown name is refused by
the ``t`` action with ``Invalid transformation function: NAME``. 2.9.7 has no ``uppercase``,
``base64EncodeExt`` or other libmodsecurity-only names.
"""

from __future__ import annotations

__all__ = ["REGISTERED", "TRANSFORMATIONS", "canonical_name", "is_transformation"]

# v2's spelling, in registration order ("none" is registered without a function).
REGISTERED: tuple[str, ...] = (
    "none", "base64Decode", "base64Encode", "compressWhitespace", "cssDecode", "escapeSeqDecode",
    "sqlHexDecode", "hexDecode", "hexEncode", "htmlEntityDecode", "jsDecode", "length", "lowercase",
    "md5", "normalisePath", "normalizePath", "normalisePathWin", "normalizePathWin", "parityEven7bit",
    "parityZero7bit", "parityOdd7bit", "removeWhitespace", "removeNulls", "replaceNulls",
    "removeComments", "removeCommentsChar", "replaceComments", "sha1", "trim", "trimLeft", "cmdline",
    "trimRight", "urlDecode", "urlDecodeUni", "Utf8toUnicode", "urlEncode", "base64DecodeExt",
)

_CANONICAL = {name.lower(): name for name in REGISTERED}
TRANSFORMATIONS: frozenset[str] = frozenset(_CANONICAL)


def is_transformation(name: str) -> bool:
    """Whether v2.9.7 knows the transformation ``name`` (case-insensitive)."""
    return name.isascii() and name.lower() in TRANSFORMATIONS


def canonical_name(name: str) -> str | None:
    """v2's spelling of ``name`` (e.g. ``utf8tounicode`` -> ``Utf8toUnicode``), or None."""
    return _CANONICAL.get(name.lower()) if name.isascii() else None
