"""The JSON audit log format (``sec_audit_logger_json``): one object per line, as yajl writes it.

Written by hand, not with :mod:`json`, to match v2 byte for byte: keys in v2's order,
duplicate header names kept, bytes >= 0x80 passed through unchanged (yajl does not
validate UTF-8), controls as ``\\u00XX``. The request body is a list of chunks (one here),
each cut at a NUL as v2's C strings are. A sanitised header's value has one more star than
its length: v2's JSON writer counts the newline of the native header line.
"""

from __future__ import annotations

from collections.abc import Iterable

from modsec_py._util.cnum import atoi
from modsec_py.logging.entry import AuditEntry, MatchedChain
from modsec_py.logging.rules import RuleIndex
from modsec_py.logging.text import cstr, json_string, log_escape, severity_number
from modsec_py.logging.unparsed import targets_text
from modsec_py.rules.model import RuleKind
from modsec_py.rules.ruleset import Rule

__all__ = ["render_json"]

_TRUE, _FALSE = b"true", b"false"


def _obj(pairs: Iterable[tuple[str, bytes]]) -> bytes:
    return b"{" + b",".join(json_string(key) + b":" + value for key, value in pairs) + b"}"


def _arr(values: Iterable[bytes]) -> bytes:
    return b"[" + b",".join(values) + b"]"


def _int(value: int) -> bytes:
    return str(value).encode()


def _bool(value: bool) -> bytes:
    return _TRUE if value else _FALSE


def _escaped(text: str) -> bytes:
    return json_string(log_escape(text.encode("latin-1", "replace")))


def render_json(entry: AuditEntry) -> bytes:
    """One entry, without the line end."""
    data = entry.data
    top: list[tuple[str, bytes]] = [("transaction", _obj([
        ("time", json_string(entry.time)),
        ("transaction_id", json_string(entry.unique_id)),
        ("remote_address", json_string(data.remote_addr)),
        ("remote_port", _int(data.remote_port)),
        ("local_address", json_string(data.server_addr)),
        ("local_port", _int(data.server_port)),
    ]))]
    request: list[tuple[str, bytes]] = []
    if entry.has("B"):
        request.append(("request_line", json_string(cstr(entry.request_line))))
        request.append(("headers", _obj((name.decode("latin-1"), json_string(value))
                                        for name, value in entry.request_headers(extra_star=1))))
    if entry.has("C") or (entry.has("I") and not entry.is_multipart):
        body = entry.request_body
        if body is not None:
            request.append(("body", _arr([json_string(cstr(body))])))
    if entry.has("I") and entry.is_multipart and entry.request_body is not None:
        request.append(("fake_body", json_string(entry.fake_body())))
    top.append(("request", _obj(request)))
    response: list[tuple[str, bytes]] = []
    if entry.has("F") and entry.response_sent:
        response.append(("protocol", json_string(data.response_protocol or b"HTTP/1.1")))
        response.append(("status", _int(data.response_status)))
        response.append(("headers", _obj((name.decode("latin-1"), json_string(value))
                                         for name, value in entry.response_headers(extra_star=1))))
    wrote_response_body = False
    if entry.has("E") and entry.response_body is not None:
        response.append(("body", json_string(cstr(entry.response_body))))
        wrote_response_body = True
    top.append(("response", _obj(response)))
    top.append(("audit_data", _obj(_audit_data(entry, wrote_response_body) if entry.has("H") else [])))
    if entry.has("J") and entry.is_multipart:
        uploads = entry.uploads()
        top.append(("uploads", _obj([
            ("info", _arr(_obj([("file_size", _int(size)), ("file_name", _escaped(name.decode("latin-1"))),
                                ("content_type", json_string("<Unknown Content-Type>"))])
                          for _number, size, name in uploads)),
            ("total", _int(sum(size for _number, size, _name in uploads))),
        ])))
    if entry.has("K"):
        top.append(("matched_rules", _arr(_chain(entry, chain) for chain in entry.matched_chains())))
    return _obj(top)


