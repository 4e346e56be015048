"""v2's text helpers for the logs: escaping, timestamps, JSON strings, severities.

``log_escape`` / ``log_escape_nq`` are the operators' (msc_util.c ``_log_escape``);
``log_escape_hex`` is what v2 uses for ``[data "..."]``; ``apache_escape`` is what Apache 2.4
does to a message before it reaches its error log (``ap_escape_errorlog_item``). Times follow
``current_logtime``, including its sign bug west of Greenwich (``--0500``).
"""

from __future__ import annotations

import re
import time

from modsec_py._util.cnum import atoi
from modsec_py.operators._base import cstr, log_escape, log_escape_nq

__all__ = [
    "SEVERITIES", "apache_escape", "cstr", "json_string", "log_escape", "log_escape_hex", "log_escape_nq",
    "log_time", "severity_name", "severity_number",
]

SEVERITIES = ("EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def log_escape_hex(data: bytes) -> str:
    """v2's ``log_escape_hex``: ``"``, ``\\``, controls and bytes >= 0x7f as ``\\xhh``."""
    return _HEX_ESCAPE.sub(lambda match: f"\\x{ord(match.group()):02x}", data.decode("latin-1"))


_HEX_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\xff]')
_APACHE_ESCAPE = re.compile(r"[\\\x00-\x1f\x7f-\xff]")


def apache_escape(text: str) -> str:
    """Apache's error-log escaping of a message: backslash doubled, controls and 8-bit as ``\\xhh``."""
    return _APACHE_ESCAPE.sub(_apache_item, text)


def _apache_item(match: re.Match[str]) -> str:
    char = match.group()
    return "\\\\" if char == "\\" else f"\\x{ord(char):02x}"


def severity_number(value: str | None) -> int | None:
    """A ``severity:`` value as v2 stores it: a name (any case) or C's ``atoi``."""
    if value is None:
        return None
    upper = value.upper()
    return SEVERITIES.index(upper) if upper in SEVERITIES else atoi(value)


def severity_name(severity: int | None) -> str | None:
    """v2's ``msre_format_severity`` for 0..7; None otherwise (v2 then leaves the field out)."""
    return SEVERITIES[severity] if severity is not None and 0 <= severity <= 7 else None


def log_time(now_ns: int | None = None) -> str:
    """v2's ``current_logtime``: ``21/Nov/2026:16:00:00.541809 +0000`` in local time.

    Like v2 (C's ``/`` and ``%`` on a negative ``tm_gmtoff``), zones west of Greenwich come
    out as ``--0500``; half-hour zones east as ``+0530``.
    """
    if now_ns is None:
        now_ns = time.time_ns()
    seconds, micros = divmod(now_ns // 1000, 1_000_000)
    local = time.localtime(seconds)
    offset = local.tm_gmtoff or 0
    hours = _c_div(offset, 3600)
    minutes = _c_rem(_c_div(offset, 60), 60)
    sign = "-" if offset < 0 else "+"
    return (f"{local.tm_mday:02d}/{_MONTHS[local.tm_mon - 1]}/{local.tm_year}:{local.tm_hour:02d}:"
            f"{local.tm_min:02d}:{local.tm_sec:02d}.{micros:06d} {sign}{_c2d(hours)}{_c2d(minutes)}")


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncates toward zero)."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def _c_rem(a: int, b: int) -> int:
    return a - b * _c_div(a, b)


def _c2d(value: int) -> str:
    """printf's ``%.2d``."""
    return f"-{-value:02d}" if value < 0 else f"{value:02d}"


# -- JSON strings as yajl writes them -----------------------------------------------------

_JSON_ESCAPES = {b'"': b'\\"', b"\\": b"\\\\", b"\n": b"\\n", b"\r": b"\\r", b"\t": b"\\t", b"\f": b"\\f",
                 b"\b": b"\\b"}
_JSON_SPECIAL = re.compile(rb'["\\\x00-\x1f]')


def _json_item(match: re.Match[bytes]) -> bytes:
    char = match.group()
    return _JSON_ESCAPES.get(char) or b"\\u00%02X" % char[0]


def json_string(value: bytes | str) -> bytes:
    """One JSON string as yajl (v2's JSON audit log) writes it: other bytes go out unchanged."""
    data = value.encode("latin-1") if isinstance(value, str) else value
    return b'"' + _JSON_SPECIAL.sub(_json_item, data) + b'"'
