"""Calling WSGI applications directly in tests: environ building and a recording start_response."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.util import setup_testing_defaults


def environ(path: str = "/", query: str = "", method: str = "GET", body: bytes = b"",
            headers: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    env: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                           "REMOTE_ADDR": "192.0.2.7", "REMOTE_PORT": "40000", "SERVER_PORT": "80"}
    setup_testing_defaults(env)
    env.pop("CONTENT_TYPE", None)
    env.pop("CONTENT_LENGTH", None)
    env["REQUEST_URI"] = path + ("?" + query if query else "")
    env["wsgi.input"] = io.BytesIO(body)
    env["wsgi.errors"] = io.StringIO()
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    env.update(extra)
    return env


@dataclass
class Response:
    status: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    calls: int = 0

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def call(app: Callable[..., Iterable[bytes]], env: dict[str, Any], *, close: bool = True,
         take: int | None = None) -> Response:
    """Run ``app`` as a server would; ``take`` stops after that many chunks (a client that went away)."""
    response = Response()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        response.status, response.headers = status, list(headers)
        response.calls += 1
        return response.chunks.append

    result = app(env, start_response)
    try:
        for index, chunk in enumerate(result):
            if take is not None and index >= take:
                break
            response.chunks.append(chunk)
    finally:
        if close and hasattr(result, "close"):
            result.close()
    return response


def errors(env: dict[str, Any]) -> str:
    return env["wsgi.errors"].getvalue()
