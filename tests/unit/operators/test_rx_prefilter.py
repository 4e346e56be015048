"""@rx's required-literal prefilter (modsec_py._util.prefilter) answers as the regex does.

On every @rx pattern of CRS 2.2.9, 3.3.4 and 4.28.0 (read with the project's rule parser), over
a corpus (the CRS 3.3.4 regression requests, the SecRules Language Test Set, benign strings, each
pattern's own literals) and strings generated from each pattern: @rx with its prefilter gives the
plain regex's answer and captures, and the analysis is sound (every match contains one of the
literals, or starts the value when the analysis says so). Then one test per construct.
"""

from __future__ import annotations

import functools
import random
import re._constants as sre
from typing import Any

import pytest

from modsec_py import transformations
from modsec_py._util import prefilter
from modsec_py._util.pcre import PcreError, compile_pcre, translate_pcre
from modsec_py._util.prefilter import Prefilter, Requirement, lowered
from modsec_py.config import EngineConfig
from modsec_py.errors import ItemArgumentError
from modsec_py.operators.rx import capture_groups
from modsec_py.seclang.directives.rules import parse_rule_directive
from modsec_py.testing.fake_tx import FakeTx
from modsec_py.testing.ftw import load_dir
from tests.conformance.test_roundtrip import crs_files, rule_directives
from tests.conftest import SHARED, require
from tests.sts import load_cases
from tests.unit.operators._helpers import make

VERSIONS = ["2.2.9", "3.3.4", "4.28.0"]
REFERENCE_TIMEOUT = 0.5  # seconds; a pair whose plain search takes longer is left out
UNHURRIED = EngineConfig(pcre_match_limit=1_000_000, pcre_match_limit_recursion=1_000_000)  # 10 s a search
MAX_VALUE = 4096  # corpus values longer than this are cut (the long-value paths have unit tests)
GENERATED = 12  # strings generated per pattern
SAMPLE = 8  # every SAMPLE-th corpus value checks the analysis of a pattern @rx does not prefilter

BENIGN = [
    b"", b" ", b"a", b"0", b"hello world", b"Hello World", b"john@example.com", b"John Smith",
    b"some benign text value number 12 with words", b"some+benign+text+value+number+12+with+words",
    b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", b"en-US,en;q=0.5", b"gzip, deflate",
    b"session=4f1d2c3b5a69788796a5b4c3d2e1f001; theme=dark", b"keep-alive", b"localhost", b"127.0.0.1:8080",
    b"/index.html?q=hello+world&page=2", b"/api/items/42", b"application/json", b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", b"2024-01-31T12:34:56Z",
    b'{"user": {"name": "John Smith", "roles": ["reader", "writer"]}, "items": [1, 2, 3]}',
    b"field0=some+benign+text&field1=more%20text&field2=caf%C3%A9", b"caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9",
    b"\x00\x01\x02\xff\xfe", b"x" * 200, b"The quick brown fox jumps over the lazy dog. " * 6,
    b"Select your option from the list, then update or delete it", b"O'Brien & Sons; \"quoted\" <b>bold</b>",
]


def analyse(pattern: str) -> tuple[Requirement, bool] | None:
    """The analysis of a PCRE pattern as @rx has it translated."""
    try:
        return prefilter.analyse(translate_pcre(pattern))
    except PcreError:
        return None


def build_prefilter(pattern: str) -> Prefilter | None:
    """The prefilter @rx builds for a PCRE pattern."""
    try:
        return prefilter.build_prefilter(translate_pcre(pattern))
    except PcreError:
        return None


# -- patterns and corpus -------------------------------------------------------------------------

@functools.cache
def crs_patterns(version: str) -> tuple[str, ...]:
    """Every @rx argument of a CRS version without macros, each once, in file order."""
    found: dict[str, None] = {}
    for path in crs_files(version):
        for directive in rule_directives(path):
            try:
                parsed = parse_rule_directive(directive)
            except ItemArgumentError:  # exec:*.lua, refused by design
                continue
            if parsed.operator is not None and parsed.operator.name == "rx" and "%{" not in parsed.operator.argument:
                found[parsed.operator.argument] = None
    return tuple(found)


def _variants(value: bytes) -> set[bytes]:
    """A value as rules see it: raw, URL-decoded, HTML-decoded and lower-cased, and its parameters."""
    decode = transformations.get("urlDecodeUni")
    html, lower = transformations.get("htmlEntityDecode"), transformations.get("lowercase")
    decoded = decode(value)
    found = {value, decoded, lower(html(decoded))}
    for piece in value.replace(b"?", b"&").split(b"&"):
        found.update(decode(side) for side in piece.split(b"=", 1))
    return found


