"""Every action ModSecurity 2.9.7 registers, with v2's own metadata and load-time checks.

The table copies ``msre_engine_register_default_actions`` (apache2/re_actions.c) entry by
entry: type, argument count, whether ``+``/``-`` may prefix the argument, cardinality and
cardinality group. Types are v2's, not the reference manual's categories: v2 registers
``phase``, ``status``, ``pause``, ``skip`` and ``skipAfter`` as disruptive, ``logdata`` as
metadata and ``xmlns`` as non-disruptive. ``check`` reproduces what v2 refuses at load time
(its ``validate`` callbacks and the few ``init`` effects that make a rule fail), with v2's
wording, and nothing stricter; ``phase`` gets a clear message where v2 only says
"Internal Error: Failed to add rule to the ruleset.". ``t`` values are checked by the caller
against ``modsec_py.transformations.spec``. Verified against Debian's 2.9.7 binary.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from modsec_py._util.cnum import LONG_MAX, LONG_MIN, atoi, strtol
from modsec_py.errors import ItemArgumentError

__all__ = [
    "ACTIONS", "CTL_OPTIONS", "ActionKind", "ActionSpec", "Cardinality", "CardinalityGroup",
    "CtlOption", "get_action", "get_ctl_option", "parse_phase",
]


class ActionKind(enum.Enum):
    DISRUPTIVE = enum.auto()
    NON_DISRUPTIVE = enum.auto()
    METADATA = enum.auto()
    FLOW = enum.auto()


class Cardinality(enum.Enum):
    ONE = enum.auto()  # a later occurrence replaces the earlier one
    MANY = enum.auto()


class CardinalityGroup(enum.Enum):
    NONE = enum.auto()
    DISRUPTIVE = enum.auto()  # adding one removes every other action of the group
    LOG = enum.auto()
    AUDITLOG = enum.auto()


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str  # v2's spelling
    kind: ActionKind
    argc_min: int
    argc_max: int
    plus_minus: bool
    cardinality: Cardinality
    group: CardinalityGroup
    check: Callable[[str], None] | None = None


@dataclass(frozen=True, slots=True)
class CtlOption:
    name: str  # v2's spelling; matched case-insensitively
    check: Callable[[str], None] | None = None


_DIGITS = "0123456789"


def _is_pcre(pattern: str) -> bool:
    from modsec_py._util.pcre import PcreError, compile_pcre

    try:
        compile_pcre(pattern)
    except PcreError:
        return False
    return True


# -- checks (numbers are read as v2 reads them: C's atoi/strtol) -------------------------

def _check_id(value: str) -> None:
    # msre_action_id_validate: digits only, then atoi() > 0 (so 2147483648 is refused,
    # 4294967297 wraps to 1 and is accepted).
    if not all(char in _DIGITS for char in value) or atoi(value) <= 0:
        raise ItemArgumentError(f"ModSecurity: Invalid value for action ID: {value}")


_PHASE_NAMES = {"request": 2, "response": 4, "logging": 5}


def parse_phase(value: str) -> int | None:
    """The phase v2's ``phase`` init sets (names or ``atoi``), or None when it is not 1-5."""
    named = _PHASE_NAMES.get(value.lower())
    if named is not None:
        return named
    number = atoi(value)
    return number if 1 <= number <= 5 else None


def _check_phase(value: str) -> None:
    if parse_phase(value) is None:
        raise ItemArgumentError(
            f"Invalid phase {value}: phases are 1 to 5 (or request, response, logging)",
            notes=('ModSecurity 2.9.7 only says "Internal Error: Failed to add rule to the ruleset."',),
        )


def _check_allow(value: str) -> None:
    if value.lower() not in ("phase", "request"):
        raise ItemArgumentError(f"Invalid parameter for allow: {value}")


def _check_xmlns(value: str) -> None:
    if "=" not in value:
        raise ItemArgumentError(f"Missing xmlns href for prefix: {value}")


def _check_exec(value: str) -> None:
    # v2 compiles a "*.lua" argument with its embedded Lua at load time (relative paths are
    # not resolved); anything else is run as a program at match time and never checked.
    if len(value) > 4 and value.endswith(".lua"):
        raise ItemArgumentError(
            f'Cannot load Lua script "{value}" (exec): modsec_py does not run Lua scripts',
            notes=("ModSecurity 2.9.7 would compile it with its embedded Lua 5.1 interpreter",),
        )


# -- ctl (msre_action_ctl_validate) --------------------------------------------------------

def _one_of(name: str, allowed: tuple[str, ...], spaces: str = " ") -> Callable[[str], None]:
    def check(value: str) -> None:
        if value.lower() not in allowed:
            raise ItemArgumentError(f"Invalid setting for ctl name{spaces}{name}: {value}")

    return check


_BOOLEANS = ("on", "true", "1", "off", "false", "0")  # parse_boolean()


