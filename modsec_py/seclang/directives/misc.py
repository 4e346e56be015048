"""The remaining engine directives: signatures and ids, SecRulePerfTime, and the features
modsec_py accepts without effect (status engine, chroot, guardian log, transformation cache)
or refuses once they are turned on (content injection, stream inspection, hashing, remote rules).

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``): a value v2 refuses is refused with v2's message
before modsec_py's own refusal applies. docs/DEVIATIONS.md lists the no-ops and refusals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from modsec_py.config import RemoteRulesFailAction
from modsec_py.seclang.directives._common import (
    LONG_MAX,
    LONG_MIN,
    appendable,
    c_integer,
    chdir_error,
    flag,
    on_off,
    positive_long,
    refuse,
    second,
    server_root_relative,
    strerror,
)
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive


# -- identity, signatures, performance -----------------------------------------------------------

@directive("SecComponentSignature", Arity.TAKE1, "component signature to add to ModSecurity signature.")
def sec_component_signature(state: LoadState, d: Directive) -> None:
    state.config.component_signatures.append(d.args[0])  # the audit log's Producer line


@directive("SecSensorId", Arity.TAKE1, "sensor id")
def sec_sensor_id(state: LoadState, d: Directive) -> None:
    state.config.sensor_id = d.args[0]


@directive("SecWebAppId", Arity.TAKE1, "id")
def sec_web_app_id(state: LoadState, d: Directive) -> None:
    state.config.web_app_id = d.args[0]


@directive("SecRulePerfTime", Arity.TAKE1, "Threshold to log slow rules in usecs.")
def sec_rule_perf_time(state: LoadState, d: Directive) -> None:
    state.config.rule_perf_time = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecRulePerfTime: {d.args[0]}")


# -- accepted without effect ----------------------------------------------------------------------

SERVER_SIGNATURE_REASON = ("Apache writes the Server response header from its own banner (ServerTokens); "
                           "modsec_py runs inside mod_wsgi and cannot rewrite that banner")


@directive("SecServerSignature", Arity.TAKE1, "the new signature of the server", support=Support.NOOP,
           reason=SERVER_SIGNATURE_REASON)
def sec_server_signature(state: LoadState, d: Directive) -> None:
    state.config.server_signature = d.args[0]


@directive("SecStatusEngine", Arity.TAKE1, "On or Off", support=Support.NOOP,
           reason="modsec_py never reports its status to the ModSecurity project (v2's status engine sends "
                  "one DNS query at start-up and changes no verdict and no log)")
def sec_status_engine(state: LoadState, d: Directive) -> None:
    state.config.status_engine = on_off(
        d.args[0], f"ModSecurity: Invalid value for SecStatusEngine: {d.args[0]}")


@directive("SecChrootDir", Arity.TAKE1, "path of the directory to which server will be chrooted",
           support=Support.NOOP,
           reason="modsec_py runs inside an Apache process (mod_wsgi) and cannot chroot Apache; use "
                  "Apache's own ChrootDir directive")
def sec_chroot_dir(state: LoadState, d: Directive) -> None:
    error = chdir_error(d.args[0])  # v2 checks it can chdir there (and back)
    if error is not None:
        raise DirectiveArgumentError(
            f"ModSecurity: Failed to chdir to {d.args[0]}, errno={error.errno} ({strerror(error)})")
    state.config.chroot_dir = d.args[0]


@directive("SecGuardianLog", Arity.TAKE12, "The filename of the filter debugging log file",
           support=Support.NOOP,
           reason="the guardian log feeds the external httpd-guardian tool and is not written; it changes no "
                  "verdict and none of the error, audit or debug logs")
def sec_guardian_log(state: LoadState, d: Directive) -> None:
    condition = None
    clause = second(d)
    if clause is not None:
        if not clause.startswith("env="):
            raise DirectiveArgumentError("ModSecurity: Error in condition clause")
        condition = clause[4:]
        if condition in ("", "!"):
            raise DirectiveArgumentError("ModSecurity: Missing variable name")
    name = d.args[0]
    if name.startswith("|"):
        target = "|" + server_root_relative(state, name[1:])
    else:
        target = server_root_relative(state, name)
        if not appendable(target):
            raise DirectiveArgumentError(f"ModSecurity: Failed to open the guardian log file: {target}")
    state.config.guardian_log = target
    state.config.guardian_log_condition = condition


@directive("SecCacheTransformations", Arity.TAKE12,
           "whether or not to cache transformations. Defaults to true.",
           support=Support.NOOP,
           reason="the transformation cache only saves time: every transformation result is the same "
                  "without it")
def sec_cache_transformations(state: LoadState, d: Directive) -> None:
    config = state.config
    config.cache_transformations = on_off(
        d.args[0], f"ModSecurity: Invalid value for SecCacheTransformations: {d.args[0]}")
    options_text = second(d)
    if options_text is None:
        return
    try:
        pairs = _parse_generic(options_text)
    except ValueError as error:
        raise DirectiveArgumentError(
            f"ModSecurity: Unable to parse options for SecCacheTransformations: {error}") from None
    options: dict[str, str | None] = {}
    for name, value in pairs:  # apr_table_get: case-insensitive, the first entry wins
        options.setdefault(name.lower(), value)
    incremental = options.get("incremental")
    if incremental is not None:
        config.cache_transformations_incremental = on_off(
            incremental, f"ModSecurity: SecCacheTransformations invalid incremental value: {incremental}")
    min_len = options.get("minlen")
    if min_len is not None:
        config.cache_transformations_min_len = _cache_size(min_len, "minlen")
        config.cache_transformations_min_len_set = True
    max_len = options.get("maxlen")
    if max_len is not None:
        value = _cache_size(max_len, "maxlen")
        # v2 compares with minlen even when minlen was never set (then it is (size_t)-1).
        current_min = config.cache_transformations_min_len
        if not config.cache_transformations_min_len_set:
            current_min = 2**64 - 1
        if value != 0 and value < current_min:
            raise DirectiveArgumentError(
                "ModSecurity: SecCacheTransformations maxlen must not be less than minlen: "
                f"{value} < {current_min}")
        config.cache_transformations_max_len = value
    max_items = options.get("maxitems")
    if max_items is not None:
        config.cache_transformations_max_items = _cache_size(max_items, "maxitems")


def _cache_size(text: str, name: str) -> int:
    """``apr_atoi64`` of a SecCacheTransformations option, with v2's range and sign checks."""
    value = c_integer(text)
    if not LONG_MIN <= value <= LONG_MAX:  # strtoll sets ERANGE
        raise DirectiveArgumentError(f"ModSecurity: SecCacheTransformations {name} out of range: {text}")
    if value < 0:
        raise DirectiveArgumentError(f"ModSecurity: SecCacheTransformations {name} must be positive: {text}")
    return value


