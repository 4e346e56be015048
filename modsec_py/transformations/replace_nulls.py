"""t:replaceNulls: replace every NUL byte with a space."""

from __future__ import annotations

from modsec_py.transformations._cbytes import NUL
from modsec_py.transformations._registry import transformation


@transformation("replaceNulls")
def replace_nulls(value: bytes) -> bytes:
    return value.replace(b"\0", b" ") if NUL in value else value
