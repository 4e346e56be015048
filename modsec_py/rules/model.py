"""The parsed form of a rule: what a SecRule / SecAction / SecMarker says, item by item.

These objects hold what was written (targets, operator, actions) with canonical item
names; they compare equal when two texts mean the same rule, which is what the
round-trip printer relies on. What the engine derives from them (merged default
actions, chain links, compiled operators) lives in :mod:`modsec_py.rules.ruleset`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from modsec_py.errors import SourceLocation


class RuleKind(enum.Enum):
    RULE = "SecRule"
    ACTION = "SecAction"
    MARKER = "SecMarker"
    SCRIPT = "SecRuleScript"


@dataclass(frozen=True, slots=True)
class Target:
    """One variable of a rule's target list, e.g. ``!REQUEST_COOKIES:/^_ga/`` or ``&ARGS``."""

    name: str  # canonical (upper-case) variable name
    key: str | None = None  # selector as written, without quotes: ``foo`` or ``/regex/``
    negated: bool = False  # ``!``: exclude this member from the list
    counting: bool = False  # ``&``: the number of members instead of their values

    @property
    def key_is_regex(self) -> bool:
        return self.key is not None and len(self.key) >= 2 and self.key[0] == "/" and self.key[-1] == "/"


@dataclass(frozen=True, slots=True)
class OperatorCall:
    """``[!]@name argument``; a bare pattern means ``@rx``."""

    name: str  # canonical spelling as registered by v2, e.g. ``pmFromFile``
    argument: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class ActionCall:
    """One ``name[:value]`` of an action list, name in v2's canonical spelling."""

    name: str
    value: str | None = None


@dataclass(eq=False, slots=True)
class ParsedRule:
    """A rule-defining directive as written, with where it was written."""

    kind: RuleKind
    targets: tuple[Target, ...]
    operator: OperatorCall | None
    actions: tuple[ActionCall, ...]
    location: SourceLocation
    last_line: int  # the line v2 reports in logs (the last physical line of the directive)
    include_chain: tuple[SourceLocation, ...] = ()
    script: str | None = None  # SecRuleScript's file
    written_targets: str = field(default="", repr=False)  # v2 logs the target text as written

    def structure(self) -> tuple[object, ...]:
        """What the rule means, for equality across re-parsing (source position left out)."""
        return (self.kind, self.targets, self.operator, self.actions, self.script)

    def action_values(self, name: str) -> list[str | None]:
        return [action.value for action in self.actions if action.name == name]

    def first_action(self, name: str) -> ActionCall | None:
        for action in self.actions:
            if action.name == name:
                return action
        return None
