"""What a transaction reports: its interruption and the rules that matched (public types)."""

from __future__ import annotations

from dataclasses import dataclass, field

from modsec_py.config import RuleEngineMode

__all__ = ["Interruption", "MatchedRule", "RuleEngineMode"]


@dataclass(frozen=True, slots=True)
class Interruption:
    """The transaction must stop: ``action`` is deny, drop, redirect, proxy or pause."""

    rule_id: str | None
    action: str
    status: int
    url: str | None = None  # redirect / proxy target
    phase: int = 0
    message: str = ""


@dataclass(slots=True)
class MatchedRule:
    """One logged match, with what v2 puts in its error-log line."""

    rule_id: str | None
    phase: int
    message: str  # the operator's text: 'Pattern match "..." at ARGS:id.'
    msg: str | None
    logdata: str | None
    severity: int | None
    tags: list[str]
    matched_var_name: str
    matched_var_value: bytes
    file: str
    line: int
    rev: str | None = None
    version: str | None = None
    maturity: str | None = None
    accuracy: str | None = None
    log: bool = True  # False: nolog (not written to the error log)
    auditlog: bool = True
    disruptive: bool = False  # this match interrupted the transaction
    extra: dict[str, str] = field(default_factory=dict)
