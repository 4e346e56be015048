"""The CRS regression tests run in-process: each stage through the transaction API, no server.

What can be judged without a server is judged: the rule ids a stage logs (``expect_ids``,
``no_expect_ids``, and ``log_contains`` / ``no_log_contains`` patterns, checked against an
error-log-like line per logged match). Stages whose bytes cannot be split into a request,
and checks only a server can answer (``status``, ``response_contains``, ``expect_error``),
are reported as not checkable here; the full run through Apache does them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from modsec_py.engine.waf import WAF
from modsec_py.testing.ftw import FtwFile, FtwTest, Stage, UnparsableRequest, request_parts, test_name


@dataclass
class TestOutcome:
    name: str
    checkable: bool
    passed: bool
    reason: str = ""
    logged_ids: list[str] = field(default_factory=list)


def log_lines(tx: object) -> list[str]:
    """One line per logged match, in the shape of v2's error-log line (enough for ftw's patterns)."""
    lines = []
    for match in tx.matched_rules:  # type: ignore[attr-defined]
        if not match.log:
            continue
        parts = [f"ModSecurity: Warning. {match.message}", f'[file "{match.file}"]', f'[line "{match.line}"]',
                 f'[id "{match.rule_id}"]']
        if match.msg:
            parts.append(f'[msg "{match.msg}"]')
        if match.logdata:
            parts.append(f'[data "{match.logdata}"]')
        parts += [f'[tag "{tag}"]' for tag in match.tags]
        lines.append(" ".join(parts))
    return lines


def as_apache_reads(headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """What Apache does before modules see a request: with ``Transfer-Encoding`` it drops
    ``Content-Length`` (``ap_read_request``) and hands over the de-chunked body."""
    if not any(name.lower() == b"transfer-encoding" for name, _value in headers):
        return headers, body
    headers = [(name, value) for name, value in headers if name.lower() != b"content-length"]
    return headers, dechunk(body)


def dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _crlf, rest = rest.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body  # not chunked after all: Apache would answer 400
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def run_stage(waf: WAF, stage: Stage) -> tuple[list[str], object]:
    parts = request_parts(stage.input)
    headers, body = as_apache_reads(list(parts.headers), parts.body)
    tx = waf.new_transaction("127.0.0.1", 40000, "127.0.0.1", 80)
    tx.process_uri(parts.uri, parts.method, parts.version)
    for name, value in headers:
        tx.add_request_header(name, value)
    if tx.process_request_headers() is None:
        tx.append_request_body(body)
        if tx.process_request_body() is None:
            tx.add_response_header("Content-Type", "text/html; charset=utf-8")
            if tx.process_response_headers(200, "HTTP/1.1") is None:
                tx.append_response_body(b"<html><body>ok</body></html>")
                tx.process_response_body()
    tx.process_logging()
    return log_lines(tx), tx


def judge(stage: Stage, lines: list[str]) -> list[str]:
    """Why the stage's id/log expectations fail (empty: they hold)."""
    output = stage.output
    text = "\n".join(lines)
    logged = {match.group(1) for match in re.finditer(r'\[id "(\d+)"\]', text)}
    problems = []
    for rule_id in output.expected_ids:
        if str(rule_id) not in logged:
            problems.append(f"expected id {rule_id} not logged")
    for rule_id in output.forbidden_ids:
        if str(rule_id) in logged:
            problems.append(f"forbidden id {rule_id} logged")
    if output.log_regex and not re.search(output.log_regex, text):
        problems.append(f"no log line matches {output.log_regex!r}")
    if output.no_log_regex and re.search(output.no_log_regex, text):
        problems.append(f"a log line matches {output.no_log_regex!r}")
    return problems


def _checkable(stage: Stage) -> bool:
    output = stage.output
    return bool(output.expected_ids or output.forbidden_ids or output.log_regex or output.no_log_regex)


def run_test(waf: WAF, file: FtwFile, test: FtwTest) -> TestOutcome:
    name = test_name(file, test)
    problems: list[str] = []
    logged: list[str] = []
    checkable = False
    for stage in test.stages:
        if not _checkable(stage):
            continue
        try:
            lines, _tx = run_stage(waf, stage)
        except UnparsableRequest as error:
            return TestOutcome(name, False, False, f"request cannot be split in-process: {error}")
        checkable = True
        logged += re.findall(r'\[id "(\d+)"\]', "\n".join(lines))
        problems += judge(stage, lines)
    if not checkable:
        return TestOutcome(name, False, False, "only server-side checks (status, response, error)")
    return TestOutcome(name, True, not problems, "; ".join(problems), sorted(set(logged)))
