"""Many processes (and threads) appending to one serial audit log: no entry lost, none interleaved.

8 processes write 10,000 entries through the real audit log, with request bodies from a few
bytes to 200 KB (far above what one pipe or page write covers). The file must then parse
back into exactly those 10,000 entries, each whole: its own boundary on every section,
its body intact.
"""

from __future__ import annotations

import multiprocessing
import re
import threading
import zlib
from pathlib import Path

from modsec_py.engine.waf import WAF

PROCESSES = 8
ENTRIES = 10_000
SETTINGS = """SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 1048576
SecAuditEngine On
SecAuditLogParts ABCFHZ
SecAuditLogType Serial
SecAuditLog {path}
SecRule ARGS:x "@streq 1" "id:1,phase:2,pass,log"
"""
ENTRY = re.compile(r"--([0-9a-f]{8})-A--\n\[[^\]]+\] (\S+) [^\n]*\n--\1-B--\n(?:[^\n]*\n)+?\n"
                   r"--\1-C--\n([^\n]*)\n--\1-F--\n\n--\1-H--\n(?:[^\n]*\n)+?\n--\1-Z--\n\n")


def body_for(unique_id: str) -> str:
    size = (zlib.crc32(unique_id.encode()) % 7) ** 6 + 3  # 3 bytes .. 46 KB, and 200 KB for a few
    size = 200_000 if unique_id.endswith("-99") else size
    return "x=1&v=" + (unique_id * (size // len(unique_id) + 1))[:size]


def write_entries(path: str, worker: int, count: int) -> None:
    waf = WAF.from_directives(SETTINGS.format(path=path))
    waf.logs.error_log.sink = None
    for index in range(count):
        unique_id = f"w{worker}-{index}"
        tx = waf.new_transaction("127.0.0.1", 1000 + worker, "127.0.0.1", 80)
        tx.set_unique_id(unique_id)
        tx.process_uri("/submit", "POST")
        tx.add_request_header("Content-Type", "application/x-www-form-urlencoded")
        tx.process_request_headers()
        tx.append_request_body(body_for(unique_id).encode())
        tx.process_request_body()
        tx.process_logging()


def check(path: Path, expected: set[str]) -> None:
    text = path.read_text("latin-1")
    found = {}
    position = 0
    for match in ENTRY.finditer(text):
        assert match.start() == position, f"garbage or interleaving before byte {match.start()}"
        position = match.end()
        found[match.group(2)] = match.group(3)
    assert position == len(text), f"garbage or interleaving after byte {position}"
    assert set(found) == expected and len(found) == len(expected)
    assert all(found[unique_id] == body_for(unique_id) for unique_id in found)


def test_processes_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    per_process = ENTRIES // PROCESSES
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=write_entries, args=(str(path), worker, per_process))
               for worker in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    check(path, {f"w{worker}-{index}" for worker in range(PROCESSES) for index in range(per_process)})


def test_threads_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    threads = [threading.Thread(target=write_entries, args=(str(path), worker, 200)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check(path, {f"w{worker}-{index}" for worker in range(4) for index in range(200)})
