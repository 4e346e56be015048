"""Finding the loaded rule behind a logged match, for part K and the message of ``allow``.

A match record names its acting rule by file and (last) line, as v2's ``[file] [line]``
do; the index maps that back to the rule and its chain, built on first use so that a WAF
that never writes part K never builds it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from modsec_py.logging.unparsed import unparsed
from modsec_py.rules.ruleset import Rule

__all__ = ["RuleIndex"]


class RuleIndex:
    """Chain starters by (file, line); the unparsed text of each rule, computed once."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._source = rules
        self._starters: dict[tuple[str, int], Rule] | None = None
        self._texts: dict[int, str] = {}
        self._lock = threading.Lock()

    def find(self, file: str, line: int) -> Rule | None:
        starters = self._starters
        if starters is None:
            with self._lock:
                if self._starters is None:
                    self._starters = {
                        (rule.parsed.location.file, rule.parsed.last_line): rule
                        for rule in self._source if rule.chain_starter is None and not rule.is_marker
                    }
                starters = self._starters
        return starters.get((file, line))

    def unparsed(self, rule: Rule) -> str:
        text = self._texts.get(id(rule))
        if text is None:
            text = self._texts[id(rule)] = unparsed(rule)
        return text
