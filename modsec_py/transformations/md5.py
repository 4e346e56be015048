"""t:md5: the 16-byte binary MD5 digest of the value (v2 always reports it changed)."""

from __future__ import annotations

import hashlib

from modsec_py.transformations._registry import always, transformation


@transformation("md5", changed=always)
def md5(value: bytes) -> bytes:
    return hashlib.md5(value, usedforsecurity=False).digest()
