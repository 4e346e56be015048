"""mod_headers lines in rule files (CRS 2.2.9's header tagging), carried out by the WSGI connector."""

from __future__ import annotations

from typing import Any

import pytest

from modsec_py import WAF, ConfigError
from modsec_py.connectors.headers import _combine
from modsec_py.connectors.wsgi import ModSecurityMiddleware
from modsec_py.seclang.conditions import Conditions
from tests.unit.connectors.wsgi_helpers import call, environ

HEADERS = Conditions(modules=frozenset({"headers_module"}))
RULES = """SecRuleEngine On
SecRule ARGS:a "@rx ." "id:1,phase:2,pass,nolog,setenv:matched_rule-1=%{MATCHED_VAR},setenv:score=5"
RequestHeader append X-WAF-Events "%{matched_rule-1}e" env=matched_rule-1
RequestHeader set X-WAF-Score "Total=%{score}e; ua=%{User-Agent}i" env=score
RequestHeader unset X-Secret
Header set X-Protected "yes"
Header always set X-Always "%{score}e"
Header append X-Calm "quiet" env=!score
Header edit* X-Cookie "(sid=\\w+)" "$1; HttpOnly"
RequestHeader set X-Early "seen" early
SecRule REQUEST_HEADERS:X-Early "@streq seen" "id:3,phase:1,pass,nolog,setenv:early=1"
Header set X-Early-Seen "%{early}e"
"""


def seen(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Cookie", "sid=1 sid=2")])
    found = {key: value for key, value in environ.items() if key.startswith("HTTP_X_")}
    return [repr(sorted(found.items())).encode()]


@pytest.fixture(scope="module")
def app() -> ModSecurityMiddleware:
    return ModSecurityMiddleware(seen, waf=WAF.from_directives(RULES, conditions=HEADERS))


def test_request_headers_reach_the_application(app: ModSecurityMiddleware) -> None:
    response = call(app, environ("/", "a=evil", headers={"User-Agent": "curl", "X-Secret": "s",
                                                        "X-WAF-Events": "earlier"}))
    assert response.body == repr(sorted({"HTTP_X_WAF_EVENTS": "earlier, evil", "HTTP_X_EARLY": "seen",
                                         "HTTP_X_WAF_SCORE": "Total=5; ua=curl"}.items())).encode()
    assert response.header("X-Cookie") == "sid=1; HttpOnly sid=2; HttpOnly"
    assert response.header("X-Early-Seen") == "1"  # phase 1 saw the early header
    assert response.header("X-Protected") == "yes"
    assert response.header("X-Always") == "5"
    assert response.header("X-Calm") is None


def test_conditions_and_unset_variables(app: ModSecurityMiddleware) -> None:
    response = call(app, environ("/", "b=1"))
    assert response.body == repr([("HTTP_X_EARLY", "seen")]).encode()
    assert response.header("X-Always") == "(null)"
    assert response.header("X-Calm") == "quiet"


def test_error_pages_get_always_headers_only() -> None:
    waf = WAF.from_directives(RULES + 'SecRule ARGS:deny "@rx ." "id:2,phase:1,deny,status:403"\n', conditions=HEADERS)
    response = call(ModSecurityMiddleware(seen, waf=waf), environ("/", "deny=1"))
    assert response.code == 403
    assert response.header("X-Protected") is None
    assert response.header("X-Always") == "(null)"


@pytest.mark.parametrize(("action", "before", "after"), [
    ("set", [("A", "1"), ("a", "2")], [("A", "v")]),
    ("append", [("A", "1")], [("A", "1, v")]),
    ("append", [], [("A", "v")]),
    ("add", [("A", "1")], [("A", "1"), ("A", "v")]),
    ("merge", [("A", "x, v")], [("A", "x, v")]),
    ("merge", [("A", "x")], [("A", "x, v")]),
    ("setifempty", [("A", "1")], [("A", "1")]),
    ("setifempty", [], [("A", "v")]),
    ("unset", [("A", "1"), ("B", "2")], [("B", "2")]),
])
def test_mod_headers_actions(action: str, before: list[tuple[str, str]], after: list[tuple[str, str]]) -> None:
    assert _combine(action, before, "A", "v") == after


@pytest.mark.parametrize("line", [
    'Header echo ^X-',
    'Header note X-A note',
    'RequestHeader set X-A "v" "expr=%{REQUEST_URI} =~ m#x#"',
    'RequestHeader set X-A "%{SSL_PROTOCOL}s"',
])
def test_what_cannot_be_carried_out_is_refused_at_load(line: str) -> None:
    with pytest.raises(ConfigError, match="modsec_py"):
        WAF.from_directives(line + "\n", conditions=HEADERS)


def test_an_edit_regex_is_checked_at_load() -> None:
    with pytest.raises(ConfigError, match="bad regular expression '\\(a': missing closing parenthesis"):
        WAF.from_directives('RequestHeader edit X-A "(a" b\n', conditions=HEADERS)
