"""What a connector sends for an engine interruption, as close to v2 under Apache as WSGI allows.

- ``deny`` (and any other action with a status): Apache's page for the status.
- ``redirect``: the status (301, 302, 303 or 307; else 302) with ``Location``.
- ``drop``: v2 closes the client's socket. With Apache's request record (embedded mode,
  ``WSGIPassApacheRequest On``) the connector shuts the socket down the same way and the
  client gets no response at all. Without it (daemon mode, other servers) the nearest is an
  empty response with the status and, under mod_wsgi, ``Connection: close`` so Apache closes
  the connection after it.
- ``proxy`` in phase 1 or 2: the request goes to the URL instead of the application (the
  WSGI connectors forward it themselves); in a later phase v2 answers 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modsec_py.connectors.request import RequestInfo
from modsec_py.connectors.responses import Answer, error_page


def answer(interruption: Any, environ: Mapping[str, Any], info: RequestInfo) -> Answer:
    """The response for a deny / redirect / drop interruption (``proxy`` is the caller's)."""
    status = int(interruption.status or 403)
    if interruption.action == "redirect" and interruption.url:
        return error_page(status if status in (301, 302, 303, 307) else 302, environ, location=url(interruption))
    if interruption.action == "drop":
        return drop(status, environ, info)
    if interruption.action == "proxy":  # only reached from phase 3 on: v2's "Proxy action requested in phase N"
        return error_page(500, environ)
    return error_page(status, environ)


def url(interruption: Any) -> str:
    """The redirect / proxy target as text (the engine may hand it over as bytes)."""
    value = interruption.url
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")


def drop(status: int, environ: Mapping[str, Any], info: RequestInfo) -> Answer:
    if info.apache is not None and info.apache.drop():
        return Answer(status, [("Content-Length", "0")], b"")
    headers = [("Content-Length", "0")]
    if "mod_wsgi.version" in environ:  # wsgiref and PEP 3333 servers refuse hop-by-hop headers
        headers.append(("Connection", "close"))
    return Answer(status, headers, b"")