def _check_regex(value: str) -> None:
    if not _is_pcre(value):
        raise ItemArgumentError(f'ModSecurity: Invalid regular expression "{value}"')


def _check_audit_log_parts(value: str) -> None:
    parts = value[1:] if value[:1] in ("+", "-") else value
    if any(part not in "ABCDEFGHIJKZ" for part in parts):
        raise ItemArgumentError(f"Invalid setting for ctl name auditLogParts: {value}")


def _check_debug_log_level(value: str) -> None:
    if not 0 <= atoi(value) <= 9:
        raise ItemArgumentError(f"Invalid setting for ctl name debugLogLevel: {value}")


_BODY_HARD_LIMIT = 1073741824  # REQUEST_BODY_HARD_LIMIT == RESPONSE_BODY_HARD_LIMIT


def _limit(name: str, what: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        limit = strtol(value)
        if limit in (LONG_MAX, LONG_MIN) or limit <= 0:
            raise ItemArgumentError(f"Invalid setting for ctl name {name}: {value}")
        if limit > _BODY_HARD_LIMIT:
            raise ItemArgumentError(f"{what} size limit cannot exceed the hard limit: {_BODY_HARD_LIMIT}")

    return check


def _remove_target(name: str, first: str, regex: bool) -> Callable[[str], None]:
    def check(value: str) -> None:
        tokens = [token for token in value.split(";") if token]  # apr_strtok(value, ";")
        if not tokens:
            raise ItemArgumentError(f"{name} must has at least {first};VARIABLE")
        if regex:
            _check_regex(tokens[0])

    return check


CTL_OPTIONS: dict[str, CtlOption] = {
    option.name.lower(): option
    for option in (
        CtlOption("ruleEngine", _one_of("ruleEngine", ("on", "off", "detectiononly"))),
        CtlOption("ruleRemoveById"),
        CtlOption("ruleRemoveByTag", _check_regex),
        CtlOption("ruleRemoveByMsg", _check_regex),
        CtlOption("requestBodyAccess", _one_of("requestBodyAccess", _BOOLEANS, "  ")),
        CtlOption("requestBodyProcessor"),
        CtlOption("forceRequestBodyVariable", _one_of("forceRequestBodyVariable", ("on", "off"), "  ")),
        CtlOption("responseBodyAccess", _one_of("responseBodyAccess", _BOOLEANS, "  ")),
        CtlOption("auditEngine", _one_of("auditEngine", ("on", "off", "relevantonly"), "  ")),
        CtlOption("auditLogParts", _check_audit_log_parts),
        CtlOption("debugLogLevel", _check_debug_log_level),
        CtlOption("requestBodyLimit", _limit("requestBodyLimit", "Request")),
        CtlOption("responseBodyLimit", _limit("responseBodyLimit", "Response")),
        CtlOption("ruleRemoveTargetById", _remove_target("ruleRemoveTargetById", "id", regex=False)),
        CtlOption("ruleRemoveTargetByTag", _remove_target("ruleRemoveTargetByTag", "tag", regex=True)),
        CtlOption("ruleRemoveTargetByMsg", _remove_target("ruleRemoveTargetByMsg", "msg", regex=True)),
        CtlOption("HashEnforcement", _one_of("HashEnforcement", ("on", "off"))),
        CtlOption("HashEngine", _one_of("HashEngine", ("on", "off"))),
    )
}


def get_ctl_option(name: str) -> CtlOption | None:
    """The ``ctl:`` option called ``name`` (case-insensitive), or None."""
    return CTL_OPTIONS.get(name.lower()) if name.isascii() else None


def _check_ctl(value: str) -> None:
    name, equals, setting = value.partition("=")  # parse_name_eq_value: no trimming
    if not equals:
        raise ItemArgumentError(f"Missing ctl value for name: {value}")
    option = get_ctl_option(name)
    if option is None:
        raise ItemArgumentError(f"Invalid ctl name setting: {name}")
    if option.check is not None:
        option.check(setting)


# -- the table -----------------------------------------------------------------------------

_D, _N, _M, _F = ActionKind.DISRUPTIVE, ActionKind.NON_DISRUPTIVE, ActionKind.METADATA, ActionKind.FLOW
_ONE, _MANY = Cardinality.ONE, Cardinality.MANY
_NONE, _GD = CardinalityGroup.NONE, CardinalityGroup.DISRUPTIVE
_GL, _GA = CardinalityGroup.LOG, CardinalityGroup.AUDITLOG

# name, kind, argc_min, argc_max, +/-, cardinality, group, check: v2's registration order.
_REGISTRATIONS: tuple[tuple[str, ActionKind, int, int, bool, Cardinality, CardinalityGroup,
                            Callable[[str], None] | None], ...] = (
    ("id", _M, 1, 1, False, _ONE, _NONE, _check_id),
    ("marker", _M, 1, 1, False, _ONE, _NONE, None),  # SecMarker's placeholder rules
    ("rev", _M, 1, 1, False, _ONE, _NONE, None),
    ("msg", _M, 1, 1, False, _ONE, _NONE, None),
    ("logdata", _M, 1, 1, False, _ONE, _NONE, None),
    ("accuracy", _M, 1, 1, False, _ONE, _NONE, None),  # atoi(), never refused
    ("maturity", _M, 1, 1, False, _ONE, _NONE, None),
    ("ver", _M, 1, 1, False, _ONE, _NONE, None),
    ("severity", _M, 1, 1, False, _ONE, _NONE, None),  # a name or atoi(), never refused
    ("chain", _F, 0, 0, False, _ONE, _NONE, None),
    ("log", _N, 0, 0, False, _ONE, _GL, None),
    ("nolog", _N, 0, 0, False, _ONE, _GL, None),
    ("auditlog", _N, 0, 0, False, _ONE, _GA, None),
    ("noauditlog", _N, 0, 0, False, _ONE, _GA, None),
    ("block", _D, 0, 0, False, _ONE, _GD, None),
    ("deny", _D, 0, 0, False, _ONE, _GD, None),
    ("status", _D, 1, 1, False, _ONE, _NONE, None),  # validate is a no-op ("ENH")
    ("drop", _D, 0, 0, False, _ONE, _GD, None),
    ("pause", _D, 1, 1, False, _ONE, _NONE, None),
    ("redirect", _D, 1, 1, False, _ONE, _GD, None),
    ("proxy", _D, 1, 1, False, _ONE, _GD, None),
    ("pass", _D, 0, 0, False, _ONE, _GD, None),
    ("skip", _D, 1, 1, False, _ONE, _GD, None),  # atoi(); <= 0 becomes 1
    ("skipAfter", _D, 1, 1, False, _ONE, _GD, None),
    ("allow", _D, 0, 1, False, _ONE, _GD, _check_allow),
    ("phase", _D, 1, 1, False, _ONE, _NONE, _check_phase),
    ("t", _N, 1, 1, True, _MANY, _NONE, None),
    ("ctl", _N, 1, 1, False, _MANY, _NONE, _check_ctl),
    ("xmlns", _N, 1, 1, False, _MANY, _NONE, _check_xmlns),
    ("capture", _N, 0, 0, False, _ONE, _NONE, None),
    ("sanitiseArg", _N, 1, 1, False, _MANY, _NONE, None),
    ("sanitiseMatchedBytes", _N, 0, 1, False, _MANY, _NONE, None),
    ("sanitizeMatchedBytes", _N, 0, 1, False, _MANY, _NONE, None),
    ("sanitizeArg", _N, 1, 1, False, _MANY, _NONE, None),
    ("sanitiseMatched", _N, 0, 0, False, _MANY, _NONE, None),
    ("sanitizeMatched", _N, 0, 0, False, _MANY, _NONE, None),
    ("sanitiseRequestHeader", _N, 1, 1, False, _MANY, _NONE, None),
    ("sanitizeRequestHeader", _N, 1, 1, False, _MANY, _NONE, None),
    ("sanitiseResponseHeader", _N, 1, 1, False, _MANY, _NONE, None),
    ("sanitizeResponseHeader", _N, 1, 1, False, _MANY, _NONE, None),
    ("setenv", _N, 1, 1, False, _MANY, _NONE, None),  # setenv/setvar/...: parsed at run time only
    ("setvar", _N, 1, 1, False, _MANY, _NONE, None),
    ("expirevar", _N, 1, 1, False, _MANY, _NONE, None),
    ("deprecatevar", _N, 1, 1, False, _MANY, _NONE, None),
    ("initcol", _N, 1, 1, False, _MANY, _NONE, None),
    ("setsid", _N, 1, 1, False, _ONE, _NONE, None),
    ("setrsc", _N, 1, 1, False, _ONE, _NONE, None),
    ("setuid", _N, 1, 1, False, _ONE, _NONE, None),
    ("exec", _N, 1, 1, False, _MANY, _NONE, _check_exec),
    ("multiMatch", _N, 0, 0, False, _ONE, _NONE, None),
    ("tag", _M, 1, 1, False, _MANY, _NONE, None),
    ("prepend", _N, 1, 1, False, _ONE, _NONE, None),
    ("append", _N, 1, 1, False, _ONE, _NONE, None),
)

ACTIONS: dict[str, ActionSpec] = {entry[0].lower(): ActionSpec(*entry) for entry in _REGISTRATIONS}


def get_action(name: str) -> ActionSpec | None:
    """The action called ``name`` (case-insensitive, as v2's apr_table lookup), or None."""
    return ACTIONS.get(name.lower()) if name.isascii() else None
