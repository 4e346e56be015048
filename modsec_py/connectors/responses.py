"""The responses a connector sends on its own: Apache's canned error and redirect pages.

ModSecurity v2 answers an interruption with ``return status`` and lets Apache build the
page, so a client sees Apache's default page for that status (or the site's
``ErrorDocument``). These are the same bytes Apache 2.4 writes for its default pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from typing import Any

_DOCTYPE = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
_CONTENT_TYPE = "text/html; charset=iso-8859-1"
_MOVED = (301, 302, 307, 308)


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def status_line(status: int) -> str:
    """``403 Forbidden``: the WSGI status string for ``status``."""
    phrase = reason(status)
    return f"{status} {phrase}" if phrase else str(status)


def _message(status: int, environ: Mapping[str, Any], location: str | None) -> str:
    if status in _MOVED:
        return f'<p>The document has moved <a href="{escape(location or "")}">here</a>.</p>\n'
    if status == 303:
        return f'<p>The answer to your request is located <a href="{escape(location or "")}">here</a>.</p>\n'
    if status == 400:
        return "<p>Your browser sent a request that this server could not understand.<br />\n</p>\n"
    if status == 403:
        return "<p>You don't have permission to access this resource.</p>\n"
    if status == 404:
        return "<p>The requested URL was not found on this server.</p>\n"
    if status == 413:
        method = escape(environ.get("REQUEST_METHOD", "GET"))
        return (f"The requested resource does not allow request data with {method} requests, or the amount "
                "of data provided in\nthe request exceeds the capacity limit.\n")
    if status == 502:
        return "<p>The proxy server received an invalid\nresponse from an upstream server.<br />\n</p>\n"
    if status == 503:
        return ("<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or "
                "capacity\nproblems. Please try again later.</p>\n")
    admin = escape(environ.get("SERVER_ADMIN", "[no address given]"))
    return ("<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\n"
            f"your request.</p>\n<p>Please contact the server administrator at \n {admin} to inform them of "
            "the time this error occurred,\n and the actions you performed just before this error.</p>\n"
            "<p>More information about this error may be available\nin the server error log.</p>\n")


@dataclass
class Answer:
    """A complete response: WSGI status string, headers, body."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def status_text(self) -> str:
        return status_line(self.status)


def error_page(status: int, environ: Mapping[str, Any], location: str | None = None) -> Answer:
    """Apache's default page for ``status`` (with ``Location`` for redirects)."""
    phrase = reason(status) or "Unknown"
    signature = environ.get("SERVER_SIGNATURE", "")
    text = (f"{_DOCTYPE}<html><head>\n<title>{status_line(status)}</title>\n</head><body>\n<h1>{phrase}</h1>\n"
            f"{_message(status, environ, location)}{signature if isinstance(signature, str) else ''}</body></html>\n")
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else text.encode("latin-1", "replace")
    headers = [("Content-Type", _CONTENT_TYPE), ("Content-Length", str(len(text.encode("latin-1", "replace"))))]
    if location is not None:
        headers.insert(0, ("Location", location))
    return Answer(status, headers, body)