_SPACE = " \t\n\v\f\r"


def _parse_generic(text: str) -> list[tuple[str, str | None]]:
    """v2's ``msre_parse_generic`` (``name[:value]`` items); ValueError carries v2's message."""
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
            raise ValueError(f"Unexpected character at position {position}: {text}")
        position += 1
        if position >= end or text[position] in ",|":
            pairs.append((name, None))
            position += 1
            continue
        if text[position] == "'":
            value, position = _quoted(text, position + 1)
        else:
            start = position
            while position < end and text[position] not in ",|" and text[position] not in _SPACE:
                position += 1
            value = text[start:position]
        pairs.append((name, value))
        while position < end and (text[position] in _SPACE or text[position] in ",|"):
            position += 1
    return pairs


def _quoted(text: str, position: int) -> tuple[str, int]:
    out: list[str] = []
    while True:
        if position >= len(text):
            raise ValueError(f"Missing closing quote at position {position}: {text}")
        char = text[position]
        if char == "\\":
            if position + 1 >= len(text) or text[position + 1] not in "'\\":
                raise ValueError(f"Invalid quoted pair at position {position}: {text}")
            out.append(text[position + 1])
            position += 2
        elif char == "'":
            return "".join(out), position + 1
        else:
            out.append(char)
            position += 1


# -- refused once turned on -----------------------------------------------------------------------

STREAM_IN_REASON = "STREAM_INPUT_BODY and rewriting request bodies (@rsub) are not implemented"
STREAM_OUT_REASON = "STREAM_OUTPUT_BODY and rewriting response bodies (@rsub) are not implemented"
HASH_ENGINE_REASON = ("the hash engine (signing links and forms in responses, checked by @validateHash) "
                      "is not implemented")
HASH_FAMILY_REASON = ("it configures the hash engine, which modsec_py does not implement "
                      "(SecHashEngine On is refused)")
REMOTE_RULES_REASON = ("modsec_py does not download rules when it starts; fetch the file yourself and "
                       "Include it")


@directive("SecContentInjection", Arity.FLAG, "On or Off")
def sec_content_injection(state: LoadState, d: Directive) -> None:
    # Stored: the prepend/append actions act on response bodies in the connector.
    state.config.content_injection = flag(d)


@directive("SecStreamInBodyInspection", Arity.FLAG, "On or Off", support=Support.REFUSED,
           reason=STREAM_IN_REASON)
