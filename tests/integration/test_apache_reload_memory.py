"""20 graceful restarts of an Apache running modsec_py with CRS leave its memory where it was.

Reload leaks are a top complaint about libmodsecurity. Here each graceful restart replaces
the mod_wsgi daemon process, which builds the CRS WAF again on its first request; the total
RSS of Apache's parent and all its children after the 20th restart must be within 10% of
the total after the first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from modsec_py.testing import apache
from tests.integration.client import BROWSER, request
from tests.integration.conftest import _seclang, require_apache, running

pytestmark = pytest.mark.apache


def family(parent: int) -> set[int]:
    """``parent`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [parent]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_kib(pids: set[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


@pytest.fixture
def server() -> Iterator[apache.ApacheInstance]:
    require_apache()
    home = apache.install_copy(apache.make_home("modsec_py-home-"))
    root = apache.make_home("modsec_py-reload-")
    instance = apache.ApacheInstance(root=root, home=home)
    seclang = _seclang(home, root)
    instance.write_config(
        f"WSGIDaemonProcess reload processes=1 threads=4 python-path={home}/python\n"
        f"WSGIScriptAlias /mw {home}/wsgi/demo.wsgi process-group=reload application-group=%{{GLOBAL}}\n"
        f"SetEnv MODSEC_PY_CONFIG {seclang}/crs-on.conf\n")
    with running(instance, root, home):
        yield instance


def served_by(server: apache.ApacheInstance) -> int:
    reply = request(server.url("/mw/echo"), headers=BROWSER)
    assert reply.status == 200, reply.body[:300]
    return int(json.loads(reply.body)["pid"])


def reload_and_settle(server: apache.ApacheInstance, wait: float = 180.0) -> int:
    """Graceful restart; returns the total RSS once the new generation serves and the old one is gone."""
    parent = server.pid()
    assert parent is not None
    old = family(parent) - {parent}
    before = served_by(server)
    server.graceful()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            pid = served_by(server)
        except (OSError, AssertionError):
            pid = before
        if pid != before and not (family(parent) & old):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"Apache did not settle after a graceful restart:\n{server.read_error_log()[-3000:]}")
    served_by(server)  # the WAF of the new daemon process is built
    return rss_kib(family(parent))


def test_twenty_graceful_restarts_do_not_grow_memory(server: apache.ApacheInstance) -> None:
    served_by(server)
    first = reload_and_settle(server)
    totals = [first] + [reload_and_settle(server) for _ in range(19)]
    assert totals[-1] <= first * 1.10, f"RSS (KiB) after each restart: {totals}"
