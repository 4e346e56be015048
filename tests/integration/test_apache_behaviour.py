"""What the connectors do around the engine inside real Apache: actions, limits, phase 5, reloads.

``/rules`` (daemon mode) and ``/embedded-rules`` (embedded mode, Apache's request record
passed) run the small rule set ``RULES`` of conftest.py; ``/reload`` runs ``reload.conf``.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from modsec_py.cli import main
from modsec_py.state import rulesets
from tests.integration.client import BROWSER, request
from tests.integration.conftest import RELOAD_AFTER, RELOAD_BEFORE, Site
from tests.integration.test_apache_connectors import log_lines

pytestmark = pytest.mark.apache

MODES = ["/rules", "/embedded-rules"]


def raw_exchange(site: Site, path: str) -> bytes:
    """Everything the server sends back for one GET before it closes the connection."""
    with socket.create_connection(("127.0.0.1", site.server.port), timeout=60) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while True:
            try:
                data = connection.recv(65536)
            except ConnectionResetError:
                return received
            if not data:
                return received
            received += data


def test_drop_closes_the_connection_when_apache_hands_over_its_record(site: Site) -> None:
    assert raw_exchange(site, "/embedded-rules/echo?act=drop") == b""


def test_drop_in_daemon_mode_answers_empty_and_closes(site: Site) -> None:
    reply = request(site.url("/rules/echo?act=drop"), headers=BROWSER)
    assert reply.status == 403
    assert reply.body == b""
    assert reply.header("Connection") == "close"


@pytest.mark.parametrize("mount", MODES)
def test_the_engine_sees_apaches_header_table_as_sent(site: Site, mount: str) -> None:
    """security2_py.conf's header keeper: names as sent, Proxy, and names mod_wsgi drops (X_Filename)."""
    assert request(site.url(f"{mount}/echo"), headers=[*BROWSER, ("x-lower-case", "1")]).status == 409
    assert request(site.url(f"{mount}/echo"), headers=[*BROWSER, ("Proxy", "http://192.0.2.1/")]).status == 410
    for name in ("X_Filename", "X.Filename"):
        assert request(site.url(f"{mount}/echo"), headers=[*BROWSER, (name, "evil.php")]).status == 412
        assert request(site.url(f"{mount}/echo"), headers=[*BROWSER, (name, "fine.txt")]).status == 200


@pytest.mark.parametrize("mount", MODES)
def test_redirect_and_deny_statuses(site: Site, mount: str) -> None:
    moved = request(site.url(f"{mount}/echo?act=redirect"), headers=BROWSER)
    assert moved.status == 302
    assert moved.header("Location") == "http://example.com/away"
    denied = request(site.url(f"{mount}/echo?act=deny"), headers=BROWSER)
    assert denied.status == 406


@pytest.mark.parametrize("mount", MODES)
def test_request_body_over_the_limit_is_refused(site: Site, mount: str) -> None:
    form = [*BROWSER, ("Content-Type", "application/x-www-form-urlencoded")]
    assert request(site.url(f"{mount}/echo"), "POST", b"a=" + b"b" * 1990, form).status == 200
    assert request(site.url(f"{mount}/echo"), "POST", b"a=" + b"b" * 3000, form).status == 413
    chunked = b"bb8\r\n" + b"a=" + b"b" * 2998 + b"\r\n0\r\n\r\n"
    reply = request(site.url(f"{mount}/echo"), "POST", chunked, [*form, ("Transfer-Encoding", "chunked")])
    assert reply.status == 413


@pytest.mark.parametrize("mount", MODES)
def test_response_body_over_the_limit_is_refused(site: Site, mount: str) -> None:
    assert request(site.url(f"{mount}/big?100"), headers=BROWSER).body == b"x" * 100
    assert request(site.url(f"{mount}/big?5000"), headers=BROWSER).status == 500


@pytest.mark.parametrize("leaf, status", [("echo", 200), ("boom", 500), ("echo?act=deny", 406)])
def test_phase_5_runs_for_every_request(site: Site, leaf: str, status: int) -> None:
    path = f"/rules/{uuid.uuid4().hex}/{leaf}"
    assert request(site.url(path), headers=BROWSER).status == status
    marker = path.split("?")[0]
    lines = log_lines(site, marker, "phase 5 saw")
    assert any(f"[msg \"phase 5 saw {status}\"]" in line for line in lines), lines


def test_graceful_restart_reads_the_rules_again(site: Site) -> None:
    assert request(site.url("/reload/echo?v=old"), headers=BROWSER).status == 403
    (site.seclang / "reload.conf").write_text(RELOAD_AFTER)
    assert request(site.url("/reload/echo?v=new"), headers=BROWSER).status == 200  # built once per process
    site.server.graceful()
    deadline = time.monotonic() + 120
    status = 0
    while time.monotonic() < deadline:
        try:
            status = request(site.url("/reload/echo?v=new"), headers=BROWSER).status
        except OSError:
            status = 0
        if status == 403:
            break
        time.sleep(0.2)
    assert status == 403
    assert request(site.url("/reload/echo?v=old"), headers=BROWSER).status == 200


def _poll(site: Site, path: str, done: Callable[[], bool]) -> bool:
    """Ask ``path`` until ``done()`` (fresh processes have built their WAF) or time runs out."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            request(site.url(path), headers=BROWSER)
        except OSError:
            pass
        if done():
            return True
        time.sleep(0.2)
    return False


def test_a_broken_rule_file_on_graceful_restart_keeps_the_last_good_rules(site: Site) -> None:
    reload_conf = site.seclang / "reload.conf"
    state = str(site.server.state_dir)

    def saved_text() -> bytes:
        saved = rulesets.load(state, str(reload_conf))
        return saved.view().read(str(reload_conf)) if saved else b""

    good = 'SecRuleEngine On\nSecRule ARGS:v "@streq kept" "id:22,phase:1,deny,status:403"\n'
    reload_conf.write_text(good)
    site.server.graceful()
    assert _poll(site, "/reload/echo", lambda: saved_text() == good.encode())  # loaded and saved
    reload_conf.write_text(good + 'SecRule ARGS "@rx (" "id:23,phase:1,deny"\n')
    site.server.graceful()
    assert _poll(site, "/reload/echo", lambda: "serves the last good ruleset" in site.server.read_error_log())
    assert f"{reload_conf}:3" in site.server.read_error_log()
    assert request(site.url("/reload/echo?v=kept"), headers=BROWSER).status == 403  # the saved rules
    assert request(site.url("/reload/echo?v=other"), headers=BROWSER).status == 200
    status = CliRunner().invoke(main, ["status", "--state-dir", state])
    assert "the last good ruleset saved" in status.output and f"{reload_conf}:3" in status.output
    reload_conf.write_text(RELOAD_BEFORE)
    site.server.graceful()
    assert _poll(site, "/reload/echo", lambda: saved_text() == RELOAD_BEFORE.encode())
    assert request(site.url("/reload/echo?v=old"), headers=BROWSER).status == 403
