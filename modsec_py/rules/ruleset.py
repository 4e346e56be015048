"""Building the rule set: v2's ``add_rule`` checks, chains, SecDefaultAction, markers, exclusions.

State carries across files exactly as in v2: the open chain, the current SecDefaultAction
and the set of used ids belong to the whole configuration, not to one file, so a ``chain``
on the last rule of one file captures the first rule of the next one. When that makes a
rule invalid, the error says which earlier rule opened the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from modsec_py._util.cnum import atoi
from modsec_py.errors import ItemArgumentError, SourceLocation
from modsec_py.rules.actionset import DEFAULT_ACTIONS, ActionSet
from modsec_py.rules.model import ActionCall, ParsedRule, RuleKind, Target

PHASES = (1, 2, 3, 4, 5)
# What a chained rule or SecDefaultAction may leave the logging phase with (v2: NONE, ALLOW, ALLOW_REQUEST).
_LOGGING_PHASE_OK = frozenset({None, "pass"})


class RuleError(ItemArgumentError):
    """A rule that v2's add_rule refuses; the loader adds the location."""


@dataclass(eq=False, slots=True)
class Rule:
    """A rule as the engine will run it: parsed form, own and effective action sets, chain links."""

    parsed: ParsedRule
    own: ActionSet
    effective: ActionSet
    phase: int
    chain_starter: Rule | None = None  # None for a starter
    next_in_chain: Rule | None = None
    default: ActionSet | None = None  # the SecDefaultAction merged in (the audit log prints v2's merge)

    @property
    def id(self) -> str | None:
        return self.effective.id

    @property
    def is_marker(self) -> bool:
        return self.parsed.kind is RuleKind.MARKER

    def chain(self) -> Iterator[Rule]:
        """This rule and the rules chained to it, in order."""
        rule: Rule | None = self
        while rule is not None:
            yield rule
            rule = rule.next_in_chain


@dataclass(slots=True)
class RuleSet:
    """Rules in definition order; markers appear once and belong to every phase."""

    rules: list[Rule] = field(default_factory=list)

    def for_phase(self, phase: int) -> list[Rule]:
        return [rule for rule in self.rules if rule.is_marker or rule.phase == phase]

    def starters(self) -> Iterator[Rule]:
        return (rule for rule in self.rules if rule.chain_starter is None and not rule.is_marker)

    def __len__(self) -> int:
        return len(self.rules)


