"""``@rx``: a PCRE regular expression, compiled as ModSecurity 2.9.7 compiles it.

The pattern is compiled once with DOTALL | DOLLAR_ENDONLY by :mod:`modsec_py._util.pcre` and
searched in the raw bytes (no UTF-8 mode). Example:
``SecRule ARGS "@rx (?i)union\\s+select" "id:1,capture,setvar:tx.hit=%{tx.0}"``.
Match text: ``Pattern match "<pattern, escaped, cut at 252>" at <var>.``

v2 behaviour kept:

* **Captures** (with ``capture``): TX:0-TX:9 are unset, then TX:<i> is set for every group
  below PCRE2's return code (one more than the highest group that took part), an unset
  group as the empty string. With more than 15 groups taking part PCRE2's 30-slot vector
  overflows: the rule still matches but nothing is captured.
* **Macros**: a pattern containing ``%{`` is expanded per evaluation and then, as 2.9.7
  does (changed in 2.9.8), the *whole* expanded pattern goes through ``log_escape_re``
  (``. + ? ( ) [ ] / :`` get a backslash, a backslash is doubled) before it is compiled.
  A pattern that then fails to compile does not match.
* **SecPcreMatchLimit / SecPcreMatchLimitRecursion**: when PCRE2 gives up, v2 reports no
  match and sets TX:MSC_PCRE_LIMITS_EXCEEDED (:meth:`OperatorTx.pcre_limits_exceeded`).
  PCRE2's step counter has no equivalent in ``regex``, so the bound is a time limit on the
  search: ``max(SecPcreMatchLimit, SecPcreMatchLimitRecursion) x 10 µs`` (Debian's default
  1500 gives 15 ms; the recommended 1000, 10 ms), on ``regex``'s ``timeout=``. That argument
  costs about 2 µs per search whatever the outcome, so it is passed only where a runaway
  is possible: always for a pattern with a repeated group that itself repeats or
  alternates (exponential backtracking, e.g. ``(a|aa)+$``), and for other patterns on
  values longer than :data:`UNBOUNDED_MAX_LENGTH` bytes (their backtracking is polynomial,
  so short values finish quickly).

**Prefilter** (:mod:`modsec_py._util.prefilter`): at load time a pattern without macros may
get a set of literals one of which every match contains (``(?i:sleep\\(|benchmark\\()``:
``sleep(`` or ``benchmark(`` in the lower-cased value). A value holding none of them is not
searched: no match (or, for a pattern like ``(?:^|=)...``, only an anchored match at the start
is tried). Values holding one are searched as before, so answers and captures are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from modsec_py._util.pcre import PcreError, compile_pcre, translate_pcre
from modsec_py._util.prefilter import build_prefilter
from modsec_py.operators._base import (
    CompileContext,
    Operator,
    OperatorTx,
    has_macro,
    log_escape,
    log_escape_re,
    operator,
    truncated,
)

SECONDS_PER_LIMIT_UNIT = 10e-6  # of the larger of SecPcreMatchLimit / SecPcreMatchLimitRecursion
DEFAULT_MATCH_LIMIT = 1500  # Debian's build default, when no configuration is given
UNBOUNDED_MAX_LENGTH = 32  # values up to this long run without a time bound (non-nested patterns)
MAX_CAPTURE_PAIRS = 15  # PCRE2 fills at most 30 // 2 pairs; more and v2 captures nothing

_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


def _repeat(pattern: str, i: int) -> tuple[bool, int]:
    """Whether the quantifier at ``i`` (if any) repeats more than once, and where it ends."""
    if i >= len(pattern):
        return False, i
    char = pattern[i]
    repeats = False
    if char in "*+":
        repeats, i = True, i + 1
    elif char == "?":
        i += 1
    elif char == "{" and (m := _QUANTIFIER.match(pattern, i)) and (m[1] or m[3]):
        low, high = int(m[1] or 0), m[3]
        repeats = low > 1 or (m[2] is not None and (high == "" or int(high) > 1))
        i = m.end()
    else:
        return False, i
    if i < len(pattern) and pattern[i] in "+?":  # possessive or lazy
        i += 1
    return repeats, i


def nested_repetition(pattern: str) -> bool:
    """A repeated group that contains a repetition or an alternation: backtracking may be
    exponential. Conservative (it may flag a safe pattern, never misses a nested one)."""
    frames = [[False, False]]  # per open group: contains a repetition, contains an alternation
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            if pattern.startswith("\\Q", i):
                end = pattern.find("\\E", i + 2)
                i = n if end < 0 else end + 2
                continue
            i += 2
        elif char == "[":
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):
                i += 1
            while i < n and pattern[i] != "]":
                if pattern[i] == "\\":
                    i += 2
                elif pattern.startswith("[:", i):
                    end = pattern.find(":]", i + 2)
                    i = i + 1 if end < 0 else end + 2
                else:
                    i += 1
            i += 1
        elif char == "(":
            if pattern.startswith("(?#", i):
                end = pattern.find(")", i)
                i = n if end < 0 else end + 1
                continue
            frames.append([False, False])
            i += 1
            continue
        elif char == ")":
            inner = frames.pop() if len(frames) > 1 else [False, False]
            repeats, i = _repeat(pattern, i + 1)
            if repeats and (inner[0] or inner[1]):
                return True
            if repeats or inner[0]:
                frames[-1][0] = True
            continue
        elif char == "|":
            frames[-1][1] = True
            i += 1
            continue
        else:
            i += 1
        repeats, i = _repeat(pattern, i)
        if repeats:
            frames[-1][0] = True
    return False


def match_timeout(ctx: CompileContext) -> float:
    config = ctx.config
    if config is None:
        limit = DEFAULT_MATCH_LIMIT
    else:
        limit = max(config.pcre_match_limit, config.pcre_match_limit_recursion)
    return limit * SECONDS_PER_LIMIT_UNIT


def search_bounded(pattern: Any, value: bytes, timeout: float, always: bool, tx: OperatorTx) -> Any:
    """``pattern.search(value)`` within v2's limit; None (and the limit reported) when it trips."""
    if not always and len(value) <= UNBOUNDED_MAX_LENGTH:
        return pattern.search(value)
    return _bounded(pattern.search, value, timeout, tx)


