"""The three logs of one WAF, written when a transaction ends (``Transaction.process_logging``).

Built once per WAF (:meth:`Logs.from_config`) and shared by its threads; files open on
first use. A ``<Location>`` section may name its own SecAuditLog or SecDebugLog (v2 keeps
them per directory configuration): the writers are made per configuration, on first use.
A transaction that logs nothing costs one pass over its match records.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from modsec_py.config import EngineConfig
from modsec_py.logging.alerts import collect_alerts
from modsec_py.logging.auditlog import AuditLog
from modsec_py.logging.debuglog import DebugLog
from modsec_py.logging.entry import ServerInfo
from modsec_py.logging.errorlog import ErrorLog, ErrorLogSink, format_lines, stderr_sink
from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.rules import RuleIndex
from modsec_py.rules.ruleset import Rule

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadResult

__all__ = ["Logs"]


class Logs:
    """The error log (a sink), and the audit and debug logs of each configuration of one WAF."""

    def __init__(self, config: EngineConfig, rules: RuleIndex | None = None,
                 error_sink: ErrorLogSink | None = stderr_sink) -> None:
        self.config = config
        self.server = ServerInfo()
        self.rules = rules
        self.error_log = ErrorLog(error_sink)
        self._writers: dict[int, tuple[EngineConfig, AuditLog, DebugLog]] = {}
        self._lock = threading.Lock()
        self.audit_log, self.debug_log = self.writers(config)

    @classmethod
    def from_config(cls, config: EngineConfig, loaded: LoadResult | None = None) -> Logs:
        """The logs ``config`` asks for; ``loaded`` gives the rules that part K prints."""
        return cls(config, RuleIndex(_all_rules(loaded)) if loaded is not None else None)

    def set_server(self, software: str | None = None, handler: str | None = None) -> None:
        """What Apache knows: its banner (``Server:``) and the handler (``Apache-Handler:``)."""
        self.server.software = software
        self.server.handler = handler

    def writers(self, config: EngineConfig) -> tuple[AuditLog, DebugLog]:
        """The audit and debug log of ``config`` (made once per configuration)."""
        found = self._writers.get(id(config))
        if found is None:
            with self._lock:
                found = self._writers.get(id(config))
                if found is None:
                    found = (config, AuditLog(config, self.rules, self.server), DebugLog(config.debug_log))
                    self._writers[id(config)] = found
        return found[1], found[2]

    def error_log_lines(self, tx: LoggedTransaction) -> list[str]:
        """The error-log lines of the finished transaction ``tx`` (what :meth:`write` sends to the sink)."""
        return format_lines(tx, collect_alerts(tx, self.rules))

    def write(self, tx: LoggedTransaction) -> None:
        """Write ``tx``'s error-log lines, audit entry and debug lines (each as configured)."""
        audit_log, debug_log = self.writers(getattr(tx, "config", self.config))
        debug = debug_log.enabled and tx.debug_level > 0
        if not (self.error_log.enabled or audit_log.enabled or debug):
            return
        alerts = collect_alerts(tx, self.rules)
        lines = format_lines(tx, alerts)
        notes = audit_log.write(tx, alerts, lines) if audit_log.enabled else []
        failures = [f"ModSecurity: {message}" for level, message in notes if level <= 3]
        self.error_log.write_lines(lines + failures)
        if debug:
            entries = list(tx.debug_lines)
            entries += [(alert.level, alert.text) for alert in alerts if not alert.engine]
            entries += notes
            try:
                debug_log.write(tx, entries)
            except OSError as error:
                self.error_log.write_lines([f"ModSecurity: Failed to write to the debug log {debug_log.path}: "
                                            f"{error.strerror or error}"])


def _all_rules(loaded: LoadResult) -> Iterable[Rule]:
    rules = list(loaded.ruleset.rules)
    for scope in loaded.scopes:
        rules.extend(scope.rules.ruleset.rules)
    return rules
