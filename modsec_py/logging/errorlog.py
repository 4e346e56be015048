"""The error log: one line per alert of level 1-3, v2's text from ``ModSecurity:`` on.

v2 hands ``ModSecurity: <alert> [hostname ".."] [uri ".."] [unique_id ".."]`` to Apache
(``ap_log_rerror``), which prefixes ``[time] [security2:error] [pid ..] [client ip:port]``
and escapes backslashes and control bytes. modsec_py writes the same text to a stream of
Apache's: by default ``sys.stderr``, which mod_wsgi logs as ``[wsgi:error] [pid ..]``; a
connector that runs :func:`use_stream` with the request's ``wsgi.errors`` gets Apache's
``[client ip:port]`` too. Apache's escaping is Apache's: the lines here are unescaped, as
v2's are before Apache sees them.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO

from modsec_py.logging.alerts import Alert, collect_alerts
from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.request import request_path
from modsec_py.logging.rules import RuleIndex
from modsec_py.logging.text import cstr, log_escape

__all__ = ["ErrorLog", "ErrorLogSink", "error_log_lines", "format_lines", "use_stream"]

ErrorLogSink = Callable[[Sequence[str]], None]
"""Receives a transaction's error-log lines (without line ends); must be thread-safe."""

_request_stream: contextvars.ContextVar[TextIO | None] = contextvars.ContextVar("modsec_py_error_stream",
                                                                                default=None)


@contextlib.contextmanager
def use_stream(stream: TextIO) -> Iterator[None]:
    """Within the block, the default sink writes to ``stream`` (e.g. ``environ['wsgi.errors']``)."""
    token = _request_stream.set(stream)
    try:
        yield
    finally:
        _request_stream.reset(token)


_write_lock = threading.Lock()


def stderr_sink(lines: Sequence[str]) -> None:
    """The default sink: the request's stream (see :func:`use_stream`), else ``sys.stderr``."""
    stream = _request_stream.get() or sys.stderr
    text = "".join(f"{line}\n" for line in lines)
    with _write_lock:
        stream.write(text)
        stream.flush()


def format_lines(tx: LoggedTransaction, alerts: Sequence[Alert]) -> list[str]:
    """The error-log text of ``alerts`` (those of level 1-3) for ``tx``."""
    logged = [alert for alert in alerts if alert.to_error_log]
    if not logged:
        return []
    data = tx.data
    suffix = []
    if data.server_name:
        suffix.append(f' [hostname "{log_escape(cstr(data.server_name))}"]')
    suffix.append(f' [uri "{log_escape(cstr(request_path(data)))}"]')
    if data.unique_id:
        suffix.append(f' [unique_id "{log_escape(cstr(data.unique_id))}"]')
    tail = "".join(suffix)
    return [f"ModSecurity: {alert.text}{tail}" for alert in logged]


def error_log_lines(tx: LoggedTransaction, rules: RuleIndex | None = None) -> list[str]:
    """Every error-log line v2 writes for the finished transaction ``tx``, in order.

    ``rules`` (``waf.logs.rules``) tells an ``allow`` rule's message apart; without it such a
    match reads ``Warning.`` (:meth:`Logs.error_log_lines` passes it).
    """
    return format_lines(tx, collect_alerts(tx, rules))


class ErrorLog:
    """Hands a transaction's lines to ``sink`` (None: the error log is off)."""

    def __init__(self, sink: ErrorLogSink | None = stderr_sink) -> None:
        self.sink = sink

    @property
    def enabled(self) -> bool:
        return self.sink is not None

    def write_lines(self, lines: Sequence[str]) -> None:
        if lines and self.sink is not None:
            self.sink(lines)