def _bounded(method: Any, value: bytes, timeout: float, tx: OperatorTx) -> Any:
    """``method(value)`` (a pattern's search or match) within v2's limit."""
    try:
        return method(value, timeout=timeout)
    except TimeoutError:
        tx.pcre_limits_exceeded()
        return None


def capture_groups(match: Any) -> list[bytes] | None:
    """The values v2 stores in TX:0.. for a match, or None when PCRE2's vector overflows."""
    count = 1
    for index in range(match.re.groups, 0, -1):
        if match.start(index) >= 0:
            count = index + 1
            break
    if count > MAX_CAPTURE_PAIRS:
        return None
    return [match.group(index) or b"" for index in range(count)]


@operator("rx")
class Rx(Operator):
    __slots__ = ("_pattern", "_search", "_macro", "_timeout", "_nested", "_detail", "_may_match", "_at_start")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._timeout = match_timeout(ctx)
        self._nested = nested_repetition(argument)
        self._pattern = None if self._macro else compile_pcre(argument)
        self._search = None if self._pattern is None else self._pattern.search
        self._detail = (argument,)
        prefilter = None if self._pattern is None else build_prefilter(translate_pcre(argument))
        self._may_match = None if prefilter is None else prefilter.may_match
        # without one of the literals, a match can only start the value: an anchored match
        start = prefilter is not None and prefilter.start
        self._at_start = self._pattern.match if start else None  # type: ignore[union-attr]

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            return self._evaluate_expanded(tx, value)
        may_match = self._may_match
        if may_match is not None and not may_match(value):
            at_start = self._at_start
            if at_start is None:
                return None  # none of the literals every match contains: no match
            if self._nested or len(value) > UNBOUNDED_MAX_LENGTH:
                match = _bounded(at_start, value, self._timeout, tx)
            else:
                match = at_start(value)
        elif self._nested or len(value) > UNBOUNDED_MAX_LENGTH:
            match = search_bounded(self._pattern, value, self._timeout, True, tx)
        else:
            match = self._search(value)  # type: ignore[misc]
        if match is None:
            return None
        if tx.capturing:
            _store_captures(tx, match)
        return self._detail

    def _evaluate_expanded(self, tx: OperatorTx, value: bytes) -> object | None:
        escaped = log_escape_re(tx.expand(self.argument))
        tx.debug(6, f"Escaping pattern [{escaped}]")
        try:
            pattern = compile_pcre(escaped)
        except PcreError:
            return None
        match = search_bounded(pattern, value, self._timeout, nested_repetition(escaped), tx)
        if match is None:
            return None
        if tx.capturing:
            _store_captures(tx, match)
        return (escaped,)

    def message(self, detail: object, var_name: str) -> str:
        pattern = detail[0].split("\0", 1)[0]  # type: ignore[index]
        return f'Pattern match "{truncated(log_escape(pattern.encode("latin-1")))}" at {var_name}.'


def _store_captures(tx: OperatorTx, match: Any) -> None:
    groups = capture_groups(match)
    if groups is not None:
        tx.set_captures(groups)


__all__ = ["Rx", "capture_groups", "match_timeout", "nested_repetition", "search_bounded"]
