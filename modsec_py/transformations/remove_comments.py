"""t:removeComments: remove comments, as v2's ``msre_fn_removeComments_execute``.

- ``/* ... */`` and ``<!-- ... -->`` are removed (either closing marker ends either kind);
- ``--`` or ``#`` outside a comment cuts the value there (SQL and shell line comments);
- an unterminated comment is replaced by one space.

v2 quirk: the byte right after a closing ``*/`` or ``-->`` is copied without being looked at,
and when the value ends there, v2 copies its C string terminator: ``/* x */`` gives
``"\\x00"`` and ``a/**/#b`` gives ``a#b``.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import DASH, HASH, STAR
from modsec_py.transformations._registry import transformation

_OPENING = re.compile(rb"/\*|<!--|--|#")
_CLOSING = re.compile(rb"\*/|-->")


@transformation("removeComments")
def remove_comments(value: bytes) -> bytes:
    if STAR not in value and DASH not in value and HASH not in value:
        return value  # no "/*", "<!--", "--" or "#"
    opening = _OPENING.search(value)
    if opening is None:
        return value
    kept: list[bytes] = []
    start = 0
    while opening is not None:
        kept.append(value[start:opening.start()])
        if opening[0] in (b"--", b"#"):
            return b"".join(kept)
        closing = _CLOSING.search(value, opening.end())
        if closing is None:
            kept.append(b" ")
            return b"".join(kept)
        after = closing.end()
        kept.append(value[after:after + 1] or b"\0")  # the terminator when the value ends here
        start = after + 1
        opening = _OPENING.search(value, start)
    kept.append(value[start:])
    return b"".join(kept)
