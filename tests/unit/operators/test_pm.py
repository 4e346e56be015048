"""@pm / @pmFromFile: parse_pm_content, v2's automaton quirks, both matching backends."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from modsec_py._util import aho_corasick
from modsec_py._util.aho_corasick import PhraseSet, V2Automaton, trie_pattern
from modsec_py.errors import ItemArgumentError
from modsec_py.operators.pm import PmContentError, file_phrases, parse_pm_content, pm_phrases
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run

BACKENDS = ["re", pytest.param("pyahocorasick", marks=pytest.mark.skipif(
    not aho_corasick.HAVE_PYAHOCORASICK, reason="pyahocorasick is not installed (Debian: python3-ahocorasick)"))]


@pytest.mark.parametrize(("content", "parsed"), [
    (b"abc", b"abc"), (b'  "a b"', b"a b"), (b"a|41 42|c", b"aABc"), (b"a\\;b\\:c\\\\d\\\"e", b'a;b:c\\d"e'),
    (b"|4||1|", b"A"),  # hex digits pair up across sections
    (b"|4|1", b"14|1"),
    (b"a|zz|b", b"abzz|b"),  # nothing converted: the full length of the in-place result is kept
    (b"|00|x", b"\0x"),
])
def test_parse_pm_content(content: bytes, parsed: bytes) -> None:
    assert parse_pm_content(content) == parsed


@pytest.mark.parametrize(("content", "error"), [
    (b"", "Content length is 0."), (b'  ""', "Content length is 0."), (b'"', "Content length is 0."),
    (b"a\\b", "Unsupported escape sequence."),
])
def test_parse_pm_content_errors(content: bytes, error: str) -> None:
    with pytest.raises(PmContentError, match=error.replace(".", r"\.")):
        parse_pm_content(content)


def test_pm_phrases() -> None:
    assert pm_phrases(b"abc  def\tghi") == [b"abc", b"def", b"ghi"]
    assert pm_phrases(b"a|00|b cd") == [b"a"]  # a NUL ends the list (checked against 2.9.7)
    assert pm_phrases(b"a\\x b") == [b"a\\x", b"b"]  # refused by parse_pm_content: used as written


def test_file_phrases_quirks() -> None:
    data = b'ab\nx\n"quoted"\n  y  \n#c\ncd|20|ef\n\nlast1\n"zz"'
    # one-byte phrases dropped; quotes kept on lines with a newline; hex; comments (all as 2.9.7 does)
    assert file_phrases(data) == [b"ab", b'"quoted"', b"cd ef", b"last1", b"zz"]
    assert file_phrases(b"a" * 9000) == [b"a" * 8191, b"a" * 809]


@pytest.mark.parametrize("backend", BACKENDS)
def test_v2_automaton_quirks(backend: str) -> None:
    # Each checked against Debian's 2.9.7 (Matched phrase text and TX:0).
    def first(phrases: str, value: bytes) -> bytes | None:
        return PhraseSet(phrases.encode().split(), backend).search(value)

    assert first("abcz bq cd", b"abcd") is None  # one-step failure links miss "cd"
    assert first("abcz bq cd", b"xcd") == b"cd"
    assert first("abcd bc", b"abcx") == b"abc"  # the node's text, not the phrase
    assert first("ABC abc", b"xxABcx") == b"ABC"  # spelled as the first phrase that made the node
    assert first("abc", b"xAbC") == b"abc"
    assert first("\xe9t\xe9", "\xc9T\xc9".encode("latin-1")) is None  # tolower is ASCII only


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_agree_with_the_automaton(backend: str) -> None:
    generator = random.Random(7)
    for _ in range(300):
        phrases = [bytes(generator.choice(b"abcAB\xe9") for _ in range(generator.randint(1, 5)))
                   for _ in range(generator.randint(1, 10))]
        matcher = PhraseSet(phrases, backend)
        automaton = V2Automaton(phrases)
        for _ in range(20):
            value = bytes(generator.choice(b"abcABx\xe9\xc9") for _ in range(generator.randint(0, 15)))
            assert matcher.search(value) == automaton.first_match(value), (phrases, value)


@pytest.mark.skipif(not aho_corasick.HAVE_PYAHOCORASICK, reason="pyahocorasick is not installed")
def test_pyahocorasick_and_re_give_the_same_answers() -> None:
    generator = random.Random(11)
    words = [bytes(generator.choice(b"abcdefgh./-_AB") for _ in range(generator.randint(2, 8))) for _ in range(400)]
    with_c, with_re = PhraseSet(words, "pyahocorasick"), PhraseSet(words, "re")
    for _ in range(2000):
        value = bytes(generator.choice(b"abcdefgh./-_ABxyz ") for _ in range(generator.randint(0, 40)))
        assert with_c.search(value) == with_re.search(value)


def test_trie_pattern() -> None:
    assert trie_pattern([b"ab", b"abc", b"ad"]) == b"a(?:b|d)"
    assert trie_pattern([b"a.b"]) == b"a\\.b"


def test_operator_messages_and_capture() -> None:
    assert run("pm", "evil bad", b"so BAD") == 'Matched phrase "bad" at ARGS:x.'
    assert run("pm", "x", b"") is None  # an empty value never matches
    tx = FakeTx(capturing=True)
    tx.tx.update({"1": b"old", "0": b"old"})
    make("pm", "Evil").evaluate(tx, b"so evil")
    assert tx.tx == {"0": b"Evil"}  # TX:0 = the phrase, TX:1-9 unset
    long = "q" * 300
    assert run("pm", long, long.encode()) == f'Matched phrase "{"q" * 252} ..." at ARGS:x.'


def test_pm_from_file(tmp_path: Path) -> None:
    (tmp_path / "a.data").write_bytes(b"# comment\nnikto\nsqlmap\n")
    (tmp_path / "b.data").write_bytes(b"havij\n")
    op = make("pmFromFile", "a.data  b.data", directory=str(tmp_path))
    assert op.message(op.evaluate(FakeTx(), b"Mozilla havij"), "REQUEST_HEADERS:User-Agent") == \
        'Matched phrase "havij" at REQUEST_HEADERS:User-Agent.'
    assert make("pmf", str(tmp_path / "a.data")).evaluate(FakeTx(), b"SQLMAP/1.0") is not None
    with pytest.raises(ItemArgumentError, match="Could not open phrase file"):
        make("pmFromFile", "missing.data", directory=str(tmp_path))


def test_crs_data_files_load_and_backends_agree() -> None:
    from tests.conftest import SHARED, require

    rules = require(SHARED / "crs" / "v4.28.0" / "rules", "CRS 4.28.0 rules")
    samples = [b"GET /index.html HTTP/1.1", b"Mozilla/5.0 (X11; Linux)", b"../../etc/passwd", b"<?php system($x);",
               b"nikto", b"Fatal error: Call to undefined function", b"ORA-01756: quoted string", b""]
    for path in sorted(rules.glob("*.data")):
        answers = {backend: [make("pmFromFile", path.name, directory=str(rules), backend=backend)
                             .evaluate(FakeTx(), sample) for sample in samples]
                   for backend in ("re", "auto")}
        assert answers["re"] == answers["auto"], path.name
