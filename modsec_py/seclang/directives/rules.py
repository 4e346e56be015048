"""Rule directives: SecRule, SecAction, SecMarker, SecDefaultAction, SecRuleScript, exclusions.

Each handler parses its arguments with :mod:`modsec_py.seclang.rule_parser` and hands the
result to the rule-set builder, which applies v2's ``add_rule`` checks. Configuration-time
exclusions (SecRuleRemove*, SecRuleUpdate*) act on the rules loaded so far, as in v2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.errors import ItemArgumentError
from modsec_py.rules.model import ActionCall, ParsedRule, RuleKind
from modsec_py.rules.ruleset import Rule, id_in_ranges
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, directive
from modsec_py.seclang.rule_parser import parse_actions, parse_name_values, parse_operator, parse_targets

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive


def _parsed(d: Directive, kind: RuleKind, targets_text: str | None, operator_text: str | None,
            actions_text: str | None) -> ParsedRule:
    targets = parse_targets(targets_text) if targets_text is not None else ()
    operator = parse_operator(operator_text, d.directory) if operator_text is not None else None
    actions = parse_actions(actions_text) if actions_text is not None else ()
    return ParsedRule(kind, targets, operator, actions, d.location, d.last_line, d.include_chain,
                      written_targets=targets_text or "")


def parse_rule_directive(d: Directive) -> ParsedRule:
    """The rule a SecRule / SecAction / SecMarker directive states, before any rule-set check."""
    name = d.name.lower()
    if name == "secmarker":
        return ParsedRule(RuleKind.MARKER, (), None, (ActionCall("id", d.args[0]),), d.location, d.last_line,
                          d.include_chain)
    if name == "secaction":
        return _parsed(d, RuleKind.ACTION, None, None, d.args[0])
    return _parsed(d, RuleKind.RULE, d.args[0], d.args[1], d.args[2] if len(d.args) == 3 else None)


def _add(state: LoadState, d: Directive) -> None:
    actions_text = d.args[0] if d.name.lower() == "secaction" else d.args[2] if len(d.args) == 3 else None
    try:
        state.rules.add(parse_rule_directive(d), has_actions=actions_text is not None)
    except ItemArgumentError:
        state.rules.skip_failed(_says_chain(actions_text), d.location, d.last_line)
        raise


def _says_chain(actions_text: str | None) -> bool:
    """Whether a rule that failed to load asked for ``chain`` (so later links stay links)."""
    try:
        return any(name.lower() == "chain" for name, _ in parse_name_values(actions_text or ""))
    except ItemArgumentError:
        return False


@directive("SecRule", Arity.TAKE23, "rule target, operator and optional action list")
def sec_rule(state: LoadState, d: Directive) -> None:
    _add(state, d)


@directive("SecAction", Arity.TAKE1, "an action list")
def sec_action(state: LoadState, d: Directive) -> None:
    _add(state, d)


@directive("SecMarker", Arity.TAKE1, "marker for a skipAfter target")
def sec_marker(state: LoadState, d: Directive) -> None:
    state.rules.add_marker(parse_rule_directive(d))


@directive("SecDefaultAction", Arity.TAKE1, "default action list")
def sec_default_action(state: LoadState, d: Directive) -> None:
    calls = parse_actions(d.args[0])
    for warning in state.rules.set_default_actions(calls, d.location):
        state.warn(d, warning)


@directive("SecRuleScript", Arity.TAKE12, "rule script and optional actionlist", support=Support.REFUSED,
           reason="runs Lua scripts; modsec_py has no Lua")
def sec_rule_script(state: LoadState, d: Directive) -> None:
    state.rules.skip_failed(False, d.location, d.last_line)
    raise DirectiveArgumentError(
        f'Cannot load Lua script "{d.args[0]}" (SecRuleScript): modsec_py does not run Lua scripts',
        notes=("ModSecurity 2.9.7 would compile it with its embedded Lua 5.1 interpreter",),
    )


# -- configuration-time exclusions ---------------------------------------------------------

@directive("SecRuleRemoveById", Arity.ITERATE, "rule ID for removal")
def sec_rule_remove_by_id(state: LoadState, d: Directive) -> None:
    for ranges in d.args:
        state.rules.remove(lambda rule, ranges=ranges: id_in_ranges(rule.id, ranges))


def _regex(pattern: str):  # type: ignore[no-untyped-def]
    from modsec_py._util.pcre import PcreError, compile_pcre

    try:
        return compile_pcre(pattern)
    except PcreError:
        raise DirectiveArgumentError(f"ModSecurity: Invalid regular expression: {pattern}") from None


def msg_matches(pattern: str):  # type: ignore[no-untyped-def]
    regex = _regex(pattern)
    return lambda rule: rule.effective.msg is not None and regex.search(rule.effective.msg.encode("latin-1"))


def tag_matches(pattern: str):  # type: ignore[no-untyped-def]
    regex = _regex(pattern)
    return lambda rule: any(
        call.name == "tag" and call.value is not None and regex.search(call.value.encode("latin-1"))
        for call in rule.effective.actions
    )


@directive("SecRuleRemoveByMsg", Arity.ITERATE, "rule message for removal")
def sec_rule_remove_by_msg(state: LoadState, d: Directive) -> None:
    for pattern in d.args:
        state.rules.remove(msg_matches(pattern))


@directive("SecRuleRemoveByTag", Arity.ITERATE, "rule tag for removal")
def sec_rule_remove_by_tag(state: LoadState, d: Directive) -> None:
    for pattern in d.args:
        state.rules.remove(tag_matches(pattern))


def _update_targets(state: LoadState, d: Directive, rules: list[Rule], what: str) -> None:
    targets = parse_targets(d.args[1])
    replaced = None
    if len(d.args) == 3:
        replacement = parse_targets(d.args[2])
        if len(replacement) != 1:
            raise DirectiveArgumentError("the target to replace must be a single variable")
        replaced = replacement[0]
    if not rules:
        state.warn(d, f"no rule loaded so far matches {what} (SecRuleUpdateTarget* acts on earlier rules only)")
    for rule in rules:
        state.rules.update_targets(rule, targets, replaced)


@directive("SecRuleUpdateTargetById", Arity.TAKE23, "updated target list")
def sec_rule_update_target_by_id(state: LoadState, d: Directive) -> None:
    ranges = d.args[0]
    _update_targets(state, d, state.rules.find(lambda rule: id_in_ranges(rule.id, ranges)), f"id {ranges}")


@directive("SecRuleUpdateTargetByMsg", Arity.TAKE23, "updated target list")
def sec_rule_update_target_by_msg(state: LoadState, d: Directive) -> None:
    _update_targets(state, d, state.rules.find(msg_matches(d.args[0])), f"msg {d.args[0]}")


@directive("SecRuleUpdateTargetByTag", Arity.TAKE23, "updated target list")
def sec_rule_update_target_by_tag(state: LoadState, d: Directive) -> None:
    _update_targets(state, d, state.rules.find(tag_matches(d.args[0])), f"tag {d.args[0]}")


@directive("SecRuleUpdateActionById", Arity.TAKE2, "updated action list")
def sec_rule_update_action_by_id(state: LoadState, d: Directive) -> None:
    rule_id, _, offset_text = d.args[0].partition(":")
    if not rule_id.isdigit() or (offset_text and not offset_text.isdigit()):
        raise DirectiveArgumentError(f"ModSecurity: Invalid value for ID for update action: {d.args[0]}")
    starters = state.rules.find(lambda rule: rule.id == rule_id)
    if not starters:
        state.warn(d, f"no rule with id {rule_id} is loaded so far: nothing updated")
        return
    members = list(starters[0].chain())
    offset = int(offset_text or 0)
    if offset >= len(members):
        state.warn(d, f"rule id {rule_id} has no chained rule at offset {offset}: nothing updated")
        return
    state.rules.update_actions(members[offset], parse_actions(d.args[1]))
