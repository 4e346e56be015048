"""t:sha1: the 20-byte binary SHA-1 digest of the value (v2 always reports it changed)."""

from __future__ import annotations

import hashlib

from modsec_py.transformations._registry import always, transformation


@transformation("sha1", changed=always)
def sha1(value: bytes) -> bytes:
    return hashlib.sha1(value, usedforsecurity=False).digest()
