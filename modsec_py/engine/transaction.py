"""One request through the WAF: the ordered public API connectors call.

``process_uri`` -> ``add_request_header``* -> ``process_request_headers`` (phase 1) ->
``append_request_body``* -> ``process_request_body`` (phase 2) -> ``add_response_header``* ->
``process_response_headers`` (phase 3) -> ``append_response_body``* ->
``process_response_body`` (phase 4) -> ``process_logging`` (phase 5). Each ``process_*``
returns the interruption, or None. A transaction is used by one thread.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from modsec_py.collection import MapCollection
from modsec_py.config import BodyLimitAction, EngineConfig, RuleEngineMode
from modsec_py.engine import request
from modsec_py.engine.compiled import CompiledRule
from modsec_py.engine.exclusions import RuntimeExclusions
from modsec_py.engine.macros import compile_macro
from modsec_py.engine.results import Interruption, MatchedRule
from modsec_py.engine.state import TxData

if TYPE_CHECKING:
    from modsec_py.engine.scopes import PhaseRules, ScopedConfig
    from modsec_py.engine.waf import WAF

_PERSISTENT = ("IP", "SESSION", "USER", "GLOBAL", "RESOURCE")


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


class Transaction:
    """One request/response pair; not thread-safe."""

    def __init__(self, waf: WAF, client_ip: str, client_port: int, server_ip: str, server_port: int) -> None:
        self.waf = waf
        self.data = TxData(remote_addr=_bytes(client_ip), remote_port=client_port, server_addr=_bytes(server_ip),
                           server_port=server_port)
        self.data.unique_id = base64.urlsafe_b64encode(os.urandom(18)).rstrip(b"=")
        self.scope: ScopedConfig | None = None  # the <Location> section the request falls in
        self.ruleset: PhaseRules = waf.rules
        self._use_config(waf.config)
        self.request_body_processor: str | None = None
        self.force_request_body_variable = False
        self.audit_engine: str | None = None
        self.debug_lines: list[tuple[int, str]] = []
        self.interruption: Interruption | None = None
        self.matched_rules: list[MatchedRule] = []
        self.exclusions: RuntimeExclusions | None = None
        self.transformation_cache: dict[tuple[str, ...], dict[bytes, bytes]] = {}
        self.relevant = False
        self.phase = 0
        self.stop_phase = False
        self.allow_scope: str | None = None  # "all", "request" (v2's ACTION_ALLOW / ALLOW_REQUEST)
        self.rule_intercepted = False
        self.capturing = False
        self.current_rule: CompiledRule | None = None
        self.sanitised: list[tuple[str, bytes]] = []
        self.injections: list[tuple[str, bytes]] = []
        self.pcre_limit_hits = 0
        self.body_failed = False  # the body processor failed at completion: v2 answers 500
        self._persistent_keys: dict[str, bytes] = {}
        self._request_body: list[bytes] = []
        self._response_body: list[bytes] = []
        self._done: set[int] = set()

    def _use_config(self, config: EngineConfig) -> None:
        """The settings ctl: may change start from the configuration that applies to the request."""
        self.config = config
        self.data.webappid = config.web_app_id.encode("latin-1")
        self.mode = config.rule_engine
        self.request_body_access = config.request_body_access
        self.response_body_access = config.response_body_access
        self.request_body_limit = config.request_body_limit
        self.response_body_limit = config.response_body_limit
        self.audit_parts = config.audit_log_parts
        self.debug_level = config.debug_log_level

    def select_scope(self, path: bytes) -> None:
        """Apply the ``<Location>`` section ``path`` (REQUEST_FILENAME) falls in, if any."""
        if not self.waf.scopes:
            return
        scope = self.waf.scope_for(path)
        if scope is not None:
            self.scope = scope
            self.ruleset = scope.rules
            self._use_config(scope.config)

    # -- request -------------------------------------------------------------------------
    def process_uri(self, uri: str | bytes, method: str | bytes = "GET", http_version: str | bytes = "HTTP/1.1",
                    *, line: str | bytes | None = None) -> None:
        """The request line's parts; ``line``: the line as the client sent it (Apache's ``the_request``,
        v2's REQUEST_LINE), when the connector has it; else ``METHOD URI VERSION``."""
        request.set_request_line(self, _bytes(uri), _bytes(method), _bytes(http_version),
                                 None if line is None else _bytes(line))

    def add_request_header(self, name: str | bytes, value: str | bytes) -> None:
        self.data.request_headers.add(_bytes(name), _bytes(value))

    def process_request_headers(self) -> Interruption | None:
        request.parse_request_headers(self)
        return self._phase(1)

    def append_request_body(self, data: bytes) -> Interruption | None:
        self._request_body.append(data)
        return None

    def process_request_body(self) -> Interruption | None:
        if 1 not in self._done:
            self.process_request_headers()
        if self.interruption is None and 2 not in self._done:
            refused = request.process_request_body(self, b"".join(self._request_body))
            if refused is not None and self.mode is not RuleEngineMode.OFF:
                # v2 answers before phase 2 (a body limit: 413).
                self.interruption = Interruption(None, "deny", refused[0], phase=2, message=refused[1])
                self._done.add(2)
                return self.interruption
            if self.body_failed and self.mode is not RuleEngineMode.OFF:
                # v2 (msc_reqbody.c) fails the request before phase 2, DetectionOnly included.
                self.interruption = Interruption(None, "deny", 500, phase=2,
                                                 message=self.data.reqbody_error_msg.decode("latin-1"))
                self._done.add(2)
                return self.interruption
        return self._phase(2)

    def abandon_request_body(self) -> None:
        """The connector could not read the whole body (the client stopped sending or went away): v2's
        hook answers 400 before phase 2, which never runs. That is an error, not an interception: phases 3
        and 4 still run on the error page, and 5."""
        if 1 not in self._done:
            self.process_request_headers()
        self._done.add(2)

    # -- response ------------------------------------------------------------------------
    def add_response_header(self, name: str | bytes, value: str | bytes) -> None:
        self.data.response_headers.add(_bytes(name), _bytes(value))

    def process_response_headers(self, status: int = 200, protocol: str | bytes = "HTTP/1.1") -> Interruption | None:
        if 2 not in self._done:
            self.process_request_body()
        data = self.data
        data.response_status = status
        data.response_protocol = _bytes(protocol)
        data.status_line = data.response_protocol + b" " + str(status).encode()
        for name, value in data.response_headers:
            lowered = name.lower()
            if lowered == b"content-type":
                data.response_content_type = value
            elif lowered == b"content-length":
                data.response_content_length = value
        return self._phase(3)

    def append_response_body(self, data: bytes) -> Interruption | None:
        self._response_body.append(data)
        return None

    def process_response_body(self) -> Interruption | None:
        if 3 not in self._done:
            self.process_response_headers()
        if self.interruption is None and self.response_body_access and self._response_mime_type_inspected():
            body = b"".join(self._response_body)
            if self._response_too_large(body):
                return self.interruption
            self.data.response_body = body[:self.response_body_limit]
        return self._phase(4)

    def _response_too_large(self, body: bytes) -> bool:
        """v2's output filter on SecResponseBodyLimit. With Reject (engine On) a declared
        Content-Length over the limit, or a body over it, answers 500 and phase 4 does not run;
        otherwise (ProcessPartial, DetectionOnly, which never blocks) a body over the limit
        sets OUTBOUND_DATA_ERROR and its first ``limit`` bytes are inspected."""
        limit = self.response_body_limit
        rejects = self.config.response_body_limit_action is BodyLimitAction.REJECT and self.mode is RuleEngineMode.ON
        declared = self.data.response_content_length.strip()  # set from the headers in phase 3
        if rejects and declared.isdigit() and int(declared) > limit:
            message = f"Output filter: Content-Length ({declared.decode('latin-1')}) over the limit ({limit})."
        elif len(body) <= limit:
            return False
        elif rejects:
            message = f"Output filter: Response body too large (over limit of {limit}, total not specified)."
        else:
            self.data.outbound_data_error = 1
            self.debug(4, f"Output filter: Processing partial response body (limit {limit})")
            return False
        self.data.outbound_data_error = 1
        # The interruption's message is what v2 logs (an error-log line and audit part H).
        self.interruption = Interruption(None, "deny", 500, phase=4, message=message)
        self._done.add(4)
        return True

    def process_logging(self) -> None:
        for phase in (1, 2, 3, 4):
            if phase not in self._done and self.interruption is None:
                break
        self._phase(5, always=True)
        self._save_collections()
        self.waf.logs.write(self)

    # -- phase driver --------------------------------------------------------------------
    def _phase(self, phase: int, *, always: bool = False) -> Interruption | None:
        if phase in self._done:
            return self.interruption
        self._done.add(phase)
        skip = self.mode is RuleEngineMode.OFF or (self.intercepted and not always)
        if self.allow_scope == "all" and phase < 5 or self.allow_scope == "request" and phase < 3:
            skip = True
        if not skip:
            from modsec_py.engine.runner import run_phase

            self.phase = self.data.phase = phase
            self.stop_phase = False
            self.rule_intercepted = False
            self.data.members_cache.clear()
            started = time.perf_counter()
            run_phase(self, phase)
            self.data.perf[f"p{phase}"] = int((time.perf_counter() - started) * 1_000_000)  # v2's Stopwatch2
        return self.interruption

    @property
    def intercepted(self) -> bool:
        """Later phases (but 5) are skipped: an interruption, except the 500 of a body processor that failed at
        completion, which v2 returns as an error, not an interception (phases 3 and 4 run on the error page)."""
        interruption = self.interruption
        return interruption is not None and not (self.body_failed and interruption.rule_id is None)

    def _response_mime_type_inspected(self) -> bool:
        content_type = self.data.response_content_type.split(b";")[0].strip().lower().decode("latin-1")
        return content_type in self.config.response_body_mime_types

    # -- what rules and actions use ------------------------------------------------------
    def expand(self, text: str) -> bytes:
        return self.expand_text(text, self.current_rule.acting if self.current_rule else None)

    def expand_text(self, text: str, rule: object = None) -> bytes:
        if "%{" not in text:
            return text.encode("latin-1")
        return compile_macro(text).expand(self.data, rule)

    def set_captures(self, groups: Sequence[bytes | None]) -> None:
        tx = self.data.tx
        for index in range(max(10, len(groups))):
            group = groups[index] if index < len(groups) else None
            if group is not None:
                tx.set(str(index).encode(), group)
            else:
                tx.remove(str(index).encode())

    def set_capture(self, index: int, value: bytes) -> None:
        self.data.tx.set(str(index).encode(), value)

    def xml_document(self) -> object | None:
        return self.data.xml_document

    def request_body_error(self) -> bool:
        return bool(self.data.reqbody_error)

    def set_geo(self, fields: Mapping[str, bytes]) -> None:
        geo = self.data.geo = MapCollection()
        for name, value in fields.items():
            geo.set(name.encode("latin-1"), value)

    def pcre_limits_exceeded(self) -> None:
        self.pcre_limit_hits += 1
        self.data.tx.set(b"MSC_PCRE_LIMITS_EXCEEDED", b"1")

    def environment(self) -> dict[str, str]:
        """The variables ``setenv`` set (Apache's ``subprocess_env`` in v2), names lower-cased."""
        return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in self.data.env}

    def debug(self, level: int, message: str) -> None:
        # Levels 1-3 are kept whatever SecDebugLogLevel says: v2 also sends them to the error and audit logs.
        if level <= self.debug_level or level <= 3:
            self.debug_lines.append((level, message))

    def collection(self, name: str) -> MapCollection | None:
        upper = name.upper()
        if upper == "TX":
            return self.data.tx
        return self.data.persistent.get(upper)

    def open_collection(self, name: str, key: bytes) -> None:
        if name not in _PERSISTENT:
            self.debug(1, f"Invalid collection name: {name}")
            return
        self.data.persistent[name] = self.waf.store.load(name, key, self.config.collection_timeout)
        self._persistent_keys[name] = key

    def _save_collections(self) -> None:
        for name, key in self._persistent_keys.items():
            self.waf.store.save(name, key, self.data.persistent[name])

    def allow(self, value: str | None) -> None:
        scope = (value or "").lower()
        if scope == "phase":
            self.stop_phase = True
        else:
            self.allow_scope = "request" if scope == "request" else "all"
            self.stop_phase = True

    def sanitise(self, kind: str, argument: bytes) -> None:
        self.sanitised.append((kind, argument))

    def inject(self, where: str, content: bytes) -> None:
        self.injections.append((where, content))

    def run_program(self, path: str) -> None:
        self.debug(1, f"exec: running external programs is not supported: {path}")

    def set_audit_parts(self, value: str) -> None:
        if value[:1] in "+-":
            letters = set(self.audit_parts)
            letters = letters | set(value[1:]) if value[0] == "+" else letters - set(value[1:])
            self.audit_parts = "".join(sorted(letters))
        else:
            self.audit_parts = value

    def record_match(self, acting: CompiledRule, rule: CompiledRule, message: str) -> MatchedRule:
        data = self.data
        effective = acting.rule.effective
        var = data.matched_var
        logged = acting.log or acting.auditlog  # v2 expands msg, logdata and tags only for a logged match
        record = MatchedRule(
            rule_id=acting.id, phase=self.phase, message=message,
            msg=acting.msg.expand(data, acting).decode("latin-1") if acting.msg and logged else None,
            logdata=acting.logdata.expand(data, acting).decode("latin-1")[:512] if acting.logdata and logged else None,
            severity=acting.severity,
            tags=[tag.expand(data, acting).decode("latin-1") for tag in acting.tags] if logged else [],
            matched_var_name=var.name if var else "", matched_var_value=var.value if var else b"",
            file=acting.rule.parsed.location.file, line=acting.rule.parsed.last_line,
            rev=effective.rev, version=effective.version, maturity=effective.maturity,
            accuracy=effective.accuracy, log=acting.log, auditlog=acting.auditlog)
        self.matched_rules.append(record)
        return record

    # -- what the logs read -----------------------------------------------------------------
    def set_unique_id(self, unique_id: str | bytes) -> None:
        """Use the connector's id (mod_unique_id's UNIQUE_ID) as UNIQUE_ID and in the three logs."""
        self.data.unique_id = _bytes(unique_id)

    def request_body_bytes(self) -> bytes:
        """The request body as the connector handed it over (audit log part C)."""
        return b"".join(self._request_body)

    def response_body_bytes(self) -> bytes:
        """The response body as the connector handed it over (part E, the concurrent index line)."""
        return b"".join(self._response_body)
