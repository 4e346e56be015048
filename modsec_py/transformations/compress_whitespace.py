"""t:compressWhitespace: turn each run of white space into one space.

White space is C ``isspace`` (space, \\t, \\n, \\v, \\f, \\r) plus NBSP (0xA0), so ``"a\\tb"``
becomes ``"a b"``.

v2 quirk: its "changed" flag is set only by a run of two or more white-space bytes; a lone
tab or NBSP replaced by a space leaves it 0 (see :func:`compressed_a_run`).
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import CR, FORMFEED, NBSP, NEWLINE, TAB, VTAB
from modsec_py.transformations._registry import transformation

_NBSP_TO_SPACE = bytes.maketrans(b"\xa0", b" ")
_RUN = re.compile(rb"[\t\n\v\f\r \xa0]{2}")


def compressed_a_run(before: bytes, after: bytes) -> bool:
    """v2's flag: some run of white space was at least two bytes long."""
    return _RUN.search(before) is not None


@transformation("compressWhitespace", changed=compressed_a_run)
def compress_whitespace(value: bytes) -> bytes:
    if (b"  " not in value and TAB not in value and NEWLINE not in value and CR not in value and NBSP not in value
            and VTAB not in value and FORMFEED not in value):
        return value  # only single spaces: nothing to do
    spaced = value.translate(_NBSP_TO_SPACE)
    words = spaced.split()  # splits on runs of C isspace() bytes, dropping them at both ends
    if not words:
        return b" "
    result = b" ".join(words)
    if spaced[:1].isspace():
        result = b" " + result
    if spaced[-1:].isspace():
        result += b" "
    return result
