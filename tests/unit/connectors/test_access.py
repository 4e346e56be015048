"""The WSGIAccessScript hook called as mod_wsgi calls it."""

from __future__ import annotations

import pytest

from modsec_py import WAF
from modsec_py.connectors.access import check, make_allow_access
from tests.unit.connectors.wsgi_helpers import environ, errors

RULES = """SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:User-Agent "@contains scanner" "id:1,phase:1,deny,status:406,msg:'scanner'"
SecRule ARGS "@contains attack" "id:2,phase:2,deny,msg:'attack'"
SecRule REQUEST_URI "@rx ^" "id:50,phase:5,pass,log,msg:'phase 5 ran'"
"""


@pytest.fixture(scope="module")
def waf() -> WAF:
    return WAF.from_directives(RULES)


def test_a_benign_request_is_left_to_apache(waf: WAF) -> None:
    env = environ("/static/a.css", headers={"User-Agent": "browser"})
    assert check(env, waf=waf) is None
    assert '[msg "phase 5 ran"]' in errors(env)


def test_a_phase_1_interruption_denies(waf: WAF) -> None:
    env = environ("/static/a.css", headers={"User-Agent": "a scanner"})
    assert check(env, waf=waf) is False
    assert "ModSecurity: Access denied with code 406 (phase 1)." in errors(env)


def test_query_arguments_are_checked_in_phase_2_without_the_body(waf: WAF) -> None:
    assert check(environ("/index.php", "q=an+attack"), waf=waf) is False
    body = environ("/index.php", method="POST", body=b"q=attack", headers={"Content-Type":
                                                                           "application/x-www-form-urlencoded"})
    assert check(body, waf=waf) is None  # the body belongs to Apache's handler


def test_make_allow_access_takes_the_mod_wsgi_signature(tmp_path: object) -> None:
    rules = tmp_path / "static.conf"  # type: ignore[operator]
    rules.write_text('SecRuleEngine On\nSecRule ARGS:x "@streq 1" "id:1,phase:1,deny"\n')
    allow_access = make_allow_access(str(rules))
    assert allow_access(environ("/", "x=1"), "127.0.0.1") is False
    assert allow_access(environ("/", "x=2"), "127.0.0.1") is None


def test_a_broken_entry_file_denies(tmp_path: object) -> None:
    rules = tmp_path / "broken.conf"  # type: ignore[operator]
    rules.write_text("SecRuleEngine Sometimes\n")
    assert make_allow_access(str(rules))(environ("/"), None) is False
