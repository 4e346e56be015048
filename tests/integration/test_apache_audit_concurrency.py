"""8 mod_wsgi processes x concurrent clients write 10,000 audit entries: none lost, none interleaved.

Each request carries a unique number that a rule logs; every entry of the serial audit log
must be one whole entry (sections A..Z of one transaction, no other transaction's boundary
inside) and every number must appear in exactly one entry.
"""

from __future__ import annotations

import http.client
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from modsec_py.testing import apache
from tests.integration.conftest import require_apache, running

pytestmark = pytest.mark.apache

REQUESTS = int(os.environ.get("MODSEC_PY_AUDIT_REQUESTS", "10000"))
CLIENTS = 32
PROCESSES = 8


@pytest.fixture
def server() -> Iterator[apache.ApacheInstance]:
    require_apache()
    home = apache.install_copy(apache.make_home("modsec_py-home-"))
    root = apache.make_home("modsec_py-audit-")
    instance = apache.ApacheInstance(root=root, home=home, processes=2)
    seclang = root / "audit.conf"
    seclang.write_text(
        "SecRuleEngine On\nSecAuditEngine On\nSecAuditLogType Serial\nSecAuditLogParts ABFHZ\n"
        f"SecAuditLog {instance.logs}/audit.log\n"
        'SecRule ARGS:n "@rx ^\\d+$" "id:1,phase:1,pass,log,msg:\'request %{MATCHED_VAR}\'"\n')
    instance.write_config(
        f"WSGIDaemonProcess audit processes={PROCESSES} threads=4 python-path={home}/python\n"
        f"WSGIScriptAlias /mw {home}/wsgi/demo.wsgi process-group=audit application-group=%{{GLOBAL}}\n"
        f"SetEnv MODSEC_PY_CONFIG {seclang}\n")
    with running(instance, root, home):
        yield instance


def send(port: int, numbers: range) -> list[int]:
    """One connection per request: no keep-alive race can lose or repeat a request."""
    statuses = []
    for number in numbers:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request("GET", f"/mw/hello?n={number}", headers={"Host": "localhost", "Connection": "close"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        finally:
            connection.close()
    return statuses


def settled_log(path: Path, wait: float = 120.0) -> str:
    """The audit log once phase 5 of every request ran (it runs after the response went out)."""
    deadline = time.monotonic() + wait
    while True:
        text = path.read_bytes().decode("latin-1")
        if text.count("-Z--\n") >= REQUESTS or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def test_ten_thousand_entries_from_eight_processes(server: apache.ApacheInstance) -> None:
    share = REQUESTS // CLIENTS
    batches = [range(client * share, REQUESTS if client == CLIENTS - 1 else (client + 1) * share)
               for client in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for result in pool.map(lambda batch: send(server.port, batch), batches)
                    for status in result]
    assert statuses.count(200) == REQUESTS
    text = settled_log(server.logs / "audit.log")
    boundaries = re.findall(r"^--([0-9a-f]{8})-([A-Z])--$", text, re.M)
    entries, open_id, sections = [], None, []
    for boundary, section in boundaries:
        if section == "A":
            assert open_id is None, f"entry {open_id} interrupted by {boundary}"
            open_id, sections = boundary, ["A"]
        else:
            assert boundary == open_id, f"section {section} of {boundary} inside entry {open_id}"
            sections.append(section)
            if section == "Z":
                entries.append((boundary, sections))
                open_id = None
    assert open_id is None
    assert len(entries) == REQUESTS
    assert all(sections == ["A", "B", "F", "H", "Z"] for _boundary, sections in entries)
    numbers = sorted(int(found) for found in re.findall(r"^Message: .*\[msg \"request (\d+)\"\]", text, re.M))
    assert numbers == list(range(REQUESTS))
