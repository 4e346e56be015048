"""The request as the engine wants it (request line, raw-ish headers, addresses), from a WSGI environ.

WSGI hides Apache's header table: names come upper-cased with ``-`` turned into ``_``
(``HTTP_USER_AGENT``), duplicates arrive merged by Apache (as in its own table, which is
what ModSecurity reads too), and headers whose name holds ``_``, ``Proxy`` and, unless
``WSGIPassAuthorization On``, ``Authorization`` are missing. The best source is Apache's
table as security2_py.conf's access hook kept it (:mod:`~modsec_py.connectors.raw_headers`:
every header, as sent); next Apache's record when mod_wsgi passes it (``WSGIPassApacheRequest
On``, embedded mode: names as sent, but mod_wsgi has already dropped those with ``_``);
otherwise the names are rebuilt (``User-Agent``), in the environ's order, which under
mod_wsgi is the order of the request (``Authorization`` comes last). See
docs/DEVIATIONS.md, "Apache integration".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from modsec_py.connectors import raw_headers
from modsec_py.connectors.apache_rec import ApacheRequest

# Header names whose usual spelling is not "Each-Word-Capitalised".
_SPELLING = {
    "TE": "TE", "DNT": "DNT", "ETAG": "ETag", "CONTENT_MD5": "Content-MD5", "WWW_AUTHENTICATE": "WWW-Authenticate",
    "X_UA_COMPATIBLE": "X-UA-Compatible", "X_XSS_PROTECTION": "X-XSS-Protection", "X_ATT_DEVICEID": "X-ATT-DeviceId",
    "X_CSRFTOKEN": "X-CSRFToken", "X_CSRF_TOKEN": "X-CSRF-Token", "SEC_CH_UA": "Sec-CH-UA",
}
_CONTENT = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


def header_name(cgi_name: str) -> str:
    """``USER_AGENT`` -> ``User-Agent`` (the spelling the name almost always has on the wire)."""
    if cgi_name in _SPELLING:
        return _SPELLING[cgi_name]
    if cgi_name.startswith("SEC_CH_UA_"):
        return "Sec-CH-UA-" + "-".join(part.capitalize() for part in cgi_name[10:].split("_"))
    return "-".join(part.capitalize() for part in cgi_name.split("_"))


def headers_from_environ(environ: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The request headers a WSGI environ still shows, in its order."""
    headers: list[tuple[str, str]] = []
    for key, value in environ.items():
        if not isinstance(value, str):
            continue
        if key.startswith("HTTP_"):
            headers.append((header_name(key[5:]), value))
        elif key in _CONTENT and value != "":
            headers.append((_CONTENT[key], value))
    return headers


def request_uri(environ: Mapping[str, Any]) -> str:
    """The request target as the client sent it (``REQUEST_URI``), else rebuilt from the environ."""
    for key in ("REQUEST_URI", "RAW_URI"):
        value = environ.get(key)
        if isinstance(value, str) and value:
            return value
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/;=,:@!$&'()*+~")
    query = environ.get("QUERY_STRING", "")
    return (path or "/") + ("?" + query if query else "")


def _port(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@dataclass
class RequestInfo:
    """What a connector tells the engine about one request."""

    method: str
    uri: str
    protocol: str
    headers: list[tuple[str, str]]
    client_ip: str
    client_port: int
    server_ip: str
    server_port: int
    unique_id: str | None = None
    path: str = ""  # Apache's r->uri: the decoded path, no query (what v2's [uri ".."] shows)
    apache: ApacheRequest | None = field(default=None, repr=False)  # Apache's record, when passed
    raw_headers: bool = False  # the headers are Apache's own table, not rebuilt from the environ
    request_line: str | None = None  # as the client sent it (Apache's the_request), when known

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


_LOOK_UP: Any = object()


def request_info(environ: Mapping[str, Any], apache: ApacheRequest | None = _LOOK_UP) -> RequestInfo:
    """The request; ``apache``: Apache's record when the caller already read it from the environ."""
    if apache is _LOOK_UP:
        apache = ApacheRequest.from_environ(environ)
    method = environ.get("REQUEST_METHOD", "GET")
    protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.1")
    headers = raw_headers.headers_from(environ)
    raw = headers is not None or apache is not None
    if headers is None:
        headers = apache.headers if apache is not None else headers_from_environ(environ)
    unique_id = environ.get("UNIQUE_ID") or (apache.env("UNIQUE_ID") if apache is not None else None)
    server_ip = environ.get("SERVER_ADDR") or environ.get("mod_wsgi.listener_host") or ""
    uri = request_uri(environ)
    line = raw_headers.line_from(environ) or (apache.the_request if apache is not None else None)
    if line is None and protocol == "HTTP/0.9":  # Apache's the_request has no version then
        line = f"{method} {uri}"
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    if not path:
        path = unquote(uri.split("?", 1)[0], encoding="latin-1")
    return RequestInfo(method=method, uri=uri, protocol=protocol, headers=headers, path=path,
                       client_ip=environ.get("REMOTE_ADDR", ""), client_port=_port(environ.get("REMOTE_PORT", 0)),
                       server_ip=server_ip, server_port=_port(environ.get("SERVER_PORT", 0)),
                       unique_id=unique_id, apache=apache, raw_headers=raw,
                       request_line=line)
