"""t:trimRight: remove trailing white space (C ``isspace``: space, \\t, \\n, \\v, \\f, \\r)."""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


@transformation("trimRight")
def trim_right(value: bytes) -> bytes:
    return value.rstrip()
