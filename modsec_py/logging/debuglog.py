"""The debug log (SecDebugLog, SecDebugLogLevel 0-9): v2's line format, written per transaction.

``[21/Nov/2026:16:00:00.541809 +0000] [host/sid#55d4c1a3b2c8][rid#7f2a1c0b3d40][/uri][4] message``
(``internal_log_ex``): the server name, ``sid#`` a number for the configuration (v2: the
server_rec's address), ``rid#`` one for the request (v2: the request_rec's), the request
path and the level. The engine collects (level, message) pairs up to the transaction's
level (``ctl:debugLogLevel`` included); they are written together when the transaction
ends, in one append, all stamped with that time. v2 cuts a line at 1255 bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from modsec_py.logging.files import LogFile, log_file
from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.request import request_path
from modsec_py.logging.text import cstr, log_escape_nq, log_time

__all__ = ["DebugLog", "format_debug_lines"]

MAX_LINE = 1255  # v2 formats the line into char[1256]


def format_debug_lines(tx: LoggedTransaction, entries: Iterable[tuple[int, str]], server_id: int,
                       now_ns: int | None = None) -> bytes:
    """The debug-log lines for ``entries`` (level, message) of ``tx``."""
    data = tx.data
    prefix = (f"[{log_time(now_ns)}] [{cstr(data.server_name).decode('latin-1')}/sid#{server_id:x}]"
              f"[rid#{id(tx):x}][{log_escape_nq(cstr(request_path(data)))}]")
    lines = []
    for level, message in entries:
        line = f"{prefix}[{level}] {message}"
        lines.append(line[:MAX_LINE] + "\n")
    return "".join(lines).encode("latin-1", "replace")


class DebugLog:
    """SecDebugLog's file (None: no debug log)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._file: LogFile | None = None

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def write(self, tx: LoggedTransaction, entries: list[tuple[int, str]]) -> None:
        level = tx.debug_level
        wanted = [(entry_level, message) for entry_level, message in entries if entry_level <= level]
        if self.path is None or not wanted:
            return
        if self._file is None:
            self._file = log_file(self.path)
        self._file.write(format_debug_lines(tx, wanted, id(self)))
