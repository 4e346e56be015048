"""Everything one audit log entry shows, read from a finished transaction once.

Both formats (:mod:`native` and :mod:`json_format`) render an :class:`AuditEntry`; it is the
only place where the audit log reads the transaction. Sanitisation is applied here, except
the JSON writer's own header count (see :meth:`AuditEntry.request_headers`).
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from modsec_py.bodyprocessors.multipart import FILE, FORM_DATA, MultipartParser, MultipartPart
from modsec_py.config import EngineConfig, RuleEngineMode
from modsec_py.logging.alerts import Alert
from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.rules import RuleIndex
from modsec_py.logging.sanitise import Sanitisation, mask_spans
from modsec_py.logging.text import apache_escape, log_escape_nq, log_time
from modsec_py.rules.ruleset import Rule

__all__ = ["AuditEntry", "MatchedChain", "ServerInfo", "apache_error_text"]

PRODUCER = "ModSecurity for Apache/2.9.7 (http://www.modsecurity.org/)"


@dataclass(slots=True)
class ServerInfo:
    """What Apache knows and the engine does not: the server banner and the request's handler."""

    software: str | None = None  # v2's "Server:" (Apache's banner)
    handler: str | None = None  # v2's "Apache-Handler:" (mod_wsgi: "wsgi-script")


@dataclass(frozen=True, slots=True)
class MatchedChain:
    """One matched rule for part K: the rule and its chain links, with which of them matched."""

    rules: tuple[Rule, ...]
    matched: tuple[bool, ...]
    tags: tuple[str, ...]  # the starter's tags as logged (macros expanded)


def apache_error_text(remote_addr: str, line: str) -> str:
    """v2's ``Apache-Error:`` text for an error-log line it sent to Apache (``format_error_log_message``)."""
    message = apache_escape(f"[client {remote_addr}] {line}")
    return f'[file "apache2_util.c"] [line 275] [level 3] {log_escape_nq(message.encode("latin-1", "replace"))}'