def _audit_data(entry: AuditEntry, wrote_response_body: bool) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    if entry.messages:
        out.append(("messages", _arr(json_string(message) for message in entry.messages)))
    if entry.error_messages:
        out.append(("error_messages", _arr(json_string(message) for message in entry.error_messages)))
    intercepted = entry.intercepted
    if intercepted is not None:
        out.append(("action", _obj([("intercepted", _TRUE), ("phase", _int(intercepted[0])),
                                    ("message", json_string(intercepted[1]))])))
    if entry.server.handler:
        out.append(("handler", json_string(entry.server.handler)))
    out.append(("stopwatch", _obj((key, _int(value)) for key, value in entry.stopwatch().items())))
    if wrote_response_body:
        out.append(("response_body_dechunked", _TRUE))
    producer = entry.producer
    out.append(("producer", json_string(producer[0]) if len(producer) == 1
                else _arr(json_string(item) for item in producer)))
    if entry.server.software:
        out.append(("server", json_string(entry.server.software)))
    sanitisation = entry.sanitisation
    if not sanitisation.empty:
        out.append(("sanitized", _obj((key, _arr(_escaped(name) for name in names)) for key, names in (
            ("args", sanitisation.args), ("request_headers", sanitisation.request_headers),
            ("response_headers", sanitisation.response_headers)) if names)))
    webapp = entry.webapp_info
    if webapp is not None:
        out.append(("webapp_info", _obj((key, _escaped(value)) for key, value in zip(
            ("id", "session", "user_id"), webapp, strict=True) if value is not None)))
    if entry.sensor_id is not None:
        out.append(("sensor_id", _escaped(entry.sensor_id)))
    if entry.engine_mode is not None:
        out.append(("engine_mode", json_string(entry.engine_mode)))
    return out


def _chain(entry: AuditEntry, chain: MatchedChain) -> bytes:
    rules = entry.rules
    assert rules is not None
    if len(chain.rules) == 1:
        return _obj([("chain", _FALSE), ("rules", _arr([_rule(rules, chain.rules[0], True, chain.tags)]))])
    written = [_rule(rules, rule, matched, chain.tags if index == 0 else ())
               for index, (rule, matched) in enumerate(zip(chain.rules, chain.matched, strict=True))]
    return _obj([("chain", _TRUE), ("rules", _arr(written)), ("full_chain_match", _bool(chain.matched[-1]))])


def _rule(rules: RuleIndex, rule: Rule, matched: bool, tags: tuple[str, ...]) -> bytes:
    """v2's ``write_rule_json``."""
    effective = rule.effective
    starter = rule.chain_starter is None
    actionset: list[tuple[str, bytes]] = []
    if starter:
        for key, value in (("id", effective.id), ("rev", effective.rev), ("version", effective.version)):
            if value is not None:
                actionset.append((key, _escaped(value)))
        for key, number in (("severity", _severity(rule)), ("accuracy", _number(effective.accuracy)),
                            ("maturity", _number(effective.maturity))):
            if number is not None:
                actionset.append((key, _int(number)))
    actionset.append(("phase", _int(rule.phase)))
    chained = bool(effective.chained) or not starter
    actionset.append(("is_chained", _bool(chained)))
    if starter and effective.chained:
        actionset.append(("chain_starter", _TRUE))
    if starter:
        written_tags = list(tags) or [action.value or "" for action in effective.actions if action.name == "tag"]
        if written_tags:
            actionset.append(("tags", _arr(_escaped(tag) for tag in written_tags)))
    operator = rule.parsed.operator
    if rule.parsed.kind is RuleKind.ACTION or operator is None:
        name, param, target, negated = "unconditionalMatch", "", "REMOTE_ADDR", False
    else:
        name, param, target, negated = operator.name, operator.argument, targets_text(rule), operator.negated
    return _obj([
        ("actionset", _obj(actionset)),
        ("operator", _obj([("operator", json_string(name)), ("operator_param", json_string(param)),
                           ("target", json_string(target)), ("negated", _bool(negated))])),
        ("config", _obj([("filename", json_string(rule.parsed.location.file)),
                         ("line_num", _int(rule.parsed.last_line))])),
        ("unparsed", json_string(rules.unparsed(rule))),
        ("is_matched", _bool(matched)),
    ])


def _number(value: str | None) -> int | None:
    return None if value is None else atoi(value)


def _severity(rule: Rule) -> int | None:
    return severity_number(rule.effective.severity)
