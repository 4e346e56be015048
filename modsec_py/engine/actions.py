"""The non-disruptive actions v2 runs on every match: setvar, setenv, collections, ctl, ...

Each reproduces the corresponding ``msre_action_*_execute`` of v2 (apache2/re_actions.c):
names and values are macro-expanded at run time, relative setvar changes are C ``atoi``
arithmetic that never goes below zero, a setvar on a collection that was not opened with
initcol is ignored (debug log level 3), ``ctl`` changes this transaction only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from modsec_py._util.cnum import atoi, strtol
from modsec_py.config import RuleEngineMode
from modsec_py.engine.compiled import CompiledAction, CompiledRule
from modsec_py.engine.exclusions import RuntimeExclusions

if TYPE_CHECKING:
    from modsec_py.engine.transaction import Transaction

_PERSISTENT = ("IP", "SESSION", "USER", "GLOBAL", "RESOURCE")


def run_actions(tx: Transaction, rule: CompiledRule) -> None:
    for action in rule.actions:
        handler = _HANDLERS.get(action.name)
        if handler is not None:
            handler(tx, rule, action)


def _expand(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> bytes:
    if action.macro is None:
        return b""
    return action.macro.expand(tx.data, rule.acting)


def _setvar(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    text = action.value or ""
    name_text, equals, value_text = text.partition("=")
    value_text = value_text.lstrip(" \t\n\r\f\v") if equals else "1"
    name = tx.expand_text(name_text, rule)
    negated = name.startswith(b"!")
    if negated:
        name = name[1:]
    collection_name, dot, key = name.partition(b".")
    if not dot:
        tx.debug(3, f'Asked to set variable "{name.decode("latin-1")}", but no collection name specified. ')
        return
    collection = tx.collection(collection_name.decode("latin-1"))
    if collection is None:
        tx.debug(3, f'Could not set variable "{name.decode("latin-1")}" as the collection does not exist.')
        return
    if negated:
        collection.remove(key.lower())
        return
    if value_text[:1] in ("+", "-"):
        current = collection.value(key.lower())
        number = atoi(current.decode("latin-1")) if current is not None else 0
        number += atoi(tx.expand_text(value_text, rule).decode("latin-1"))
        collection.set(key, str(max(number, 0)).encode())
    else:
        collection.set(key, tx.expand_text(value_text, rule))


def _setenv(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    name_text, _equals, value_text = (action.value or "").partition("=")
    name = tx.expand_text(name_text, rule)
    if name.startswith(b"!"):
        tx.data.env.remove(name[1:].lower())
    else:
        tx.data.env.set(name, tx.expand_text(value_text, rule))


def _initcol(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    name, _equals, key_text = (action.value or "").partition("=")
    tx.open_collection(name.upper(), tx.expand_text(key_text, rule))


def _set_named(collection: str) -> Callable[[Transaction, CompiledRule, CompiledAction], None]:
    def run(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
        key = _expand(tx, rule, action)
        if collection == "SESSION":
            tx.data.sessionid = key
        elif collection == "USER":
            tx.data.userid = key
        tx.open_collection(collection, key)

    return run


def _expirevar(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    name_text, _equals, value_text = (action.value or "").partition("=")
    name = tx.expand_text(name_text, rule)
    collection_name, dot, key = name.partition(b".")
    collection = tx.collection(collection_name.decode("latin-1")) if dot else None
    if collection is None or collection_name.upper() == b"TX":
        return
    seconds = atoi(tx.expand_text(value_text or "1", rule).decode("latin-1"))
    collection.set(b"__expire_" + key, str(int(tx.data.started) + seconds).encode())


def _deprecatevar(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    name_text, _equals, value_text = (action.value or "").partition("=")
    name = tx.expand_text(name_text, rule)
    collection_name, dot, key = name.partition(b".")
    collection = tx.collection(collection_name.decode("latin-1")) if dot else None
    if collection is None:
        return
    current = collection.value(key.lower())
    last_update = collection.value(b"last_update_time")
    amount, slash, period = tx.expand_text(value_text or "1", rule).decode("latin-1").partition("/")
    if current is None or last_update is None or not slash or strtol(period) == 0:
        return
    elapsed = int(time.time()) - atoi(last_update.decode("latin-1"))
    value = max(atoi(current.decode("latin-1")) - strtol(amount) * (elapsed // strtol(period)), 0)
    collection.set(key, str(value).encode())


def _ctl(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    option, _equals, value = (action.value or "").partition("=")
    option = option.strip().lower()
    value = value.strip()
    if option == "ruleengine":
        tx.mode = {"on": RuleEngineMode.ON, "off": RuleEngineMode.OFF}.get(value.lower(), RuleEngineMode.DETECTION_ONLY)
    elif option.startswith("ruleremove"):
        if tx.exclusions is None:
            tx.exclusions = RuntimeExclusions()
        tx.exclusions.add(option, value)
    elif option == "requestbodyaccess":
        tx.request_body_access = value.lower() in ("on", "true", "1")
    elif option == "responsebodyaccess":
        tx.response_body_access = value.lower() in ("on", "true", "1")
    elif option == "requestbodyprocessor":
        tx.request_body_processor = value.upper()
        tx.data.reqbody_processor = value.upper().encode("latin-1")
    elif option == "forcerequestbodyvariable":
        tx.force_request_body_variable = value.lower() == "on"
    elif option == "requestbodylimit":
        tx.request_body_limit = strtol(value)
    elif option == "responsebodylimit":
        tx.response_body_limit = strtol(value)
    elif option == "auditengine":
        tx.audit_engine = value
    elif option == "auditlogparts":
        tx.set_audit_parts(value)
    elif option == "debugloglevel":
        tx.debug_level = atoi(value)


def _sanitise(kind: str) -> Callable[[Transaction, CompiledRule, CompiledAction], None]:
    def run(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
        if kind.startswith("matched"):  # the variable that matched (its name), as v2 records it
            matched = tx.data.matched_var
            argument = matched.name.encode("latin-1") if matched is not None else b""
        else:
            argument = _expand(tx, rule, action) if action.value is not None else b""
        tx.sanitise(kind, argument)

    return run


def _content(where: str) -> Callable[[Transaction, CompiledRule, CompiledAction], None]:
    def run(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
        tx.inject(where, _expand(tx, rule, action))

    return run


def _exec(tx: Transaction, rule: CompiledRule, action: CompiledAction) -> None:
    tx.run_program(action.value or "")


_HANDLERS: dict[str, Callable[[Transaction, CompiledRule, CompiledAction], None]] = {
    "setvar": _setvar,
    "setenv": _setenv,
    "initcol": _initcol,
    "setsid": _set_named("SESSION"),
    "setuid": _set_named("USER"),
    "setrsc": _set_named("RESOURCE"),
    "expirevar": _expirevar,
    "deprecatevar": _deprecatevar,
    "ctl": _ctl,
    "exec": _exec,
    "prepend": _content("prepend"),
    "append": _content("append"),
}
for _name, _kind in (("sanitiseArg", "arg"), ("sanitizeArg", "arg"), ("sanitiseMatched", "matched"),
                     ("sanitizeMatched", "matched"), ("sanitiseMatchedBytes", "matched_bytes"),
                     ("sanitizeMatchedBytes", "matched_bytes"), ("sanitiseRequestHeader", "request_header"),
                     ("sanitizeRequestHeader", "request_header"), ("sanitiseResponseHeader", "response_header"),
                     ("sanitizeResponseHeader", "response_header")):
    _HANDLERS[_name] = _sanitise(_kind)
