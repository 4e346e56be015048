"""The audit log: whether a transaction is logged, and where the entry goes.

SecAuditEngine (or ``ctl:auditEngine``) On logs every transaction that has a request line;
RelevantOnly those that are relevant (a match of a rule with ``auditlog``, an engine error)
or whose response status matches SecAuditLogRelevantStatus. SecAuditLogType Serial appends
the entry to SecAuditLog; Concurrent writes it to its own file under SecAuditLogStorageDir
(``/<user>/%Y%m%d/%Y%m%d-%H%M/%Y%m%d-%H%M%S-<unique_id>``) and appends an index line to
SecAuditLog and SecAuditLog2 (which v2 uses for nothing else).
"""

from __future__ import annotations

import hashlib
import os
import pwd
import time

from modsec_py._util.pcre import compile_pcre
from modsec_py.config import AuditEngineMode, AuditLogFormat, AuditLogType, EngineConfig
from modsec_py.logging.alerts import Alert
from modsec_py.logging.entry import AuditEntry, ServerInfo
from modsec_py.logging.files import LogFile, create_entry_file, log_file
from modsec_py.logging.json_format import render_json
from modsec_py.logging.native import render_native
from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.rules import RuleIndex
from modsec_py.logging.text import cstr, log_escape, log_escape_nq, log_time

__all__ = ["AuditLog", "boundary", "concurrent_name", "index_line"]

_MODES = {mode.value.lower(): mode for mode in AuditEngineMode}
INDEX_LIMIT = 3980  # v2 keeps an index line below this many bytes


def boundary() -> str:
    """v2's 8 hex digits: the bytes of a C ``rand()`` value (below 2**31), least significant first."""
    value = int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
    return value.to_bytes(4, "little").hex()


def _user() -> str:
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def concurrent_name(unique_id: str, now_ns: int) -> str:
    """``/<user>/%Y%m%d/%Y%m%d-%H%M/%Y%m%d-%H%M%S-<unique_id>`` (v2's ``construct_auditlog_filename``)."""
    stamp = time.strftime("/%Y%m%d/%Y%m%d-%H%M/%Y%m%d-%H%M%S", time.localtime(now_ns // 1_000_000_000))
    return f"/{_user()}{stamp}-{unique_id}"


class AuditLog:
    """SecAuditLog and its settings; thread-safe, shared by every transaction of a WAF."""

    def __init__(self, config: EngineConfig, rules: RuleIndex | None, server: ServerInfo) -> None:
        self.config = config
        self.rules = rules
        self.server = server
        self.path = config.audit_log
        self.relevant_status = (compile_pcre(config.audit_log_relevant_status)
                                if config.audit_log_relevant_status is not None else None)
        self._file: LogFile | None = None

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def mode(self, tx: LoggedTransaction) -> AuditEngineMode:
        chosen = _MODES.get((tx.audit_engine or "").lower())
        return chosen if chosen is not None else self.config.audit_engine

    def wanted(self, tx: LoggedTransaction) -> tuple[bool, str]:
        """Whether ``tx`` gets an entry, and v2's level-4 debug message saying so."""
        mode = self.mode(tx)
        if mode is AuditEngineMode.OFF:
            return False, "Audit log: Not configured to run for this request."
        if mode is AuditEngineMode.RELEVANT_ONLY and not (self._relevant(tx) or self._status_relevant(tx)):
            return False, "Audit log: Ignoring a non-relevant request."
        return True, "Audit log: Logging this transaction."

    @staticmethod
    def _relevant(tx: LoggedTransaction) -> bool:
        interruption = tx.interruption
        return (tx.relevant or any(level <= 3 for level, _message in tx.debug_lines)
                or (interruption is not None and interruption.rule_id is None))

    def _status_relevant(self, tx: LoggedTransaction) -> bool:
        if self.relevant_status is None:
            return False
        status = tx.data.response_status or (tx.interruption.status if tx.interruption is not None else 0)
        return self.relevant_status.search(str(status).encode()) is not None

    def write(self, tx: LoggedTransaction, alerts: list[Alert], error_lines: list[str]) -> list[tuple[int, str]]:
        """Log ``tx`` if it is wanted; returns (level, message) notes for the debug and error logs."""
        if self.path is None:
            return []
        wanted, note = self.wanted(tx)
        notes = [(4, note)]
        if not wanted:
            return notes
        if not tx.data.request_line:
            return [(4, "Audit log: Skipping request whose request_line is null.")]
        entry = AuditEntry(tx, self.config, alerts, error_lines, self.rules, self.server)
        json = self.config.audit_log_format is AuditLogFormat.JSON
        payload = render_json(entry) + b"\n" if json else render_native(entry, boundary())
        try:
            if self.config.audit_log_type is AuditLogType.CONCURRENT:
                self._write_concurrent(tx, entry, payload)
            else:
                if self._file is None:
                    self._file = log_file(self.path)
                self._file.write(payload if json else payload + b"\n")
        except OSError as error:
            notes.append((1, f"Audit log: Failed writing to {self.path}: {error.strerror or error}"))
        return notes

    def _write_concurrent(self, tx: LoggedTransaction, entry: AuditEntry, payload: bytes) -> None:
        assert self.path is not None
        config = self.config
        name = concurrent_name(entry.unique_id, entry.now_ns)
        directory = config.audit_log_storage_dir
        if directory is None:
            directory = os.path.dirname(self.path) if not self.path.startswith("|") else "."
        create_entry_file(directory + name, payload, config.audit_log_dir_mode, config.audit_log_file_mode)
        line = index_line(tx, entry, name, payload, pipe=self.path.startswith("|"))
        if line is None:
            return
        for path in (self.path, config.audit_log2):
            if path is not None:
                log_file(path).write(line)


def index_line(tx: LoggedTransaction, entry: AuditEntry, name: str, payload: bytes, *, pipe: bool = False,
               now_ns: int | None = None) -> bytes | None:
    """The concurrent index line: vcombined fields, then file name, offset, size and MD5 (v2's layout)."""
    data = tx.data
    tail = f"{name} 0 {len(payload)} md5:{hashlib.md5(payload).hexdigest()}"
    limit = min(INDEX_LIMIT, 4096 if pipe else INDEX_LIMIT) - len(tail) - 5
    host = log_escape_nq(cstr(data.server_name)) if data.server_name else "-"
    remote_user = log_escape_nq(cstr(data.remote_user)) if data.remote_user else "-"
    local_user, referer, user_agent = "-", "-", "-"
    unique_id = log_escape(cstr(data.unique_id)) if data.unique_id else "-"
    session = log_escape(cstr(data.sessionid)) if data.sessionid else "-"
    request = log_escape(cstr(entry.request_line))
    status = data.response_status or (tx.interruption.status if tx.interruption is not None else 0)
    sent = str(len(tx.response_body_bytes()))
    remote = data.remote_addr.decode("latin-1")
    limit -= 22 + len(host) + len(remote) + 28 + 3 + len(sent) + len(unique_id) + len(session)
    if limit <= 0:
        return None
    limited = limit < len(remote_user) + len(local_user) + len(referer) + len(user_agent) + len(request)
    if limited:
        remote_user, local_user = remote_user[:32], local_user[:32]
        limit -= len(remote_user) + len(local_user) + len(referer) + len(user_agent)
        if limit <= 0:
            return None
        request = request[:limit]
    head = (f'{host} {remote} {remote_user} {local_user} [{log_time(now_ns)}] "{request}" {status} {sent} '
            f'"{referer}" "{user_agent}" {unique_id} "{session}"')
    return f"{head} {tail} {'L' if limited else ''}\n".encode("latin-1", "replace")
