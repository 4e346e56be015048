"""The three connectors inside a real Apache 2.4 + mod_wsgi, with Debian's CRS 3.3.4.

Mount points of the test server (see conftest.py): ``/mw`` the WSGI middleware in mod_wsgi
daemon mode, ``/embedded`` the same in embedded mode (Apache's request record passed),
``/detect`` the middleware with SecRuleEngine DetectionOnly, ``/proxy`` the reverse proxy in
front of an unprotected backend on a second virtual host, ``/static`` files Apache serves
itself behind the access hook.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest

from tests.integration.client import BROWSER, Reply, request
from tests.integration.conftest import Site

pytestmark = pytest.mark.apache

SQLI = "1%27%20OR%201%3D1--"
WSGI_MOUNTS = ["/mw", "/embedded", "/proxy"]
# A request type CRS 3.3.4 allows (920420) and no body processor parses: the body stays opaque.
OPAQUE = "multipart/related; type=application/octet-stream; boundary=none"


def unique(mount: str, leaf: str = "echo") -> str:
    return f"{mount}/{uuid.uuid4().hex}/{leaf}"


def echo(reply: Reply) -> dict:
    assert reply.status == 200, reply.body[:400]
    return json.loads(reply.body)


def log_lines(site: Site, marker: str, wanted: str, wait: float = 10.0) -> list[str]:
    """The error-log lines naming ``marker`` once one of them contains ``wanted`` (or after ``wait``)."""
    deadline = time.monotonic() + wait
    while True:
        lines = [line for line in site.server.read_error_log().splitlines() if marker in line]
        if any(wanted in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_server_runs_modsec_py_and_not_mod_security2(site: Site) -> None:
    modules = site.server.modules()
    assert "wsgi_module" in modules
    assert "security2_module" not in modules
    assert "mod_security2" not in site.server.config.read_text()


# -- benign traffic passes unchanged ------------------------------------------------------

@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_benign_get_reaches_the_application_with_its_headers(site: Site, mount: str) -> None:
    headers = [*BROWSER, ("X-Custom-Header", "some value"), ("Cookie", "session=abc; theme=dark"),
               ("Authorization", "Basic dXNlcjpwYXNz")]
    seen = echo(request(site.url(f"{mount}/echo?q=blue+widgets&page=2"), headers=headers))
    assert seen["method"] == "GET"
    assert seen["query"] == "q=blue+widgets&page=2"
    got = dict(seen["headers"])
    for name, value in headers:
        assert got[name] == value, name


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_benign_form_post_body_is_byte_identical(site: Site, mount: str) -> None:
    body = b"name=jane+doe&city=Paris&comment=" + b"nice+widgets+" * 200
    seen = echo(request(site.url(f"{mount}/echo"), "POST", body,
                        [*BROWSER, ("Content-Type", "application/x-www-form-urlencoded")]))
    assert base64.b64decode(seen["body"]) == body


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_benign_binary_body_is_byte_identical_both_ways(site: Site, mount: str) -> None:
    body = bytes(range(256)) * 64
    for response_type in ("application/octet-stream", "text/plain"):  # streamed / buffered for phase 4
        reply = request(site.url(f"{mount}/raw"), "POST", body,
                        [*BROWSER, ("Content-Type", OPAQUE), ("X-Response-Type", response_type)])
        assert reply.status == 200
        assert reply.body == body
        assert reply.header("Content-Type") == response_type


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_chunked_request_body_is_replayed(site: Site, mount: str) -> None:
    body = b"alpha=1&beta=two"
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:5], body[5:])) + b"0\r\n\r\n"
    seen = echo(request(site.url(f"{mount}/echo"), "POST", chunked,
                        [*BROWSER, ("Content-Type", "application/x-www-form-urlencoded"),
                         ("Transfer-Encoding", "chunked")]))
    assert base64.b64decode(seen["body"]) == body


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_status_and_repeated_response_headers_are_kept(site: Site, mount: str) -> None:
    reply = request(site.url(f"{mount}/cookies"), headers=BROWSER)
    assert reply.status == 200
    assert reply.all("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly", "c=3"]
    assert reply.header("X-Demo") == "yes"
    assert reply.body == b"three cookies\n"
    created = request(site.url(f"{mount}/status/201"), headers=BROWSER)
    assert created.status == 201
    assert created.body == b"status 201\n"


def test_the_proxy_forwards_as_mod_proxy_does(site: Site) -> None:
    seen = echo(request(site.url("/proxy/echo?x=1"), headers=[*BROWSER, ("Connection", "keep-alive, X-Hop"),
                                                                ("X-Hop", "private"), ("X-Kept", "yes")]))
    assert seen["uri"] == "/backend/echo?x=1"
    got = dict(seen["headers"])
    assert got["Host"] == f"127.0.0.1:{site.upstream_port}"
    assert got["X-Forwarded-For"] == "127.0.0.1"
    assert got["X-Forwarded-Host"] == "localhost"
    assert got["X-Kept"] == "yes"
    assert "X-Hop" not in got and "Connection" not in got


def test_static_content_behind_the_access_hook_is_served_unchanged(site: Site) -> None:
    reply = request(site.url("/static/page.html?q=blue+widgets"), headers=BROWSER)
    assert reply.status == 200
    assert reply.body == b"<html><body>static page</body></html>\n"


# -- CRS blocks attacks -------------------------------------------------------------------

@pytest.mark.parametrize("mount", [*WSGI_MOUNTS, "/static"])
def test_sqli_in_the_query_is_blocked(site: Site, mount: str) -> None:
    path = f"/static/page.html?id={SQLI}" if mount == "/static" else f"{unique(mount)}?id={SQLI}"
    reply = request(site.url(path), headers=BROWSER)
    assert reply.status == 403
    assert b"<title>403 Forbidden</title>" in reply.body


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_sqli_in_a_form_body_is_blocked(site: Site, mount: str) -> None:
    reply = request(site.url(unique(mount)), "POST", b"name=jane&id=1%27%20OR%201%3D1--",
                    [*BROWSER, ("Content-Type", "application/x-www-form-urlencoded")])
    assert reply.status == 403


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_sqli_in_a_json_body_is_blocked(site: Site, mount: str) -> None:
    body = json.dumps({"user": {"name": "jane", "id": "1' OR 1=1--"}}).encode()
    reply = request(site.url(unique(mount)), "POST", body, [*BROWSER, ("Content-Type", "application/json")])
    assert reply.status == 403


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_sqli_in_a_multipart_field_is_blocked(site: Site, mount: str) -> None:
    body = (b"--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\njane\r\n"
            b"--xyz\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1' OR 1=1--\r\n--xyz--\r\n")
    reply = request(site.url(unique(mount)), "POST", body,
                    [*BROWSER, ("Content-Type", "multipart/form-data; boundary=xyz")])
    assert reply.status == 403


@pytest.mark.parametrize("mount", WSGI_MOUNTS)
def test_a_leaking_response_is_blocked_before_it_reaches_the_client(site: Site, mount: str) -> None:
    path = unique(mount, "leak")
    reply = request(site.url(path), headers=BROWSER)
    assert reply.status == 403
    assert b"SQL syntax" not in reply.body
    lines = log_lines(site, path, "(phase 4)")
    assert any('[id "951230"]' in line or '[id "951220"]' in line for line in lines), lines
    assert any("ModSecurity: Access denied with code 403 (phase 4)." in line for line in lines), lines


def test_the_verdict_is_written_by_modsec_py_into_apaches_error_log(site: Site) -> None:
    path = unique("/mw")
    assert request(site.url(f"{path}?id={SQLI}"), headers=BROWSER).status == 403
    lines = log_lines(site, path, "Access denied")
    assert any("[wsgi:error]" in line and 'ModSecurity: Warning. detected SQLi using libinjection' in line
               and '[id "942100"]' in line for line in lines), lines
    denied = [line for line in lines if "ModSecurity: Access denied with code 403 (phase 2)." in line]
    assert denied and '[id "949110"]' in denied[0] and "[wsgi:error]" in denied[0]


# -- DetectionOnly ------------------------------------------------------------------------

def test_detection_only_logs_and_passes(site: Site) -> None:
    path = unique("/detect")
    seen = echo(request(site.url(f"{path}?id={SQLI}"), headers=BROWSER))
    assert seen["query"] == f"id={SQLI}"
    lines = log_lines(site, path, '[id "942100"]')
    assert any("ModSecurity: Warning." in line and '[id "942100"]' in line for line in lines), lines
    assert not any("Access denied" in line for line in lines)
    leak = request(site.url(unique("/detect", "leak")), headers=BROWSER)
    assert leak.status == 200 and b"SQL syntax" in leak.body
