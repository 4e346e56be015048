"""Apache directives that rule files carry and that modsec_py's connector carries out.

CRS 2.2.9's header tagging writes ``RequestHeader append X-WAF-Events ...`` next to its
rules. Apache only knows ``Header`` / ``RequestHeader`` when mod_headers is loaded, so we
refuse them in the same case, and check their syntax as mod_headers does.
"""

from __future__ import annotations

from modsec_py.seclang.conditions import Conditions

MODULE_OF = {"header": "headers_module", "requestheader": "headers_module"}
_ACTIONS = {
    "header": ("add", "append", "echo", "edit", "edit*", "merge", "set", "setifempty", "unset", "note"),
    "requestheader": ("add", "append", "edit", "edit*", "merge", "set", "setifempty", "unset"),
}
_NO_VALUE = ("unset", "echo")


def check_connector_directive(name: str, args: tuple[str, ...], conditions: Conditions) -> str | None:
    """Why Apache would refuse this directive, or None when it is fine."""
    lowered = name.lower()
    if not conditions.if_module(MODULE_OF[lowered]):
        return (f"Invalid command '{name}', perhaps misspelled or defined by a module not included in "
                "the server configuration")
    words = list(args)
    if lowered == "header" and words and words[0].lower() in ("always", "onsuccess"):
        words.pop(0)
    if not words or words[0].lower() not in _ACTIONS[lowered]:
        allowed = ", ".join(f"'{action}'" for action in _ACTIONS[lowered])
        return f"{name}: first argument must be one of {allowed}"
    action = words[0].lower()
    if len(words) < 2:
        return f"{name} {action}: the header name is missing"
    needs = 2 if action in _NO_VALUE else 4 if action.startswith("edit") else 3
    rest = words[needs:]
    if len(words) < needs:
        return f"{name} {action} {words[1]}: a value is missing"
    if len(rest) > 1 or (rest and not (rest[0] == "early" or rest[0].startswith(("env=", "expr=")))):
        return f"{name}: unexpected argument {' '.join(rest)!r} (expected early, env=[!]VAR or expr=...)"
    return None
