"""Engine test profiles: rules + requests + expectations, as data (YAML), run through the public API.

A profile file::

    name: chains
    rules: |
      SecRuleEngine On
      SecRule ARGS "@rx a" "id:1,phase:2,deny,chain"
        SecRule ARGS "@rx b" ""
    tests:
      - title: both links match
        request: {method: GET, uri: "/?x=a&y=b", headers: {Host: localhost}, body: ""}
        response: {status: 200, headers: {Content-Type: text/html}, body: "<html>"}
        expect:
          interruption: {rule_id: "1", status: 403, action: deny, phase: 2}   # or null
          triggered: [1]          # ids in matched rules (logged or not)
          not_triggered: [2]
          log_contains: ['Pattern match "a" at ARGS:x']   # in any match message/msg/logdata
          tx: {score: "5"}        # TX values after the transaction
          variables: {REQBODY_ERROR: "0"}   # first value of a variable after phase 2

Used by the test suite; shipped so that rule authors can test their own rules the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modsec_py.engine.results import Interruption
from modsec_py.engine.transaction import Transaction
from modsec_py.engine.waf import WAF


@dataclass
class ProfileOutcome:
    interruption: Interruption | None
    triggered: list[str]
    messages: list[str]
    tx: Transaction
    failures: list[str] = field(default_factory=list)


def _pairs(headers: Any) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, dict):
        return [(str(name), str(value)) for name, value in headers.items()]
    return [(str(name), str(value)) for name, value in headers]


def _body(value: Any) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("latin-1")


def run_test(waf: WAF, test: dict[str, Any]) -> ProfileOutcome:
    """Drive one test's request (and response) through every phase, in order."""
    request = test.get("request", {})
    response = test.get("response", {})
    tx = waf.new_transaction(request.get("client_ip", "127.0.0.1"), 40000, "127.0.0.1", 80)
    tx.process_uri(request.get("uri", "/"), request.get("method", "GET"), request.get("version", "HTTP/1.1"))
    for name, value in _pairs(request.get("headers", {"Host": "localhost"})):
        tx.add_request_header(name, value)
    interruption = tx.process_request_headers()
    if interruption is None:
        tx.append_request_body(_body(request.get("body")))
        interruption = tx.process_request_body()
    if interruption is None:
        for name, value in _pairs(response.get("headers", {"Content-Type": "text/html"})):
            tx.add_response_header(name, value)
        interruption = tx.process_response_headers(int(response.get("status", 200)), "HTTP/1.1")
    if interruption is None:
        tx.append_response_body(_body(response.get("body")))
        interruption = tx.process_response_body()
    tx.process_logging()
    messages = []
    for match in tx.matched_rules:
        messages += [match.message, match.msg or "", match.logdata or ""]
    return ProfileOutcome(tx.interruption, [str(match.rule_id) for match in tx.matched_rules], messages, tx)


def check(outcome: ProfileOutcome, expect: dict[str, Any]) -> list[str]:
    """What in ``expect`` the outcome does not satisfy (empty: all good)."""
    failures = []
    if "interruption" in expect:
        wanted = expect["interruption"]
        got = outcome.interruption
        if wanted is None and got is not None:
            failures.append(f"unexpected interruption {got}")
        elif wanted is not None:
            if got is None:
                failures.append(f"no interruption, expected {wanted}")
            else:
                for key, value in wanted.items():
                    if str(getattr(got, key)) != str(value):
                        failures.append(f"interruption.{key} is {getattr(got, key)!r}, expected {value!r}")
    for rule_id in expect.get("triggered", []):
        if str(rule_id) not in outcome.triggered:
            failures.append(f"rule {rule_id} did not trigger (triggered: {outcome.triggered})")
    for rule_id in expect.get("not_triggered", []):
        if str(rule_id) in outcome.triggered:
            failures.append(f"rule {rule_id} triggered")
    for text in expect.get("log_contains", []):
        if not any(text in message for message in outcome.messages):
            failures.append(f"no message contains {text!r} (messages: {outcome.messages})")
    for text in expect.get("no_log_contains", []):
        if any(text in message for message in outcome.messages):
            failures.append(f"a message contains {text!r}")
    for key, value in (expect.get("tx") or {}).items():
        got = outcome.tx.data.tx.value(str(key).lower().encode("latin-1"))
        want = None if value is None else str(value).encode("latin-1")
        if got != want:
            failures.append(f"TX:{key} is {got!r}, expected {want!r}")
    return failures


def run_profile(profile: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Every test of a profile: (title, failures)."""
    waf = WAF.from_directives(profile["rules"])
    results = []
    for test in profile.get("tests", []):
        outcome = run_test(waf, test)
        results.append((test.get("title", "?"), check(outcome, test.get("expect", {}))))
    return results
