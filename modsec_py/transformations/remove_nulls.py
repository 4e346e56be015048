"""t:removeNulls: remove every NUL byte."""

from __future__ import annotations

from modsec_py.transformations._cbytes import NUL
from modsec_py.transformations._registry import transformation


@transformation("removeNulls")
def remove_nulls(value: bytes) -> bytes:
    return value.replace(b"\0", b"") if NUL in value else value
