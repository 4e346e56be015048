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
    """albedo (CRS 4.x): ``POST /reflect`` answers the response its JSON body describes; else 200, empty.

    As albedo (a Go server) does: ``body`` wins over ``encodedBody``, a status outside 100-599
    or a spec that is not JSON gives 400, and a body without a ``Content-Type`` gets the one
    Go's ``http.DetectContentType`` sniffs (CRS's response rules depend on it).
    """
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "") or "/"
    body = read_body(environ)
    if method != "POST" or path not in ("/reflect", "/reflect/"):
        start_response("200 OK", [("Content-Length", "0")])
        return []
    try:
        spec = json.loads(body)
        if not isinstance(spec, dict):
            raise ValueError("not an object")
    except ValueError:
        return _plain(start_response, 400, b"Invalid JSON in request body")
    status = spec.get("status") or 0
    if not isinstance(status, int) or 0 < status < 100 or status >= 600 or status < 0:
        return _plain(start_response, 400, f"Invalid status code: {status}".encode())
    headers = spec.get("headers") or {}
    pairs = [(str(k), str(v)) for k, v in headers.items() if str(k).lower() != "content-length"] \
        if isinstance(headers, dict) else []
    if spec.get("body"):
        payload = str(spec["body"]).encode("utf-8")
    elif spec.get("encodedBody"):
        try:
            payload = base64.b64decode(str(spec["encodedBody"]), validate=True)
        except (ValueError, binascii.Error):
            return _plain(start_response, 400, b"invalid base64 encoding of response body")
    else:
        payload = b""
    if payload and not any(name.lower() == "content-type" for name, _ in pairs):
        pairs.append(("Content-Type", sniff_content_type(payload)))
    pairs.append(("Content-Length", str(len(payload))))
    status = status or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    start_response(f"{status} {phrase}", pairs)
    return [payload]


def _plain(start_response: Callable[..., Any], status: int, text: bytes) -> list[bytes]:
    return _respond(start_response, status, "text/plain; charset=utf-8", text, "POST")


_HTML_TAGS = (b"<!DOCTYPE HTML", b"<HTML", b"<HEAD", b"<SCRIPT", b"<IFRAME", b"<H1", b"<DIV", b"<FONT", b"<TABLE",
              b"<A", b"<STYLE", b"<TITLE", b"<B", b"<BODY", b"<BR", b"<P", b"<!--")
_MAGIC = ((b"%PDF-", "application/pdf"), (b"%!PS-Adobe-", "application/postscript"),
          (b"\xfe\xff", "text/plain; charset=utf-16be"), (b"\xff\xfe", "text/plain; charset=utf-16le"),
          (b"\xef\xbb\xbf", "text/plain; charset=utf-8"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"),
          (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"BM", "image/bmp"),
          (b"PK\x03\x04", "application/zip"), (b"\x1f\x8b\x08", "application/x-gzip"),
          (b"\x00asm", "application/wasm"))
_BINARY = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def sniff_content_type(data: bytes) -> str:
    """The common cases of Go's ``http.DetectContentType`` (what albedo's responses get)."""
    head = data[:512]
    text = head.lstrip(b"\t\n\x0c\r ")
    upper = text.upper()
    for tag in _HTML_TAGS:
        if upper.startswith(tag) and len(text) > len(tag) and text[len(tag)] in b" >":
            return "text/html; charset=utf-8"
    if text.startswith(b"<?xml"):
        return "text/xml; charset=utf-8"
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if any(byte in _BINARY for byte in head):
        return "application/octet-stream"
    return "text/plain; charset=utf-8"


def app_for(major: int) -> WSGIApp:
    """httpbin-like for CRS 3.x (and older), albedo for CRS 4.x and later."""
    return albedo_app if major >= 4 else httpbin_app
