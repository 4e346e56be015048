"""Reverse proxy: a WSGI application that forwards each request to an upstream URL.

Wrapped in :class:`~modsec_py.connectors.wsgi.ModSecurityMiddleware` it gives any HTTP
backend (PHP on another vhost or port, another application server) all five phases::

    # proxy.wsgi, with  SetEnv MODSEC_PY_UPSTREAM http://127.0.0.1:8081  in Apache
    from modsec_py.connectors.proxy import application

The request goes upstream as mod_proxy's ``ProxyPass /mount URL`` sends it: the same
method, the path and query as the client wrote them (less the mount point) appended to the
upstream URL's path, the headers (hop-by-hop ones
removed, ``X-Forwarded-For`` / ``-Host`` / ``-Server`` added, ``Host`` set to the upstream
unless ``preserve_host``), the body streamed. The answer comes back with its status, reason
and headers (``Set-Cookie`` and other repeated headers kept apart, hop-by-hop ones removed),
its body streamed. An upstream that cannot be reached gives 503, a broken answer 502.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from modsec_py.connectors.apache_rec import ApacheRequest
from modsec_py.connectors.body import CHUNK, content_length
from modsec_py.connectors.request import headers_from_environ, request_uri
from modsec_py.connectors.responses import error_page

UPSTREAM_ENV = "MODSEC_PY_UPSTREAM"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "proxy-connection"})


def _hop_by_hop(headers: Iterable[tuple[str, str]]) -> set[str]:
    named = set(HOP_BY_HOP)
    for name, value in headers:
        if name.lower() == "connection":
            named.update(token.strip().lower() for token in value.split(",") if token.strip())
    return named


def forward_headers(environ: Mapping[str, Any], upstream_host: str, preserve_host: bool) -> list[tuple[str, str]]:
    """The request headers to send upstream (mod_proxy's choices)."""
    apache = ApacheRequest.from_environ(environ)
    incoming = apache.headers if apache is not None else headers_from_environ(environ)
    drop = _hop_by_hop(incoming) | {"expect"}  # the body is already read: no 100-continue upstream
    headers = [(name, value) for name, value in incoming if name.lower() not in drop]
    original_host = next((value for name, value in headers if name.lower() == "host"), None)
    if not preserve_host:
        headers = [(name, value) for name, value in headers if name.lower() != "host"]
        headers.insert(0, ("Host", upstream_host))
    client = environ.get("REMOTE_ADDR", "")
    forwarded = [value for name, value in headers if name.lower() == "x-forwarded-for"]
    headers = [(name, value) for name, value in headers if name.lower() != "x-forwarded-for"]
    headers.append(("X-Forwarded-For", ", ".join([*forwarded, client]) if forwarded else client))
    if original_host is not None:
        headers.append(("X-Forwarded-Host", original_host))
    headers.append(("X-Forwarded-Server", str(environ.get("SERVER_NAME", ""))))
    return headers


def _below_mount(environ: Mapping[str, Any]) -> str:
    """The raw request target less the application's mount point (as ``ProxyPass /mount URL`` maps it)."""
    uri = request_uri(environ)
    mount = str(environ.get("SCRIPT_NAME", ""))
    if mount and uri.startswith(mount) and uri[len(mount):len(mount) + 1] in ("", "/", "?"):
        uri = uri[len(mount):]
    return uri if uri.startswith("/") else "/" + uri


def _body(environ: Mapping[str, Any]) -> tuple[Any, int | None, bool]:
    """(body, length, chunked): a stream of known length, an iterator for a chunked request, or None."""
    stream = environ.get("wsgi.input")
    length = content_length(environ)
    if length is not None:
        return (stream if length else None), length, False
    if stream is not None and "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
        return _chunks(stream), None, True
    return None, None, False


def _chunks(stream: Any) -> Iterator[bytes]:
    while True:
        data = stream.read(CHUNK)
        if not data:
            return
        yield data


class ReverseProxy:
    """Forwards to ``upstream`` (``http://host:port/base``); ``exact`` sends to that URL itself (v2's ``proxy``).

    Without ``upstream`` each request names its own with ``MODSEC_PY_UPSTREAM`` (Apache's SetEnv).
    """

    def __init__(self, upstream: str | None = None, *, exact: bool = False, preserve_host: bool = False,
                 timeout: float = 300.0) -> None:
        self.upstream = upstream
        self.exact = exact
        self.preserve_host = preserve_host
        self.timeout = timeout

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        upstream = self.upstream or environ.get(UPSTREAM_ENV) or os.environ.get(UPSTREAM_ENV)
        if not upstream:
            (environ.get("wsgi.errors") or sys.stderr).write(f"modsec_py proxy: no upstream ({UPSTREAM_ENV} unset)\n")
            return _page(500, environ, start_response)
        target = urlsplit(upstream)
        if target.scheme not in ("http", "https") or not target.hostname:
            (environ.get("wsgi.errors") or sys.stderr).write(f"modsec_py proxy: bad upstream URL {upstream!r}\n")
            return _page(500, environ, start_response)
        if self.exact:
            path = (target.path or "/") + ("?" + target.query if target.query else "")
        else:
            path = target.path.rstrip("/") + _below_mount(environ)
        connection_class = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(target.hostname, target.port, timeout=self.timeout)
        host = target.netloc.rsplit("@", 1)[-1]
        headers = forward_headers(environ, host, self.preserve_host)
        body, length, chunked = _body(environ)
        try:
            connection.putrequest(environ.get("REQUEST_METHOD", "GET"), path, skip_host=True,
                                  skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() != "content-length" or length is not None:
                    connection.putheader(name, value)
            if chunked:
                connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            _send_body(connection, body, length, chunked)
            response = connection.getresponse()
        except OSError as error:
            connection.close()
            (environ.get("wsgi.errors") or sys.stderr).write(f"modsec_py proxy: {upstream}: {error}\n")
            return _page(503 if isinstance(error, ConnectionRefusedError | socket.gaierror) else 502,
                         environ, start_response)
        except http.client.HTTPException as error:
            connection.close()
            (environ.get("wsgi.errors") or sys.stderr).write(f"modsec_py proxy: {upstream}: {error!r}\n")
            return _page(502, environ, start_response)
        drop = _hop_by_hop(response.getheaders())
        start_response(f"{response.status} {response.reason}".rstrip(),
                       [(name, value) for name, value in response.getheaders() if name.lower() not in drop])
        return UpstreamBody(connection, response)


def _send_body(connection: http.client.HTTPConnection, body: Any, length: int | None, chunked: bool) -> None:
    if body is None:
        return
    if chunked:
        for data in body:
            connection.send(f"{len(data):X}\r\n".encode("ascii") + data + b"\r\n")
        connection.send(b"0\r\n\r\n")
        return
    remaining = length or 0
    while remaining > 0:
        data = body.read(min(CHUNK, remaining))
        if not data:
            break
        connection.send(data)
        remaining -= len(data)


def _page(status: int, environ: Mapping[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    page = error_page(status, environ)
    start_response(page.status_text, page.headers)
    return [page.body]


class UpstreamBody:
    """The upstream answer's body, streamed; closing it closes the upstream connection."""

    def __init__(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        self.connection = connection
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        while True:
            data = self.response.read1(CHUNK) if hasattr(self.response, "read1") else self.response.read(CHUNK)
            if not data:
                return
            yield data

    def close(self) -> None:
        self.response.close()
        self.connection.close()


def make_application(upstream: str | None = None, config: str | None = None, **options: Any) -> Any:
    """The protected proxy: ``ReverseProxy(upstream)`` inside the middleware (entry file ``config``)."""
    from modsec_py.connectors.wsgi import ModSecurityMiddleware

    return ModSecurityMiddleware(ReverseProxy(upstream, **options), config)


application = make_application()
