"""The connector's own error-log messages, and the request's stream for the engine's.

The engine writes a transaction's error-log lines when it ends (phase 5) to the stream
:func:`modsec_py.logging.use_stream` names; connectors name ``environ['wsgi.errors']``,
which mod_wsgi sends to Apache's error log behind its ``[wsgi:error] [pid ..] [client
ip:port]`` prefix. What v2's Apache glue logs itself (body limits) the connector writes
at once, with v2's text and tail: ``ModSecurity: <message> [hostname ".."] [uri ".."]
[unique_id ".."]``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TextIO

from modsec_py.logging import use_stream


def escape(text: str) -> str:
    """v2's log_escape: quotes, backslashes and bytes outside printable ASCII as ``\\xHH``."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\' or code < 0x20 or code > 0x7E:
            out.append(f"\\x{code:02x}" if code < 0x100 else char)
        else:
            out.append(char)
    return "".join(out)


class ErrorLog:
    """Connector messages for one request, and the engine's lines sent to the same stream."""

    def __init__(self, stream: TextIO | None, hostname: str, uri: str, unique_id: str) -> None:
        self.stream = stream
        self.hostname = hostname
        self.uri = uri
        self.unique_id = unique_id

    def message(self, text: str) -> None:
        if self.stream is None:
            return
        tail = (f' [hostname "{escape(self.hostname)}"] [uri "{escape(self.uri)}"]'
                f' [unique_id "{escape(self.unique_id)}"]')
        try:
            self.stream.write(f"ModSecurity: {text}{tail}\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed stream must not break the request
            pass

    @contextlib.contextmanager
    def engine_lines(self) -> Iterator[None]:
        """Within the block, the engine's error-log lines go to this request's stream."""
        if self.stream is None:
            yield
            return
        with use_stream(self.stream):
            yield


def server_software(waf: Any, environ: Any) -> None:
    """Tell the WAF's logs what Apache would: its banner and the request's handler."""
    logs = getattr(waf, "logs", None)
    software = environ.get("SERVER_SOFTWARE")
    handler = environ.get("mod_wsgi.request_handler")
    if logs is not None and software and getattr(logs.server, "software", None) != software:
        logs.set_server(software, handler)
