"""@rx: captures as PCRE2 reports them, 2.9.7's macro escaping, texts, and the match limit."""

from __future__ import annotations

import time

import pytest

from modsec_py.config import EngineConfig
from modsec_py.operators import rx
from modsec_py.operators._base import CompileContext
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


def captures(pattern: str, value: bytes) -> dict[str, bytes]:
    tx = FakeTx(capturing=True)
    tx.tx.update({str(i): b"old" for i in range(10)})
    make("rx", pattern).evaluate(tx, value)
    return tx.tx


def test_message_is_the_escaped_pattern() -> None:
    assert run("rx", r"^[\d.:]+$", b"127.0.0.1", var="REQUEST_HEADERS:Host") == \
        'Pattern match "^[\\\\d.:]+$" at REQUEST_HEADERS:Host.'  # as Debian's 2.9.7 audit log shows it
    long = "a" * 300
    assert run("rx", long, b"a" * 300) == f'Pattern match "{"a" * 252} ..." at ARGS:x.'


def test_captures_unset_groups_are_empty_and_later_ones_removed() -> None:
    # Checked against Debian's 2.9.7: "(a)|(b)" on "b" gives TX:0=b TX:1="" TX:2=b.
    assert captures("(a)|(b)", b"b") == {"0": b"b", "1": b"", "2": b"b"}
    assert captures("(a)|(b)", b"a") == {"0": b"a", "1": b"a"}  # TX:2..9 unset
    assert captures("x", b"x") == {"0": b"x"}


def test_captures_beyond_nine_and_the_pcre2_vector_limit() -> None:
    # 2.9.7 sets TX:10.. too (up to 15 pairs); with more than 15 it captures nothing at all.
    twelve = captures("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)", b"abcdefghijklmn")
    assert twelve["0"] == b"abcdefghijkl" and twelve["10"] == b"j" and twelve["12"] == b"l"
    tx = FakeTx(capturing=True)
    tx.tx["0"] = b"kept"
    op = make("rx", "".join(f"({chr(97 + i)})" for i in range(16)))
    assert op.evaluate(tx, b"abcdefghijklmnopq") is not None
    assert tx.tx == {"0": b"kept"}


def test_no_capture_without_the_action() -> None:
    tx = FakeTx(capturing=False)
    assert make("rx", "(a)").evaluate(tx, b"a") is not None and tx.tx == {}


def test_pcre_semantics() -> None:
    assert run("rx", "a$", b"a\n") is None  # DOLLAR_ENDONLY
    assert run("rx", "a.b", b"a\nb") is not None  # DOTALL
    assert run("rx", r"\w", b"\xe9") is None  # no UTF/UCP: \w is ASCII
    assert run("rx", "(?i)caf\xc9", b"caf\xe9") is None  # case folding is ASCII only


def test_macro_patterns_are_escaped_whole_as_in_2_9_7() -> None:
    op = make("rx", "^%{tx.pat}$")
    tx = FakeTx(macros={"tx.pat": b"a.c"})
    assert op.evaluate(tx, b"abc") is None  # "." was escaped: ^a\.c$
    detail = op.evaluate(tx, b"a.c")
    assert op.message(detail, "ARGS:m") == 'Pattern match "^a\\\\.c$" at ARGS:m.'
    assert (6, "Escaping pattern [^a\\.c$]") in tx.debug_lines
    # a regex in the expansion does not work as a regex (2.9.8 changed this)
    alternatives = make("rx", "^(?:%{tx.types})$")
    assert alternatives.evaluate(FakeTx(macros={"tx.types": b"text/xml|application/json"}), b"text/xml") is None
    assert alternatives.evaluate(FakeTx(macros={"tx.types": b"a|b"}), b"a") is None
    assert alternatives.evaluate(FakeTx(macros={"tx.types": b"a|b"}), b"a|b") is None  # "(" became "\("
    assert make("rx", "%{tx.x}").evaluate(FakeTx(macros={"tx.x": b"a|b"}), b"xa|b") is not None


def test_nested_repetition_detection() -> None:
    assert rx.nested_repetition("(a|aa)+$")
    assert rx.nested_repetition("(?:a+)*b")
    assert rx.nested_repetition("((ab)*c){2,}")
    assert not rx.nested_repetition("(?i)union\\s+select")
    assert not rx.nested_repetition("(abc)+x")
    assert not rx.nested_repetition("[(a+)]+")
    assert not rx.nested_repetition("(a|b)?c")


def test_match_limit_is_a_time_bound() -> None:
    config = EngineConfig(pcre_match_limit=1000, pcre_match_limit_recursion=1000)
    op = make("rx", "(a|aa)+$", config=config)  # exponential backtracking in `regex` too
    tx = FakeTx()
    started = time.perf_counter()
    assert op.evaluate(tx, b"a" * 60 + b"b") is None  # would take hours unbounded
    assert time.perf_counter() - started < 1.0
    assert tx.pcre_limit_hits == 1 and tx.tx["MSC_PCRE_LIMITS_EXCEEDED"] == b"1"
    assert rx.match_timeout(CompileContext("/", config)) == pytest.approx(0.01)  # 1000 x 10 us
    assert rx.match_timeout(CompileContext("/")) == pytest.approx(0.015)  # Debian's default 1500


def test_short_values_of_simple_patterns_are_not_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = rx.search_bounded
    monkeypatch.setattr(rx, "search_bounded", lambda *args: calls.append(args) or real(*args))
    op = make("rx", "abc")
    assert op.evaluate(FakeTx(), b"xabc") is not None and calls == []
    assert op.evaluate(FakeTx(), b"x" * 40 + b"abc") is not None and len(calls) == 1
