"""The application the CRS regression requests reach: what CRS CI put behind the WAF.

- CRS 3.x ran httpbin: ``/`` (GET, an HTML page), ``/get`` ``/post`` ``/put`` ``/patch`` ``/delete`` (that
  method; a JSON echo of the request), ``/anything`` and ``/anything/...`` and ``/status/<code>`` (any method).
  A known path with another method answers 405, anything else 404. As in Flask, a GET route also takes HEAD,
  and every route answers OPTIONS.
- CRS 4.x runs albedo: ``POST /reflect`` takes ``{"status", "headers", "body" | "encodedBody" (base64)}`` and
  answers exactly that; anything else gets 200 with an empty body.

``app_for(major)`` picks one by CRS major version. Example (a WSGI script)::

    from modsec_py.connectors.wsgi import ModSecurityMiddleware
    from modsec_py.crstest.backend import app_for
    application = ModSecurityMiddleware(app_for(3))
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_INDEX = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>httpbin.org</title></head>
<body><h2>httpbin.org</h2><p>A simple HTTP Request &amp; Response Service.</p></body></html>
"""
_METHOD_ROUTES = {"/": "GET", "/get": "GET", "/post": "POST", "/put": "PUT", "/patch": "PATCH",
                  "/delete": "DELETE"}


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body: ``CONTENT_LENGTH`` bytes, or all of a terminated (chunked) input."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return bytes(stream.read(int(length)))
    return bytes(stream.read()) if environ.get("wsgi.input_terminated") else b""


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    found = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            found[key[5:].replace("_", "-").title()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            found[key.replace("_", "-").title()] = environ[key]
    return found


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _echo(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    """httpbin's description of a request: args, headers, origin, url (and for bodies data/form/json)."""
    query = environ.get("QUERY_STRING", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    answer: dict[str, Any] = {
        "args": dict(parse_qsl(query, keep_blank_values=True)),
        "headers": _headers(environ),
        "method": environ.get("REQUEST_METHOD", ""),
        "origin": environ.get("REMOTE_ADDR", ""),
        "url": f"http://{environ.get('HTTP_HOST', 'localhost')}{path}" + (f"?{query}" if query else ""),
    }
    content_type = environ.get("CONTENT_TYPE", "")
    answer["data"] = _text(body)
    answer["files"] = {}
    answer["form"] = (dict(parse_qsl(_text(body), keep_blank_values=True))
                      if content_type.startswith("application/x-www-form-urlencoded") else {})
    try:
        answer["json"] = json.loads(body) if body else None
    except ValueError:
        answer["json"] = None
    return answer


def _respond(start_response: Callable[..., Any], code: int, content_type: str, body: bytes,
             method: str, extra: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Unknown"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra]
    start_response(f"{code} {phrase}", headers)
    return [] if method == "HEAD" else [body]


def httpbin_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The httpbin routes the CRS 3.x tests use."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "") or "/"
    body = read_body(environ)
    if path in _METHOD_ROUTES:
        wanted = _METHOD_ROUTES[path]
        allowed = {wanted, "OPTIONS"} | ({"HEAD"} if wanted == "GET" else set())
        if method not in allowed:
            allow = ", ".join(sorted(allowed))
            return _respond(start_response, 405, "text/html; charset=utf-8",
                            b"<h1>Method Not Allowed</h1>\n", method, [("Allow", allow)])
        if method == "OPTIONS":
            return _respond(start_response, 200, "text/html; charset=utf-8", b"", method,
                            [("Allow", ", ".join(sorted(allowed)))])
        if path == "/":
            return _respond(start_response, 200, "text/html; charset=utf-8", _INDEX, method)
        return _json(start_response, _echo(environ, body), method)
    if path == "/anything" or path.startswith("/anything/"):
        return _json(start_response, _echo(environ, body), method)
    if path.startswith("/status/"):
        code = path[len("/status/"):]
        if not code.isdigit() or not 100 <= int(code) <= 999:
            return _respond(start_response, 400, "text/html; charset=utf-8", b"Invalid status code\n", method)
        status = int(code)
        return _respond(start_response, status, "text/html; charset=utf-8", b"", method)
    return _respond(start_response, 404, "text/html; charset=utf-8", b"<h1>Not Found</h1>\n", method)


def _json(start_response: Callable[..., Any], answer: dict[str, Any], method: str) -> list[bytes]:
    text = json.dumps(answer, indent=2, sort_keys=True).encode() + b"\n"
    return _respond(start_response, 200, "application/json", text, method)


def albedo_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """albedo (CRS 4.x): ``POST /reflect`` answers the response its JSON body describes; else 200, empty."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "") or "/"
    body = read_body(environ)
    if method == "POST" and path == "/reflect":
        try:
            spec = json.loads(body)
            if not isinstance(spec, dict):
                raise ValueError("not an object")
            status = int(spec.get("status") or 200)
            headers = spec.get("headers") or {}
            if not isinstance(headers, dict):
                raise ValueError("headers is not an object")
            if spec.get("encodedBody"):
                payload = base64.b64decode(str(spec["encodedBody"]), validate=True)
            else:
                payload = str(spec.get("body") or "").encode("utf-8")
        except (ValueError, TypeError, binascii.Error) as error:
            return _respond(start_response, 400, "text/plain", f"invalid reflection spec: {error}\n".encode(),
                            method)
        pairs = [(str(k), str(v)) for k, v in headers.items() if str(k).lower() != "content-length"]
        pairs.append(("Content-Length", str(len(payload))))
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        start_response(f"{status} {phrase}", pairs)
        return [payload]
    start_response("200 OK", [("Content-Length", "0")])
    return []


def app_for(major: int) -> WSGIApp:
    """httpbin-like for CRS 3.x (and older), albedo for CRS 4.x and later."""
    return albedo_app if major >= 4 else httpbin_app
