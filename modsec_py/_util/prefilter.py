r"""Required literals of a regular expression: a cheap "cannot match" test run before the search.

From a pattern in ``regex`` syntax (as :func:`modsec_py._util.pcre.translate_pcre` writes @rx's
PCRE patterns), parsed by the stdlib's ``re._parser``, :func:`analyse` derives a set of byte
strings such that every match of the pattern contains at least one of them, or else (a flag)
starts at the start of the value. A value containing none of them cannot match, or can match
only at its start (an anchored ``match`` then replaces the ``search``); a value containing one
is searched as usual. Either way the answer, and the captures, are the regex's own. Examples:
``(?i:sleep\(\s*?\d|benchmark\()`` needs ``sleep(`` or ``benchmark(`` in the lower-cased value;
``(?:^|=)\s*...`` needs ``=``, or a match at the start.

Per node the analysis knows (each ``None`` when unknown or too large):

* ``exact``: every string the node can match (a small finite language), ``b""`` included;
* ``prefix`` / ``suffix``: every match starts / ends with one of these;
* ``need``: every match contains one of these literals, or (its flag) starts the value;
* ``start``: every match starts the value (it holds ``^`` or ``\A``).

Concatenation crosses exact sets, and a suffix set with the next prefix set, and keeps the
cheapest candidate (:func:`_expected_time`); alternation takes the union of each branch's need
(nothing if one branch has none); optional parts, lookarounds, ``\b`` and backreferences add
nothing; classes of a few bytes expand into alternatives. When the pattern is case-insensitive
anywhere, every string is lower-cased and looked for in the lower-cased value (ASCII only, as
PCRE's and ``regex``'s folding of bytes): a necessary condition in both cases. What the stdlib
parser does not know (``(?|``, recursion, ``\K``, ``\G``, ...) leaves the pattern unanalysed.

The analysis only derives sound sets. Whether one is worth checking is a cost estimate, made by
:func:`build_prefilter`: ``regex`` already looks up a literal string on a pattern's top level
and tries one position of an anchored pattern, and otherwise costs a set-up per repeat plus a
try per position where the first byte can start a match (:func:`search_estimate`).
"""

from __future__ import annotations

import functools
import re
import re._constants as _c  # the stdlib parser's node names
import re._parser as _parser  # Python 3.11's knows possessive quantifiers and atomic groups
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["Prefilter", "Requirement", "analyse", "build_prefilter", "lowered", "search_estimate"]

MAX_SET = 64  # strings per set during the analysis (larger sets are shortened or dropped)
MAX_LITERALS = 32  # literals in a prefilter
MAX_CLASS = 4  # bytes of a character class expanded into alternatives
MAX_COPIES = 3  # copies of a repeated item unrolled
SHORT_VALUE = 128  # values checked with one alternation; longer ones with a find per literal

# Expected microseconds per value (CPython 3.11, regex 2022.10 and later), measured on CRS 3.3.4
# with bench/engine.py's requests. A prefilter is kept when it is expected to cost less than the
# search alone: its test, plus the search when a literal occurs (or the anchored match if not).
CHECK_ONE = 0.12  # one literal: a call and a find
CHECK_SEVERAL = 0.25  # several: a stdlib alternation (short values)
CHECK_PER_LITERAL = 0.005
CHECK_LOWER = 0.06  # lower-casing the value (once per value, then cached)
SEARCH_CALL = 0.2  # a search that tries no position
SEARCH_PER_REPEAT = 0.0015  # its set-up, per repeat in the pattern
SEARCH_TRY = 2.4  # trying every position of a typical value
START_MATCH = 0.4  # an anchored match, when only the value's start is possible
TYPICAL_SEARCH = 1.5  # to choose between candidate sets during the analysis

_Set = frozenset[bytes]
Requirement = tuple[_Set, bool]  # literals one of which a match contains, or (True) it starts the value
_ALL = frozenset(range(256))
_IGNORECASE = _c.SRE_FLAG_IGNORECASE
_MULTILINE = _c.SRE_FLAG_MULTILINE
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_STARTS = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_CATEGORIES = {  # bytes patterns: ASCII classes (used for first bytes only)
    _c.CATEGORY_DIGIT: frozenset(b"0123456789"), _c.CATEGORY_NOT_DIGIT: _ALL - frozenset(b"0123456789"),
    _c.CATEGORY_SPACE: frozenset(b" \t\n\r\f\v"), _c.CATEGORY_NOT_SPACE: _ALL - frozenset(b" \t\n\r\f\v"),
    _c.CATEGORY_WORD: _WORD, _c.CATEGORY_NOT_WORD: _ALL - _WORD,
}
_BACKREF = re.compile(r"\\(?:(g<\d+>)|.)", re.DOTALL)  # the translator's \g<n> (escapes skipped whole)


