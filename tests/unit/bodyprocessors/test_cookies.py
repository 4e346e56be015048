"""Cookie headers, SecCookieFormat 0 and 1 and SecCookiev0Separator (checked against 2.9.7)."""

from __future__ import annotations

import pytest

from modsec_py.bodyprocessors.cookies import parse_cookies

MIXED = b'$Version=1; a="x;y"; $Path=/; b=2, c=" q ";d'
MESSY = b" =x; ;=; a; b = 2 ;c=3=4;"

CASES = [
    # (header, version, v0 separator, cookies)
    pytest.param(b"a=1; b=2", 0, None, [(b"a", b"1"), (b"b", b"2")], id="v0-plain"),
    pytest.param(b"a=1, b=2", 0, None, [(b"a", b"1"), (b"b", b"2")], id="v0-comma-when-no-semicolon"),
    pytest.param(b"a=1,b=2;c=3", 0, None, [(b"a", b"1,b=2"), (b"c", b"3")], id="v0-semicolon-wins"),
    pytest.param(MESSY, 0, None, [(b"a", b""), (b"b ", b" 2 "), (b"c", b"3=4")], id="v0-untrimmed-empty-names-dropped"),
    pytest.param(MIXED, 0, None, [(b"$Version", b"1"), (b"a", b'"x'), (b'y"', b""), (b"$Path", b"/"),
                                  (b"b", b'2, c=" q "'), (b"d", b"")], id="v0-quotes-mean-nothing"),
    pytest.param(b"a=%41+b", 0, None, [(b"a", b"%41+b")], id="never-url-decoded"),
    pytest.param(b"a=1; b=2", 0, b",", [(b"a", b"1; b=2")], id="v0-configured-separator"),
    pytest.param(b"a=1,b=2;c=3", 0, b",", [(b"a", b"1"), (b"b", b"2;c=3")], id="v0-configured-comma"),
    pytest.param(MESSY, 0, b",", [], id="v0-configured-one-token-empty-name"),
    pytest.param(b"a=1, b=2", 0, b":", [(b"a", b"1, b=2")], id="v0-configured-colon"),
    pytest.param(b"a=1,b=2;c=3", 1, None, [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")], id="v1-both-separate"),
    pytest.param(MESSY, 1, None, [(b"a", b""), (b"b", b"2"), (b"c", b"3=4")], id="v1-trimmed"),
    pytest.param(MIXED, 1, None, [(b"$Version", b"1"), (b"a", b"x;y"), (b"$a_Path", b"/"), (b"b", b"2"),
                                  (b"c", b" q "), (b"d", b"")], id="v1-quoted-and-dollar-attributes"),
]


@pytest.mark.parametrize(("header", "version", "separator", "cookies"), CASES)
def test_cookies_as_v2(header: bytes, version: int, separator: bytes | None, cookies: list) -> None:
    assert parse_cookies(header, version, separator) == cookies


def test_v1_text_after_closing_quote_starts_a_new_cookie() -> None:
    assert parse_cookies(b'a="x"y; b=1', 1) == [(b"a", b"x"), (b"y", b""), (b"b", b"1")]
