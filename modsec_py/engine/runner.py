"""The rule loop of one phase, as v2's ``msre_ruleset_process_phase`` runs it.

Per rule: expand the targets (exclusions applied in order), transform each value (cached
per value and transformation chain for the transaction), evaluate the operator, and on
each match record the matched variable, run the non-disruptive actions and, on the last
rule of a chain, the disruptive one (only a warning in DetectionOnly, in phase 5, or for
``pass``). Flow: chains, ``skip``, ``skipAfter``, ``allow``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.engine.actions import run_actions
from modsec_py.engine.compiled import CompiledRule
from modsec_py.engine.results import Interruption, MatchedRule, RuleEngineMode
from modsec_py.engine.state import MatchedVar
from modsec_py.operators._base import OperatorError

if TYPE_CHECKING:
    from modsec_py.engine.transaction import Transaction


def run_phase(tx: Transaction, phase: int) -> None:
    waf = tx.waf
    rules = waf.phases[phase]
    after = waf.skip_after_index[phase]
    count = len(rules)
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
        if not _run_chain(tx, rule):
            continue
        if tx.interruption is not None or tx.stop_phase:
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
    data = tx.data
    items = _targets(tx, rule)
    if not items:
        return False
    operator = rule.operator
    tx.capturing = rule.capture
    tx.current_rule = rule
    matched = 0
    for name, value in items:
        values = _values_to_check(tx, rule, value)
        for checked in values:
            if operator is None:
                detail: object | None = True
            else:
                try:
                    detail = operator.evaluate(tx, checked)
                except OperatorError as error:  # v2: the rule fails, processing goes on
                    tx.debug(4, f"Operator error: {error.message}")
                    tx.debug(1, "Rule processing failed.")
                    return False
            if (detail is not None) == rule.negated:
                continue
            matched += 1
            if rule.negated:
                message = _negated_message(rule, name)
            elif operator is None:
                message = "Unconditional match in SecAction."
            else:
                message = operator.message(detail, name)
            var = MatchedVar(name, value if rule.operator is None else checked)
            data.matched_var = var
            data.matched_vars.append(var)
            acting = rule.acting
            if acting.severity is not None and acting.severity < data.highest_severity and not rule.chained:
                data.highest_severity = acting.severity
            run_actions(tx, rule)
            if not rule.chained:
                _disrupt(tx, rule, message)
                if tx.rule_intercepted:
                    return True
    return matched > 0


def _values_to_check(tx: Transaction, rule: CompiledRule, value: bytes) -> list[bytes]:
    """The value after the transformation chain; with multiMatch, each changed step too."""
    if not rule.transformations:
        return [value]
    if rule.multi_match:
        steps = [value]
        for function in rule.transformations:
            changed = function(steps[-1])
            if changed != steps[-1]:
                steps.append(changed)
        return steps
    cache = tx.transformation_cache.setdefault(rule.transformation_names, {})
    cached = cache.get(value)
    if cached is None:
        cached = value
        for function in rule.transformations:
            cached = function(cached)
        cache[value] = cached
    return [cached]


def _targets(tx: Transaction, rule: CompiledRule) -> list[tuple[str, bytes]]:
    """v2's target table: members added in order, a negated target unsets its names."""
    data = tx.data
    items: list[tuple[str, bytes]] = []
    for target in rule.targets:
        members = target.members(data, rule.acting)
        if target.counting:
            written = target.written_key.encode("latin-1") if target.written_key is not None else None
            items.append((f"&{target.display_name(written)}", str(len(members)).encode()))
        elif target.negated:
            gone = {target.display_name(key).lower() for key, _value in members}
            items = [item for item in items if item[0].lower() not in gone]
        else:
            items.extend((target.display_name(key), value) for key, value in members)
    if tx.exclusions and items:
        items = tx.exclusions.filter_targets(rule, items)
    return items


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
    url = tx.expand_text(intercept.value) if intercept.name in ("redirect", "proxy") and intercept.value else None  # type: ignore[union-attr]
    tx.interruption = Interruption(rule_id=acting.id, action=intercept.name, status=status,  # type: ignore[union-attr]
                                   url=url, phase=tx.phase, message=message)
    record.disruptive = True
    tx.rule_intercepted = True


__all__ = ["run_phase", "MatchedRule"]
