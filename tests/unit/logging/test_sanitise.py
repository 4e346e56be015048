"""Sanitising actions beyond the captured scenarios: matched names, case, every same-named argument."""

from __future__ import annotations

from pathlib import Path

from modsec_py.engine.waf import WAF
from tests.unit.logging import replay

RULES = """SecRuleEngine On
SecRequestBodyAccess On
SecAuditEngine On
SecAuditLogParts ABCFHZ
SecAuditLog {path}
SecRule ARGS_NAMES "@streq token" "id:1,phase:2,pass,nolog,sanitiseMatched"
SecRule REQUEST_HEADERS_NAMES "@streq x-key" "id:2,phase:1,pass,nolog,t:lowercase,sanitiseMatched"
SecRule RESPONSE_HEADERS:Set-Cookie "@rx ." "id:3,phase:3,pass,nolog,sanitiseMatched"
SecRule ARGS:card "@rx ^\\d+$" "id:4,phase:2,pass,nolog,sanitiseArg:CARD"
"""


def logged(tmp_path: Path, query: str, body: bytes, headers: list[tuple[str, str]]) -> dict[str, str]:
    path = tmp_path / "audit.log"
    waf = WAF.from_directives(RULES.format(path=path))
    waf.logs.error_log.sink = None
    tx = waf.new_transaction("1.1.1.1", 1, "2.2.2.2", 80)
    tx.process_uri(f"/p?{query}", "POST")
    tx.add_request_header("Content-Type", "application/x-www-form-urlencoded")
    for name, value in headers:
        tx.add_request_header(name, value)
    tx.process_request_headers()
    tx.append_request_body(body)
    tx.process_request_body()
    tx.add_response_header("Set-Cookie", "sid=abc; HttpOnly")
    tx.process_response_headers(200)
    tx.process_logging()
    (entry,) = replay.native_entries(path.read_text("latin-1"))
    return replay.sections(entry)


def test_matched_names_headers_and_every_same_named_argument(tmp_path: Path) -> None:
    parts = logged(tmp_path, "token=abc&card=1234&Card=99", b"token=zz%20z&keep=1&card=55",
                   [("X-Key", "k3y"), ("Other", "fine")])
    assert parts["B"].split("\n")[0] == "POST /p?token=***&card=****&Card=** HTTP/1.1"
    assert "X-Key: ***\n" in parts["B"] and "Other: fine\n" in parts["B"]
    assert parts["C"] == "token=******&keep=1&card=**\n"  # the raw (encoded) length
    assert "Set-Cookie: *****************\n" in parts["F"]
    trailer = parts["H"]
    # v2 lists every argument of the name each time sanitiseArg runs (here: once per matched card)
    assert 'Sanitised-Args: "token", ' + ", ".join(['"card", "Card", "card"'] * 3) + "." in trailer
    assert 'Sanitised-Request-Headers: "X-Key".' in trailer
    assert 'Sanitised-Response-Headers: "Set-Cookie".' in trailer
