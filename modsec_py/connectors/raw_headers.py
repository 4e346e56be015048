"""Apache's request header table, kept for the handler by mod_wsgi's access hook.

mod_wsgi deletes every request header whose name holds a character other than a letter,
a digit or ``-`` (``X_Filename``, ``X.Filename``) from Apache's table before it builds a
handler's environ; ModSecurity, a module of Apache, sees them. mod_wsgi's access hook
(``WSGIAccessScript``, with ``WSGIPassApacheRequest On``) runs earlier and still sees the whole
table: :func:`keep` writes it into the request's environment as ``MODSEC_PY_REQUEST_HEADERS``,
which mod_wsgi passes to the handler's environ in embedded and daemon mode alike, and
:func:`headers_from` reads it back there. In daemon mode this also gives the handler the
names in the client's case and order. A client cannot set the variable: header-made
variables all start with ``HTTP_``.

This module imports only the standard library, as it runs in every Apache process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from modsec_py.connectors.apache_rec import ApacheRequest

VARIABLE = "MODSEC_PY_REQUEST_HEADERS"
LINE_VARIABLE = "MODSEC_PY_REQUEST_LINE"  # Apache's the_request, v2's REQUEST_LINE


def keep(environ: Mapping[str, Any], apache: ApacheRequest | None = None) -> bool:
    """Copy Apache's header table into the request's environment; True when done."""
    apache = apache or ApacheRequest.from_environ(environ)
    if apache is None:
        return False
    apache.set_env(LINE_VARIABLE, apache.the_request)
    return apache.set_env(VARIABLE, json.dumps(apache.headers, ensure_ascii=False, separators=(",", ":")))


def headers_from(environ: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """The header table :func:`keep` stored, or None when there is none (or it is not ours)."""
    stored = environ.get(VARIABLE)
    if not isinstance(stored, str) or not stored.startswith("["):
        return None
    try:
        pairs = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(pairs, list):
        return None
    headers: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
            return None
        headers.append((pair[0], pair[1]))
    return headers


def line_from(environ: Mapping[str, Any]) -> str | None:
    """The request line :func:`keep` stored, or None."""
    stored = environ.get(LINE_VARIABLE)
    return stored if isinstance(stored, str) and stored else None


def allow_access(environ: Mapping[str, Any], host: str | None = None) -> None:
    """``WSGIAccessScript`` entry point: keeps the headers and never objects (Apache decides)."""
    keep(environ)
