"""Action sets: a rule's actions after v2's cardinality rules, and the merge with SecDefaultAction.

ModSecurity v2 keeps, next to the list of actions, a few "hard-coded" fields that each
action's ``init`` sets (id, phase, the intercept action, skip counts, log flags...). Checks
such as "disruptive actions only on chain starters" look at those fields, not at the list:
``deny,skip:1`` leaves ``skip`` in the list (same cardinality group) but the intercept
action still says ``deny``. This module reproduces both views.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from modsec_py._util.cnum import atoi
from modsec_py.actions.spec import Cardinality, CardinalityGroup, get_action, parse_phase
from modsec_py.rules.model import ActionCall

# Actions whose init sets v2's intercept action. ``block`` is not one of them: it only
# stands for SecDefaultAction's disruptive action, so v2 lets chained rules carry it.
INTERCEPT_ACTIONS = frozenset({"deny", "drop", "redirect", "proxy", "pass", "allow", "pause"})
@dataclass(slots=True)
class ActionSet:
    """The hard-coded fields (``None`` = not set here) plus the action list."""

    actions: list[ActionCall] = field(default_factory=list)
    id: str | None = None
    rev: str | None = None
    msg: str | None = None
    version: str | None = None
    logdata: str | None = None
    severity: str | None = None
    accuracy: str | None = None
    maturity: str | None = None
    phase: int | None = None
    chained: bool | None = None
    skip: int | None = None
    skip_after: str | None = None
    intercept: ActionCall | None = None
    status: str | None = None
    log: bool | None = None
    auditlog: bool | None = None

    @classmethod
    def from_calls(cls, calls: tuple[ActionCall, ...] | list[ActionCall]) -> ActionSet:
        actionset = cls()
        for call in calls:
            actionset.add(call)
        return actionset

    def add(self, call: ActionCall) -> None:
        """Apply ``call``'s init effect, then add it under v2's cardinality rules."""
        self._init(call)
        self.actions = _placed(self.actions, call)

    def _init(self, call: ActionCall) -> None:
        name, value = call.name, call.value
        if name in ("id", "rev", "msg", "logdata", "severity", "accuracy", "maturity"):
            setattr(self, name, value)
        elif name == "ver":
            self.version = value
        elif name == "phase" and value is not None:
            self.phase = parse_phase(value)
        elif name == "chain":
            self.chained = True
        elif name == "skip" and value is not None:
            self.skip = max(atoi(value), 0) or 1  # v2: atoi, and anything below 1 skips one
        elif name == "skipAfter":
            self.skip_after = value
        elif name in INTERCEPT_ACTIONS:
            self.intercept = call
        elif name == "status":
            self.status = value
        elif name == "log":
            self.log = True
        elif name == "nolog":  # v2: nolog turns the audit log off too (a later auditlog turns it back on)
            self.log = False
            self.auditlog = False
        elif name in ("auditlog", "noauditlog"):
            self.auditlog = name == "auditlog"

    @property
    def has_metadata(self) -> bool:
        """v2's test for metadata on chained rules (note: ``tag`` is not part of it)."""
        return any(
            value is not None
            for value in (self.id, self.rev, self.msg, self.severity, self.version, self.accuracy,
                          self.maturity, self.logdata)
        )

    def merged_over(self, parent: ActionSet) -> ActionSet:
        """v2's ``msre_actionset_merge(parent, self)``: set fields win, actions appended."""
        merged = replace(parent, actions=list(parent.actions))
        for spec in fields(self):
            if spec.name in ("actions", "chained"):
                continue
            value = getattr(self, spec.name)
            if value is not None:
                setattr(merged, spec.name, value)
        merged.chained = self.chained  # v2 copies is_chained unconditionally
        for call in self.actions:
            merged.actions = _placed(merged.actions, call)
        return merged


def _placed(actions: list[ActionCall], call: ActionCall) -> list[ActionCall]:
    """``actions`` plus ``call``, dropping what v2's cardinality rules say it replaces."""
    spec = get_action(call.name)
    if spec is not None:
        if spec.group is not CardinalityGroup.NONE:
            actions = [kept for kept in actions if _group(kept) is not spec.group]
        if spec.cardinality is Cardinality.ONE:
            actions = [kept for kept in actions if kept.name != call.name]
    return [*actions, call]


def _group(call: ActionCall) -> CardinalityGroup:
    spec = get_action(call.name)
    return CardinalityGroup.NONE if spec is None else spec.group


DEFAULT_ACTIONS = (ActionCall("phase", "2"), ActionCall("log"), ActionCall("auditlog"), ActionCall("pass"))
