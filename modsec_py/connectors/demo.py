"""A small WSGI application to put behind modsec_py: ``make run`` serves it, the tests use it.

- ``/`` a page with a form; ``/echo`` answers JSON describing the request it received
  (method, URI, headers, body in base64, the pid that answered), ``/raw`` answers the
  request body itself, ``/leak`` an SQL error page (what CRS's data-leak rules look for), ``/cookies`` three
  ``Set-Cookie`` headers, ``/status/NNN`` that status, ``/big?N`` N bytes of text, ``/boom``
  an exception. Paths are matched at the end of
  ``PATH_INFO``, so the app works under any mount point.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from modsec_py.connectors.request import headers_from_environ

_PAGE = b"""<!DOCTYPE html>
<html><head><title>modsec_py demo</title></head><body>
<h1>modsec_py demo</h1>
<p>This application is protected by modsec_py (ModSecurity v2 rules, OWASP CRS 3.3.4).</p>
<form method="post" action="echo"><input name="q" value="blue widgets"><button>Send</button></form>
<p>Try <a href="?id=1%27%20OR%201=1--">?id=1' OR 1=1--</a>: the firewall answers 403.</p>
</body></html>
"""
LEAK = (b"<html><body><h1>Database error</h1><p>You have an error in your SQL syntax; check the manual that "
        b"corresponds to your MySQL server version for the right syntax to use near ''1'' at line 1</p>"
        b"</body></html>\n")


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return stream.read(int(length))
    return stream.read() if environ.get("wsgi.input_terminated") else b""


def demo_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "") or "/"
    if path.endswith("/echo"):
        body = _read_body(environ)
        answer = {"pid": os.getpid(), "method": environ.get("REQUEST_METHOD"), "uri": environ.get("REQUEST_URI"),
                  "query": environ.get("QUERY_STRING", ""), "headers": headers_from_environ(environ),
                  "body": base64.b64encode(body).decode("ascii")}
        return _send(start_response, "200 OK", "application/json", json.dumps(answer).encode())
    if path.endswith("/raw"):
        content_type = environ.get("HTTP_X_RESPONSE_TYPE", "application/octet-stream")
        return _send(start_response, "200 OK", content_type, _read_body(environ))
    if path.endswith("/leak"):
        return _send(start_response, "200 OK", "text/html; charset=utf-8", LEAK)
    if path.endswith("/cookies"):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", "a=1; Path=/"),
                                  ("Set-Cookie", "b=2; HttpOnly"), ("Set-Cookie", "c=3"), ("X-Demo", "yes")])
        return [b"three cookies\n"]
    if path.endswith("/boom"):
        raise RuntimeError("the demo application failed (on purpose)")
    if path.endswith("/big"):
        size = int(environ.get("QUERY_STRING") or "0")
        return _send(start_response, "200 OK", "text/plain", b"x" * size)
    if "/status/" in path:
        code = path.rsplit("/", 1)[-1]
        return _send(start_response, f"{code} Demo", "text/plain", f"status {code}\n".encode())
    _read_body(environ)
    return _send(start_response, "200 OK", "text/html; charset=utf-8", _PAGE)


def _send(start_response: Callable[..., Any], status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