def sec_stream_in_body_inspection(state: LoadState, d: Directive) -> None:
    if flag(d):
        raise refuse(d, STREAM_IN_REASON)
    state.config.stream_in_body_inspection = False


@directive("SecStreamOutBodyInspection", Arity.FLAG, "On or Off", support=Support.REFUSED,
           reason=STREAM_OUT_REASON)
def sec_stream_out_body_inspection(state: LoadState, d: Directive) -> None:
    if flag(d):
        raise refuse(d, STREAM_OUT_REASON)
    state.config.stream_out_body_inspection = False


@directive("SecHashEngine", Arity.TAKE1, "On or Off", support=Support.REFUSED, reason=HASH_ENGINE_REASON)
def sec_hash_engine(state: LoadState, d: Directive) -> None:
    if on_off(d.args[0], f"ModSecurity: Invalid value for SecHashEngine: {d.args[0]}"):
        raise refuse(d, HASH_ENGINE_REASON)
    state.config.hash_engine = False


_HASH_KEY_ADD = {"keyonly": "KeyOnly", "sessionid": "SessionID", "remoteip": "RemoteIP"}
_HASH_METHODS = frozenset({"hashhref", "hashformaction", "hashlocation", "hashiframesrc", "hashframesrc"})


@directive("SecHashKey", Arity.TAKE2, "Set Hash key", support=Support.NOOP, reason=HASH_FAMILY_REASON)
def sec_hash_key(state: LoadState, d: Directive) -> None:
    key, add = d.args
    state.config.hash_key = None if key.lower() == "rand" else key  # "Rand": v2 draws a random key
    # v2 ignores an unknown second argument.
    state.config.hash_key_add = _HASH_KEY_ADD.get(add.lower(), state.config.hash_key_add)


@directive("SecHashParam", Arity.TAKE1, "Set Hash parameter", support=Support.NOOP, reason=HASH_FAMILY_REASON)
def sec_hash_param(state: LoadState, d: Directive) -> None:
    state.config.hash_param = d.args[0]


@directive("SecHashMethodPm", Arity.TAKE2, "Hash method and pattern", support=Support.NOOP,
           reason=HASH_FAMILY_REASON)
def sec_hash_method_pm(state: LoadState, d: Directive) -> None:
    state.config.hash_methods.append(("Pm", d.args[0], d.args[1]))


@directive("SecHashMethodRx", Arity.TAKE2, "Hash method and regex", support=Support.NOOP,
           reason=HASH_FAMILY_REASON)
def sec_hash_method_rx(state: LoadState, d: Directive) -> None:
    method, pattern = d.args
    if method.lower() in _HASH_METHODS:  # v2 compiles the pattern only for a method it knows
        try:
            regex.compile(pattern, regex.DOTALL | regex.VERSION0)
        except (regex.error, ValueError, OverflowError):
            raise DirectiveArgumentError(f"ModSecurity: Invalid regular expression: {pattern}") from None
    state.config.hash_methods.append(("Rx", method, pattern))


@directive("SecRemoteRules", Arity.TAKE23, "key and URI to the remote rules", support=Support.REFUSED,
           reason=REMOTE_RULES_REASON)
def sec_remote_rules(state: LoadState, d: Directive) -> None:
    key, uri = d.args[0], d.args[1]
    if d.args[0][:6].lower() == "crypto":
        key, uri = d.args[1], (d.args[2] if len(d.args) == 3 else None)
    if uri is None or key is None:
        raise DirectiveArgumentError("ModSecurity: Use SecRemoteRule with Key and URI")
    if uri[:5].lower() != "https":
        raise DirectiveArgumentError(f"ModSecurity: Invalid URI: '{uri}'. Expected HTTPS.")
    raise refuse(d, REMOTE_RULES_REASON)


@directive("SecRemoteRulesFailAction", Arity.TAKE1, "Abort or Warn", support=Support.NOOP,
           reason="it only matters for SecRemoteRules, which modsec_py refuses")
def sec_remote_rules_fail_action(state: LoadState, d: Directive) -> None:
    lowered = d.args[0].lower()
    if lowered.startswith("warn"):  # v2 compares only the first 4 or 5 characters
        state.config.remote_rules_fail_action = RemoteRulesFailAction.WARN
    elif lowered.startswith("abort"):
        state.config.remote_rules_fail_action = RemoteRulesFailAction.ABORT
    else:
        raise DirectiveArgumentError(
            "ModSecurity: Invalid value for SecRemoteRulesFailAction, expected: Abort or Warn.")
