"""Small byte helpers the body processors share: C's view of a buffer and v2's log escaping.

ModSecurity 2 is C: many of its checks read a buffer as a NUL-terminated string (``strlen``,
``strncmp``) and its messages escape bytes with ``log_escape_nq`` (``msc_util.c``). The
processors reproduce those readings with the functions here, so every message text and
every quirk that comes from a NUL byte stays exactly v2's.
"""

from __future__ import annotations

from dataclasses import dataclass

#: C's ``isspace`` in the "C" locale (glibc): space, \t, \n, \v, \f, \r.
C_SPACE = b" \t\n\v\f\r"

_ESCAPES = {0x08: b"\\b", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x0B: b"\\v", 0x5C: b"\\\\"}
_LOG_ESCAPE_NQ = [
    _ESCAPES.get(byte, bytes((byte,)) if 0x1F < byte < 0x7F else b"\\x%02x" % byte) for byte in range(256)
]


def cstr(buffer: bytes) -> bytes:
    """``buffer`` as C's string functions see it: up to its first NUL byte."""
    end = buffer.find(b"\0")
    return buffer if end < 0 else buffer[:end]


def log_escape_nq(text: bytes) -> bytes:
    """v2's ``log_escape_nq`` (``_log_escape(.., 0, 0, 0)`` on ``strlen`` bytes).

    \\b \\n \\r \\t \\v and backslash get a backslash escape, other bytes below 0x20 or from 0x7f
    on become ``\\xhh`` (lower-case hex); quotes and colons stay as they are.

    Example: ``log_escape_nq(b'a"\\r\\n')`` is ``b'a"\\\\r\\\\n'``.
    """
    text = cstr(text)
    if text.isascii() and text.isalnum():
        return text
    return b"".join([_LOG_ESCAPE_NQ[byte] for byte in text])


@dataclass(slots=True)
class ProcessorError:
    """A request body processor's failure, as v2 records it.

    ``message`` is what REQBODY_ERROR_MSG (and REQBODY_PROCESSOR_ERROR_MSG) hold.
    ``at_completion`` is true when v2 found the error while finishing the body
    (``modsecurity_request_body_end``): Apache's ModSecurity 2.9.7 then answers 500 before
    phase 2 runs, in DetectionOnly too (checked against Debian's 2.9.7 binary). Errors found
    while the body was fed set REQBODY_ERROR and let phase 2 run.
    """

    message: bytes
    at_completion: bool = False
