"""SecResponseBodyLimit with Reject / ProcessPartial, as v2's output filter applies it."""

from __future__ import annotations

import pytest

from modsec_py import WAF

RULES = """
SecResponseBodyAccess On
SecResponseBodyMimeType text/html
SecResponseBodyLimit 10
SecRule RESPONSE_BODY "@contains secret" "id:1,phase:4,deny,status:403"
SecRule OUTBOUND_DATA_ERROR "@eq 1" "id:2,phase:4,pass,log"
"""


def run(engine: str, action: str, body: bytes, content_length: bool = True) -> tuple[int | None, list[str]]:
    waf = WAF.from_directives(f"SecRuleEngine {engine}\nSecResponseBodyLimitAction {action}\n" + RULES)
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri("/", "GET", "HTTP/1.1")
    tx.process_request_headers()
    tx.process_request_body()
    tx.add_response_header("Content-Type", "text/html")
    if content_length:
        tx.add_response_header("Content-Length", str(len(body)))
    tx.process_response_headers(200, "HTTP/1.1")
    tx.append_response_body(body)
    interruption = tx.process_response_body()
    tx.process_logging()
    return (None if interruption is None else interruption.status), [m.rule_id or "" for m in tx.matched_rules]


@pytest.mark.parametrize("content_length", [True, False])
def test_reject_answers_500_without_phase_4(content_length: bool) -> None:
    assert run("On", "Reject", b"0123456789 secret", content_length) == (500, [])


def test_process_partial_inspects_the_first_bytes() -> None:
    assert run("On", "ProcessPartial", b"0123456789 secret") == (None, ["2"])
    assert run("On", "ProcessPartial", b"secret 0123456789") == (403, ["1"])


def test_detection_only_never_rejects() -> None:
    assert run("DetectionOnly", "Reject", b"0123456789 secret") == (None, ["2"])


def test_within_the_limit() -> None:
    assert run("On", "Reject", b"a secret") == (403, ["1"])
