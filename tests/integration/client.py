"""A plain HTTP/1.1 client for the integration tests (exact headers and bodies, no retries)."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def request(url: str, method: str = "GET", body: bytes | None = None,
            headers: list[tuple[str, str]] | None = None, timeout: float = 120.0) -> Reply:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest(method, parts.path + ("?" + parts.query if parts.query else ""), skip_host=True,
                              skip_accept_encoding=True)
        given = headers or []
        if not any(name.lower() == "host" for name, _ in given):
            connection.putheader("Host", "localhost")
        for name, value in given:
            connection.putheader(name, value)
        framed = any(name.lower() in ("content-length", "transfer-encoding") for name, _ in given)
        if body is not None and not framed:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


BROWSER = [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"),
           ("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")]
