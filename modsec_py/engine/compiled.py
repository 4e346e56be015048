"""Rules compiled for running: targets, transformation chain, operator and actions, resolved once.

Everything that does not depend on the request is decided here, at WAF build time: which
reader serves each target, the transformation functions in order (after ``t:none`` and
``t:-name``), the operator object, the non-disruptive actions in v2's execution order with
their macros compiled, and the flow (chain link, skip, skipAfter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from modsec_py._util.cnum import atoi
from modsec_py.config import EngineConfig
from modsec_py.engine.macros import Macro, compile_macro
from modsec_py.engine.variables import CompiledTarget
from modsec_py.operators import _base as operator_registry
from modsec_py.operators._base import CompileContext, Operator
from modsec_py.rules.model import ActionCall, RuleKind, Target
from modsec_py.rules.ruleset import Rule
from modsec_py.transformations import changed_flag
from modsec_py.transformations import get as get_transformation

SEVERITIES = ("EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG")
# Non-disruptive actions the runner executes on a match (v2: ACTION_NON_DISRUPTIVE with execute).
RUN_TIME_ACTIONS = frozenset({
    "setvar", "setenv", "setsid", "setuid", "setrsc", "initcol", "expirevar", "deprecatevar", "ctl", "exec",
    "sanitiseArg", "sanitizeArg", "sanitiseMatched", "sanitizeMatched", "sanitiseMatchedBytes",
    "sanitizeMatchedBytes", "sanitiseRequestHeader", "sanitizeRequestHeader", "sanitiseResponseHeader",
    "sanitizeResponseHeader", "prepend", "append",
})


def severity_number(value: str | None) -> int | None:
    if value is None:
        return None
    upper = value.upper()
    if upper in SEVERITIES:
        return SEVERITIES.index(upper)
    return atoi(value)


@dataclass(slots=True)
class CompiledAction:
    name: str
    value: str | None
    macro: Macro | None  # the argument, when it may hold macros


@dataclass(eq=False, slots=True)
class CompiledRule:
    rule: Rule
    id: str | None
    phase: int
    is_marker: bool
    targets: list[CompiledTarget]
    operator: Operator | None  # None: SecAction (always matches)
    negated: bool
    transformations: tuple[Callable[[bytes], bytes], ...]
    transformation_names: tuple[str, ...]
    multi_match: bool  # with ``changed_flags``: v2's rval per transformation, which multiMatch follows
    capture: bool
    chained: bool
    actions: list[CompiledAction]  # non-disruptive, run on every match, in order
    # acting metadata (the chain starter's, for chained rules)
    msg: Macro | None = None
    logdata: Macro | None = None
    tags: list[Macro] = field(default_factory=list)
    severity: int | None = None
    log: bool = True
    auditlog: bool = True
    intercept: ActionCall | None = None
    parent_intercept: ActionCall | None = None  # what ``block`` stands for
    block: bool = False
    status: int | None = None
    skip: int = 0
    skip_after: str | None = None
    next: CompiledRule | None = None
    starter: CompiledRule | None = None
    metadata: list[tuple[bytes, bytes]] = field(default_factory=list)  # the RULE collection
    plain_targets: bool = True  # no negated or counting target: the runner's fast path
    changed_flags: tuple[Callable[[bytes, bytes], bool], ...] = ()

    @property
    def acting(self) -> CompiledRule:
        """The rule whose metadata and disruptive action apply (v2's acting actionset)."""
        return self.starter if self.starter is not None else self

    def chain(self) -> list[CompiledRule]:
        members = []
        rule: CompiledRule | None = self
        while rule is not None:
            members.append(rule)
            rule = rule.next
        return members


def _transformations(actions: list[ActionCall]) -> list[str]:
    """v2's normtab: ``t:none`` clears, ``t:-name`` removes, duplicates are kept."""
    names: list[str] = []
    for action in actions:
        if action.name != "t" or action.value is None:
            continue
        value = action.value
        if value.lower() == "none":
            names.clear()
        elif value.startswith("-"):
            names = [name for name in names if name.lower() != value[1:].lower()]
        else:
            names.append(value[1:] if value.startswith("+") else value)
    return names


def compile_rule(rule: Rule, config: EngineConfig, default_intercept: ActionCall | None) -> CompiledRule:
    parsed = rule.parsed
    effective = rule.effective
    if parsed.kind is RuleKind.MARKER:
        return CompiledRule(rule, effective.id, 0, True, [], None, False, (), (), False, False, False, [])
    operator: Operator | None = None
    negated = False
    if parsed.operator is not None:
        cls = operator_registry.get(parsed.operator.name)
        if cls is None:
            raise KeyError(f"operator {parsed.operator.name} has no implementation")
        operator = cls(parsed.operator.argument, CompileContext(_directory(parsed.location.file), config))
        negated = parsed.operator.negated
    tfn_names = _transformations(effective.actions)
    tfns = []
    for name in tfn_names:
        function = get_transformation(name)
        if function is None:
            raise KeyError(f"transformation {name} has no implementation")
        tfns.append(function)
    names = {action.name for action in effective.actions}
    actions = [CompiledAction(action.name, action.value, compile_macro(action.value) if action.value else None)
               for action in effective.actions if action.name in RUN_TIME_ACTIONS]
    compiled = CompiledRule(
        rule=rule, id=effective.id, phase=rule.phase, is_marker=False,
        # SecAction is v2's SecRule REQUEST_URI "@unconditionalMatch": one target, always matching.
        targets=_fold_negations([CompiledTarget.compile(target)
                                 for target in parsed.targets or (Target("REQUEST_URI"),)]),
        operator=operator, negated=negated, transformations=tuple(tfns), transformation_names=tuple(tfn_names),
        multi_match="multiMatch" in names, capture="capture" in names, chained=bool(effective.chained),
        actions=actions,
        msg=compile_macro(effective.msg) if effective.msg is not None else None,
        logdata=compile_macro(effective.logdata) if effective.logdata is not None else None,
        tags=[compile_macro(action.value) for action in effective.actions if action.name == "tag" and action.value],
        severity=severity_number(effective.severity),
        log=effective.log is not False, auditlog=effective.auditlog is not False,
        intercept=effective.intercept, parent_intercept=default_intercept,
        block=any(action.name == "block" for action in effective.actions),
        status=atoi(effective.status) if effective.status is not None else None,
        skip=effective.skip or 0, skip_after=effective.skip_after,
    )
    compiled.metadata = _rule_collection(compiled)
    compiled.changed_flags = tuple(changed_flag(name) or (lambda before, after: after != before) for name in tfn_names)
    compiled.plain_targets = not any(target.negated or target.counting for target in compiled.targets)
    return compiled


def _fold_negations(targets: list[CompiledTarget]) -> list[CompiledTarget]:
    """``VAR|!VAR:key``: a negated target with a key only unsets names earlier targets of the same
    variable produced, so it becomes a key filter on those targets (the runner's fast path)."""
    folded: list[CompiledTarget] = []
    for target in targets:
        earlier = [kept for kept in folded if kept.name == target.name and not kept.counting and not kept.negated]
        if target.negated and (target.key is not None or target.key_regex is not None) and target.collection:
            for kept in earlier:
                kept.exclude(target)
            continue
        folded.append(target)
    return folded


def _rule_collection(rule: CompiledRule) -> list[tuple[bytes, bytes]]:
    """The RULE collection v2 exposes (RULE.id, RULE.msg, RULE.severity, ...)."""
    effective = rule.rule.effective
    pairs = []
    for key in ("id", "rev", "msg", "logdata", "severity", "accuracy", "maturity"):
        value = getattr(effective, key)
        if value is not None:
            pairs.append((key.encode(), str(value).encode("latin-1")))
    if effective.version is not None:
        pairs.append((b"ver", effective.version.encode("latin-1")))
    return pairs


def _directory(path: str) -> str:
    import os.path

    return os.path.dirname(os.path.abspath(path))