@functools.cache
def corpus() -> tuple[bytes, ...]:
    tests = require(SHARED / "crs-tests" / "v3.3.4" / "tests", "the CRS 3.3.4 regression tests")
    values: set[bytes] = set()
    for file in load_dir(tests):
        for test in file.tests:
            for stage in test.stages:
                given = stage.input
                for text in (given.uri, given.data, *(value for _name, value in given.headers)):
                    if text:
                        values |= _variants(text if isinstance(text, bytes) else str(text).encode("utf-8"))
    for case in load_cases("operators"):
        values.add(case.input)
        if case.param:
            values.add(case.param.encode("latin-1", "replace"))
    for value in BENIGN:
        values |= _variants(value)
    return tuple(sorted(value[:MAX_VALUE] for value in values))


def own_values(literals: frozenset[bytes]) -> list[bytes]:
    """Values holding a pattern's own literals: alone, inside text, upper-cased, at the start."""
    found = []
    for literal in sorted(literals):
        found += [literal, b"xx " + literal + b" yy", literal.upper(), literal.title() + b"(1)", b"=" + literal]
    return found


# -- strings generated from a pattern's tree -----------------------------------------------------

class _Generator:
    """Random strings from the stdlib parser's tree: most match the pattern, some only in part."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.groups: dict[int, bytes] = {}

    def sequence(self, items: Any, caseless: bool) -> bytes:
        return b"".join(self.node(op, av, caseless) for op, av in items)

    def node(self, op: Any, av: Any, caseless: bool) -> bytes:
        pick = self.random
        if op is sre.LITERAL:
            return self.cased(av, caseless)
        if op is sre.IN:
            members = sorted(prefilter._class(av))  # the same byte sets
            return self.cased(pick.choice(members), caseless) if members else b""
        if op is sre.ANY:
            return bytes([pick.randrange(256)])
        if op is sre.NOT_LITERAL:
            return bytes([pick.choice([b for b in range(256) if b != av])])
        if op is sre.SUBPATTERN:
            group, add, remove, items = av
            caseless = bool(add & sre.SRE_FLAG_IGNORECASE) or (caseless and not remove & sre.SRE_FLAG_IGNORECASE)
            text = self.sequence(items, caseless)
            if group:
                self.groups[group] = text
            return text
        if op is sre.ATOMIC_GROUP:
            return self.sequence(av, caseless)
        if op is sre.BRANCH:
            return self.sequence(pick.choice(av[1]), caseless)
        if op is sre.GROUPREF:
            return self.groups.get(av, b"")
        if op is sre.GROUPREF_EXISTS:
            group, yes, no = av
            return self.sequence(yes if group in self.groups else (no or []), caseless)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, items = av
            count = pick.randint(low, min(high, low + 3))
            return b"".join(self.sequence(items, caseless) for _ in range(count))
        return b""  # anchors, \b, lookarounds

    def cased(self, byte: int, caseless: bool) -> bytes:
        char = bytes([byte])
        return char.swapcase() if caseless and self.random.random() < 0.5 else char


def generated(pattern: str) -> list[bytes]:
    tree = prefilter._parse(translate_pcre(pattern))
    if tree is None:
        return []
    found = []
    for seed in range(GENERATED):
        generator = _Generator(seed)
        text = generator.sequence(tree, bool(tree.state.flags & sre.SRE_FLAG_IGNORECASE))
        found += [text, b"Ab " + text + b" cD"] if seed % 2 else [text]
    return found


# -- the checks --------------------------------------------------------------------------------

def _captures(match: Any) -> dict[str, bytes]:
    groups = capture_groups(match)
    return {} if groups is None else {str(i): group for i, group in enumerate(groups)}


def check_pattern(pattern: str, values: list[bytes]) -> int:
    """Asserts that @rx with its prefilter answers as the plain regex on every value, and that the
    analysis holds for every match; returns the number of values compared (a plain search taking
    longer than REFERENCE_TIMEOUT is left out)."""
    search = compile_pcre(pattern).search
    found = analyse(pattern)
    operator = make("rx", pattern, config=UNHURRIED)
    kept = build_prefilter(pattern)
    assert (operator._may_match is None) == (kept is None)
    if found is None:  # no prefilter: @rx runs the plain search
        return len(values)
    (needed, start), folded = found
    test = Prefilter(needed, folded, start).may_match
    kept_test = None if kept is None else kept.may_match
    tx = FakeTx(capturing=True)
    compared = 0
    for value in values:
        try:
            match = search(value, timeout=REFERENCE_TIMEOUT)
        except TimeoutError:
            continue
        compared += 1
        if match is not None and not (start and match.start() == 0):  # the match itself holds a literal
            assert test(value[match.start():match.end()]), (pattern, value, found)
        # @rx with a prefilter: where the test lets a value through, the unchanged search runs
        if kept_test is not None and (match is not None or not kept_test(value)):
            tx.tx.clear()
            detail = operator.evaluate(tx, value)
            assert (detail is None) == (match is None), (pattern, value, kept)
            if match is not None:
                assert tx.tx == _captures(match), (pattern, value)
    return compared


@pytest.mark.parametrize("version", VERSIONS)
def test_every_crs_pattern_answers_as_the_plain_regex(version: str) -> None:
    values = corpus()
    patterns = crs_patterns(version)
    assert len(patterns) > {"2.2.9": 300, "3.3.4": 200, "4.28.0": 250}[version]
    compared = total = 0
    for pattern in patterns:
        found = analyse(pattern)
        # all values for a prefilter @rx uses; a sample to check the analysis of the others
        sample = values if build_prefilter(pattern) is not None else values[::SAMPLE]
        checked = [*sample, *(own_values(found[0][0]) if found else []), *generated(pattern)]
        compared += check_pattern(pattern, checked)
        total += len(checked)
    assert compared > total * 0.999


def test_share_of_crs_3_3_4_patterns_with_a_prefilter() -> None:
    patterns = crs_patterns("3.3.4")
    kept = sum(build_prefilter(pattern) is not None for pattern in patterns)
    sound = sum(analyse(pattern) is not None for pattern in patterns)
    assert kept / len(patterns) > 0.2 and sound / len(patterns) > 0.7


# -- per construct -------------------------------------------------------------------------------

def literals(pattern: str) -> set[bytes] | None:
    found = analyse(pattern)
    return None if found is None else set(found[0][0])


@pytest.mark.parametrize(("pattern", "expected"), [
    ("select", {b"select"}),
    ("(?:union|select)", {b"union", b"select"}),
    ("union|sel.ct", {b"union", b"sel"}),  # per branch: its best (here "sel" over "ct")
    ("a|.", None),  # one branch needs nothing: the whole needs nothing
    ("foo(?:bar)?", {b"foo"}),  # optional parts add nothing ...
    ("(?:foo)?bar", {b"bar"}),
    ("(?:foo)?", None),  # ... and an empty match needs nothing
    ("x*", None),
    (r"\w+", None),
    ("(?:ab){2}", {b"abab"}),
    ("a{3,}", {b"aaa"}),
    ("a++b", {b"ab"}),  # possessive: still "a" repeated, then "b"
    ("(?>select|union)", {b"select", b"union"}),  # atomic
    (r"\Qa.b\E", {b"a.b"}),
    ("a[bc]d", {b"abd", b"acd"}),  # a small class expands
    ("x[b-z]y", {b"x"}),  # a wide one does not
    ("[sS][eE][lL]", {b"sel"}),  # folded: the value is lower-cased
    (r"\bfoo\b", {b"foo"}),
    ("foo$", {b"foo"}),
    (r"(?=abc)x", {b"x"}),  # lookarounds add nothing
    (r"foo(?!bar)", {b"foo"}),
    (r"(?<=abc)xyz", {b"xyz"}),
    (r"(a)\1", {b"a"}),  # backreferences add nothing
    (r"(\w+)=\1", {b"="}),
    (r"(a)?(?(1)bc|de)", {b"bc", b"de"}),  # conditional: either branch
    (r"(?i)union\s+select", {b"select"}),  # of two factors, the less likely in benign text
])
def test_constructs(pattern: str, expected: set[bytes] | None) -> None:
    assert literals(pattern) == expected


def test_case_insensitive_literals_are_lower_cased() -> None:
    assert analyse("(?i)SeLeCt") == ((frozenset([b"select"]), False), True)
    assert analyse("(?i:UNION)ALL") == ((frozenset([b"unionall"]), False), True)  # a mixed part: all folded
    assert analyse("SELECT") == ((frozenset([b"SELECT"]), False), False)  # case-sensitive: as written
    assert analyse("(?i)<>") == ((frozenset([b"<>"]), False), False)  # no letters: the raw value will do
    # PCRE folds ASCII only: \xc9 stays as it is
    assert analyse("(?i)caf\xc9") == ((frozenset([b"caf\xc9"]), False), True)
    operator = forced("(?i)caf\xc9")
    assert operator.evaluate(FakeTx(), b"CAF\xc9") is not None
    assert operator.evaluate(FakeTx(), b"caf\xe9") is None


def test_anchors_add_a_start_alternative() -> None:
    assert analyse(r"(?:^|=)\s*\w+") == ((frozenset([b"="]), True), False)  # "=" or a match at the start
    assert analyse(r"(?m)(?:^|=)\s*\w+") is None  # under (?m), ^ is no longer the value's start
    assert literals(r"^abc") == {b"abc"}


def test_unanalysable_patterns_have_no_prefilter() -> None:
    for pattern in ["(?|(a)|(b))", "a(?R)?b", r"\Gabc", r"ab\Kcd", "(?P<n>a)(?P>n)", "(a"]:
        assert analyse(pattern) is None, pattern
        assert build_prefilter(pattern) is None, pattern
    assert make("rx", "%{tx.x}union")._may_match is None  # macros: no prefilter


def test_build_prefilter_keeps_what_regex_cannot_do_as_cheaply() -> None:
    assert build_prefilter("^abc") is None  # anchored: regex tries one position
    assert build_prefilter("abc") is None  # a top-level literal: regex looks it up itself
    assert build_prefilter(r"(?i:sleep\(\s*?\d*?\s*?\)|benchmark\(.*?\,.*?\))") is not None


# -- the wiring in Rx ----------------------------------------------------------------------------

def forced(pattern: str) -> Any:
    """An @rx operator with the analysis' prefilter whatever it costs."""
    found = analyse(pattern)
    assert found is not None
    (needed, start), folded = found
    operator = make("rx", pattern)
    check = Prefilter(needed, folded, start)
    operator._may_match = check.may_match
    operator._at_start = operator._pattern.match if start else None
    return operator


