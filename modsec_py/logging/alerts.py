"""v2's alert messages for a finished transaction: what the error log, part H and the debug log say.

For each match the engine recorded (in order) v2 builds ``<action> <operator message>
<metadata>`` (``msc_alert``): the action is ``Warning.`` for a match that does not interrupt
(``pass``, DetectionOnly, phase 5), the interception text for the one that does
(``Access denied with code 403 (phase 2).``, redirect, drop, proxy, ``Access allowed``).
The level decides where it goes (``internal_log_ex``): 1 (interception) and 2 (warning)
reach the error log and the audit log's messages; ``nolog`` makes it 4, which only the
debug log sees, unless ``auditlog`` is on: then the audit log still gets the message,
without the action text. Engine errors (debug levels 1-3) are alerts too, listed first.
"""

from __future__ import annotations

from dataclasses import dataclass

from modsec_py._util.cnum import atoi
from modsec_py.config import RuleEngineMode
from modsec_py.logging.protocols import LoggedInterruption, LoggedMatch, LoggedTransaction
from modsec_py.logging.rules import RuleIndex
from modsec_py.logging.text import cstr, log_escape, log_escape_hex, log_escape_nq, severity_name

__all__ = ["Alert", "collect_alerts", "format_metadata", "interception_text"]

MAX_MESSAGE = 1023  # v2 formats a log message into char[1024]


@dataclass(frozen=True, slots=True)
class Alert:
    """One message: ``level`` is v2's log level, ``text`` what ``msr_log`` got, ``audit_text``
    what the audit log lists (None: not listed)."""

    level: int
    text: str
    audit_text: str | None
    engine: bool = False  # an engine error from the transaction's debug lines

    @property
    def to_error_log(self) -> bool:
        return self.level <= 3


def collect_alerts(tx: LoggedTransaction, rules: RuleIndex | None = None) -> list[Alert]:
    """The transaction's alerts in v2's order (engine errors first, then one per logged match)."""
    alerts = [Alert(level, message[:MAX_MESSAGE], message[:MAX_MESSAGE], engine=True)
              for level, message in tx.debug_lines if level <= 3]
    interruption = tx.interruption
    if interruption is not None and interruption.rule_id is None and interruption.message:
        alerts.append(Alert(1, interruption.message[:MAX_MESSAGE], interruption.message[:MAX_MESSAGE]))
    verbose = tx.debug_level >= 4
    for match in tx.matched_rules:
        if not (match.log or match.auditlog or verbose):
            continue
        action, intercepting = _action(tx, match, rules)
        body = f"{match.message}{format_metadata(match)}"
        text = f"{action} {body}"[:MAX_MESSAGE]
        if match.log:
            alerts.append(Alert(1 if intercepting else 2, text, text))
        else:
            alerts.append(Alert(4, text, body if match.auditlog else None))  # msc_alert_message: not cut
    return alerts


def _action(tx: LoggedTransaction, match: LoggedMatch, rules: RuleIndex | None) -> tuple[str, bool]:
    """The action text and whether the match intercepted (v2's ``perform_interception``)."""
    if match.disruptive and tx.interruption is not None:
        return interception_text(tx.interruption), True
    if rules is not None and match.phase < 5 and tx.mode is RuleEngineMode.ON:
        rule = rules.find(match.file, match.line)
        intercept = rule.effective.intercept if rule is not None else None
        if intercept is not None and intercept.name == "allow":
            scope = (intercept.value or "").lower()
            what = {"phase": "Access to phase allowed", "request": "Access to request allowed"}.get(scope,
                                                                                                  "Access allowed")
            return f"{what} (phase {match.phase}).", True
    return "Warning.", False


def interception_text(interruption: LoggedInterruption) -> str:
    """v2's message for the interruption: ``Access denied with code 403 (phase 2).`` and kin."""
    phase = f" (phase {interruption.phase})"
    action = interruption.action
    url = interruption.url or b""
    url = log_escape_nq(url if isinstance(url, bytes) else url.encode("latin-1", "replace"))
    if action == "drop":
        return f"Access denied with connection close{phase}."
    if action == "redirect":
        return f"Access denied with redirection to {url} using status {interruption.status}{phase}."
    if action == "proxy":
        return f"Access denied using proxy to{phase} {url}."
    if action == "pause":
        return f"Paused Access{phase}."
    return f"Access denied with code {interruption.status}{phase}."


def format_metadata(match: LoggedMatch) -> str:
    """v2's ``msre_format_metadata``: `` [file ".."] [line ".."] [id ".."] ...`` in v2's order."""
    parts = [f' [file "{match.file}"] [line "{match.line}"]']
    if match.rule_id is not None:
        parts.append(f' [id "{_escape(match.rule_id)}"]')
    if match.rev is not None:
        parts.append(f' [rev "{_escape(match.rev)}"]')
    if match.msg is not None:
        parts.append(f' [msg "{log_escape(match.msg.encode("latin-1", "replace"))}"]')
    if match.logdata is not None:
        data = f' [data "{log_escape_hex(match.logdata.encode("latin-1", "replace"))}"]'
        parts.append(data if len(data) <= 521 else data[:517] + '..."]')
    severity = severity_name(match.severity)
    if severity is not None:
        parts.append(f' [severity "{severity}"]')
    if match.version is not None:
        parts.append(f' [ver "{_escape(match.version)}"]')
    for name, value in (("maturity", match.maturity), ("accuracy", match.accuracy)):
        if value is not None and atoi(value) >= 0:
            parts.append(f' [{name} "{atoi(value)}"]')
    parts.extend(f' [tag "{_escape(tag)}"]' for tag in match.tags)
    return "".join(parts)


def _escape(text: str) -> str:
    return log_escape(cstr(text.encode("latin-1", "replace")))
