"""t:hexEncode: each byte as two lower-case hex digits (v2 always reports it changed, even for "")."""

from __future__ import annotations

from modsec_py.transformations._registry import always, transformation


@transformation("hexEncode", changed=always)
def hex_encode(value: bytes) -> bytes:
    return value.hex().encode("ascii")