class RuleSetBuilder:
    """Accumulates rules the way v2's per-context configuration does."""

    def __init__(self) -> None:
        self.ruleset = RuleSet()
        self.ids: dict[str, Rule] = {}
        self.default = ActionSet.from_calls(DEFAULT_ACTIONS)
        self.default_location: SourceLocation | None = None
        self.chain_starter: Rule | None = None
        self.chain_tail: Rule | None = None  # the rule whose ``chain`` the next rule continues
        self.markers: dict[str, Rule] = {}

    # -- SecDefaultAction -------------------------------------------------------------
    def set_default_actions(self, calls: tuple[ActionCall, ...], location: SourceLocation) -> list[str]:
        """Replace the default action set; returns v2's deprecation warnings."""
        actionset = ActionSet.from_calls(calls)
        if actionset.intercept is None:
            raise RuleError("ModSecurity: SecDefaultAction must specify a disruptive action.")
        if actionset.phase is None:
            raise RuleError("ModSecurity: SecDefaultAction must specify a phase.")
        if any(value is not None for value in (actionset.id, actionset.rev, actionset.version,
                                                actionset.maturity, actionset.accuracy, actionset.msg)):
            raise RuleError(
                "ModSecurity: SecDefaultAction must not contain any metadata actions "
                "(id, rev, msg, tag, severity, ver, accuracy, maturity, logdata)."
            )
        if actionset.chained is not None:
            raise RuleError("ModSecurity: SecDefaultAction must not contain a chain action.")
        if actionset.skip is not None:
            raise RuleError("ModSecurity: SecDefaultAction must not contain a skip action.")
        if actionset.skip_after is not None:
            raise RuleError("ModSecurity: SecDefaultAction must not contain a skipAfter action.")
        _check_phase(actionset.phase)
        warnings = []
        if actionset.severity is not None or actionset.logdata is not None:
            warnings.append('Using "severity" or "logdata" in SecDefaultAction is deprecated.')
        if any(call.name == "t" for call in calls):
            warnings.append("Using transformations in SecDefaultAction is deprecated.")
        self.default = actionset
        self.default_location = location
        return warnings

    # -- SecRule / SecAction / SecRuleScript ------------------------------------------
    def add(self, parsed: ParsedRule, *, has_actions: bool = True) -> Rule:
        """Add a rule with v2's checks, in v2's order (the first failing check is reported)."""
        own = ActionSet.from_calls(parsed.actions)
        starter = self.chain_starter
        if starter is None:
            if not has_actions:
                raise RuleError("ModSecurity: Rules must have at least id action")
            if own.id is None:
                raise RuleError("ModSecurity: No action id present within the rule")
            if own.id in self.ids:
                first = self.ids[own.id].parsed
                raise RuleError(
                    "ModSecurity: Found another rule with the same id",
                    notes=(f"id {own.id} is already used by the rule at {first.location}",),
                )
        else:
            self._check_chain_link(own, parsed)
        effective = own.merged_over(self.default)
        if effective.phase == 5 and not _logging_phase_allows(effective.intercept):
            raise RuleError("ModSecurity: Disruptive actions cannot be specified in the logging phase.")
        phase = starter.phase if starter is not None else _check_phase(effective.phase)
        rule = Rule(parsed, own, effective, phase, chain_starter=starter, default=self.default)
        if starter is None and own.id is not None:
            self.ids[own.id] = rule
        if self.chain_tail is not None and starter is not None:
            self.chain_tail.next_in_chain = rule
        self._advance_chain(rule)
        self.ruleset.rules.append(rule)
        return rule

    def _check_chain_link(self, own: ActionSet, parsed: ParsedRule) -> None:
        problem = None
        if own.intercept is not None:
            problem = "ModSecurity: Disruptive actions can only be specified by chain starter rules."
        elif own.skip_after is not None:
            problem = "ModSecurity: SkipAfter actions can only be specified by chain starter rules."
        elif own.phase is not None:
            problem = "ModSecurity: Execution phases can only be specified by chain starter rules."
        elif own.has_metadata:
            problem = (
                "ModSecurity: Metadata actions (id, rev, msg, tag, severity, ver, accuracy, maturity, "
                "logdata)  can only be specified by chain starter rules."
            )
        elif own.skip is not None:
            problem = "ModSecurity: The skip action can only be used  by chain starter rules. "
        if problem is None:
            return
        opener, starter = self.chain_tail, self.chain_starter
        assert opener is not None and starter is not None
        # Collect mode goes on as if this rule started a chain of its own (it was meant to).
        self.chain_starter = self.chain_tail = None
        where = _same_file_place(opener.parsed, parsed)
        notes = [
            f"the rule ending at {where} carries `chain`, so this rule became a chained rule "
            f"of the chain that rule id {starter.id} starts at {_same_file_place(starter.parsed, parsed)}"
        ]
        if own.id is not None:
            notes.append(f"this rule has its own id ({own.id}): probably `chain` at {where} is a mistake")
        raise RuleError(problem, notes=tuple(notes))

    def _advance_chain(self, rule: Rule) -> None:
        if rule.own.chained:
            if self.chain_starter is None:
                self.chain_starter = rule
            self.chain_tail = rule
        else:
            self.chain_starter = self.chain_tail = None

    def skip_failed(self, chained: bool, location: SourceLocation, last_line: int) -> None:
        """Leave the chain state as a rule that failed to load would have (collect mode).

        Without this one broken rule would make every later link of its chain an error too.
        """
        if not chained:
            self.chain_starter = self.chain_tail = None
            return
        stand_in = Rule(ParsedRule(RuleKind.RULE, (), None, (), location, last_line), ActionSet(), ActionSet(), 2)
        if self.chain_starter is None:
            self.chain_starter = stand_in
        self.chain_tail = stand_in

    # -- SecMarker ----------------------------------------------------------------------
    def add_marker(self, parsed: ParsedRule) -> Rule:
        own = ActionSet.from_calls(parsed.actions)
        rule = Rule(parsed, own, own, 0)
        self.markers.setdefault(own.id or "", rule)
        self.ruleset.rules.append(rule)
        return rule

    # -- exclusions and updates at configuration time ------------------------------------
    def remove(self, predicate: Callable[[Rule], bool]) -> int:
        """Remove the chains whose starter matches (v2 removes earlier rules only)."""
        removed: set[int] = set()
        for rule in self.ruleset.starters():
            if predicate(rule):
                removed.update(id(member) for member in rule.chain())
                if rule.id is not None:
                    self.ids.pop(rule.id, None)
        self.ruleset.rules = [rule for rule in self.ruleset.rules if id(rule) not in removed]
        if self.chain_starter is not None and id(self.chain_starter) in removed:
            self.chain_starter = self.chain_tail = None
        return len(removed)

    def find(self, predicate: Callable[[Rule], bool]) -> list[Rule]:
        return [rule for rule in self.ruleset.starters() if predicate(rule)]

    def update_targets(self, rule: Rule, targets: tuple[Target, ...], replaced: Target | None) -> None:
        """SecRuleUpdateTarget*: append ``targets``, or put them in place of ``replaced``."""
        current = list(rule.parsed.targets)
        if replaced is not None and replaced in current:
            index = current.index(replaced)
            current[index:index + 1] = targets
        else:
            current.extend(target for target in targets if target not in current)
        rule.parsed.targets = tuple(current)

    def update_actions(self, rule: Rule, calls: tuple[ActionCall, ...]) -> None:
        """SecRuleUpdateActionById: merge ``calls`` over the rule's actions (id and phase fixed)."""
        new = ActionSet.from_calls(calls)
        if new.id is not None and rule.id is not None and new.id != rule.id:
            raise RuleError("ModSecurity: Rule IDs cannot be updated via SecRuleUpdateActionById.")
        if new.phase is not None and new.phase != rule.effective.phase:
            raise RuleError("ModSecurity: Rule phases cannot be updated via SecRuleUpdateActionById.")
        rule.own = new.merged_over(rule.own)
        rule.effective = new.merged_over(rule.effective)
        rule.parsed.actions = (*rule.parsed.actions, *calls)

    # -- end of load ----------------------------------------------------------------------
    def unresolved_skip_after(self) -> Iterator[tuple[Rule, str]]:
        """skipAfter targets with no SecMarker or rule of that id after the rule in its phase.

        v2 accepts these; at run time such a skipAfter skips the rest of the phase.
        """
        for index, rule in enumerate(self.ruleset.rules):
            target = rule.own.skip_after if rule.chain_starter is None else None
            if target is None or rule.is_marker:
                continue
            later = self.ruleset.rules[index + 1:]
            if not any(
                (other.is_marker and other.own.id == target)
                or (other.id == target and other.phase == rule.phase and other.chain_starter is None)
                for other in later
            ):
                yield rule, target