def test_rx_skips_the_search_when_no_literal_occurs() -> None:
    operator = forced(r"(?i)(union|select)\s+(\w+)")
    calls: list[bytes] = []
    search = operator._search
    operator._search = lambda value: calls.append(value) or search(value)
    assert operator.evaluate(FakeTx(), b"plain text") is None and calls == []
    tx = FakeTx(capturing=True)
    assert operator.evaluate(tx, b"x UNION  all") is not None and calls == [b"x UNION  all"]
    assert tx.tx == {"0": b"UNION  all", "1": b"UNION", "2": b"all"}


def test_rx_tries_only_the_start_when_only_the_start_can_match() -> None:
    operator = forced(r"(?:^|=)\s*(\w+)")
    tx = FakeTx(capturing=True)
    assert operator.evaluate(tx, b"  sleep(1)") is not None and tx.tx == {"0": b"  sleep", "1": b"sleep"}
    assert operator.evaluate(FakeTx(), b"(sleep(1)") is None  # cannot match at the start, and no "="
    tx = FakeTx(capturing=True)
    assert operator.evaluate(tx, b"(a=sleep(1)") is not None and tx.tx == {"0": b"=sleep", "1": b"sleep"}
    long = b" " * 40 + b"sleep(1)"  # long values: the anchored match is time-bounded too
    assert operator.evaluate(FakeTx(), long) is not None


