"""String operators: v2's texts, macros, empty arguments, bytes (not text)."""

from __future__ import annotations

from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


def test_messages() -> None:
    assert run("contains", "php", b"x.php") == 'String match "php" at ARGS:x.'
    assert run("beginsWith", "/adm", b"/admin") == 'String match "/adm" at ARGS:x.'
    assert run("endsWith", ".bak", b"a.bak") == 'String match ".bak" at ARGS:x.'
    assert run("streq", "POST", b"POST", var="REQUEST_METHOD") == 'String match "POST" at REQUEST_METHOD.'
    assert run("containsWord", "select", b"1 select 2") == 'String match "select" at ARGS:x.'
    assert run("within", "GET POST", b"POST") == 'String match within "GET POST" at ARGS:x.'


def test_message_escapes_like_log_escape() -> None:
    assert run("contains", 'a"b\\c', b'xa"b\\c') == 'String match "a\\"b\\\\c" at ARGS:x.'
    assert run("contains", "\xe9", b"caf\xe9") == 'String match "\\xe9" at ARGS:x.'


def test_empty_argument_matches() -> None:
    for name in ("contains", "beginsWith", "endsWith", "containsWord"):
        assert run(name, "", b"anything") == 'String match "" at ARGS:x.'
    assert run("streq", "", b"") is not None and run("streq", "", b"x") is None
    assert run("within", "abc", b"") == 'String match within "abc" at ARGS:x.'  # v2: an empty value is within
    assert run("within", "", b"a") is None


def test_case_sensitive_bytes() -> None:
    assert run("contains", "PHP", b"x.php") is None
    assert run("streq", "\xe9", b"\xe9") is not None  # latin-1 argument, raw byte value


def test_contains_word_boundaries() -> None:
    assert run("containsWord", "abc", b"abc") is not None
    assert run("containsWord", "abc", b"xabc") is None
    assert run("containsWord", "abc", b"abc_") is None
    assert run("containsWord", "abc", b"abc\0def") is not None
    assert run("containsWord", "abc", b"abcabc abc") is not None  # a later occurrence counts
    assert run("containsWord", "abc", b"\xe9abc\xe9") is not None  # only ASCII letters are word bytes


def test_macros_are_expanded_per_evaluation() -> None:
    op = make("contains", "%{tx.needle}")
    assert op.evaluate(FakeTx(macros={"TX.needle": b"evil"}), b"so evil") is not None
    assert op.evaluate(FakeTx(macros={"TX.needle": b"good"}), b"so evil") is None
    detail = op.evaluate(FakeTx(macros={"TX.needle": b"ev"}), b"evil")
    assert op.message(detail, "ARGS:a") == 'String match "ev" at ARGS:a.'
    within = make("within", "%{tx.methods}")
    assert within.evaluate(FakeTx(macros={"tx.methods": b"GET HEAD"}), b"HEAD") is not None


def test_no_allocation_for_static_arguments() -> None:
    op = make("contains", "x")
    assert op.evaluate(FakeTx(), b"axb") is op.evaluate(FakeTx(), b"xx")  # the same detail object


def test_strmatch() -> None:
    assert run("strmatch", "a|62|c", b"xabc") == 'Pattern match "a|62|c" at ARGS:x.'
    assert run("strmatch", "WebZIP", b"webzip") is None
    assert run("strmatch", "a\\;b", b"a;b") is not None
