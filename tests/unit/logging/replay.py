"""Replaying the requests of tests/data/logging/modsec2 (captured from ModSecurity 2.9.7) through modsec_py.

The capture (tools/capture_modsec2_logs.py) sent each scenario to Apache with mod_security2
and kept what v2 logged and what the server answered; a replay builds a WAF from the same
rules and settings, feeds the same request and response through the transaction API, with
the unique id and client port v2 logged, and returns what modsec_py logged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from modsec_py.engine.waf import WAF

DATA = Path(__file__).resolve().parents[2] / "data" / "logging" / "modsec2"
CAPTURED_DIR = "/work/main/tests/data/logging/modsec2"  # where the capture ran
SERVER = "Apache/2.4.71 (Debian)"

SETTINGS = """SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecAuditEngine RelevantOnly
SecAuditLogRelevantStatus "^(?:5|4(?!04))"
SecAuditLogParts ABCIJEFHKZ
"""
AUDIT = {
    "serial": "SecAuditLogType Serial\nSecAuditLog {dir}/serial.log\n",
    "json": "SecAuditLogType Serial\nSecAuditLogFormat JSON\nSecAuditLog {dir}/serial.json\n",
    "concurrent": "SecAuditLogType Concurrent\nSecAuditLog {dir}/index\nSecAuditLogStorageDir {dir}/concurrent\n",
}
ENTRY_START = re.compile(r"^--([0-9a-f]{8})-A--$", re.M)


def scenarios() -> list[dict]:
    return json.loads((DATA / "scenarios.json").read_text())


def responses() -> list[dict]:
    return json.loads((DATA / "responses.json").read_text())


def captured(name: str) -> str:
    """A captured log, with the capture's directory replaced by this checkout's."""
    return (DATA / name).read_text("latin-1").replace(CAPTURED_DIR, str(DATA))


def native_entries(text: str) -> list[str]:
    """Serial native log -> one string per entry (from ``--x-A--`` to ``--x-Z--\\n``)."""
    starts = [match.start() for match in ENTRY_START.finditer(text)]
    return [text[start:end].rstrip("\n") + "\n" for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]


def sections(entry: str) -> dict[str, str]:
    """Part letter -> its text, from one native entry."""
    pieces = re.split(r"^--[0-9a-f]{8}-([A-Z])--\n", entry, flags=re.M)
    return {pieces[index]: pieces[index + 1] for index in range(1, len(pieces) - 1, 2)}


@dataclass
class Captured:
    """What v2 logged about one scenario's transaction (when it made an audit entry)."""

    unique_id: str
    remote_port: int
    server_port: int
    sections: dict[str, str]


def captured_transactions(kind: str = "serial") -> dict[str, Captured]:
    """Scenario name -> v2's entry for it in the ``kind`` capture (parts from the serial one).

    A sanitised request line matches with its stars; the Content-Type tells same lines apart.
    """
    natives = [sections(entry) for entry in native_entries(captured("serial.log"))]
    heads = [(parts["B"], parts["A"].split()[2:]) for parts in natives]
    if kind == "json":
        heads = []
        for line in captured("serial.json").splitlines():
            entry = json.loads(line)
            request, header = entry["request"], entry["transaction"]
            text = request["request_line"] + "\n" + "".join(f"{key}: {value}\n"
                                                            for key, value in request["headers"].items())
            heads.append((text, [header["transaction_id"], "", str(header["remote_port"]), "",
                                 str(header["local_port"])]))
    elif kind == "concurrent":
        heads = []
        for path in sorted((DATA / "concurrent").rglob("*-*-*")):
            parts = sections(path.read_text("latin-1").replace(CAPTURED_DIR, str(DATA)))
            heads.append((parts["B"], parts["A"].split()[2:]))
    found = {}
    for scenario in scenarios():
        line = f"{scenario['method']} {scenario['target']} HTTP/1.1"
        content_type = next((f"Content-Type: {value}\n" for name, value in scenario["headers"]
                             if name == "Content-Type"), "")
        for request, head in heads:
            logged = request.split("\n", 1)[0]
            if re.fullmatch(re.escape(logged).replace(r"\*", "."), line) and content_type in request:
                parts = next((parts for parts in natives if parts["B"].split("\n", 1)[0] == logged
                              and content_type in parts["B"]), {})
                found[scenario["name"]] = Captured(head[0], int(head[2]), int(head[4]), parts)
                break
    return found


def replay(kind: str, directory: Path, error_lines: list[str] | None = None) -> WAF:
    """Build the WAF for ``kind`` logging into ``directory`` and run every scenario through it.

    Transactions get the unique id and ports v2 logged; error-log lines go to ``error_lines``.
    """
    text = SETTINGS + AUDIT[kind].format(dir=directory) + f"Include {DATA / 'rules.conf'}\n"
    waf = WAF.from_directives(text)
    waf.logs.set_server(SERVER)
    waf.logs.error_log.sink = error_lines.extend if error_lines is not None else None
    known = captured_transactions(kind)
    for index, (scenario, response) in enumerate(zip(scenarios(), responses(), strict=True)):
        found = known.get(scenario["name"])
        if found is None:
            found = Captured(f"replay{index:02d}", 40000 + index, 18999, {})
        run(waf, scenario, response, found)
    return waf


def run(waf: WAF, scenario: dict, response: dict, known: Captured) -> object:
    tx = waf.new_transaction("127.0.0.1", known.remote_port, "127.0.0.1", known.server_port)
    unique_id = known.unique_id
    tx.set_unique_id(unique_id)
    tx.process_uri(scenario["target"], scenario["method"], "HTTP/1.1")
    body = scenario.get("body", "").encode("latin-1")
    headers = [*scenario["headers"], *([["Content-Length", str(len(body))]] if body else []), ["Connection", "close"]]
    for name, value in headers:
        tx.add_request_header(name, value)
    interrupted = tx.process_request_headers()
    if interrupted is None:
        tx.append_request_body(body)
        tx.process_request_body()
    if not response["status"] and known.sections.get("F"):  # dropped: v2 logs the 403 Apache prepared
        response = logged_response(known.sections)
    if response["status"]:
        for name, value in response["headers"]:
            if name not in ("Date", "Server"):
                tx.add_response_header(name, value)
        tx.process_response_headers(response["status"])
        tx.append_response_body(response["body"].encode("latin-1"))
        tx.process_response_body()
    tx.process_logging()
    return tx


def logged_response(parts: dict[str, str]) -> dict:
    """The response of v2's parts F and E."""
    lines = parts["F"].rstrip("\n").split("\n")
    body = parts.get("E", "")
    return {"status": int(lines[0].split()[1]), "headers": [line.split(": ", 1) for line in lines[1:]],
            "body": body[:-1] if body.endswith("\n") else body}
