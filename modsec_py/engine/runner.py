"""The rule loop of one phase, as v2's ``msre_ruleset_process_phase`` runs it.

Per rule: expand the targets (exclusions applied in order), transform each value (cached
per value and transformation chain for the transaction), evaluate the operator, and on
each match record the matched variable, run the non-disruptive actions and, on the last
rule of a chain, the disruptive one (only a warning in DetectionOnly, in phase 5, or for
``pass``). Flow: chains, ``skip``, ``skipAfter``, ``allow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from modsec_py.engine.actions import run_actions
from modsec_py.engine.compiled import CompiledRule
from modsec_py.engine.results import Interruption, MatchedRule, RuleEngineMode
from modsec_py.engine.state import MatchedVar
from modsec_py.engine.variables import CompiledTarget, Pairs
from modsec_py.operators._base import OperatorError

if TYPE_CHECKING:
    from modsec_py.engine.transaction import Transaction


def run_phase(tx: Transaction, phase: int) -> None:
    ruleset = tx.ruleset
    rules = ruleset.phases[phase]
    after = ruleset.skip_after_index[phase]
    count = len(rules)
    matched_vars = tx.data.matched_vars
    index = skip = 0
    while index < count:
        rule = rules[index]
        index += 1
        if rule.is_marker:
            continue
        if skip:
            skip -= 1
            continue
        if tx.exclusions and tx.exclusions.removes(rule):
            continue
        if rule.next is None:  # a rule without a chain: no need for the chain's bookkeeping
            matched = _run_rule(tx, rule)
            if matched_vars:
                matched_vars.clear()
            if not matched:
                continue
        elif not _run_chain(tx, rule):
            continue
        if tx.rule_intercepted or tx.stop_phase:  # phase 5 goes on after an earlier interruption
            return
        if rule.skip_after is not None:
            # Continue after the first marker (or rule) of that name further down; none: end of phase.
            index = next((position + 1 for position in after.get(rule.skip_after, ()) if position >= index), count)
        elif rule.skip:
            skip = rule.skip


def _run_chain(tx: Transaction, starter: CompiledRule) -> bool:
    rule: CompiledRule | None = starter
    try:
        while rule is not None:
            if not _run_rule(tx, rule):
                return False
            if tx.rule_intercepted:
                return True
            rule = rule.next
        return True
    finally:
        tx.data.matched_vars.clear()


def _run_rule(tx: Transaction, rule: CompiledRule) -> bool:
    groups = _targets(tx, rule)
    if not groups:
        return False
    if rule.operator is None or rule.negated or rule.multi_match:
        return _run_rule_general(tx, rule, groups)
    # The common case, kept lean: one transformed value per member, an operator, no negation.
    evaluate = rule.operator.evaluate
    transformations = rule.transformations
    cache = tx.transformation_cache.setdefault(rule.transformation_names, {}) if transformations else None
    tx.capturing = rule.capture
    tx.current_rule = rule
    matched = False
    try:
        for target, pairs in groups:
            for key, value in pairs:
                if cache is None:
                    checked = value
                else:
                    checked = cache.get(value)
                    if checked is None:
                        checked = value
                        for function in transformations:
                            checked = function(checked)
                        cache[value] = checked
                detail = evaluate(tx, checked)
                if detail is None:
                    continue
                matched = True
                name = target.item_name(key)
                if _matched(tx, rule, name, checked, rule.operator.message(detail, name)):
                    return True
    except OperatorError as error:  # v2: the rule fails, processing goes on
        _operator_failed(tx, error)
        return False
    return matched


def _run_rule_general(tx: Transaction, rule: CompiledRule, groups: list[tuple[CompiledTarget, Pairs]]) -> bool:
    """SecAction (no operator), negated operators and multiMatch."""
    operator = rule.operator
    evaluate = operator.evaluate if operator is not None else None
    negated = rule.negated
    transformations = rule.transformations
    cache = tx.transformation_cache.setdefault(rule.transformation_names, {}) if transformations else None
    tx.capturing = rule.capture
    tx.current_rule = rule
    matched = False
    for target, pairs in groups:
        for key, value in pairs:
            if cache is None:
                values: tuple[bytes, ...] | list[bytes] = (value,)
            elif rule.multi_match:
                values = _each_step(rule, value)
            else:
                values = (_transformed(cache, transformations, value),)
            for checked in values:
                if evaluate is None:
                    detail: object | None = True
                else:
                    try:
                        detail = evaluate(tx, checked)
                    except OperatorError as error:
                        _operator_failed(tx, error)
                        return False
                if (detail is not None) == negated:
                    continue
                matched = True
                name = target.item_name(key)
                if negated:
                    message = _negated_message(rule, name)
                elif operator is None:
                    message = "Unconditional match in SecAction."
                else:
                    message = operator.message(detail, name)
                if _matched(tx, rule, name, value if operator is None else checked, message):
                    return True
    return matched


def _transformed(cache: dict[bytes, bytes], transformations: tuple[Callable[[bytes], bytes], ...],
                 value: bytes) -> bytes:
    """The value after the chain, computed once per value for the transaction (the fast path inlines this)."""
    checked = cache.get(value)
    if checked is None:
        checked = value
        for function in transformations:
            checked = function(checked)
        cache[value] = checked
    return checked


def _operator_failed(tx: Transaction, error: OperatorError) -> None:
    tx.debug(4, f"Operator error: {error.message}")
    tx.debug(1, "Rule processing failed.")


def _matched(tx: Transaction, rule: CompiledRule, name: str, value: bytes, message: str) -> bool:
    """Record one match (MATCHED_VAR(S)), run the actions; True when the transaction was interrupted."""
    data = tx.data
    var = MatchedVar(name, value)
    data.matched_var = var
    data.matched_vars.append(var)
    acting = rule.acting
    if acting.severity is not None and acting.severity < data.highest_severity and not rule.chained:
        data.highest_severity = acting.severity
    run_actions(tx, rule)
    if not rule.chained:
        _disrupt(tx, rule, message)
        return tx.rule_intercepted
    return False


def _each_step(rule: CompiledRule, value: bytes) -> list[bytes]:
    """multiMatch: the value, then each transformation result v2 flags as changed (its rval: for
    some transformations always 1, so the same bytes may be checked again)."""
    steps = [value]
    current = value
    for function, flag in zip(rule.transformations, rule.changed_flags, strict=True):
        after = function(current)
        if flag(current, after):
            steps.append(after)
        current = after
    return steps


def _targets(tx: Transaction, rule: CompiledRule) -> list[tuple[CompiledTarget, Pairs]]:
    """v2's target table, as (target, its (key, value) pairs) groups in target order.

    Members are added in order; a negated target unsets the names it selects.
    """
    data = tx.data
    acting = rule.acting
    if rule.plain_targets:
        groups = []
        for target in rule.targets:
            members = target.members(data, acting)
            if members:
                groups.append((target, members))
        if not tx.exclusions or not groups:
            return groups
    else:
        groups = []
        for target in rule.targets:
            members = target.members(data, acting)
            if target.counting:
                written = target.written_key.encode("latin-1") if target.written_key is not None else None
                groups.append((target, [(written, str(len(members)).encode())]))
            elif target.negated:
                gone = {(target.name, None if key is None else key.lower()) for key, _value in members}
                if gone:
                    groups = [(kept, [(key, value) for key, value in pairs if kept.counting or (
                        kept.name, None if key is None else key.lower()) not in gone]) for kept, pairs in groups]
            elif members:
                groups.append((target, members))
    if tx.exclusions and groups:
        groups = tx.exclusions.filter_targets(rule, groups)
    return [group for group in groups if group[1]]


def _negated_message(rule: CompiledRule, name: str) -> str:
    assert rule.rule.parsed.operator is not None
    written = rule.rule.parsed.operator
    argument = written.argument if len(written.argument) <= 252 else written.argument[:252] + " ..."
    return f'Match of "{written.name} {argument}" against "{name}" required.'


def _disrupt(tx: Transaction, rule: CompiledRule, message: str) -> None:
    acting = rule.acting
    intercept = acting.intercept
    if acting.auditlog:
        tx.relevant = True
    record = tx.record_match(acting, rule, message)
    if intercept is not None and intercept.name == "allow":
        tx.allow(intercept.value)
    blocking = (intercept is not None and intercept.name != "pass" and intercept.name != "allow"
                and tx.phase != 5 and tx.mode is RuleEngineMode.ON)
    if not blocking:
        return
    status = acting.status if acting.status is not None else 403
    if intercept.name == "redirect":  # type: ignore[union-attr]
        status = acting.status if acting.status in (301, 302, 303, 307) else 302
    url = None
    if intercept.name in ("redirect", "proxy") and intercept.value:  # type: ignore[union-attr]
        url = tx.expand_text(intercept.value).decode("latin-1")  # type: ignore[union-attr]
    tx.interruption = Interruption(rule_id=acting.id, action=intercept.name, status=status,  # type: ignore[union-attr]
                                   url=url, phase=tx.phase, message=message)
    record.disruptive = True
    tx.rule_intercepted = True


__all__ = ["run_phase", "MatchedRule"]
