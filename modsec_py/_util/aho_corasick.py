"""Phrase matching as ModSecurity 2's ``acmp`` does it (``@pm``, ``@pmFromFile``).

v2 matches case-insensitively (ASCII only: C's ``tolower``) and stops at the first input
position where its automaton reaches a phrase. Its automaton has two quirks, reproduced by
:class:`V2Automaton` and checked against Debian's 2.9.7:

* **One-step failure links.** A node's failure link is the child, for the node's letter, of
  its parent's failure node, or the root: v2 does not walk further down the failure chain.
  So with phrases ``abcz bq cd`` the input ``abcd`` does not match (``cd`` is missed; the
  textbook automaton finds it).
* **What it reports** is the text of the node it stands on, not the phrase that ended there:
  with phrases ``abcd bc`` the input ``abcx`` reports ``abc``. A node's text is spelled as
  the first phrase that created it (``ABC abc`` reports ``ABC``).

v2 only ever reports real occurrences (every state is a suffix of the input read so far), so
any textbook Aho-Corasick can rule out the common no-match case first. :class:`PhraseSet`
does that with a prefilter, then runs :class:`V2Automaton` only when some phrase occurs:
``pyahocorasick`` (C) when it is importable, else a compiled trie regular expression (the
stdlib ``re``); both give the same answers, the C one faster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

try:  # optional: Debian packages it as python3-ahocorasick, PyPI as pyahocorasick
    import ahocorasick as _pyahocorasick
except ImportError:  # pragma: no cover - depends on the environment
    _pyahocorasick = None

HAVE_PYAHOCORASICK = _pyahocorasick is not None
_ROOT = 0
_MAX_NESTING = 200  # branch points along one phrase, for the trie regex


class V2Automaton:
    """v2's ``acmp`` tree, case-insensitive, answering with its first match's node text."""

    __slots__ = ("_goto", "_fail", "_last", "_text", "_out")

    def __init__(self, phrases: Iterable[bytes]) -> None:
        goto: list[dict[int, int]] = [{}]
        last: list[bool] = [False]
        text: list[bytes] = [b""]
        for phrase in phrases:  # acmp_add_pattern
            node = _ROOT
            lowered = phrase.lower()
            for depth, letter in enumerate(lowered):
                child = goto[node].get(letter)
                if child is None:
                    child = len(goto)
                    goto[node][letter] = child
                    goto.append({})
                    last.append(False)
                    text.append(phrase[:depth + 1])
                node = child
            if lowered:
                last[node] = True
        fail = [_ROOT] * len(goto)
        level = list(goto[_ROOT].values())  # acmp_connect_fail_branches, level by level
        while level:
            following = []
            for node in level:
                for letter, child in goto[node].items():
                    fail[child] = goto[fail[node]].get(letter, _ROOT)
                    following.append(child)
            level = following
        out = [False] * len(goto)  # acmp_connect_other_matches: a phrase down the failure chain
        for node in range(1, len(goto)):
            other = fail[node]
            while other != _ROOT:
                if last[other]:
                    out[node] = True
                    break
                other = fail[other]
        self._goto, self._fail, self._last, self._text, self._out = goto, fail, last, text, out

    def first_match(self, data: bytes) -> bytes | None:
        """The text v2 reports for ``data`` (acmp_process_quick), or None."""
        goto, fail, last, text, out = self._goto, self._fail, self._last, self._text, self._out
        node = _ROOT
        for letter in data.lower():
            while True:
                target = goto[node].get(letter)
                if target is not None:
                    if last[target]:
                        return text[target]
                    break
                if node == _ROOT:
                    break
                node = fail[node]
            if target is not None:
                node = target
            if out[node]:
                return text[node]
        return None


def trie_pattern(phrases: Iterable[bytes]) -> bytes:
    """A regular expression that finds any of ``phrases`` (lower case), as a trie.

    A phrase that is a prefix of another ends the branch: finding the shorter is enough.
    """
    trie: dict[int, Any] = {}
    for phrase in phrases:
        node = trie
        for letter in phrase:
            if node.get(-1):
                break
            node = node.setdefault(letter, {})
        else:
            node.clear()
            node[-1] = True

    def render(node: dict[int, Any], depth: int) -> bytes:
        branches = []
        for letter, child in sorted(node.items()):
            if letter == -1:
                continue
            chain = bytearray([letter])
            while len(child) == 1 and -1 not in child:  # a run without branches: one literal
                (letter, child), = child.items()
                chain.append(letter)
            if depth > _MAX_NESTING:
                raise RecursionError("phrase trie too deep")
            branches.append(re.escape(bytes(chain)) + render(child, depth + 1))
        if not branches:
            return b""
        if len(branches) == 1:
            return branches[0]
        return b"(?:" + b"|".join(branches) + b")"

    return render(trie, 0)


def compile_phrase_search(lowered: list[bytes]) -> Any:
    """A compiled case-insensitive search for any of ``lowered`` (a trie, else an alternation)."""
    try:
        return re.compile(trie_pattern(lowered), re.IGNORECASE).search
    except (RecursionError, OverflowError, re.error):  # pathological data: the plain alternation
        by_length = sorted(lowered, key=len, reverse=True)
        return re.compile(b"|".join(re.escape(phrase) for phrase in by_length), re.IGNORECASE).search


class PhraseSet:
    """Case-insensitive phrases, answering ``search(value)`` exactly as v2's @pm does.

    ``backend``: ``"auto"`` (pyahocorasick when importable), ``"pyahocorasick"`` or ``"re"``.
    """

    __slots__ = ("phrases", "backend", "_automaton", "_search", "_iter")

    def __init__(self, phrases: Iterable[bytes], backend: str = "auto") -> None:
        self.phrases = tuple(phrase for phrase in phrases if phrase)
        if backend == "auto":
            backend = "pyahocorasick" if HAVE_PYAHOCORASICK else "re"
        if backend == "pyahocorasick" and not HAVE_PYAHOCORASICK:
            raise RuntimeError("pyahocorasick is not installed")
        self.backend = backend
        self._automaton = V2Automaton(self.phrases)
        self._search = None
        self._iter = None
        lowered = sorted({phrase.lower() for phrase in self.phrases})
        if not lowered:
            return
        if backend == "pyahocorasick":
            automaton = _pyahocorasick.Automaton()
            unicode_build = bool(getattr(_pyahocorasick, "unicode", True))
            for phrase in lowered:
                automaton.add_word(phrase.decode("latin-1") if unicode_build else phrase, True)
            automaton.make_automaton()
            self._iter = (automaton.iter, unicode_build)
        else:
            # bytes patterns fold ASCII letters only, as C's tolower does
            self._search = compile_phrase_search(lowered)

    def search(self, value: bytes) -> bytes | None:
        """The text v2 reports as the matched phrase, or None."""
        if self._search is not None:
            if self._search(value) is None:
                return None
        elif self._iter is not None:
            iterate, unicode_build = self._iter
            lowered = value.lower()
            for _hit in iterate(lowered.decode("latin-1") if unicode_build else lowered):
                break
            else:
                return None
        else:
            return None  # no phrases
        return self._automaton.first_match(value)