# -- how likely a literal is in a benign value ---------------------------------------------------

def _byte_odds() -> list[float]:
    """Rough odds of each byte at one position of a benign, decoded, lower-cased value."""
    odds = [0.0005] * 256
    for byte in range(0x20, 0x7F):
        odds[byte] = 0.003  # punctuation
    for chars, value in ((" ", 0.12), ("etaoinsr", 0.06), ("hldcum", 0.03), ("fpgwybv", 0.015),
                         ("kxjqz", 0.004), ("0123456789", 0.02), ("/.-_+,:", 0.015)):
        for char in chars:
            odds[ord(char)] = value
    for byte in range(0x41, 0x5B):
        odds[byte] = odds[byte + 0x20] / 2
    return odds


_ODDS = _byte_odds()
_POSITIONS = 32.0  # a typical value's length


@functools.lru_cache(maxsize=1 << 16)
def literal_odds(literal: bytes) -> float:
    odds = _POSITIONS
    for byte in literal:
        odds *= _ODDS[byte]
    return min(odds, 1.0)


def _has_letters(literals: Iterable[bytes]) -> bool:
    return any(s.upper() != s.lower() for s in literals)


@functools.lru_cache(maxsize=1 << 16)
def _expected_time(need: Requirement, search: float = TYPICAL_SEARCH, lower: bool = True) -> float:
    """Microseconds a value costs with this test in front of a search costing ``search``
    (``lower``: lower-casing the value if a literal has letters)."""
    literals, start = need
    passing = min(sum(map(literal_odds, literals)), 1.0)
    check = CHECK_ONE if len(literals) <= 1 else CHECK_SEVERAL + CHECK_PER_LITERAL * len(literals)
    check += CHECK_LOWER * (lower and _has_letters(literals))
    return check + passing * search + (1.0 - passing) * START_MATCH * start


# -- sets ------------------------------------------------------------------------------------

def _bounded(strings: Iterable[bytes], keep: Callable[[bytes, int], bytes]) -> _Set | None:
    """``strings`` as a set of at most MAX_SET, shortened with ``keep`` if needed; None if empty
    or holding ``b""`` (a set that says nothing)."""
    found = frozenset(strings)
    if b"" in found:
        return None
    if len(found) <= MAX_SET:
        return found or None
    length = max(map(len, found))
    while len(found) > MAX_SET and length > 1:
        length -= 1
        found = frozenset(keep(s, length) for s in found)
    return found if 0 < len(found) <= MAX_SET else None


def _head(string: bytes, length: int) -> bytes:
    return string[:length]


def _tail(string: bytes, length: int) -> bytes:
    return string[-length:]


def _cross(left: _Set, right: _Set) -> _Set | None:
    if len(left) * len(right) > MAX_SET * MAX_SET:
        return None
    return frozenset(a + b for a in left for b in right)


def _need(literals: _Set | None) -> Requirement | None:
    return None if literals is None or b"" in literals else (literals, False)


def _best(*candidates: Requirement | None) -> Requirement | None:
    """The cheapest candidate (the first of equals)."""
    usable = [c for c in candidates if c is not None and (c[0] or c[1])]
    if len(usable) <= 1:
        return usable[0] if usable else None
    return min(usable, key=lambda c: (_expected_time(c), len(c[0])))


