"""The backends of ``modsec-py crs test``, called directly as WSGI applications."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest

from modsec_py.crstest.backend import albedo_app, app_for, httpbin_app


def call(app: Any, method: str, path: str, body: bytes = b"", query: str = "",
         content_type: str = "") -> tuple[int, dict[str, str], bytes]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)) if body else "",
               "HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "ua"}
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    out = b"".join(app(environ, start_response))
    return int(seen["status"].split()[0]), seen["headers"], out


def test_index_is_html_for_get_only() -> None:
    code, headers, body = call(httpbin_app, "GET", "/")
    assert code == 200 and headers["Content-Type"].startswith("text/html") and b"httpbin" in body
    assert call(httpbin_app, "POST", "/")[0] == 405
    assert call(httpbin_app, "HEAD", "/")[0:3:2] == (200, b"")


def test_method_routes_echo_json_and_refuse_other_methods() -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        path = f"/{method.lower()}"
        code, headers, body = call(httpbin_app, method, path, b"a=1" if method != "GET" else b"", "x=y",
                                   "application/x-www-form-urlencoded")
        assert code == 200 and headers["Content-Type"] == "application/json"
        answer = json.loads(body)
        assert answer["args"] == {"x": "y"} and answer["method"] == method
        assert answer["headers"]["User-Agent"] == "ua"
        other = "GET" if method != "GET" else "POST"
        assert call(httpbin_app, other, path)[0] == 405
    assert json.loads(call(httpbin_app, "POST", "/post", b"a=1&b=2", "",
                           "application/x-www-form-urlencoded")[2])["form"] == {"a": "1", "b": "2"}
    assert call(httpbin_app, "OPTIONS", "/post")[0] == 200


def test_anything_and_status_take_any_method() -> None:
    for method in ("GET", "FOO", "PROPFIND", "POST"):
        assert call(httpbin_app, method, "/anything")[0] == 200
        assert call(httpbin_app, method, "/anything/deeper/path")[0] == 200
        assert call(httpbin_app, method, "/status/418")[0] == 418
    assert call(httpbin_app, "GET", "/status/abc")[0] == 400
    assert call(httpbin_app, "GET", "/anythingelse")[0] == 404
    assert call(httpbin_app, "GET", "/nowhere")[0] == 404


def test_albedo_reflects_the_described_response() -> None:
    spec = {"status": 201, "headers": {"X-Test": "yes", "Content-Type": "text/plain"}, "body": "hello"}
    code, headers, body = call(albedo_app, "POST", "/reflect", json.dumps(spec).encode())
    assert (code, headers["X-Test"], headers["Content-Length"], body) == (201, "yes", "5", b"hello")
    encoded = {"status": 200, "encodedBody": base64.b64encode(b"\x00bin").decode()}
    assert call(albedo_app, "POST", "/reflect", json.dumps(encoded).encode())[2] == b"\x00bin"
    assert call(albedo_app, "POST", "/reflect", b"not json")[0] == 400


def test_albedo_prefers_body_and_refuses_bad_specs_as_albedo_does() -> None:
    both = {"body": "text", "encodedBody": base64.b64encode(b"other").decode()}
    assert call(albedo_app, "POST", "/reflect/", json.dumps(both).encode())[2] == b"text"
    for status in (42, 600, -1, "200"):
        code, _, body = call(albedo_app, "POST", "/reflect", json.dumps({"status": status}).encode())
        assert code == 400 and body.startswith(b"Invalid status code")
    assert call(albedo_app, "POST", "/reflect", b"[1]")[2] == b"Invalid JSON in request body"
    code, headers, body = call(albedo_app, "POST", "/reflect", b"{}")
    assert (code, body, "Content-Type" in headers) == (200, b"", False)


@pytest.mark.parametrize("body, mime", [
    ("Maximum allowed file size is 10 MB", "text/plain; charset=utf-8"),
    ("  <html><body>x</body></html>", "text/html; charset=utf-8"),
    ("<!-- c -->", "text/html; charset=utf-8"),
    ("<Access denied>", "text/plain; charset=utf-8"),
    ("<?xml version='1.0'?><a/>", "text/xml; charset=utf-8"),
    ('{"json": true}', "text/plain; charset=utf-8"),
    ("%PDF-1.4", "application/pdf"),
    ("\x01\x02binary", "application/octet-stream"),
])
def test_albedo_sniffs_a_missing_content_type_as_go_does(body: str, mime: str) -> None:
    _, headers, _ = call(albedo_app, "POST", "/reflect", json.dumps({"body": body}).encode())
    assert headers["Content-Type"] == mime


def test_albedo_answers_everything_else_with_an_empty_200() -> None:
    for method, path in (("GET", "/"), ("GET", "/reflect"), ("PUT", "/anything"), ("POST", "/x")):
        assert call(albedo_app, method, path, b"data")[0::2] == (200, b"")


def test_app_for_picks_by_major_version() -> None:
    assert app_for(3) is httpbin_app and app_for(2) is httpbin_app
    assert app_for(4) is albedo_app and app_for(5) is albedo_app
