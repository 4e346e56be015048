"""Run-time exclusions from ``ctl:ruleRemove*``: whole rules, or targets of rules, for one transaction.

``ruleRemoveById`` takes v2's id ranges; ``ruleRemoveByTag`` / ``ByMsg`` a regex searched in
the tags / msg; ``ruleRemoveTarget*`` take ``selector;VAR[:key]`` where the key may be a
``/regex/``, and stop the rule from looking at that variable (v2's
``fetch_target_exception``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from modsec_py._util.pcre import compile_pcre
from modsec_py.rules.ruleset import id_in_ranges

if TYPE_CHECKING:
    import regex

    from modsec_py.engine.compiled import CompiledRule
    from modsec_py.engine.variables import CompiledTarget, Pairs


@dataclass(slots=True)
class _TargetExclusion:
    variable: str  # upper-case variable name
    key: bytes | None  # lower-case key
    key_regex: regex.Pattern[bytes] | None

    def covers(self, variable: str, key: bytes | None) -> bool:
        if variable != self.variable:
            return False
        if self.key_regex is not None:
            return key is not None and bool(self.key_regex.search(key))
        return self.key is None or (key is not None and key.lower() == self.key)


@dataclass(slots=True)
class RuntimeExclusions:
    ids: list[str] = field(default_factory=list)
    tags: list[regex.Pattern[bytes]] = field(default_factory=list)
    msgs: list[regex.Pattern[bytes]] = field(default_factory=list)
    targets: list[tuple[str, object, _TargetExclusion]] = field(default_factory=list)

    def add(self, option: str, value: str) -> None:
        if option == "ruleremovebyid":
            self.ids.append(value)
        elif option == "ruleremovebytag":
            self.tags.append(compile_pcre(value))
        elif option == "ruleremovebymsg":
            self.msgs.append(compile_pcre(value))
        elif option.startswith("ruleremovetargetby"):
            selector, _semicolon, target = value.partition(";")
            kind = option[len("ruleremovetargetby"):]
            matcher: object = selector if kind == "id" else compile_pcre(selector)
            self.targets.append((kind, matcher, _parse_target(target)))

    def __bool__(self) -> bool:
        return bool(self.ids or self.tags or self.msgs or self.targets)

    def removes(self, rule: CompiledRule) -> bool:
        if rule.id is not None and any(id_in_ranges(rule.id, ranges) for ranges in self.ids):
            return True
        if self.msgs and rule.rule.effective.msg is not None:
            msg = rule.rule.effective.msg.encode("latin-1")
            if any(pattern.search(msg) for pattern in self.msgs):
                return True
        return bool(self.tags) and any(pattern.search(tag) for pattern in self.tags for tag in _tags(rule))

    def filter_targets(self, rule: CompiledRule, groups: list[tuple[CompiledTarget, Pairs]]
                       ) -> list[tuple[CompiledTarget, Pairs]]:
        applicable = [exclusion for kind, matcher, exclusion in self.targets if _selects(kind, matcher, rule)]
        if not applicable:
            return groups
        kept = []
        for target, pairs in groups:
            variable = ("&" if target.counting else "") + target.name
            kept.append((target, [pair for pair in pairs
                                  if not any(exclusion.covers(variable, pair[0]) for exclusion in applicable)]))
        return kept


def _tags(rule: CompiledRule) -> list[bytes]:
    return [(action.value or "").encode("latin-1") for action in rule.acting.rule.effective.actions
            if action.name == "tag"]


def _selects(kind: str, matcher: object, rule: CompiledRule) -> bool:
    acting = rule.acting
    if kind == "id":
        return acting.id is not None and id_in_ranges(acting.id, matcher)  # type: ignore[arg-type]
    if kind == "msg":
        msg = acting.rule.effective.msg
        return msg is not None and bool(matcher.search(msg.encode("latin-1")))  # type: ignore[attr-defined]
    return any(matcher.search(tag) for tag in _tags(rule))  # type: ignore[attr-defined]


def _parse_target(text: str) -> _TargetExclusion:
    variable, colon, key = text.strip().partition(":")
    if colon and len(key) >= 2 and key.startswith("/") and key.endswith("/"):
        return _TargetExclusion(variable.upper(), None, compile_pcre(key[1:-1], caseless=True))
    return _TargetExclusion(variable.upper(), key.lower().encode("latin-1") if colon else None, None)
