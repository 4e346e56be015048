"""Request body limits as v2 applies them before phase 2 (413s, INBOUND_DATA_ERROR, partial bodies)."""

from __future__ import annotations

from modsec_py import WAF

BASE = """
SecRequestBodyAccess On
SecRequestBodyLimit 20
SecRequestBodyNoFilesLimit 1000
SecRule INBOUND_DATA_ERROR "@eq 1" "id:1,phase:2,pass,log"
SecRule ARGS_POST_NAMES "@rx ." "id:2,phase:2,pass,log,multiMatch,logdata:%{MATCHED_VAR}"
SecRule REQBODY_ERROR "@eq 1" "id:3,phase:2,pass,log,logdata:%{REQBODY_ERROR_MSG}"
"""


def post(settings: str, body: bytes, chunked: bool = False) -> tuple[int | None, list[str]]:
    waf = WAF.from_directives(BASE + settings)
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri("/", "POST", "HTTP/1.1")
    tx.add_request_header("Content-Type", "application/x-www-form-urlencoded")
    if chunked:
        tx.add_request_header("Transfer-Encoding", "chunked")
    else:
        tx.add_request_header("Content-Length", str(len(body)))
    tx.process_request_headers()
    tx.append_request_body(body)
    interruption = tx.process_request_body()
    tx.process_logging()
    found = [f"{m.rule_id}:{m.logdata}" if m.logdata else str(m.rule_id) for m in tx.matched_rules]
    return (None if interruption is None else interruption.status), found


LONG = b"a=1&b=2&c=3&d=4&e=5&f=6&g=7"  # 27 bytes


def test_content_length_over_the_limit() -> None:
    assert post("SecRuleEngine On\nSecRequestBodyLimitAction Reject\n", LONG) == (413, [])
    # Not rejecting: INBOUND_DATA_ERROR, and a URLENCODED body is cut to the limit.
    assert post("SecRuleEngine On\nSecRequestBodyLimitAction ProcessPartial\n", LONG) == (
        None, ["1", "2:a", "2:b", "2:c", "2:d", "2:e"])
    assert post("SecRuleEngine DetectionOnly\nSecRequestBodyLimitAction Reject\n", LONG)[0] is None


def test_chunked_body_over_the_limit() -> None:
    assert post("SecRuleEngine On\nSecRequestBodyLimitAction Reject\n", LONG, chunked=True) == (413, [])
    # v2 goes on silently: no INBOUND_DATA_ERROR.
    assert post("SecRuleEngine On\nSecRequestBodyLimitAction ProcessPartial\n", LONG, chunked=True)[1][0] == "2:a"


def test_no_files_limit_refuses_in_every_mode() -> None:
    settings = "SecRuleEngine DetectionOnly\nSecRequestBodyLimit 1000\nSecRequestBodyNoFilesLimit 10\n"
    assert post(settings, LONG)[0] == 413


def test_arguments_limit() -> None:
    status, found = post("SecRuleEngine On\nSecRequestBodyLimit 1000\nSecArgumentsLimit 2\n", LONG)
    assert status is None
    assert found == ["2:a", "2:b", "3:SecArgumentsLimit exceeded"]
