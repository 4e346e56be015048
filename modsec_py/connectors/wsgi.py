"""WSGI middleware: every request to the wrapped application goes through all five phases.

::

    from modsec_py.connectors.wsgi import ModSecurityMiddleware
    application = ModSecurityMiddleware(my_app)        # entry file: SetEnv MODSEC_PY_CONFIG, else the default

Phase 1 runs on the request line and headers, phase 2 on the body (read within
SecRequestBodyLimit and replayed to the application as ``wsgi.input``; streamed untouched
when SecRequestBodyAccess is Off). The application's status and headers go through phase
3 and, when SecResponseBodyAccess is On and the MIME type is one SecResponseBodyMimeType
lists, its body through phase 4 before anything reaches the client; other bodies stream.
Phase 5 runs once for every request, also when the application raises or the client goes
away (the server then closes the response iterable). An interruption becomes the status,
redirect or dropped connection v2 would produce (see :mod:`.interruptions`).
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from wsgiref.util import FileWrapper

from modsec_py.connectors import engine_view
from modsec_py.connectors.body import ReplayInput, content_length, has_body, read_body
from modsec_py.connectors.errorlog import ErrorLog, server_software
from modsec_py.connectors.headers import request_headers, response_headers
from modsec_py.connectors.interruptions import answer, url
from modsec_py.connectors.registry import RulesetUnavailable, entry_file, waf_for
from modsec_py.connectors.request import RequestInfo, request_info
from modsec_py.connectors.responses import Answer, error_page

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Callable[[bytes], Any]]
RESPONSE_PROTOCOL = "HTTP/1.1"  # what Apache answers with (v2's get_response_protocol)


class ModSecurityMiddleware:
    """Wraps ``app``; ``config`` names the SecLang entry file (else ``MODSEC_PY_CONFIG``, else the default).

    ``waf`` gives a ready WAF instead (tests, embedding).
    """

    def __init__(self, app: WSGIApp, config: str | None = None, *, waf: Any = None) -> None:
        self.app = app
        self.config = config
        self.waf = waf

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        waf = self.waf
        if waf is None:
            path = entry_file(environ, self.config)
            try:
                waf = waf_for(path, environ)
            except RulesetUnavailable as error:  # no good ruleset ever: 503, or uninspected when configured so
                if error.fail_open:
                    return self.app(environ, start_response)
                page = error_page(503, environ)
                start_response(page.status_text, page.headers)
                return [page.body]
        return Exchange(self.app, waf, environ, start_response).start()


def _stderr(environ: Mapping[str, Any]) -> Any:
    return environ.get("wsgi.errors") or sys.stderr


def hostname(info: RequestInfo, environ: Mapping[str, Any]) -> str:
    """Apache's ``r->hostname``: the Host header without its port, lower-cased (else SERVER_NAME)."""
    host = info.header("Host") or str(environ.get("SERVER_NAME", ""))
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.lower()


