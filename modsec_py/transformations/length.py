"""t:length: the value's length in bytes, in decimal (v2 always reports it changed)."""

from __future__ import annotations

from modsec_py.transformations._registry import always, transformation


@transformation("length", changed=always)
def length(value: bytes) -> bytes:
    return b"%d" % len(value)
