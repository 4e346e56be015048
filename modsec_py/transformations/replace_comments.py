"""t:replaceComments: replace each C comment ``/* ... */`` with one space.

An unterminated comment runs to the end of the value and is replaced too. A lone ``*/``
is kept. ``a/*x*/b/*c`` becomes ``a b ``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import STAR
from modsec_py.transformations._registry import transformation

_COMMENT = re.compile(rb"/\*.*?(?:\*/|\Z)", re.DOTALL)


@transformation("replaceComments")
def replace_comments(value: bytes) -> bytes:
    if STAR not in value or b"/*" not in value:
        return value
    return _COMMENT.sub(b" ", value)
