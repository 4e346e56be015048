"""mod_headers' ``RequestHeader`` / ``Header`` lines from rule files, carried out by the connector.

Apache runs mod_headers' request fixup after ModSecurity's phase 2 (both at fixups, v2 first)
and its output filter after ModSecurity's (phase 3 sees the application's headers, the
client gets the changed ones). ``%{VAR}e`` reads what ``setenv`` set. Operations come from
``waf.header_ops`` (see :mod:`modsec_py.seclang.apache_directives`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

Headers = list[tuple[str, str]]


def _combine(action: str, headers: Headers, name: str, value: str) -> Headers:
    """mod_headers' set / append / add / merge / setifempty / unset on a header list."""
    lowered = name.lower()
    present = [item for item in headers if item[0].lower() == lowered]
    others = [item for item in headers if item[0].lower() != lowered]
    if action == "unset":
        return others
    if action == "add" or (not present and action != "unset"):
        return headers + [(name, value)]
    if action == "set":
        return others + [(name, value)]
    if action == "setifempty":
        return headers if any(item[1] for item in present) else others + [(name, value)]
    current = ", ".join(item[1] for item in present)
    if action == "merge" and value in (token.strip() for token in current.split(",")):
        return headers
    return others + [(present[0][0], f"{current}, {value}" if current else value)]


def carry_out(ops: Iterable[Any], headers: Headers, env: dict[str, str],
              request_header: Callable[[str], str | None], started: float) -> Headers:
    now = time.time()
    for op in ops:
        if not op.applies(env):
            continue
        if op.action.startswith("edit"):
            lowered = op.name.lower()
            headers = [(name, op.edit(value) if name.lower() == lowered else value) for name, value in headers]
            continue
        value = "" if op.value is None else op.expand(env, request_header, int(started * 1e6), int(now * 1e6))
        headers = _combine(op.action, headers, op.name, value)
    return headers


def _environ_key(name: str) -> str:
    upper = name.upper().replace("-", "_")
    return upper if upper in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + upper


def request_headers(environ: MutableMapping[str, Any], ops: Iterable[Any], env: dict[str, str],
                    started: float, early: bool = False) -> None:
    """``RequestHeader`` lines: the application (or the upstream) sees the changed headers;
    ``early`` ones run before phase 1, so the rules see them too."""
    wanted = [op for op in ops if not op.response and op.early == early]
    if not wanted:
        return
    names = {op.name.lower() for op in wanted}
    current = [(name, str(environ[_environ_key(name)])) for name in sorted(names) if _environ_key(name) in environ]

    def request_header(name: str) -> str | None:
        found = environ.get(_environ_key(name))
        return None if found is None else str(found)

    changed = carry_out(wanted, current, env, request_header, started)
    for name in names:
        environ.pop(_environ_key(name), None)
    for name, value in changed:
        key = _environ_key(name)
        environ[key] = f"{environ[key]}, {value}" if key in environ else value


def response_headers(headers: Headers, ops: Iterable[Any], env: dict[str, str], environ: MutableMapping[str, Any],
                     started: float, error_page: bool) -> Headers:
    """``Header`` lines on what the client gets (on the connector's own error pages, ``always`` ones only)."""
    wanted = [op for op in ops if op.response and (op.always or not error_page)]
    if not wanted:
        return headers

    def request_header(name: str) -> str | None:
        found = environ.get(_environ_key(name))
        return None if found is None else str(found)

    return carry_out(wanted, headers, env, request_header, started)
