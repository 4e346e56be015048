"""t:trim: remove leading and trailing white space (C ``isspace``: space, \\t, \\n, \\v, \\f, \\r).

NBSP (0xA0) is not white space here, unlike in compressWhitespace and removeWhitespace.
"""

from __future__ import annotations

from modsec_py.transformations._registry import transformation


@transformation("trim")
def trim(value: bytes) -> bytes:
    return value.strip()  # ASCII white space, exactly C's isspace(); returns value itself if unchanged