class AuditEntry:
    """A finished transaction as the audit log sees it."""

    def __init__(self, tx: LoggedTransaction, config: EngineConfig, alerts: list[Alert], error_lines: list[str],
                 rules: RuleIndex | None, server: ServerInfo, now_ns: int | None = None) -> None:
        self.tx = tx
        self.data = tx.data
        self.config = config
        self.rules = rules
        self.server = server
        self.now_ns = time.time_ns() if now_ns is None else now_ns
        self.parts = tx.audit_parts
        self.messages = [alert.audit_text for alert in alerts if alert.audit_text is not None]
        remote = self.data.remote_addr.decode("latin-1")
        self.error_messages = [apache_error_text(remote, line) for line in error_lines]
        self.sanitisation = Sanitisation.of(tx, rules)

    def has(self, part: str) -> bool:
        return part in self.parts

    # -- A ------------------------------------------------------------------------------------
    @property
    def time(self) -> str:
        return log_time(self.now_ns)

    @property
    def unique_id(self) -> str:
        return self.data.unique_id.decode("latin-1")

    # -- B ------------------------------------------------------------------------------------
    @functools.cached_property
    def request_line(self) -> bytes:
        return self.sanitisation.mask_request_line(self.data.request_line, self.data.query_string, self._separator)

    def request_headers(self, extra_star: int = 0) -> list[tuple[bytes, bytes]]:
        return self.sanitisation.mask_headers(self.data.request_headers, self.sanitisation.request_headers,
                                              extra_star)

    # -- C and I ------------------------------------------------------------------------------
    @functools.cached_property
    def request_body(self) -> bytes | None:
        """The body v2 read (sanitised), None when it read none."""
        tx = self.tx
        if not tx.request_body_access:
            return None
        body = tx.request_body_bytes()[:tx.request_body_limit]
        if not body:
            return None
        if self.sanitisation.args:
            body = self._sanitised_body(body)
        return body

    def _sanitised_body(self, body: bytes) -> bytes:
        processor = self.data.reqbody_processor
        if processor == b"URLENCODED":
            return self.sanitisation.mask_arguments(body, self._separator)
        if processor == b"MULTIPART":
            wanted = self.sanitisation.arg_names()
            return mask_spans(body, ((part.offset, part.length) for part in self.multipart_parts
                                     if part.kind == FORM_DATA and (part.name or b"").lower() in wanted))
        if processor == b"JSON":
            wanted = self.sanitisation.arg_names()
            return self.sanitisation.mask_json_values(
                body, {value for name, value in self.data.args if name.lower() in wanted})  # JSON: ARGS only
        return body

    @functools.cached_property
    def multipart_parts(self) -> list[MultipartPart]:
        """The multipart body's parts (parsed again: the engine keeps only variables)."""
        if self.data.reqbody_processor != b"MULTIPART" or not self.tx.request_body_access:
            return []
        content_type = next((value for name, value in self.data.request_headers if name.lower() == b"content-type"),
                            None)
        parser = MultipartParser(content_type, upload_file_limit=self.config.upload_file_limit)
        parser.feed(self.tx.request_body_bytes()[:self.tx.request_body_limit])
        return parser.finish().parts

    @property
    def is_multipart(self) -> bool:
        return bool(self.multipart_parts)

    def fake_body(self) -> bytes:
        """Part I of a multipart request: its form fields urlencoded, sanitised ones as stars."""
        wanted = self.sanitisation.arg_names()
        fields = []
        for part in self.multipart_parts:
            if part.kind != FORM_DATA:
                continue
            name = part.name or b""
            value = b"*" * len(part.value) if name.lower() in wanted else part.value
            fields.append(_urlencode(name) + b"=" + _urlencode(value))
        return b"&".join(fields)

    def uploads(self) -> list[tuple[int, int, bytes]]:
        """Part J: (part number, size, file name) of each uploaded file."""
        return [(index + 1, part.size, part.filename or b"") for index, part in enumerate(self.multipart_parts)
                if part.kind == FILE and part.filename is not None]

    # -- F and E ------------------------------------------------------------------------------
    @property
    def response_sent(self) -> bool:
        return self.data.response_status != 0

    def response_headers(self, extra_star: int = 0) -> list[tuple[bytes, bytes]]:
        return self.sanitisation.mask_headers(self.data.response_headers, self.sanitisation.response_headers,
                                              extra_star)

    @functools.cached_property
    def response_body(self) -> bytes | None:
        """What v2 buffered of the response body: with SecResponseBodyAccess, for inspected types."""
        tx = self.tx
        body = self.data.response_body
        if not body and tx.response_body_access:
            mime = self.data.response_content_type.split(b";")[0].strip().lower().decode("latin-1")
            if mime in self.config.response_body_mime_types:
                body = tx.response_body_bytes()[:tx.response_body_limit]
        return body or None

    # -- H ------------------------------------------------------------------------------------
    @property
    def intercepted(self) -> tuple[int, str] | None:
        """(phase, rule message) when the transaction was intercepted (``allow`` and ``pause`` are not)."""
        interruption = self.tx.interruption
        if interruption is None or interruption.action == "pause":
            return None
        return interruption.phase, interruption.message

    @property
    def request_time_us(self) -> int:
        return int(self.data.started * 1_000_000)

    @property
    def duration_us(self) -> int:
        return max(self.now_ns // 1000 - self.request_time_us, 0)

    def stopwatch(self) -> dict[str, int]:
        """Microseconds per phase and for storage, logging and GC, where the engine measured them."""
        perf = self.data.perf
        return {key: int(perf.get(key, 0)) for key in ("p1", "p2", "p3", "p4", "p5", "sr", "sw", "l", "gc")}

    @property
    def producer(self) -> list[str]:
        return [PRODUCER, *self.config.component_signatures]

    @property
    def webapp_info(self) -> tuple[str | None, str | None, str | None] | None:
        """(web app id, session id, user id) when v2 writes WebApp-Info."""
        webappid = self.config.web_app_id
        session = self.data.sessionid.decode("latin-1") or None
        user = self.data.userid.decode("latin-1") or None
        if webappid == "default" and session is None and user is None:
            return None
        return webappid, session, user

    @property
    def sensor_id(self) -> str | None:
        sensor = self.config.sensor_id
        return None if sensor == "default" else sensor

    @property
    def engine_mode(self) -> str | None:
        mode = self.tx.mode
        if mode is RuleEngineMode.ON:
            return "ENABLED"
        return "DETECTION_ONLY" if mode is RuleEngineMode.DETECTION_ONLY else None

    # -- K ------------------------------------------------------------------------------------
    def matched_chains(self) -> list[MatchedChain]:
        """Each recorded match's rule with its chain (the engine records complete chains only)."""
        if self.rules is None:
            return []
        chains = []
        for match in self.tx.matched_rules:
            rule = self.rules.find(match.file, match.line)
            if rule is not None:
                links = tuple(rule.chain())
                chains.append(MatchedChain(links, (True,) * len(links), tuple(match.tags)))
        return chains

    @property
    def _separator(self) -> bytes:
        return self.config.argument_separator.encode("latin-1")


_URL_SAFE = frozenset(b"*0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _urlencode(data: bytes) -> bytes:
    """v2's ``strnurlencat``: letters, digits and ``*`` kept, space as ``+``, the rest ``%hh``."""
    return b"".join(bytes((byte,)) if byte in _URL_SAFE else b"+" if byte == 0x20 else b"%%%02x" % byte
                    for byte in data)
