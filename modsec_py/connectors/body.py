"""Request bodies: read within the engine's limits, then replayed to the application.

The connector reads the body as v2's input filter does (only when SecRequestBodyAccess is
On): up to SecRequestBodyLimit bytes, plus one to tell whether there is more. The bytes
read are handed to the engine and kept (in memory up to SecRequestBodyInMemoryLimit, in a
temporary file beyond it); the application then reads them from ``wsgi.input`` followed by
whatever of the original stream was not read (a partially processed body).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

CHUNK = 65536


def content_length(environ: Mapping[str, Any]) -> int | None:
    value = environ.get("CONTENT_LENGTH")
    if not value:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def has_body(environ: Mapping[str, Any]) -> bool:
    """v2's ``reqbody_should_exist``: a Content-Length above zero, or a chunked (terminated) stream."""
    length = content_length(environ)
    if length is not None:
        return length > 0
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    return chunked and bool(environ.get("wsgi.input_terminated"))


@dataclass
class ReadBody:
    """What reading found: the bytes kept, whether more follows, whether the client went away."""

    kept: BinaryIO
    size: int
    more: bool
    error: str | None = None


def read_body(stream: IO[bytes], length: int | None, limit: int, in_memory: int,
              sink: Any = None) -> ReadBody:
    """Read at most ``limit`` bytes (and one more, to see if the body is larger); ``sink(chunk)`` sees each chunk."""
    kept = tempfile.SpooledTemporaryFile(max_size=max(in_memory, 0))  # closed by the caller
    wanted = limit if length is None else min(length, limit)
    size = 0
    error = None
    while size < wanted:
        try:
            chunk = stream.read(min(CHUNK, wanted - size))
        except OSError as failure:  # mod_wsgi: "request data read error" when the client goes away
            error = f"Error reading request body: {apr_error(failure)}"
            break
        if not chunk:
            if length is not None and size < length:
                error = "Error reading request body: Client went away."
            break
        kept.write(chunk)
        size += len(chunk)
        if sink is not None:
            sink(chunk)
    more = False
    if error is None and size == limit:
        more = length > limit if length is not None else _peek_more(stream, kept, sink)
    kept.seek(0)
    return ReadBody(kept, size, more, error)


def apr_error(failure: OSError) -> str:
    """APR's text of a read failure, as v2 logs it: mod_wsgi's ``Apache/mod_wsgi request data read error:
    Partial results are valid but processing is incomplete.`` gives ``Partial results are ... incomplete``."""
    text = str(failure)
    prefix = "Apache/mod_wsgi request data read error: "
    return text[len(prefix):].removesuffix(".") if text.startswith(prefix) else text


def _peek_more(stream: IO[bytes], kept: BinaryIO, sink: Any) -> bool:
    """One byte past the limit of a chunked body tells whether it is larger (the byte is kept for
    the app, and handed to ``sink`` so the engine sees the body is over the limit)."""
    try:
        extra = stream.read(1)
    except OSError:
        return False
    if extra:
        kept.seek(0, 2)
        kept.write(extra)
        if sink is not None:
            sink(extra)
        return True
    return False


class ReplayInput:
    """``wsgi.input`` for the application: the bytes read, then the rest of the original stream."""

    def __init__(self, kept: BinaryIO, rest: IO[bytes] | None) -> None:
        self._kept = kept
        self._rest = rest

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data = self._kept.read()
            return data + (self._rest.read() if self._rest is not None else b"")
        data = self._kept.read(size)
        if len(data) < size and self._rest is not None:
            data += self._rest.read(size - len(data))
        return data

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        line = self._kept.readline(limit)
        if line.endswith(b"\n") or (0 <= limit <= len(line)) or self._rest is None:
            return line
        return line + self._rest.readline(-1 if limit < 0 else limit - len(line))

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines: list[bytes] = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                return lines

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def close(self) -> None:
        self._kept.close()