def _check_phase(phase: int | None) -> int:
    if phase not in PHASES:
        raise RuleError(
            f"Invalid phase {phase}: phases are 1 to 5 (or request, response, logging); "
            "ModSecurity says: Internal Error: Failed to add rule to the ruleset."
        )
    return phase  # type: ignore[return-value]


def _logging_phase_allows(intercept: ActionCall | None) -> bool:
    if intercept is None or intercept.name == "pass":
        return True
    return intercept.name == "allow" and (intercept.value or "").lower() != "phase"


def _same_file_place(rule: ParsedRule, relative_to: ParsedRule) -> str:
    """``line 49`` when in the same file as ``relative_to``, else ``FILE:49`` (v2's line numbers)."""
    if rule.location.file == relative_to.location.file:
        return f"line {rule.last_line}"
    return f"{rule.location.file}:{rule.last_line}"


def id_in_ranges(rule_id: str | None, ranges: str) -> bool:
    """v2's ``rule_id_in_range``: comma-separated ``N`` or ``N-M`` items, read with C's atoi."""
    if rule_id is None:
        return False
    number = atoi(rule_id)
    for part in ranges.split(","):
        low, dash, high = part.partition("-")
        if dash and part.strip():
            if atoi(low) <= number <= atoi(high):
                return True
        elif part.strip() and number == atoi(part):
            return True
    return False