class Exchange:
    """One request through the engine and the application; the response iterable the server gets."""

    def __init__(self, app: WSGIApp, waf: Any, environ: dict[str, Any], start_response: StartResponse) -> None:
        self.app = app
        self.waf = waf
        self.started = time.time()
        self.environ = environ
        self.start_response = start_response
        if waf.header_ops:  # mod_headers' early lines run before ModSecurity sees the request
            request_headers(environ, waf.header_ops, {}, self.started, early=True)
        self.info: RequestInfo = request_info(environ)
        info = self.info
        self.tx = waf.new_transaction(info.client_ip, info.client_port, info.server_ip, info.server_port)
        if info.unique_id:
            self.tx.set_unique_id(info.unique_id)
        server_software(waf, environ)
        self.log = ErrorLog(_stderr(environ), hostname(info, environ), info.path,
                            info.unique_id or engine_view.unique_id(self.tx))
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.pending: deque[bytes] = deque()
        self.result: Iterable[bytes] | None = None
        self.sent = False
        self.finished = False
        self.answer: Answer | None = None
        self.kept_body: ReplayInput | None = None
        self.reported_status: int | None = None  # what phase 3 was told
        self.final_status: int | None = None  # what the client was sent
        self.failed = False
        self.forwarded: Any = None  # a proxy interruption: the request went to its URL; later phases see it again

    # -- request ----------------------------------------------------------------------------
    def start(self) -> Iterable[bytes]:
        tx, info = self.tx, self.info
        tx.process_uri(info.uri, info.method, info.protocol, line=info.request_line)
        if engine_view.engine_mode(tx) == "Off":  # v2 does nothing at all when the engine is off
            return self.app(self.environ, self.start_response)
        try:
            self.answer = self._request_phases()
            if self.answer is None:
                if "wsgi.file_wrapper" in self.environ:  # the server's may only work when it sends the file itself
                    self.environ["wsgi.file_wrapper"] = FileWrapper
                self.result = self.app(self.environ, self._app_start_response)
        except BaseException:
            self._finish(500)
            raise
        return self

    def _request_phases(self) -> Answer | None:
        tx, info = self.tx, self.info
        for name, value in info.headers:
            tx.add_request_header(name, value)
        interruption = tx.process_request_headers()
        if interruption is not None:
            return self._interrupted(interruption)
        if engine_view.engine_mode(tx) == "Off":  # ctl:ruleEngine=Off in phase 1
            return None
        refused = self._request_body()
        if refused is not None:
            return refused
        interruption = tx.process_request_body()
        if interruption is None and self.waf.header_ops:
            request_headers(self.environ, self.waf.header_ops, tx.environment(), self.started)
        if engine_view.disable_backend_compression(tx):
            self.environ.pop("HTTP_ACCEPT_ENCODING", None)
            self.environ.pop("HTTP_TE", None)
        return self._interrupted(interruption) if interruption is not None else None

    def _request_body(self) -> Answer | None:
        """Read the body for phase 2 as v2's input filter does: at most the limit (and one byte more,
        so the engine sees a body over it). The engine decides what the limits mean (413, partial
        inspection, INBOUND_DATA_ERROR); an Answer only when the client stops sending (400)."""
        tx, environ = self.tx, self.environ
        if not tx.request_body_access or not has_body(environ):
            return None
        limit = int(tx.request_body_limit)
        length = content_length(environ)
        if length is not None and length > limit and engine_view.request_limit_refuses(tx):
            return None  # refused from Content-Length alone, the body unread (v2 does the same)
        stream = environ["wsgi.input"]
        read = read_body(stream, length, limit, engine_view.in_memory_limit(tx), sink=tx.append_request_body)
        if read.error is not None:
            read.kept.close()
            self.log.message(read.error)
            tx.abandon_request_body()  # v2: 400 before phase 2
            return error_page(400, environ)
        self.kept_body = ReplayInput(read.kept, stream if read.more else None)
        environ["wsgi.input"] = self.kept_body
        return None

    def _interrupted(self, interruption: Any) -> Answer | None:
        if interruption.action == "proxy" and interruption.phase in (1, 2) and interruption.url:
            from modsec_py.connectors.proxy import ReverseProxy

            self.app = ReverseProxy(url(interruption), exact=True)  # v2: the request goes to this URL instead
            self.forwarded = interruption
            return None
        return answer(interruption, self.environ, self.info)

    # -- the application's response -----------------------------------------------------------
    def _app_start_response(self, status: str, headers: list[tuple[str, str]],
                            exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None:
            try:
                if self.sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("start_response called a second time without exc_info")
        self.status = status
        self.headers = list(headers)
        return self.pending.append

    def _chunks(self) -> Iterator[bytes]:
        """The application's body in order: ``write()`` data and the iterable's items."""
        assert self.result is not None
        pending = self.pending
        iterator = iter(self.result)
        while True:
            while pending:
                yield pending.popleft()
            try:
                chunk = next(iterator)
            except StopIteration:
                break
            while pending:
                yield pending.popleft()
            yield chunk
        while pending:
            yield pending.popleft()

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._respond()
        except BaseException:
            self.failed = True
            raise

    def _respond(self) -> Iterator[bytes]:
        if self.answer is not None:
            yield from self._send(self.answer)
            return
        chunks = self._chunks()
        pulled: list[bytes] = []
        if self.status is None:  # a generator calls start_response when first iterated
            for chunk in chunks:
                pulled.append(chunk)
                if self.status is not None:
                    break
        first = b"".join(pulled)
        if self.status is None:
            raise RuntimeError("the application returned without calling start_response")
        tx = self.tx
        status = int(self.status.split(None, 1)[0])
        for name, value in self.headers:
            tx.add_response_header(name, value)
        self.reported_status = status
        interruption = tx.process_response_headers(status, RESPONSE_PROTOCOL)
        if interruption is not None and interruption is not self.forwarded:
            yield from self._replace(answer(interruption, self.environ, self.info))
            return
        if self._inspects_body():
            yield from self._buffered(first, chunks)
            return
        self._start(self.status, self.headers)
        if first:
            yield first
        yield from chunks
        tx.process_response_body()  # phase 4 runs, without a body, as v2 runs it for bodies it does not buffer

    def _inspects_body(self) -> bool:
        tx = self.tx
        if not tx.response_body_access:
            return False
        content_type = next((value for name, value in self.headers if name.lower() == "content-type"), None)
        if not engine_view.mime_type_inspected(tx, content_type):
            return False
        length = self._response_length()
        return length != 0

    def _response_length(self) -> int | None:
        for name, value in self.headers:
            if name.lower() == "content-length":
                try:
                    return int(value.strip())
                except ValueError:
                    return None
        return None

    def _buffered(self, first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
        tx = self.tx
        limit = int(tx.response_body_limit)
        kept: list[bytes] = [first] if first else []
        size = len(first)
        over = size > limit
        if not over:
            for chunk in chunks:
                kept.append(chunk)
                size += len(chunk)
                if size > limit:
                    over = True
                    break
        body = b"".join(kept)
        tx.append_response_body(body[:limit + 1])  # one byte over tells the engine the body is over the limit
        interruption = tx.process_response_body()
        if interruption is not None and interruption is not self.forwarded:
            yield from self._replace(answer(interruption, self.environ, self.info))
            return
        self._start(self.status or "200 OK", self.headers)
        if body:
            yield body
        if over:  # ProcessPartial: the rest is not inspected
            yield from chunks

    # -- sending ------------------------------------------------------------------------------
    def _start(self, status: str, headers: list[tuple[str, str]], error_page: bool = False) -> None:
        self.sent = True
        self.final_status = int(status.split(None, 1)[0])
        if self.waf.header_ops:
            headers = response_headers(headers, self.waf.header_ops, self.tx.environment(), self.environ,
                                       self.started, error_page)
        self.start_response(status, headers)

    def _send(self, page: Answer) -> Iterator[bytes]:
        self._start(page.status_text, page.headers, error_page=True)
        if page.body:
            yield page.body

    def _replace(self, page: Answer) -> Iterator[bytes]:
        """The application's response is discarded: close it, send ``page`` instead."""
        self._close_app()
        yield from self._send(page)

    def _close_app(self) -> None:
        result, self.result = self.result, None
        close = getattr(result, "close", None)
        if close is not None:
            close()

    def close(self) -> None:
        """Called by the server when the response is done or the client went away: phase 5."""
        try:
            self._close_app()
        finally:
            self._finish(None)

    def _finish(self, status: int | None) -> None:
        """Phase 5, once; the engine first learns the status the client got when phase 3 did not see it."""
        if self.finished:
            return
        self.finished = True
        tx = self.tx
        try:
            code = status or self.final_status or (500 if self.failed else None)
            if code is not None and code != self.reported_status:
                tx.process_response_headers(code, RESPONSE_PROTOCOL)
                tx.process_response_body()  # phase 4 too (v2's output filter also sees Apache's error pages)
            with self.log.engine_lines():
                tx.process_logging()
        finally:
            if self.kept_body is not None:
                self.kept_body.close()
