"""The reverse proxy against a wsgiref upstream."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from modsec_py.connectors.proxy import ReverseProxy, forward_headers
from modsec_py.testing.apache import free_port
from tests.unit.connectors.test_wsgi_middleware import serve
from tests.unit.connectors.wsgi_helpers import call, environ


def upstream_app(env: dict[str, Any], start_response: Any) -> list[bytes]:
    length = env.get("CONTENT_LENGTH")
    body = env["wsgi.input"].read(int(length)) if length else b""
    seen = {"method": env["REQUEST_METHOD"], "path": env["PATH_INFO"], "query": env["QUERY_STRING"],
            "headers": {key[5:]: value for key, value in env.items() if key.startswith("HTTP_")},
            "body": body.decode("latin-1"), "content_type": env.get("CONTENT_TYPE", "")}
    start_response("207 Multi-Status", [("Content-Type", "application/json"), ("Set-Cookie", "a=1"),
                                        ("Set-Cookie", "b=2"), ("X-Upstream", "yes")])
    return [json.dumps(seen).encode()]


@pytest.fixture(scope="module")
def upstream() -> Iterator[int]:
    server, port = serve(upstream_app)
    yield port
    server.shutdown()
    server.server_close()


def test_a_request_goes_upstream_below_the_mount_point(upstream: int) -> None:
    proxy = ReverseProxy(f"http://127.0.0.1:{upstream}/base")
    env = environ("/x/y", "q=1", method="POST", body=b"payload",
                  headers={"Content-Type": "text/plain", "X-Mine": "1", "Connection": "X-Hop", "X-Hop": "h",
                           "Keep-Alive": "300", "Host": "site.example"},
                  SCRIPT_NAME="/mount", REQUEST_URI="/mount/x/y?q=1")
    response = call(proxy, env)
    assert response.status == "207 Multi-Status"
    assert [value for name, value in response.headers if name == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.header("X-Upstream") == "yes"
    seen = json.loads(response.body)
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == ("POST", "/base/x/y", "q=1", "payload")
    assert seen["content_type"] == "text/plain"
    headers = seen["headers"]
    assert headers["X_MINE"] == "1"
    assert headers["HOST"] == f"127.0.0.1:{upstream}"
    assert headers["X_FORWARDED_FOR"] == "192.0.2.7"
    assert headers["X_FORWARDED_HOST"] == "site.example"
    assert "X_HOP" not in headers and "KEEP_ALIVE" not in headers


def raw_upstream(reply: bytes) -> tuple[socket.socket, list[bytes]]:
    """A one-shot upstream that records the raw request and sends ``reply``."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve_once() -> None:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"0\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            received.append(data)
            connection.sendall(reply)

    threading.Thread(target=serve_once, daemon=True).start()
    return listener, received


def test_a_chunked_request_body_is_streamed_upstream_chunked() -> None:
    listener, received = raw_upstream(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    try:
        env = environ("/c", method="PUT", headers={"Transfer-Encoding": "chunked"})
        env["wsgi.input"] = io.BytesIO(b"streamed body")
        env["wsgi.input_terminated"] = True
        response = call(ReverseProxy(f"http://127.0.0.1:{listener.getsockname()[1]}"), env)
        assert response.body == b"ok"
        head, _, body = received[0].partition(b"\r\n\r\n")
        assert b"Transfer-Encoding: chunked" in head
        assert body == b"D\r\nstreamed body\r\n0\r\n\r\n"
    finally:
        listener.close()


def test_the_upstream_can_come_from_the_environ(upstream: int) -> None:
    env = environ("/e", MODSEC_PY_UPSTREAM=f"http://127.0.0.1:{upstream}/")
    assert json.loads(call(ReverseProxy(), env).body)["path"] == "/e"


def test_an_unreachable_upstream_answers_503() -> None:
    env = environ("/")
    response = call(ReverseProxy(f"http://127.0.0.1:{free_port()}"), env)
    assert response.code == 503
    assert "modsec_py proxy" in env["wsgi.errors"].getvalue()


def test_no_upstream_is_a_configuration_error() -> None:
    assert call(ReverseProxy(), environ("/")).code == 500


def test_preserve_host_and_forwarded_for_chain() -> None:
    env = environ("/", headers={"Host": "site.example", "X-Forwarded-For": "198.51.100.1"})
    headers = dict(forward_headers(env, "backend:8080", preserve_host=True))
    assert headers["Host"] == "site.example"
    assert headers["X-Forwarded-For"] == "198.51.100.1, 192.0.2.7"
