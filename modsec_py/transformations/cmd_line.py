"""t:cmdLine: normalise a command line the way v2's ``msre_fn_cmdline_execute`` does.

- ``\\``, ``"``, ``'`` and ``^`` are deleted;
- each run of space, ``,``, ``;``, \\t, \\r, \\n becomes one space;
- a space before ``/`` or ``(`` is deleted;
- everything else is lower-cased (ASCII).

``C^OMMAND /C DIR`` becomes ``command/c dir``. v2 reads the value as a C string, so it ends
at the first NUL byte, and it always reports the value changed.
"""

from __future__ import annotations

from modsec_py.transformations._cbytes import LEFT_PARENTHESIS, NUL, SLASH, SPACE
from modsec_py.transformations._registry import always, transformation

_DELIMITERS_TO_SPACE = bytes.maketrans(b",;\t\r\n", b"     ")


@transformation("cmdline", changed=always)
def cmdline(value: bytes) -> bytes:
    if NUL in value:
        value = value.split(b"\0", 1)[0]
    result = value.translate(_DELIMITERS_TO_SPACE, b"\\\"'^").lower()
    if SPACE in result:
        while b"  " in result:  # each run of separators becomes one space
            result = result.replace(b"  ", b" ")
        if SLASH in result or LEFT_PARENTHESIS in result:
            result = result.replace(b" /", b"/").replace(b" (", b"(")
    return value if result == value else result
