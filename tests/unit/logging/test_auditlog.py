"""When an entry is written and what it holds: engine modes, relevance, parts, ctl, concurrent, pipes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modsec_py.engine.waf import WAF
from tests.unit.logging import replay

BASE = """SecRuleEngine On
SecRequestBodyAccess On
SecAuditLog {dir}/audit.log
SecAuditLogParts ABFHZ
SecRule ARGS:log "@streq 1" "id:1,phase:1,pass,log"
SecRule ARGS:quiet "@streq 1" "id:2,phase:1,pass,log,noauditlog"
SecRule ARGS:deny "@streq 1" "id:3,phase:1,deny,status:403"
SecRule ARGS:on "@streq 1" "id:4,phase:1,pass,nolog,ctl:auditEngine=On"
SecRule ARGS:off "@streq 1" "id:5,phase:1,pass,nolog,ctl:auditEngine=Off"
SecRule ARGS:parts "@streq 1" "id:6,phase:1,pass,nolog,ctl:auditLogParts=+C,ctl:auditLogParts=-H"
"""


def waf(tmp_path: Path, extra: str = "") -> WAF:
    built = WAF.from_directives(BASE.format(dir=tmp_path) + extra)
    built.logs.error_log.sink = None
    return built


def run(built: WAF, query: str, status: int = 200, body: bytes = b"") -> None:
    tx = built.new_transaction("10.1.1.1", 555, "10.1.1.2", 80)
    tx.process_uri(f"/x?{query}", "POST" if body else "GET")
    tx.add_request_header("Host", "site")
    if tx.process_request_headers() is None:
        tx.append_request_body(body)
        tx.process_request_body()
    tx.process_response_headers(status)
    tx.process_logging()


def entries(tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "audit.log"
    if not path.exists():
        return []
    return [replay.sections(entry) for entry in replay.native_entries(path.read_text("latin-1"))]


def queries(tmp_path: Path) -> list[str]:
    return [parts["B"].split("\n")[0].split("?")[1].split(" ")[0] for parts in entries(tmp_path)]


@pytest.mark.parametrize(("engine", "logged"), [
    ("Off", ["on=1"]),
    ("On", ["a=1", "log=1", "quiet=1", "deny=1", "on=1", "parts=1", "s404", "s500"]),
    ("RelevantOnly", ["log=1", "deny=1", "on=1", "s500"]),
])
def test_which_transactions_are_logged(tmp_path: Path, engine: str, logged: list[str]) -> None:
    built = waf(tmp_path, f'SecAuditEngine {engine}\nSecAuditLogRelevantStatus "^(?:5|4(?!04))"\n')
    for query in ("a=1", "log=1", "quiet=1", "deny=1", "on=1", "off=1", "parts=1"):
        run(built, query)
    run(built, "s404", 404)
    run(built, "s500", 500)
    assert queries(tmp_path) == logged


def test_deny_is_relevant_by_its_status_too(tmp_path: Path) -> None:
    built = waf(tmp_path, 'SecAuditEngine RelevantOnly\nSecAuditLogRelevantStatus "^403$"\n'
                          'SecRule ARGS:silent "@streq 1" "id:7,phase:1,deny,nolog,noauditlog"\n')
    run(built, "silent=1", status=0)
    assert queries(tmp_path) == ["silent=1"]


def test_ctl_audit_log_parts(tmp_path: Path) -> None:
    built = waf(tmp_path, "SecAuditEngine On\n")
    run(built, "parts=1", body=b"b=2")
    run(built, "a=1", body=b"b=2")
    first, second = entries(tmp_path)
    assert list(first) == ["A", "B", "C", "F", "Z"] and first["C"] == "b=2\n"
    assert list(second) == ["A", "B", "F", "H", "Z"]


def test_parts_d_and_g_are_ignored_as_in_v2(tmp_path: Path) -> None:
    built = waf(tmp_path, "SecAuditEngine On\nSecAuditLogParts ADGZ\n")
    run(built, "a=1")
    (entry,) = entries(tmp_path)
    assert list(entry) == ["A", "Z"]


def test_engine_off_still_audits_and_says_nothing_of_a_mode(tmp_path: Path) -> None:
    built = waf(tmp_path, "SecRuleEngine Off\nSecAuditEngine On\n")
    run(built, "log=1")
    (entry,) = entries(tmp_path)
    assert "Engine-Mode" not in entry["H"] and "Message:" not in entry["H"]


def test_concurrent_index_goes_to_both_logs(tmp_path: Path) -> None:
    built = waf(tmp_path, f"SecAuditEngine On\nSecAuditLogType Concurrent\nSecAuditLog2 {tmp_path}/index2\n"
                          f"SecAuditLogStorageDir {tmp_path}/store\n")
    run(built, "a=1")
    index = (tmp_path / "audit.log").read_text()
    assert index == (tmp_path / "index2").read_text()
    name = re.search(r" (/\S+) 0 \d+ md5:", index).group(1)  # type: ignore[union-attr]
    assert (tmp_path / "store" / name[1:]).read_text().startswith("--")


def test_concurrent_without_storage_dir_uses_the_index_directory(tmp_path: Path) -> None:
    built = waf(tmp_path, "SecAuditEngine On\nSecAuditLogType Concurrent\n")
    run(built, "a=1")
    name = re.search(r" (/\S+) 0 \d+ md5:", (tmp_path / "audit.log").read_text()).group(1)  # type: ignore[union-attr]
    assert (tmp_path / name[1:]).is_file()


def test_piped_audit_log(tmp_path: Path) -> None:
    built = WAF.from_directives(f'SecRuleEngine On\nSecAuditEngine On\nSecAuditLogParts AZ\n'
                                f'SecAuditLog "|cat >> {tmp_path}/piped.log"\n')
    built.logs.error_log.sink = None
    run(built, "a=1")
    process = built.logs.audit_log._file._process  # type: ignore[union-attr]
    process.stdin.close()
    process.wait()
    assert re.fullmatch(r"--[0-9a-f]{8}-A--\n\[[^\]]+\] \S+ 10\.1\.1\.1 555 10\.1\.1\.2 80\n--[0-9a-f]{8}-Z--\n\n",
                        (tmp_path / "piped.log").read_text())


def test_write_failure_goes_to_the_error_log(tmp_path: Path) -> None:
    (tmp_path / "gone").mkdir()
    built = WAF.from_directives(f"SecRuleEngine On\nSecAuditEngine On\nSecAuditLog {tmp_path}/gone/audit.log\n")
    (tmp_path / "gone").rmdir()  # removed after start-up
    lines: list[str] = []
    built.logs.error_log.sink = lines.extend
    run(built, "a=1")
    assert len(lines) == 1 and lines[0].startswith(f"ModSecurity: Audit log: Failed writing to {tmp_path}/gone")


def test_no_log_configured_writes_nothing(tmp_path: Path) -> None:
    built = WAF.from_directives("SecRuleEngine On\nSecAuditEngine On\n")
    built.logs.error_log.sink = None
    run(built, "a=1")
    assert not built.logs.audit_log.enabled and list(tmp_path.iterdir()) == []


def test_unique_id_of_the_connector(tmp_path: Path) -> None:
    built = waf(tmp_path, 'SecAuditEngine On\nSecRule UNIQUE_ID "@streq ABC" "id:9,phase:1,pass,log"\n')
    tx = built.new_transaction("1.2.3.4", 1, "5.6.7.8", 80)
    tx.set_unique_id("ABC")
    tx.process_uri("/")
    tx.process_request_headers()
    tx.process_logging()
    (entry,) = entries(tmp_path)
    assert entry["A"].split()[2] == "ABC" and '[id "9"]' in entry["H"]
