"""The WSGI middleware called directly and under wsgiref: phases, bodies, interruptions, phase 5."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.validate import validator

import pytest

from modsec_py import WAF
from modsec_py.connectors.wsgi import ModSecurityMiddleware
from tests.integration.client import request
from tests.unit.connectors.wsgi_helpers import call, environ, errors

RULES = """SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecRequestBodyLimit 100
SecResponseBodyLimit 50
SecRule ARGS "@contains attack" "id:1,phase:2,deny,status:403,msg:'attack'"
SecRule REQUEST_HEADERS:X-Block "@streq yes" "id:2,phase:1,deny,status:401"
SecRule RESPONSE_HEADERS:X-Secret "@rx ." "id:3,phase:3,deny,status:502"
SecRule RESPONSE_BODY "@contains password=" "id:4,phase:4,deny,status:403,msg:'leak'"
SecRule ARGS:go "@streq away" "id:5,phase:1,redirect:http://example.com/x"
SecRule ARGS:go "@streq drop" "id:6,phase:1,drop"
SecRule ARGS:go "@streq proxy" "id:7,phase:1,proxy:%{REQUEST_HEADERS.X-Target}"
SecRule REQUEST_BODY "@contains attack" "id:8,phase:2,deny,status:409"
SecRule RESPONSE_STATUS "@rx ^" "id:50,phase:5,pass,log,msg:'phase 5 saw %{RESPONSE_STATUS}'"
"""


@pytest.fixture(scope="module")
def waf() -> WAF:
    return WAF.from_directives(RULES)


class Recorder:
    """A WSGI app that records what it received and answers what it is told."""

    def __init__(self, body: list[bytes] | None = None, content_type: str = "text/plain",
                 headers: list[tuple[str, str]] | None = None) -> None:
        self.body = body if body is not None else [b"hello"]
        self.content_type = content_type
        self.extra = headers or []
        self.received: bytes | None = None
        self.closed = False
        self.calls = 0

    def __call__(self, env: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        self.received = env["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", self.content_type), *self.extra])
        return self

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        self.closed = True


def form(body: bytes, **kwargs: Any) -> dict[str, Any]:
    return environ("/f", method="POST", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"},
                   **kwargs)


def test_a_benign_request_passes_unchanged(waf: WAF) -> None:
    app = Recorder([b"a", b"b"], headers=[("Set-Cookie", "x=1"), ("Set-Cookie", "y=2")])
    env = form(b"name=jane&city=Paris")
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.status == "200 OK"
    assert response.headers == [("Content-Type", "text/plain"), ("Set-Cookie", "x=1"), ("Set-Cookie", "y=2")]
    assert response.body == b"ab"
    assert app.received == b"name=jane&city=Paris"
    assert app.closed
    assert '[msg "phase 5 saw 200"]' in errors(env)


def test_phase_1_interruption_never_calls_the_application(waf: WAF) -> None:
    app = Recorder()
    env = environ("/", headers={"X-Block": "yes"})
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.code == 401
    assert app.calls == 0
    assert '[msg "phase 5 saw 401"]' in errors(env)


def test_phase_2_sees_the_form_body_and_denies(waf: WAF) -> None:
    app = Recorder()
    env = form(b"q=an+attack")
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.code == 403
    assert b"<title>403 Forbidden</title>" in response.body
    assert app.calls == 0
    assert "ModSecurity: Access denied with code 403 (phase 2). " in errors(env)
    assert '[id "1"]' in errors(env) and '[uri "/f"]' in errors(env)


def test_phase_3_replaces_the_response(waf: WAF) -> None:
    app = Recorder(headers=[("X-Secret", "1")])
    response = call(ModSecurityMiddleware(app, waf=waf), environ("/"))
    assert response.code == 502
    assert response.header("X-Secret") is None
    assert app.closed


def test_phase_4_inspects_buffered_text_before_anything_is_sent(waf: WAF) -> None:
    app = Recorder([b"user=a ", b"password=b"])
    response = call(ModSecurityMiddleware(app, waf=waf), environ("/"))
    assert response.code == 403
    assert b"password" not in response.body


def test_bodies_of_types_not_inspected_stream_chunk_by_chunk(waf: WAF) -> None:
    app = Recorder([b"password=1", b"two"], content_type="application/octet-stream")
    response = call(ModSecurityMiddleware(app, waf=waf), environ("/"))
    assert response.code == 200
    assert response.chunks == [b"password=1", b"two"]


def test_request_body_access_off_streams_the_body_untouched() -> None:
    waf = WAF.from_directives("SecRuleEngine On\nSecRequestBodyAccess Off\n"
                              'SecRule ARGS "@contains attack" "id:1,phase:2,deny"\n')
    app = Recorder()
    env = form(b"q=attack")
    stream = env["wsgi.input"]
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.code == 200
    assert app.received == b"q=attack"
    assert env["wsgi.input"] is stream


def test_request_body_over_the_limit_is_refused_with_413(waf: WAF) -> None:
    app = Recorder()
    env = form(b"a=" + b"b" * 200)
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.code == 413
    assert app.calls == 0
    assert "Request body (Content-Length) is larger than the configured limit (100)." in errors(env)


def test_process_partial_inspects_the_start_and_replays_everything() -> None:
    waf = WAF.from_directives("SecRuleEngine On\nSecRequestBodyAccess On\nSecRequestBodyLimit 10\n"
                              "SecRequestBodyLimitAction ProcessPartial\n"
                              'SecAction "id:3,phase:1,pass,nolog,ctl:forceRequestBodyVariable=On"\n'
                              'SecRule REQUEST_BODY "@contains attack" "id:1,phase:2,deny"\n'
                              'SecRule REQUEST_BODY "@streq 0123456789" "id:2,phase:2,deny,status:418"\n')
    app = Recorder()
    body = b"0123456789attack"
    response = call(ModSecurityMiddleware(app, waf=waf), environ("/", method="POST", body=body))
    assert response.code == 418  # the engine saw the first 10 bytes only
    forwarded = call(ModSecurityMiddleware(app, waf=waf), environ("/", method="POST", body=b"abcdefghijattack"))
    assert forwarded.code == 200
    assert app.received == b"abcdefghijattack"


def test_response_body_over_the_limit_is_refused_with_500(waf: WAF) -> None:
    env = environ("/")
    response = call(ModSecurityMiddleware(Recorder([b"x" * 30, b"y" * 30]), waf=waf), env)
    assert response.code == 500
    assert "Output filter: Response body too large (over limit of 50, total not specified)." in errors(env)
    declared = Recorder([b"x"], headers=[("Content-Length", "60")])
    assert call(ModSecurityMiddleware(declared, waf=waf), environ("/")).code == 500


def test_redirect_and_drop(waf: WAF) -> None:
    moved = call(ModSecurityMiddleware(Recorder(), waf=waf), environ("/", "go=away"))
    assert moved.code == 302
    assert moved.header("Location") == "http://example.com/x"
    dropped = call(ModSecurityMiddleware(Recorder(), waf=waf), environ("/", "go=drop"))
    assert (dropped.code, dropped.body) == (403, b"")
    assert dropped.header("Connection") is None  # only mod_wsgi takes a hop-by-hop header
    under_mod_wsgi = call(ModSecurityMiddleware(Recorder(), waf=waf),
                          environ("/", "go=drop", **{"mod_wsgi.version": (4, 9, 4)}))
    assert under_mod_wsgi.header("Connection") == "close"


def test_phase_5_runs_when_the_application_raises(waf: WAF) -> None:
    def broken(env: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("boom")

    env = environ("/")
    with pytest.raises(RuntimeError):
        call(ModSecurityMiddleware(broken, waf=waf), env)
    assert '[msg "phase 5 saw 500"]' in errors(env)


def test_phase_5_runs_when_the_client_goes_away(waf: WAF) -> None:
    app = Recorder([b"1", b"2", b"3"], content_type="application/octet-stream")
    env = environ("/")
    response = call(ModSecurityMiddleware(app, waf=waf), env, take=1)
    assert response.chunks == [b"1"]
    assert app.closed
    assert '[msg "phase 5 saw 200"]' in errors(env)


def test_write_callable_and_lazy_start_response(waf: WAF) -> None:
    def legacy(env: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "application/octet-stream")])
        write(b"written ")
        return [b"returned"]

    def generator(env: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("201 Created", [("Content-Type", "text/plain")])
        yield b"made"

    assert call(ModSecurityMiddleware(legacy, waf=waf), environ("/")).body == b"written returned"
    made = call(ModSecurityMiddleware(generator, waf=waf), environ("/"))
    assert (made.status, made.body) == ("201 Created", b"made")


def test_error_replacement_through_exc_info_before_anything_is_sent(waf: WAF) -> None:
    def failing(env: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late")
        except ValueError:
            import sys

            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"sorry"]

    response = call(ModSecurityMiddleware(failing, waf=waf), environ("/"))
    assert (response.code, response.body) == (500, b"sorry")


def test_engine_off_hands_the_request_straight_to_the_application() -> None:
    waf = WAF.from_directives("SecRuleEngine Off\n")
    app = Recorder()
    env = form(b"q=1")
    result = ModSecurityMiddleware(app, waf=waf)(env, lambda *args: None)
    assert result is app


def test_detection_only_logs_and_passes() -> None:
    waf = WAF.from_directives("SecRuleEngine DetectionOnly\nSecRequestBodyAccess On\n"
                              'SecRule ARGS "@contains attack" "id:1,phase:2,deny,msg:\'attack\'"\n')
    app = Recorder()
    env = form(b"q=attack")
    response = call(ModSecurityMiddleware(app, waf=waf), env)
    assert response.code == 200
    assert app.received == b"q=attack"
    assert 'ModSecurity: Warning. String match "attack" at ARGS:q.' in errors(env)


def test_an_entry_file_that_never_loaded_answers_503(tmp_path: Any) -> None:
    broken = tmp_path / "broken.conf"
    broken.write_text("SecRuleEngine Sometimes\n")
    app = Recorder()
    env = environ("/", MODSEC_PY_STATE_DIR=str(tmp_path))
    response = call(ModSecurityMiddleware(app, str(broken)), env)
    assert response.code == 503
    assert app.calls == 0
    assert f"failed to load {broken}" in errors(env)
    assert "no good ruleset" in errors(env)


def test_the_entry_file_comes_from_the_environ(tmp_path: Any) -> None:
    rules = tmp_path / "site.conf"
    rules.write_text('SecRuleEngine On\nSecRule ARGS:x "@streq 1" "id:1,phase:1,deny,status:418"\n')
    response = call(ModSecurityMiddleware(Recorder()), environ("/", "x=1", MODSEC_PY_CONFIG=str(rules)))
    assert response.code == 418


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (wsgiref's signature)
        pass


def serve(app: Any) -> tuple[WSGIServer, int]:
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def test_under_wsgiref_with_pep_3333_validation(waf: WAF) -> None:
    def echo(env: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(env.get("CONTENT_LENGTH") or 0)
        data = env["wsgi.input"].read(length)
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(data)))])
        return [data]

    server, port = serve(validator(ModSecurityMiddleware(validator(echo), waf=waf)))
    try:
        body = bytes(range(50))
        reply = request(f"http://127.0.0.1:{port}/e", "POST", body, [("Content-Type", "application/octet-stream")])
        assert (reply.status, reply.body) == (200, body)
        blocked = request(f"http://127.0.0.1:{port}/e?q=attack")
        assert blocked.status == 403
    finally:
        server.shutdown()
        server.server_close()


def test_proxy_action_forwards_the_request_to_its_url(waf: WAF) -> None:
    def target(env: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"target got {env['PATH_INFO']}?{env['QUERY_STRING']}".encode()]

    server, port = serve(target)
    try:
        env = environ("/orig", "go=proxy", headers={"X-Target": f"http://127.0.0.1:{port}/honeypot"})
        response = call(ModSecurityMiddleware(Recorder(), waf=waf), env)
        assert response.body == b"target got /honeypot?"
    finally:
        server.shutdown()
        server.server_close()


def test_input_is_replayed_for_readline_users(waf: WAF) -> None:
    lines: list[bytes] = []

    def reader(env: dict[str, Any], start_response: Any) -> list[bytes]:
        lines.extend(env["wsgi.input"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    env = environ("/", method="POST", body=b"a\nb\nc", headers={"Content-Type": "text/plain"})
    assert call(ModSecurityMiddleware(reader, waf=waf), env).code == 200
    assert lines == [b"a\n", b"b\n", b"c"]
    assert isinstance(env["wsgi.errors"], io.StringIO)


def test_streamed_headers_go_out_before_the_application_produces_its_body(waf: WAF) -> None:
    events: list[str] = []

    def streaming(env: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])

        def body() -> Iterator[bytes]:
            events.append("body produced")
            yield b"data"

        return body()

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        events.append("headers sent")
        return lambda data: None

    result = ModSecurityMiddleware(streaming, waf=waf)(environ("/"), start_response)
    assert list(result) == [b"data"]
    result.close()  # type: ignore[attr-defined]
    assert events == ["headers sent", "body produced"]
