"""t:removeCommentsChar: delete comment markers: ``/*``, ``*/``, ``<!--``, ``-->``, ``--`` and ``#``.

Only the markers go; what they enclose stays. ``/* a */ b--c`` becomes `` a  bc``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import DASH, HASH, STAR
from modsec_py.transformations._registry import transformation

_MARKER = re.compile(rb"/\*|\*/|<!--|-->|--|#")


@transformation("removeCommentsChar")
def remove_comments_char(value: bytes) -> bytes:
    if STAR not in value and DASH not in value and HASH not in value:
        return value  # every marker has one of these
    return _MARKER.sub(b"", value)
