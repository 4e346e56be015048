"""What the logs need from the request that the engine keeps in another shape.

``request_path``: Apache's ``r->uri`` (the path, percent-decoded, dot segments removed),
which v2 logs as ``[uri ".."]`` and in the debug log. ``argument_spans``: where each
``name=value`` value sits in a query string or urlencoded body (v2's ``value_origin_offset``
and ``value_origin_len``), so that sanitised values can be overwritten in place.
"""

from __future__ import annotations

from modsec_py.bodyprocessors.urlencoded import url_decode_nonstrict
from modsec_py.logging.protocols import LoggedData

__all__ = ["argument_spans", "percent_decode", "request_path"]

_HEX = b"0123456789abcdefABCDEF"


def percent_decode(data: bytes) -> bytes:
    """``%hh`` decoded, everything else (``+`` included) kept: Apache's ``ap_unescape_url``."""
    if b"%" not in data:
        return data
    pieces = data.split(b"%")
    out = [pieces[0]]
    for piece in pieces[1:]:
        if len(piece) >= 2 and piece[0] in _HEX and piece[1] in _HEX:
            out.append(bytes((int(piece[:2], 16),)) + piece[2:])
        else:
            out.append(b"%" + piece)
    return b"".join(out)


def _remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 section 5.2.4, as Apache's ``ap_getparents`` does for a path."""
    output: list[bytes] = []
    segments = path.split(b"/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == b".":
            if last:
                output.append(b"")
        elif segment == b"..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append(b"")
        else:
            output.append(segment)
    return b"/".join(output)


def request_path(data: LoggedData) -> bytes:
    """Apache's ``r->uri`` for the request: the decoded path without ``.`` and ``..`` segments."""
    path = data.request_filename
    if not path:
        return b""
    return _remove_dot_segments(percent_decode(path))


def argument_spans(data: bytes, separator: bytes = b"&") -> list[tuple[bytes, int, int]]:
    """(decoded name, value offset, raw value length) per argument, as v2's ``parse_arguments``."""
    spans: list[tuple[bytes, int, int]] = []
    position = 0
    for piece in data.split(separator):
        name, equals, value = piece.partition(b"=")
        if equals:
            decoded = url_decode_nonstrict(name)[0] if (b"%" in name or b"+" in name) else name
            spans.append((decoded, position + len(name) + 1, len(value)))
        position += len(piece) + len(separator)
    return spans
