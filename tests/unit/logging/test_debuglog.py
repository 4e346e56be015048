"""SecDebugLog / SecDebugLogLevel: v2's line format, the level filter and ctl:debugLogLevel."""

from __future__ import annotations

import re
from pathlib import Path

from modsec_py.engine.waf import WAF

LINE = re.compile(r"^\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{6} [-+]+\d{4})\] \[([^/]*)/sid#([0-9a-f]+)\]"
                  r"\[rid#([0-9a-f]+)\]\[([^\]]*)\]\[(\d)\] (.*)$")
# Lines ModSecurity 2.9.7 wrote (tools/capture_modsec2_logs.py setup, SecDebugLogLevel 4).
V2_LINES = (
    "[22/Nov/2026:02:09:24.636870 +0530] [127.0.0.1/sid#7fb85dd4e4a0][rid#7fb85d81f0a0][/index.html][4] "
    "Initialising transaction (txid awIBfNm0OP9_jkySzSOwxAAAAAA).",
    "[22/Nov/2026:02:09:24.647693 +0530] [127.0.0.1/sid#7fb85dd4e4a0][rid#7fb85d27d0a0][/index.html][2] "
    'Warning. Pattern match "." at REQUEST_HEADERS:X-Secret. [file "/tmp/v2/modsec.conf"] [line "19"] [id "6"]',
)
RULES = """SecRuleEngine On
SecDebugLog {path}
SecDebugLogLevel {level}
SecAuditEngine RelevantOnly
SecAuditLog {audit}
SecRule ARGS:a "@streq 1" "id:1,phase:1,pass,log"
SecRule ARGS:b "@streq 1" "id:2,phase:1,pass,nolog,ctl:debugLogLevel=9"
"""


def _run(tmp_path: Path, level: int, query: str) -> list[re.Match[str]]:
    path = tmp_path / "debug.log"
    waf = WAF.from_directives(RULES.format(path=path, level=level, audit=tmp_path / "audit.log"))
    waf.logs.error_log.sink = None
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri(f"/p%61th/x?{query}")
    tx.add_request_header("Host", "127.0.0.1:8080")
    tx.process_request_headers()
    tx.process_logging()
    if not path.exists():
        return []
    lines = path.read_text("latin-1").splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [match for match in matches if match]


def test_v2_lines_fit_the_format() -> None:
    assert all(LINE.match(line) for line in V2_LINES)


def test_format_and_level_filter(tmp_path: Path) -> None:
    lines = _run(tmp_path, 2, "a=1")
    assert [(line.group(2), line.group(5), line.group(6)) for line in lines] == [("127.0.0.1", "/path/x", "2")]
    assert lines[0].group(7).startswith('Warning. String match "1" at ARGS:a. [file "<directives>"] [line "6"]')


def test_level_four_shows_nolog_matches_and_the_audit_decision(tmp_path: Path) -> None:
    lines = _run(tmp_path, 4, "a=1")
    messages = [(int(line.group(6)), line.group(7)) for line in lines]
    assert (4, "Audit log: Logging this transaction.") in messages
    assert any(level == 2 and text.startswith("Warning. ") for level, text in messages)
    assert len({(line.group(3), line.group(4)) for line in lines}) == 1  # one server, one request


def test_ctl_debug_log_level_raises_the_level_for_one_transaction(tmp_path: Path) -> None:
    assert _run(tmp_path, 1, "a=2") == []
    messages = [line.group(7) for line in _run(tmp_path, 1, "b=1")]
    assert any(text.startswith('Warning. String match "1" at ARGS:b.') for text in messages)


def test_level_zero_writes_nothing(tmp_path: Path) -> None:
    assert _run(tmp_path, 0, "a=1") == []


def test_a_debug_log_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone").mkdir()
    waf = WAF.from_directives(f"SecRuleEngine On\nSecDebugLog {tmp_path}/gone/debug.log\nSecDebugLogLevel 9\n")
    (tmp_path / "gone").rmdir()
    lines: list[str] = []
    waf.logs.error_log.sink = lines.extend
    tx = waf.new_transaction("1.1.1.1", 1, "2.2.2.2", 80)
    tx.process_uri("/")
    tx.process_request_headers()
    tx.debug(4, "something")
    tx.process_logging()
    assert lines == [f"ModSecurity: Failed to write to the debug log {tmp_path}/gone/debug.log: "
                     "No such file or directory"]
