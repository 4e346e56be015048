"""Print parsed rules back as SecLang, from their structure (not their source text).

The output re-parses to an equal structure: Apache's quoting (``\\"`` and ``\\\\`` inside
double quotes) and v2's list quoting (``'...'`` with ``\\'`` and ``\\\\``) are applied
only where a value needs them.
"""

from __future__ import annotations

from modsec_py.rules.model import ActionCall, OperatorCall, ParsedRule, RuleKind, Target

_LIST_SPECIAL = frozenset(",| \t\n\r\f\v'")


def format_rule(rule: ParsedRule) -> str:
    """One directive line for ``rule`` (SecRule, SecAction, SecMarker or SecRuleScript)."""
    actions = format_actions(rule.actions)
    if rule.kind is RuleKind.MARKER:
        return f"SecMarker {apache_quote(rule.actions[0].value or '')}"
    if rule.kind is RuleKind.ACTION:
        return f"SecAction {apache_quote(actions)}"
    if rule.kind is RuleKind.SCRIPT:
        return f"SecRuleScript {apache_quote(rule.script or '')} {apache_quote(actions)}"
    assert rule.operator is not None
    line = f"SecRule {apache_quote(format_targets(rule.targets))} {apache_quote(format_operator(rule.operator))}"
    return f"{line} {apache_quote(actions)}" if rule.actions else line


def format_targets(targets: tuple[Target, ...]) -> str:
    parts = []
    for target in targets:
        prefix = "!" if target.negated else "&" if target.counting else ""
        key = "" if target.key is None else ":" + _list_value(target.key)
        parts.append(f"{prefix}{target.name}{key}")
    return "|".join(parts)


def format_operator(operator: OperatorCall) -> str:
    negation = "!" if operator.negated else ""
    return f"{negation}@{operator.name} {operator.argument}" if operator.argument else f"{negation}@{operator.name}"


def format_actions(actions: tuple[ActionCall, ...]) -> str:
    return ",".join(action.name if action.value is None else f"{action.name}:{_list_value(action.value)}"
                    for action in actions)


def _list_value(value: str) -> str:
    """A value inside a target or action list, single-quoted when v2's scanner needs it."""
    if value and not any(char in _LIST_SPECIAL for char in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def apache_quote(text: str) -> str:
    """``text`` as one double-quoted Apache argument that ``ap_getword_conf`` gives back unchanged."""
    out = []
    for index, char in enumerate(text):
        if char == '"':
            out.append('\\"')
        elif char == "\\" and (index + 1 == len(text) or text[index + 1] in '\\"'):
            out.append("\\\\")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