def test_long_values_are_checked_literal_by_literal() -> None:
    check = Prefilter(frozenset([b"select", b"union", b"<script"]), True).may_match
    for size in (0, prefilter.SHORT_VALUE - 10, prefilter.SHORT_VALUE + 10, prefilter._MAX_LOWERED_SIZE + 10):
        filler = b"x" * size
        assert not check(filler)
        assert check(filler + b"UNION")
        assert check(b"<SCRIPT" + filler)
    one = Prefilter(frozenset([b"select"]), True).may_match
    assert one(b"x" * 5000 + b"SeLeCt") and not one(b"x" * 5000)


def test_lowered_is_cached_per_value() -> None:
    short, long = b"ABC def", b"ABC " * 2000
    assert lowered(short) == b"abc def" and lowered(short) is lowered(short)
    assert lowered(long) == long.lower() and lowered(long) is lowered(long)
    for i in range(prefilter._MAX_LOWERED + 5):  # the cache is emptied, never unbounded
        lowered(b"V%d" % i)
    assert len(prefilter._lowered) <= prefilter._MAX_LOWERED
    assert lowered(b"V1") == b"v1"
    huge = b"X" * (prefilter._MAX_KEPT_SIZE + 1)  # not kept alive after its request
    assert lowered(huge) == huge.lower() and prefilter._last_long[0] is not huge


def test_rx_captures_and_limits_are_unchanged_on_a_match() -> None:
    operator = make("rx", r"(?i:sleep\(\s*?(\d*?)\s*?\)|benchmark\(.*?\,.*?\))")
    assert operator._may_match is not None
    assert operator.evaluate(FakeTx(), b"select 1") is None
    tx = FakeTx(capturing=True)
    assert operator.evaluate(tx, b"1 AND SLEEP(5)") is not None and tx.tx == {"0": b"SLEEP(5)", "1": b"5"}
    slow = forced("(a|aa)+$")  # exponential backtracking: bounded as before once a literal occurs
    tx = FakeTx()
    assert slow.evaluate(tx, b"a" * 60 + b"b") is None and tx.pcre_limit_hits == 1
    assert slow.evaluate(tx, b"b" * 60) is None and tx.pcre_limit_hits == 1  # no "a": nothing to search
