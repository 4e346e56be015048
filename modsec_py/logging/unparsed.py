"""A rule as v2 prints it in the audit log (part K and JSON ``matched_rules``): ``rule->unparsed``.

v2 regenerates the text from the rule after the SecDefaultAction merge: the targets as
written, ``@op param`` (always with ``@``, a trailing space when the parameter is empty), and
the merged action list in apr-table order (``msre_actionset_generate_action_string``): a
later action of the same cardinality group removes the earlier ones and goes last, a
"one per rule" action without a group takes the place of the first one. Values holding
whitespace (or empty) are put in single quotes; chained rules leave out disruptive,
metadata, log and phase actions. Each of the three strings then goes through ``log_escape``.
"""

from __future__ import annotations

from modsec_py.actions.spec import ActionKind, Cardinality, CardinalityGroup, get_action
from modsec_py.logging.text import cstr, log_escape
from modsec_py.rules.actionset import DEFAULT_ACTIONS
from modsec_py.rules.model import ActionCall, RuleKind
from modsec_py.rules.ruleset import Rule
from modsec_py.seclang.printer import format_targets

__all__ = ["merged_actions", "operator_text", "targets_text", "unparsed"]

# Left out of a chained rule's action string (besides disruptive and metadata actions).
_NOT_IN_CHAIN = frozenset({"log", "auditlog", "nolog", "noauditlog", "severity", "ver", "maturity", "accuracy",
                           "tag", "phase"})


def merged_actions(rule: Rule) -> list[ActionCall]:
    """The rule's actions merged over its SecDefaultAction, in v2's table order."""
    default = rule.default.actions if rule.default is not None else list(DEFAULT_ACTIONS)
    table: list[ActionCall] = []
    for call in default:
        _add(table, call)
    own: list[ActionCall] = []
    for call in rule.parsed.actions:
        _add(own, call)
    for call in own:
        _add(table, call)
    return table


def _add(table: list[ActionCall], call: ActionCall) -> None:
    """``msre_actionset_action_add``: cardinality-group fixup, then ``apr_table_setn`` or ``addn``."""
    spec = get_action(call.name)
    if spec is None:
        table.append(call)
        return
    value = call.value
    if spec.plus_minus and value is not None and value[:1] in ("+", "-"):
        value = value[1:]  # v2 keeps the sign apart from the parameter
    call = ActionCall(spec.name, value)
    if spec.group is not CardinalityGroup.NONE:
        names = {member.name.lower() for member in table if _group(member) is spec.group}
        table[:] = [member for member in table if member.name.lower() not in names]
    if spec.cardinality is Cardinality.ONE:
        wanted = spec.name.lower()
        positions = [index for index, member in enumerate(table) if member.name.lower() == wanted]
        if positions:
            table[positions[0]] = call
            for index in reversed(positions[1:]):
                del table[index]
            return
    table.append(call)


def _group(call: ActionCall) -> CardinalityGroup:
    spec = get_action(call.name)
    return CardinalityGroup.NONE if spec is None else spec.group


def action_string(actions: list[ActionCall], chained: bool) -> str | None:
    parts = []
    for call in actions:
        spec = get_action(call.name)
        if chained and spec is not None and (spec.kind in (ActionKind.DISRUPTIVE, ActionKind.METADATA)
                                             or spec.name in _NOT_IN_CHAIN):
            continue
        if call.value is None:
            parts.append(call.name)
        elif call.value == "" or any(char.isspace() for char in call.value):
            parts.append(f"{call.name}:'{call.value}'")
        else:
            parts.append(f"{call.name}:{call.value}")
    return ",".join(parts) if parts else None


def targets_text(rule: Rule) -> str:
    """``rule->p1``: the targets as written."""
    return rule.parsed.written_targets or format_targets(rule.parsed.targets)


def operator_text(rule: Rule) -> str:
    """``[!]@name param`` as v2 rebuilds it (``@rx`` even when the rule left the operator out)."""
    operator = rule.parsed.operator
    if operator is None:
        return "@unconditionalMatch "
    return f"{'!' if operator.negated else ''}@{operator.name} {operator.argument}"


def unparsed(rule: Rule) -> str:
    """``rule->unparsed`` of a SecRule or SecAction."""
    actions = action_string(merged_actions(rule), rule.chain_starter is not None)
    if rule.parsed.kind is RuleKind.ACTION:
        return f'SecAction "{_escape(actions or "")}"'
    head = f'SecRule "{_escape(targets_text(rule))}" "{_escape(operator_text(rule))}"'
    return head if actions is None else f'{head} "{_escape(actions)}"'


def _escape(text: str) -> str:
    return log_escape(cstr(text.encode("latin-1", "replace")))
