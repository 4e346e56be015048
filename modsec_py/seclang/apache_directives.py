"""Apache directives that rule files carry and that modsec_py's connector carries out.

CRS 2.2.9's header tagging writes ``RequestHeader append X-WAF-Events ...`` next to its
rules. Apache only knows ``Header`` / ``RequestHeader`` when mod_headers is loaded, so we
refuse them in the same case, and check their syntax as mod_headers does. The WSGI
connector carries out ``set``, ``append``, ``add``, ``merge``, ``setifempty``, ``unset``,
``edit`` and ``edit*``, ``early``, ``env=[!]VAR`` conditions and the ``%{VAR}e``,
``%{Header}i``, ``%t``, ``%D`` and ``%%`` formats (:class:`HeaderOp`); what it cannot do
(``echo``, ``note``, ``expr=``, other formats) is refused at load with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modsec_py.seclang.conditions import Conditions

CARRIED_OUT = ("set", "append", "add", "merge", "setifempty", "unset", "edit", "edit*")
_FORMAT = re.compile(r"%(?:\{([^}]*)\}([ei])|([tD%]))|%(.?)")


@dataclass(frozen=True, slots=True)
class HeaderOp:
    """One ``Header`` / ``RequestHeader`` line, ready for the connector."""

    response: bool  # Header (the response) or RequestHeader (the request)
    always: bool  # ``Header always``: error responses too
    action: str
    name: str
    value: str | None  # the value; for edit / edit*, the replacement ($1..$9)
    condition: str | None  # VAR or !VAR (env=)
    early: bool = False  # applied before phase 1 (mod_headers at post_read_request)
    pattern: object | None = None  # edit / edit*: the compiled regex

    def edit(self, value: str) -> str:
        """``edit`` replaces the first match, ``edit*`` every match; ``$N`` inserts a group."""
        assert self.pattern is not None and self.value is not None
        replacement = self.value

        def substitute(match: re.Match[bytes]) -> bytes:
            out = re.sub(r"\$(\d)", lambda group: (match.group(int(group.group(1))) or b"").decode("latin-1"),
                         replacement)
            return out.encode("latin-1")

        data = value.encode("latin-1")
        result = self.pattern.sub(substitute, data, count=0 if self.action == "edit*" else 1)  # type: ignore[attr-defined]
        return result.decode("latin-1")

    def applies(self, env: dict[str, str]) -> bool:
        if self.condition is None:
            return True
        if self.condition.startswith("!"):
            return self.condition[1:].lower() not in env
        return self.condition.lower() in env

    def expand(self, env: dict[str, str], request_header: object, started_us: int, now_us: int) -> str:
        """The value with mod_headers' formats replaced (an unset variable reads ``(null)``)."""
        assert self.value is not None

        def one(match: re.Match[str]) -> str:
            name, kind, single = match.group(1), match.group(2), match.group(3)
            if kind == "e":
                return env.get(name.lower(), "(null)")
            if kind == "i":
                found = request_header(name)  # type: ignore[operator]
                return "(null)" if found is None else str(found)
            if single == "t":
                return f"t={now_us}"
            if single == "D":
                return f"D={now_us - started_us}"
            return "%"

        return _FORMAT.sub(one, self.value)


def header_op(name: str, args: tuple[str, ...]) -> HeaderOp:
    """The operation of a directive :func:`check_connector_directive` accepted."""
    words = list(args)
    always = False
    if name.lower() == "header" and words[0].lower() in ("always", "onsuccess"):
        always = words.pop(0).lower() == "always"
    action = words[0].lower()
    editing = action.startswith("edit")
    value = None if action == "unset" else words[3] if editing else words[2]
    rest = words[2 if action == "unset" else 4 if editing else 3:]
    condition = next((word[4:] for word in rest if word.startswith("env=")), None)
    pattern = None
    if editing:
        from modsec_py._util.pcre import compile_pcre

        pattern = compile_pcre(words[2])
    return HeaderOp(name.lower() == "header", always, action, words[1], value, condition, "early" in rest, pattern)


def _unsupported(name: str, words: list[str]) -> str | None:
    """What mod_headers accepts but the connector cannot carry out (refused, never ignored)."""
    action = words[0].lower()
    if action not in CARRIED_OUT:
        return (f"{name} {action}: modsec_py carries out {', '.join(CARRIED_OUT)} only; "
                f"put this line in Apache's configuration instead")
    editing = action.startswith("edit")
    rest = words[2 if action == "unset" else 4 if editing else 3:]
    if rest and not (rest[0].startswith("env=") or rest[0] == "early"):
        return (f"{name}: {rest[0]!r} is not supported by modsec_py (env=[!]VAR and early are); "
                "use Apache's configuration")
    if editing:
        from modsec_py._util.pcre import PcreError, compile_pcre

        try:
            compile_pcre(words[2])
        except PcreError as error:
            return f"{name} {action}: bad regular expression {words[2]!r}: {error.message}"
    elif action != "unset":
        for match in _FORMAT.finditer(words[2]):
            if match.group(4) is not None:
                return (f"{name}: the format %{match.group(4)} is not supported by modsec_py "
                        "(%{VAR}e, %{Header}i, %t, %D and %% are)")
    return None

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
    return _unsupported(name, words)