class _Info:
    """What is known of the strings one node matches (see the module docstring)."""

    __slots__ = ("exact", "prefix", "suffix", "need", "start")

    def __init__(self, exact: _Set | None = None, prefix: _Set | None = None, suffix: _Set | None = None,
                 need: Requirement | None = None, start: bool = False) -> None:
        if exact is not None:
            if len(exact) > MAX_SET:
                exact = None
            else:  # small enough: the strings are their own prefixes and suffixes
                prefix = suffix = None if b"" in exact else exact
        self.exact = exact
        self.prefix = prefix
        self.suffix = suffix
        self.start = start
        self.need = _best(need, _need(prefix), None if suffix is prefix else _need(suffix),
                          _START if start else None)

    def starts(self) -> _Set | None:
        return self.exact if self.exact is not None else self.prefix

    def ends(self) -> _Set | None:
        return self.exact if self.exact is not None else self.suffix


_START: Requirement = (frozenset(), True)
_EMPTY = _Info(frozenset([b""]))
_UNKNOWN = _Info()
_AT_START = _Info(frozenset([b""]), start=True)


def _concat(a: _Info, b: _Info) -> _Info:
    start = a.start or b.start  # when b's part starts the value, a's part is empty
    if a.exact is not None and b.exact is not None:
        exact = _cross(a.exact, b.exact)
        if exact is not None and len(exact) <= MAX_SET:
            return _Info(exact, need=_best(a.need, b.need), start=start)
    prefix = a.prefix if a.exact is None else _join(a.exact, b.starts(), _head)
    suffix = b.suffix if b.exact is None else _join(b.exact, a.ends(), _tail)
    ends, starts = a.ends(), b.starts()
    bridge = None  # a's last bytes then b's first ones
    if ends is not None and starts is not None and b"" not in ends and b"" not in starts:
        crossed = _cross(ends, starts)
        bridge = None if crossed is None else _need(_bounded(crossed, _head))
    return _Info(None, prefix, suffix, _best(a.need, b.need, bridge), start)


def _join(exact: _Set, other: _Set | None, keep: Callable[[bytes, int], bytes]) -> _Set | None:
    """With ``keep=_head``: every match of (exact)(a node starting with ``other``) starts with one
    of these. With ``keep=_tail``: every match of (a node ending with ``other``)(exact) ends with one."""
    if other is not None:
        crossed = _cross(exact, other) if keep is _head else _cross(other, exact)
        if crossed is not None:
            return _bounded(crossed, keep)
    if b"" not in exact:
        return _bounded(exact, keep)
    return None if other is None else _bounded((exact - {b""}) | other, keep)


def _union(infos: list[_Info]) -> _Info:
    start = all(i.start for i in infos)
    need = None
    if all(i.need is not None for i in infos):
        literals = frozenset().union(*(i.need[0] for i in infos))  # type: ignore[index]
        or_start = any(i.need[1] for i in infos)  # type: ignore[index]
        bounded = _bounded(literals, _head) if literals else literals
        need = None if bounded is None else (bounded, or_start)
    if all(i.exact is not None for i in infos):
        exact = frozenset().union(*(i.exact for i in infos))  # type: ignore[misc]
        if len(exact) <= MAX_SET:
            return _Info(exact, need=need, start=start)

    def merged(sets: list[_Set | None], keep: Callable[[bytes, int], bytes]) -> _Set | None:
        if any(s is None or b"" in s for s in sets):
            return None
        return _bounded(frozenset().union(*sets), keep)  # type: ignore[arg-type]

    return _Info(None, merged([i.starts() for i in infos], _head), merged([i.ends() for i in infos], _tail),
                 need, start)


# -- the walk over the stdlib parser's tree ---------------------------------------------------

class _Unanalysable(Exception):
    pass


