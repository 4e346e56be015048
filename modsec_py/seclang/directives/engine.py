"""Engine switches: SecRuleEngine, body access, SecInterceptOnError, PCRE limits, inheritance.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.config import BodyLimitAction, RuleEngineMode
from modsec_py.seclang.directives._common import atol, flag, on_off
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

_ENGINE_MODES = {
    "on": RuleEngineMode.ON, "off": RuleEngineMode.OFF, "detectiononly": RuleEngineMode.DETECTION_ONLY}


@directive("SecRuleEngine", Arity.TAKE1, "On or Off")
def sec_rule_engine(state: LoadState, d: Directive) -> None:
    mode = _ENGINE_MODES.get(d.args[0].lower())
    if mode is None:
        raise DirectiveArgumentError(f"ModSecurity: Invalid value for SecRuleEngine: {d.args[0]}")
    state.config.rule_engine = mode
    if mode is RuleEngineMode.DETECTION_ONLY:
        # v2 also switches both body limit actions to ProcessPartial here (and keeps them so).
        state.config.request_body_limit_action = BodyLimitAction.PROCESS_PARTIAL
        state.config.response_body_limit_action = BodyLimitAction.PROCESS_PARTIAL


@directive("SecRequestBodyAccess", Arity.TAKE1, "On or Off")
def sec_request_body_access(state: LoadState, d: Directive) -> None:
    state.config.request_body_access = on_off(
        d.args[0], f"ModSecurity: Invalid value for SecRequestBodyAccess: {d.args[0]}")


@directive("SecResponseBodyAccess", Arity.TAKE1, "On or Off")
def sec_response_body_access(state: LoadState, d: Directive) -> None:
    state.config.response_body_access = on_off(
        d.args[0], f"ModSecurity: Invalid value for SecResponseBodyAccess: {d.args[0]}")


@directive("SecInterceptOnError", Arity.TAKE1, "On or Off")
def sec_intercept_on_error(state: LoadState, d: Directive) -> None:
    state.config.intercept_on_error = on_off(
        d.args[0], f"ModSecurity: Invalid value for SecInterceptOnError: {d.args[0]}")


@directive("SecPcreMatchLimit", Arity.TAKE1, "PCRE match limit")
def sec_pcre_match_limit(state: LoadState, d: Directive) -> None:
    value = atol(d.args[0])
    if value <= 0:
        raise DirectiveArgumentError(f"ModSecurity: Invalid setting for SecPcreMatchLimit: {d.args[0]}")
    state.config.pcre_match_limit = value


@directive("SecPcreMatchLimitRecursion", Arity.TAKE1, "PCRE match limit recursion")
def sec_pcre_match_limit_recursion(state: LoadState, d: Directive) -> None:
    value = atol(d.args[0])
    if value <= 0:
        raise DirectiveArgumentError(
            f"ModSecurity: Invalid setting for SecPcreMatchLimitRecursion: {d.args[0]}")
    state.config.pcre_match_limit_recursion = value


@directive("SecRuleInheritance", Arity.FLAG, "On or Off")
def sec_rule_inheritance(state: LoadState, d: Directive) -> None:
    # Inside a <Location> section: whether the section also runs the enclosing rules.
    state.config.rule_inheritance = flag(d)
