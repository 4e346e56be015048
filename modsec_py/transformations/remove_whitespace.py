"""t:removeWhitespace: remove white space: C ``isspace`` (space, \\t, \\n, \\v, \\f, \\r) and NBSP (0xA0)."""

from __future__ import annotations

from modsec_py.transformations._cbytes import C_SPACE
from modsec_py.transformations._registry import transformation

_WHITE = C_SPACE + b"\xa0"


@transformation("removeWhitespace")
def remove_whitespace(value: bytes) -> bytes:
    removed = value.translate(None, _WHITE)
    return value if len(removed) == len(value) else removed