class _Walker:
    def __init__(self, fold: bool) -> None:
        self.fold = fold  # lower-case every string (the value will be lower-cased too)

    def sequence(self, items: Iterable[tuple[Any, Any]], caseless: bool, multiline: bool) -> _Info:
        info = _EMPTY
        run: list[int] = []  # literal bytes in a row: one string
        for op, av in items:
            if op is _c.LITERAL:
                run.append(av)
                continue
            if run:
                info = _concat(info, _Info(frozenset([self.string(run, caseless)])))
                run = []
            info = _concat(info, self.node(op, av, caseless, multiline))
        if run:
            info = _concat(info, _Info(frozenset([self.string(run, caseless)])))
        return info

    def node(self, op: Any, av: Any, caseless: bool, multiline: bool) -> _Info:
        if op is _c.IN:
            members = _members(av)
            if members is None:
                return _UNKNOWN
            strings = self.strings(members, caseless)
            return _Info(strings) if len(strings) <= MAX_CLASS else _UNKNOWN
        if op is _c.AT:
            return _AT_START if av in _STARTS and not multiline else _EMPTY
        if op in _ZERO_WIDTH:  # lookarounds
            return _EMPTY
        if op in (_c.ANY, _c.NOT_LITERAL, _c.GROUPREF):
            return _UNKNOWN
        if op is _c.SUBPATTERN:
            _group, add, remove, items = av
            caseless = bool(add & _IGNORECASE) or (caseless and not remove & _IGNORECASE)
            multiline = bool(add & _MULTILINE) or (multiline and not remove & _MULTILINE)
            return self.sequence(items, caseless, multiline)
        if op is _c.ATOMIC_GROUP:  # matches one of the strings its content can match
            return self.sequence(av, caseless, multiline)
        if op is _c.BRANCH:
            return _union([self.sequence(items, caseless, multiline) for items in av[1]])
        if op is _c.GROUPREF_EXISTS:
            _group, yes, no = av
            return _union([self.sequence(yes, caseless, multiline), self.sequence(no or [], caseless, multiline)])
        if op in _REPEATS:  # lazy and possessive repeats match some of the same strings
            low, high, items = av
            return self.repeat(low, high, self.sequence(items, caseless, multiline))
        raise _Unanalysable(f"{op} is not analysed")

    def repeat(self, low: int, high: int, inner: _Info) -> _Info:
        if high == 0:
            return _EMPTY
        if low == 0:
            return _Info(inner.exact | {b""}) if high == 1 and inner.exact is not None else _UNKNOWN
        copies = _EMPTY
        for _ in range(min(low, MAX_COPIES)):
            copies = _concat(copies, inner)
        if low == high and low <= MAX_COPIES:
            return copies
        # X{low,high} is X^k followed by more, or more followed by X^k
        head, tail = _concat(copies, _UNKNOWN), _concat(_UNKNOWN, copies)
        return _Info(None, head.prefix, tail.suffix, _best(head.need, tail.need), copies.start)

    def strings(self, members: Iterable[int], caseless: bool) -> _Set:
        return frozenset(self.string([m], caseless) for m in members)

    def string(self, values: list[int], caseless: bool) -> bytes:
        if self.fold:
            return bytes(values).lower()
        if caseless:
            raise _Unanalysable("a case-insensitive part")
        return bytes(values)


