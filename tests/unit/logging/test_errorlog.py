"""Error-log lines: v2's text from "ModSecurity:" on, compared with ModSecurity 2.9.7's own."""

from __future__ import annotations

import io
import re
from pathlib import Path

from modsec_py.engine.waf import WAF
from modsec_py.logging import error_log_lines, use_stream
from modsec_py.logging.text import apache_escape
from tests.unit.logging import replay


def test_lines_match_v2(tmp_path: Path) -> None:
    lines: list[str] = []
    replay.replay("serial", tmp_path, lines)
    theirs = replay.captured("error.log").splitlines()
    # Apache escapes what it writes; the captured lines went through it, ours did not yet.
    ours = [apache_escape(line) for line in lines]
    unique_ids = re.compile(r'\[unique_id "[^"]*"\]')
    assert [unique_ids.sub("", line) for line in ours] == [unique_ids.sub("", line) for line in theirs]


def test_same_unique_id_in_the_audit_log(tmp_path: Path) -> None:
    lines: list[str] = []
    replay.replay("serial", tmp_path, lines)
    ids_in_errors = {re.search(r'\[unique_id "([^"]*)"\]', line).group(1) for line in lines}  # type: ignore[union-attr]
    for entry in replay.native_entries((tmp_path / "serial.log").read_text("latin-1")):
        parts = replay.sections(entry)
        unique_id = parts["A"].split()[2]
        apache_errors = re.findall(r'\[unique_id "([^"]*)"\]', parts["H"])
        assert set(apache_errors) <= {unique_id}
        assert (unique_id in ids_in_errors) == bool(apache_errors)


def _waf(rules: str) -> WAF:
    return WAF.from_directives("SecRuleEngine On\n" + rules)


def _run(waf: WAF, uri: str) -> object:
    tx = waf.new_transaction("10.0.0.1", 1234, "10.0.0.2", 80)
    tx.set_unique_id("UID")
    tx.process_uri(uri)
    tx.add_request_header("Host", "example.org:8080")
    tx.process_request_headers()
    tx.process_request_body()
    return tx


def test_function_and_default_sink() -> None:
    waf = _waf('SecRule ARGS:x "@streq 1" "id:1,phase:1,deny,msg:\'m\'"')
    stream = io.StringIO()
    tx = _run(waf, "/a%20b/../c?x=1")
    with use_stream(stream):
        tx.process_logging()  # type: ignore[attr-defined]
    expected = ('ModSecurity: Access denied with code 403 (phase 1). String match "1" at ARGS:x. [file "<directives>"] '
                '[line "2"] [id "1"] [msg "m"] [hostname "example.org"] [uri "/c"] [unique_id "UID"]')
    assert waf.logs.error_log_lines(tx) == error_log_lines(tx, waf.logs.rules) == [expected]  # type: ignore[arg-type]
    assert stream.getvalue() == expected + "\n"


def test_detection_only_interruption_is_a_warning() -> None:
    waf = WAF.from_directives('SecRuleEngine DetectionOnly\nSecRule ARGS:x "@streq 1" "id:1,phase:1,deny"')
    tx = _run(waf, "/?x=1")
    assert [line.split(" [file")[0] for line in error_log_lines(tx)] == [  # type: ignore[arg-type]
        'ModSecurity: Warning. String match "1" at ARGS:x.']


def test_nolog_writes_nothing_and_sink_can_be_off() -> None:
    waf = _waf('SecRule ARGS:x "@streq 1" "id:1,phase:1,deny,nolog"')
    collected: list[str] = []
    waf.logs.error_log.sink = collected.extend
    tx = _run(waf, "/?x=1")
    tx.process_logging()  # type: ignore[attr-defined]
    assert collected == [] and error_log_lines(tx) == []  # type: ignore[arg-type]
    waf.logs.error_log.sink = None
    _run(_waf('SecRule ARGS:x "@streq 1" "id:1,phase:1,deny"'), "/?x=1").process_logging()  # type: ignore[attr-defined]


def test_long_messages_are_cut_like_v2s() -> None:
    waf = _waf('SecRule ARGS:x "@rx ." "id:1,phase:1,pass,log,msg:\'%{ARGS.x}\'"')
    tx = _run(waf, "/?x=" + "y" * 2000)
    (line,) = error_log_lines(tx)  # type: ignore[arg-type]
    assert line.startswith("ModSecurity: Warning. ") and line.endswith('[hostname "example.org"] [uri "/"] '
                                                                       '[unique_id "UID"]')
    assert len(line.split(" [hostname")[0]) == len("ModSecurity: ") + 1023
