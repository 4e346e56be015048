#!/usr/bin/env python3
"""Capture ModSecurity 2.9.7's own logs for tests/data/logging/modsec2 (run as root, once).

Starts a private Apache on 127.0.0.1 with Debian's mod_security2.so (tools/fetch-modsec2.sh)
and mod_unique_id, loads tests/data/logging/modsec2/rules.conf, sends each request of
scenarios.json three times (serial native, serial JSON, concurrent native audit logs), and
writes what v2 logged: error.log (from "ModSecurity:" on), serial.log, serial.json, index
(the concurrent index) and the concurrent entries under concurrent/. The server's responses
are stored in responses.json, so that tests can replay both sides through modsec_py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data/logging/modsec2"
MODULE = ROOT / ".tmp/modsec2/root/usr/lib/apache2/modules/mod_security2.so"
MODULES = Path("/usr/lib/apache2/modules")

AUDIT = {
    "serial": "SecAuditLogType Serial\nSecAuditLog {dir}/serial.log\n",
    "json": "SecAuditLogType Serial\nSecAuditLogFormat JSON\nSecAuditLog {dir}/serial.json\n",
    "concurrent": "SecAuditLogType Concurrent\nSecAuditLog {dir}/index\nSecAuditLogStorageDir {dir}/concurrent\n",
}


def httpd_conf(work: Path, port: int, audit: str) -> str:
    return f"""ServerRoot "{work}"
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {work}/httpd.pid
DefaultRuntimeDir {work}
Mutex file:{work} default
ErrorLog {work}/error.log
LogLevel notice
User www-data
Group www-data
LoadModule mpm_prefork_module {MODULES}/mod_mpm_prefork.so
LoadModule authz_core_module {MODULES}/mod_authz_core.so
LoadModule mime_module {MODULES}/mod_mime.so
LoadModule unique_id_module {MODULES}/mod_unique_id.so
TypesConfig /etc/mime.types
StartServers 1
MinSpareServers 1
MaxSpareServers 1
MaxRequestWorkers 1
DocumentRoot {work}/www
<Directory {work}/www>
    Require all granted
</Directory>
LoadModule security2_module {MODULE}
SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecAuditEngine RelevantOnly
SecAuditLogRelevantStatus "^(?:5|4(?!04))"
SecAuditLogParts ABCIJEFHKZ
{audit.format(dir=work / "logs")}
Include {DATA}/rules.conf
"""


def send(port: int, scenario: dict) -> dict:
    body = scenario.get("body", "").encode("latin-1")
    head = f"{scenario['method']} {scenario['target']} HTTP/1.1\r\n"
    for name, value in scenario["headers"]:
        head += f"{name}: {value}\r\n"
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    raw = head.encode("latin-1") + b"Connection: close\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer:
        return {"status": 0, "headers": [], "body": ""}
    header_block, _sep, response_body = answer.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers = [line.split(": ", 1) for line in lines[1:]]
    return {"status": int(lines[0].split()[1]), "headers": headers, "body": response_body.decode("latin-1")}


def run(kind: str, scenarios: list[dict]) -> tuple[Path, list[dict]]:
    work = Path(tempfile.mkdtemp(prefix=f"modsec2-{kind}-"))
    (work / "www").mkdir()
    (work / "www/index.html").write_text("hello\n")
    (work / "logs").mkdir()
    for path in (work, work / "logs"):
        shutil.chown(path, "www-data", "www-data")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (work / "httpd.conf").write_text(httpd_conf(work, port, AUDIT[kind]))
    environment = dict(os.environ, TZ="UTC")
    subprocess.run(["/usr/sbin/apache2", "-f", str(work / "httpd.conf"), "-k", "start"], check=True, env=environment)
    time.sleep(1)
    try:
        responses = [send(port, scenario) for scenario in scenarios]
        time.sleep(0.5)
    finally:
        subprocess.run(["/usr/sbin/apache2", "-f", str(work / "httpd.conf"), "-k", "stop"], env=environment)
        time.sleep(1)
    return work, responses


def main() -> int:
    if not MODULE.exists():
        print("run tools/fetch-modsec2.sh first", file=sys.stderr)
        return 1
    scenarios = json.loads((DATA / "scenarios.json").read_text())
    work, responses = run("serial", scenarios)
    (DATA / "responses.json").write_text(json.dumps(responses, indent=1) + "\n")
    lines = [line[line.index("ModSecurity: "):] for line in (work / "error.log").read_text("latin-1").splitlines()
             if "[security2:error]" in line]
    (DATA / "error.log").write_text("\n".join(lines) + "\n", "latin-1")
    shutil.copy(work / "logs/serial.log", DATA / "serial.log")
    shutil.rmtree(work)
    work, _ = run("json", scenarios)
    shutil.copy(work / "logs/serial.json", DATA / "serial.json")
    shutil.rmtree(work)
    work, _ = run("concurrent", scenarios)
    shutil.copy(work / "logs/index", DATA / "index")
    target = DATA / "concurrent"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(work / "logs/concurrent", target)
    shutil.rmtree(work)
    for path in [*DATA.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    print(f"captured into {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
