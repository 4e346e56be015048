"""Request bodies v2 answers with an error before phase 2: not an interception, so phases 3-5 still run.

Checked with Debian's ModSecurity 2.9.7 in Apache (tools/diff_crs_modsec2.py, CRS 920420-10, 920400-1): a body
the XML processor refuses at completion answers 500 and the error page goes through phases 3 and 4; a body the
client never finishes answers 400, without phase 2.
"""

from __future__ import annotations

from modsec_py import WAF

RULES = """SecRuleEngine DetectionOnly
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "xml" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=XML"
SecAction "id:2,phase:2,pass,log"
SecRule RESPONSE_STATUS "@rx ^5" "id:3,phase:3,pass,log"
SecAction "id:4,phase:4,pass,log"
SecAction "id:5,phase:5,pass,log"
"""


def run(body: bytes, abandon: bool = False, status: int = 200) -> tuple[list[str], object, list[str]]:
    waf = WAF.from_directives(RULES)
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri("/", "POST", "HTTP/1.1")
    tx.add_request_header("Host", "localhost")
    tx.add_request_header("Content-Type", "text/xml")
    tx.process_request_headers()
    tx.append_request_body(body)
    interruption = tx.abandon_request_body() if abandon else tx.process_request_body()
    tx.process_response_headers(status, "HTTP/1.1")
    tx.process_response_body()
    tx.process_logging()
    logged = [match.rule_id for match in tx.matched_rules if match.log]
    return logged, interruption, [text for _, text in tx.debug_lines]


def test_a_body_refused_at_completion_skips_phase_2_only() -> None:
    ids, interruption, lines = run(b"test", status=500)
    assert interruption is not None and interruption.status == 500 and interruption.rule_id is None
    assert ids == ["3", "4", "5"]
    assert "XML parser error: XML: Failed parsing document." in lines  # msc_reqbody.c's own line (level 2)


def test_a_good_body_runs_every_phase() -> None:
    assert run(b"<a>b</a>")[0] == ["2", "4", "5"]


def test_an_abandoned_body_skips_phase_2_only() -> None:
    ids, interruption, _ = run(b"<a>", abandon=True, status=400)
    assert interruption is None and ids == ["4", "5"]
