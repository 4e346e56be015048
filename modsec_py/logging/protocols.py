"""What the logs read from a finished transaction: the engine's ``Transaction`` satisfies these.

The logging layer (L4) does not import the engine (L5); it reads a transaction through
these protocols, which are also the list of everything it depends on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from modsec_py.config import EngineConfig, RuleEngineMode

__all__ = ["LoggedData", "LoggedInterruption", "LoggedMatch", "LoggedTransaction"]


class LoggedData(Protocol):
    """The request and response as the engine keeps them (``TxData``)."""

    remote_addr: bytes
    remote_port: int
    server_addr: bytes
    server_port: int
    server_name: bytes
    unique_id: bytes
    started: float  # time.time() at the start of the transaction
    request_line: bytes
    request_filename: bytes  # the path as the client sent it
    query_string: bytes
    remote_user: bytes
    request_headers: Iterable[tuple[bytes, bytes]]
    args: Iterable[tuple[bytes, bytes]]
    args_post: Iterable[tuple[bytes, bytes]]
    reqbody_processor: bytes
    response_status: int  # 0: no response seen
    response_protocol: bytes
    response_headers: Iterable[tuple[bytes, bytes]]
    response_body: bytes  # what the engine inspected
    response_content_type: bytes
    sessionid: bytes
    userid: bytes
    perf: dict[str, int]  # microseconds: p1..p5, sr, sw, l, gc, where measured


class LoggedMatch(Protocol):
    """One match the engine recorded (``MatchedRule``)."""

    rule_id: str | None
    phase: int
    message: str
    msg: str | None
    logdata: str | None
    severity: int | None
    tags: list[str]
    matched_var_name: str
    file: str
    line: int
    rev: str | None
    version: str | None
    maturity: str | None
    accuracy: str | None
    log: bool
    auditlog: bool
    disruptive: bool


class LoggedInterruption(Protocol):
    """How the transaction was stopped (``Interruption``)."""

    rule_id: str | None
    action: str
    status: int
    url: Any  # bytes (or str) for redirect / proxy
    phase: int
    message: str


class LoggedTransaction(Protocol):
    """A finished transaction (``Transaction``)."""

    data: Any  # LoggedData
    config: EngineConfig
    mode: RuleEngineMode
    interruption: Any  # LoggedInterruption | None
    matched_rules: Sequence[Any]  # LoggedMatch
    debug_lines: list[tuple[int, str]]
    debug_level: int
    relevant: bool
    sanitised: list[tuple[str, bytes]]
    audit_engine: str | None
    audit_parts: str
    request_body_access: bool
    request_body_limit: int
    response_body_access: bool
    response_body_limit: int

    def request_body_bytes(self) -> bytes: ...

    def response_body_bytes(self) -> bytes: ...