def _members(items: Sequence[tuple[Any, Any]]) -> set[int] | None:
    """The bytes of a small class without negation or shorthand classes (others are not expanded)."""
    found: set[int] = set()
    for op, av in items:
        if op is _c.LITERAL:
            found.add(av)
        elif op is _c.RANGE and av[1] - av[0] < MAX_CLASS:
            found.update(range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY, a wide RANGE
            return None
    return found


def _children(av: Any) -> Iterable[Sequence[tuple[Any, Any]]]:
    """The sub-sequences inside one node's argument."""
    if isinstance(av, _parser.SubPattern):
        yield av
    elif isinstance(av, (list, tuple)):
        for item in av:
            yield from _children(item)


def _any_flag(items: Sequence[tuple[Any, Any]], flag: int) -> bool:
    for op, av in items:
        if op is _c.SUBPATTERN and av[1] & flag:
            return True
        if op is not _c.IN and any(_any_flag(child, flag) for child in _children(av)):
            return True
    return False


def _minimal(literals: _Set) -> _Set:
    """Without literals containing another one (the shorter is found whenever the longer is)."""
    return frozenset(s for s in literals if not any(o != s and o in s for o in literals))


def _parse(pattern: str) -> Any:
    """The stdlib parser's tree of a translated pattern, or None."""
    try:
        # a backreference matches some string, maybe empty: what ".*" says to the analysis
        text = _BACKREF.sub(lambda m: "(?:.*)" if m[1] else m[0], pattern)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _parser.parse(text.encode("latin-1"), 0)
    except (re.error, RecursionError, OverflowError, UnicodeEncodeError):
        return None


def analyse(pattern: str) -> tuple[Requirement, bool] | None:
    """What every match of ``pattern`` needs, and whether its literals are lower-cased (to be
    looked for in the lower-cased value); None when the pattern cannot be analysed or needs
    nothing. Sound whatever it costs: :func:`build_prefilter` decides what is worth checking.

    ``pattern`` is in ``regex`` syntax, as :func:`modsec_py._util.pcre.translate_pcre` writes
    ``@rx``'s PCRE patterns: ``analyse(translate_pcre("(?i)union.*select"))``.
    """
    return _analyse(_parse(pattern))


def _analyse(tree: Any) -> tuple[Requirement, bool] | None:
    if tree is None:
        return None
    caseless = bool(tree.state.flags & _IGNORECASE)
    multiline = bool(tree.state.flags & _MULTILINE)
    found: list[tuple[float, bool, Requirement]] = []
    for fold in (True,) if caseless or _any_flag(tree, _IGNORECASE) else (False, True):
        try:
            need = _Walker(fold).sequence(tree, caseless, multiline).need
        except (_Unanalysable, RecursionError):
            continue
        if need is not None:
            need = (_minimal(need[0]), need[1])
            folded = fold and _has_letters(need[0])
            found.append((_expected_time(need, TYPICAL_SEARCH, folded), folded, need))
    if not found:
        return None
    _time, folded, need = min(found, key=lambda f: (f[0], f[1]))
    return need, folded


# -- what regex does well on its own --------------------------------------------------------

def _regex_literal(items: Sequence[tuple[Any, Any]]) -> bool:
    """Whether ``regex`` looks up a required string itself (before trying any position): two
    literal characters in a row on the pattern's top level, outside alternations."""
    previous = None
    for op, av in items:
        if op is _c.LITERAL and previous is _c.LITERAL:
            return True
        if (op is _c.SUBPATTERN and _regex_literal(av[3])) or (op is _c.ATOMIC_GROUP and _regex_literal(av)):
            return True
        if op in _REPEATS and av[0] >= 1 and _regex_literal(av[2]):
            return True
        previous = op
    return False


def _anchored(items: Sequence[tuple[Any, Any]]) -> bool:
    """Whether the pattern starts with ``^`` or ``\\A``: ``regex`` then tries one position."""
    for op, av in items:
        if op is _c.AT:
            if av in _STARTS:
                return True
            continue
        if op is _c.SUBPATTERN:
            return not av[1] & _MULTILINE and _anchored(av[3])
        if op is _c.ATOMIC_GROUP:
            return _anchored(av)
        if op is _c.BRANCH:
            return all(_anchored(branch) for branch in av[1])
        return False
    return False


def _first_bytes(items: Sequence[tuple[Any, Any]], caseless: bool) -> tuple[frozenset[int], bool]:
    """The bytes a match can start with, and whether a match can be empty."""
    found: set[int] = set()
    for op, av in items:
        first, empty = _first(op, av, caseless)
        found |= first
        if not empty:
            return frozenset(found), False
    return frozenset(found), True


def _first(op: Any, av: Any, caseless: bool) -> tuple[frozenset[int], bool]:
    if op is _c.LITERAL or op is _c.IN:
        members = frozenset([av]) if op is _c.LITERAL else _class(av)
        if caseless:
            members |= {b ^ 0x20 for b in members if chr(b).isascii() and chr(b).isalpha()}
        return members, False
    if op is _c.SUBPATTERN:
        return _first_bytes(av[3], bool(av[1] & _IGNORECASE) or (caseless and not av[2] & _IGNORECASE))
    if op is _c.ATOMIC_GROUP:
        return _first_bytes(av, caseless)
    if op is _c.BRANCH or op is _c.GROUPREF_EXISTS:
        branches = av[1] if op is _c.BRANCH else [av[1], av[2] or []]
        results = [_first_bytes(branch, caseless) for branch in branches]
        return frozenset().union(*(r[0] for r in results)), any(r[1] for r in results)
    if op in _REPEATS:
        first, empty = _first_bytes(av[2], caseless)
        return first, empty or av[0] == 0
    if op in _ZERO_WIDTH:
        return frozenset(), True
    return _ALL, op is not _c.ANY and op is not _c.NOT_LITERAL  # also GROUPREF: maybe empty


def _class(items: Sequence[tuple[Any, Any]]) -> frozenset[int]:
    found: set[int] = set()
    negated = False
    for op, av in items:
        if op is _c.NEGATE:
            negated = True
        elif op is _c.LITERAL:
            found.add(av)
        elif op is _c.RANGE:
            found.update(range(av[0], av[1] + 1))
        else:
            found |= _CATEGORIES.get(av, _ALL)
    return _ALL - found if negated else frozenset(found)


def _repeats(items: Sequence[tuple[Any, Any]]) -> int:
    found = 0
    for op, av in items:
        found += op in _REPEATS
        if op is not _c.IN:
            found += sum(_repeats(child) for child in _children(av))
    return found


def search_estimate(tree: Any) -> float:
    """Microseconds ``regex`` spends searching a typical value: a set-up per repeat, then a try at
    each position where a match can start (so the odds of the pattern's first byte)."""
    first, empty = _first_bytes(tree, bool(tree.state.flags & _IGNORECASE))
    odds = 1.0 if empty else min(sum(_ODDS[b] for b in first), 1.0)
    return SEARCH_CALL + SEARCH_PER_REPEAT * _repeats(tree) + SEARCH_TRY * odds


# -- the test run per value ----------------------------------------------------------------------

_lowered: dict[bytes, bytes] = {}
_MAX_LOWERED = 256  # values whose lower-cased copy is kept (the cache is emptied when full)
_MAX_LOWERED_SIZE = 4096  # longer values share one slot, for the last one lower-cased ...
_MAX_KEPT_SIZE = 1 << 20  # ... up to this size (larger ones are not kept alive after their request)
_last_long: tuple[bytes, bytes] = (b"", b"")


def lowered(value: bytes) -> bytes:
    """``value.lower()``, computed once per value while many patterns check it."""
    global _last_long  # one slot, replaced whole (a tuple): safe across threads
    if len(value) > _MAX_LOWERED_SIZE:
        last = _last_long
        if last[0] is value:
            return last[1]
        low = value.lower()
        if len(value) <= _MAX_KEPT_SIZE:
            _last_long = (value, low)
        return low
    found = _lowered.get(value)
    if found is None:
        if len(_lowered) >= _MAX_LOWERED:
            _lowered.clear()
        found = _lowered[value] = value.lower()
    return found


class Prefilter:
    """``may_match(value)``: False when none of ``literals`` occurs in ``value`` (lower-cased if
    ``folded``), so that no match is possible, or (``start``) only one at the value's start."""

    __slots__ = ("literals", "folded", "start", "may_match")

    def __init__(self, literals: _Set, folded: bool, start: bool = False) -> None:
        self.literals = literals
        self.folded = folded
        self.start = start
        self.may_match = _checker(sorted(literals, key=lambda s: (-literal_odds(s), s)), folded)

    def __repr__(self) -> str:
        return f"Prefilter({sorted(self.literals)!r}, folded={self.folded}, start={self.start})"


def _checker(literals: list[bytes], folded: bool) -> Callable[[bytes], bool]:
    if len(literals) == 1:
        (only,) = literals
        if folded:
            return lambda value: lowered(value).find(only) >= 0
        return lambda value: value.find(only) >= 0
    # Several: one stdlib alternation is the cheapest on short values, a find per literal on long ones.
    search = re.compile(b"|".join(map(re.escape, literals))).search

    def any_of(value: bytes) -> bool:
        if folded:
            value = lowered(value)
        if len(value) <= SHORT_VALUE:
            return search(value) is not None
        find = value.find
        for literal in literals:
            if find(literal) >= 0:
                return True
        return False

    return any_of


@functools.lru_cache(maxsize=4096)
def build_prefilter(pattern: str) -> Prefilter | None:
    """A :class:`Prefilter` worth running before the search of ``pattern`` (``regex`` syntax, as for
    :func:`analyse`), or None: for a pattern that cannot be analysed, where ``regex`` does as well on
    its own (an anchored pattern, a literal string on its top level), and where the test would cost
    more than it saves. (A pattern with macros changes per transaction: the caller gives none.)"""
    tree = _parse(pattern)
    if tree is None or _anchored(tree) or _regex_literal(tree):
        return None
    found = _analyse(tree)
    if found is None:
        return None
    (literals, start), folded = found
    if not literals or len(literals) > MAX_LITERALS:
        return None
    search = search_estimate(tree)
    if _expected_time((literals, start), search, folded) >= search:
        return None
    return Prefilter(literals, folded, start)
