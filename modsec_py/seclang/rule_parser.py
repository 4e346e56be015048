"""Parse the three arguments of SecRule (targets, operator, actions) as ModSecurity v2 does.

The target and action lists use v2's generic ``name[:value]`` list syntax
(``msre_parse_generic``): items are separated by ``,`` or ``|`` (white space around them is
allowed), a value in single quotes may hold separators and only ``\\'`` / ``\\\\`` escapes,
an unquoted value runs to the next separator or white space. This is a port of v2's
scanner rather than a grammar, because the quirks are the contract: ``ARGS:/a|b/`` splits
at the ``|`` in v2 too. Error messages keep v2's wording; names are looked up
case-insensitively and stored in v2's canonical spelling.
"""

from __future__ import annotations

from modsec_py.actions.spec import get_action
from modsec_py.errors import ItemArgumentError
from modsec_py.operators.spec import get_operator
from modsec_py.rules.model import ActionCall, OperatorCall, Target
from modsec_py.transformations.spec import is_transformation
from modsec_py.variables.spec import VariableKind, get_variable

_SPACE = " \t\n\r\f\v"


def parse_name_values(text: str) -> list[tuple[str, str | None]]:
    """Split ``text`` into ``(name, value)`` pairs exactly like v2's ``msre_parse_generic``."""
    pairs: list[tuple[str, str | None]] = []
    position, end = 0, len(text)
    while position < end:
        while position < end and text[position] in _SPACE:
            position += 1
        if position >= end:
            break
        start = position
        while position < end and text[position] not in "|:," and text[position] not in _SPACE:
            position += 1
        name = text[start:position]
        if position >= end or text[position] != ":":
            pairs.append((name, None))
            while position < end and text[position] in _SPACE:
                position += 1
            if position >= end:
                break
            if text[position] in ",|":
                position += 1
                continue
            raise ItemArgumentError(f"Unexpected character at position {position}: {text}")
        position += 1  # the colon
        if position >= end:
            pairs.append((name, None))
            break
        if text[position] in ",|":
            pairs.append((name, None))
            position += 1
            continue
        if text[position] == "'":
            value, position = _quoted_value(text, position + 1)
        else:
            start = position
            while position < end and text[position] not in ",|" and text[position] not in _SPACE:
                position += 1
            value = text[start:position]
        pairs.append((name, value))
        while position < end and (text[position] in _SPACE or text[position] in ",|"):
            position += 1
    return pairs


def _quoted_value(text: str, position: int) -> tuple[str, int]:
    out: list[str] = []
    end = len(text)
    while True:
        if position >= end:
            raise ItemArgumentError(f"Missing closing quote at position {position}: {text}")
        char = text[position]
        if char == "\\":
            if position + 1 >= end or text[position + 1] not in "'\\":
                raise ItemArgumentError(f"Invalid quoted pair at position {position}: {text}")
            out.append(text[position + 1])
            position += 2
        elif char == "'":
            return "".join(out), position + 1
        else:
            out.append(char)
            position += 1


def parse_targets(text: str) -> tuple[Target, ...]:
    """Targets of a SecRule; errors read ``Error creating rule: ...`` as in v2."""
    try:
        pairs = parse_name_values(text)
    except ItemArgumentError as error:
        raise ItemArgumentError(f"Error creating rule: {error.message}") from None
    return tuple(_make_target(name, key) for name, key in pairs)


def _make_target(written: str, key: str | None) -> Target:
    negated = written.startswith("!")
    counting = not negated and written.startswith("&")
    name = written[1:] if negated or counting else written
    if len(name) > 5 and name.startswith("HTTP_"):  # v2: HTTP_X is REQUEST_HEADERS:X (case-sensitive prefix)
        name, key = "REQUEST_HEADERS", name[5:]
    spec = get_variable(name)
    if spec is None:
        raise ItemArgumentError(f"Error creating rule: Unknown variable: {written}")
    if counting and spec.kind is VariableKind.SCALAR:
        raise ItemArgumentError(
            "Error creating rule: The & modificator does not apply to non-collection variables."
        )
    if key is None and spec.argc_min > 0:
        raise ItemArgumentError(f"Error creating rule: Missing mandatory parameter for variable {written}.")
    if key is not None and spec.argc_max == 0:
        raise ItemArgumentError(f"Error creating rule: Variable {written} does not support parameters.")
    if spec.check is not None:
        try:
            spec.check(key)
        except ItemArgumentError as error:
            raise ItemArgumentError(f"Error creating rule: {error.message}", notes=error.notes) from None
    return Target(spec.name, key, negated, counting)


def parse_operator(text: str, rule_directory: str) -> OperatorCall:
    """``[!][@name] argument``; the argument is checked as v2's ``param_init`` checks it."""
    rest = text
    negated = rest.startswith("!")
    if negated:
        rest = rest[1:].lstrip(_SPACE)
    if rest.startswith("@"):
        cut = 1
        while cut < len(rest) and rest[cut] not in _SPACE:
            cut += 1
        written_name, argument = rest[1:cut], rest[cut:].lstrip(_SPACE)
    else:
        written_name, argument = "rx", rest
    spec = get_operator(written_name)
    if spec is None:
        raise ItemArgumentError(f"Error creating rule: Failed to resolve operator: {written_name}")
    if spec.check is not None:
        try:
            spec.check(argument, rule_directory)
        except ItemArgumentError as error:
            raise ItemArgumentError(f"Error creating rule: {error.message}", notes=error.notes) from None
    return OperatorCall(spec.name, argument, negated)


def parse_actions(text: str) -> tuple[ActionCall, ...]:
    """An action list; errors read ``Error parsing actions: ...`` as in v2."""
    try:
        return tuple(_make_action(name, value) for name, value in parse_name_values(text))
    except ItemArgumentError as error:
        raise ItemArgumentError(f"Error parsing actions: {error.message}", notes=error.notes) from None


def _make_action(name: str, value: str | None) -> ActionCall:
    spec = get_action(name)
    if spec is None:
        raise ItemArgumentError(f"Unknown action: {name}")
    if value is None:
        if spec.argc_min > 0:
            raise ItemArgumentError(f"Missing mandatory parameter for action {name}")
        return ActionCall(spec.name)
    if spec.argc_max == 0:
        raise ItemArgumentError(f"Extra parameter provided to action {name}")
    if value[:1] in ("+", "-") and not spec.plus_minus:
        raise ItemArgumentError(f"Action {name} does not allow +/- modificators.")
    if spec.name == "t" and not is_transformation(value.lstrip("+-") if value[:1] in "+-" else value):
        raise ItemArgumentError(f"Invalid transformation function: {value}")
    if spec.check is not None:
        spec.check(value)
    return ActionCall(spec.name, value)
