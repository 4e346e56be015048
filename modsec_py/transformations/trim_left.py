"""t:trimLeft: remove leading white space (C ``isspace``: space, \\t, \\n, \\v, \\f, \\r)."""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


@transformation("trimLeft")
def trim_left(value: bytes) -> bytes:
    return value.lstrip()
