"""t:lowercase: ASCII capitals to lower case.

v2 calls C's ``tolower`` in the "C" locale, so only A-Z change; bytes 0x80-0xFF are kept.
"""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


@transformation("lowercase")
def lowercase(value: bytes) -> bytes:
    lowered = value.lower()  # bytes.lower() is ASCII-only, like tolower() in the C locale
    return value if lowered == value else lowered
