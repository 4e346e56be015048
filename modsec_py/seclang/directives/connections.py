"""Connection-state limits: SecConnEngine, SecConn{Read,Write}StateLimit and their old names.

In ModSecurity 2.9.7 these count an IP address's Apache worker threads in the READ or
WRITE state (Apache's scoreboard) when a connection opens, log when a limit is passed and,
under SecConnEngine On, drop the connection. modsec_py runs inside mod_wsgi, per request,
and never sees connection states: the limits are accepted without effect and SecConnEngine
is refused unless Off. Arity, help text, validation and messages are v2.9.7's, including
the optional ``[!]@ipMatch|@ipMatchF|@ipMatchFromFile`` argument that exempts or targets IPs.
"""

from __future__ import annotations

import ipaddress
import os
from typing import TYPE_CHECKING

from modsec_py._util import sources
from modsec_py.config import RuleEngineMode
from modsec_py.seclang.directives._common import atoi, positive_long, refuse, second, strerror
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

CONN_ENGINE_REASON = ("connection limits act on Apache's worker threads (its scoreboard), which modsec_py, "
                      "running inside mod_wsgi, cannot see; use mod_reqtimeout or mod_qos instead")
STATE_LIMIT_REASON = ("it limits an IP address's Apache connections in the READ/WRITE state (Apache's "
                      "scoreboard), which modsec_py, running inside mod_wsgi, never sees")

_CONN_MODES = {
    "on": RuleEngineMode.ON, "off": RuleEngineMode.OFF, "detectiononly": RuleEngineMode.DETECTION_ONLY}


@directive("SecConnEngine", Arity.TAKE1, "On or Off", support=Support.REFUSED, reason=CONN_ENGINE_REASON)
def sec_conn_engine(state: LoadState, d: Directive) -> None:
    mode = _CONN_MODES.get(d.args[0].lower())
    if mode is None:
        raise DirectiveArgumentError(f"ModSecurity: Invalid value for SecConnEngine: {d.args[0]}")
    if mode is not RuleEngineMode.OFF:
        raise refuse(d, CONN_ENGINE_REASON)
    state.config.conn_engine = mode


def _limit(d: Directive, canonical: str) -> int:
    limit = positive_long(d.args[0], f"ModSecurity: Invalid value for {canonical}: {d.args[0]}")
    operator = second(d)
    if operator is not None:
        _check_ip_operator(d, operator)
    return limit


@directive("SecConnReadStateLimit", Arity.TAKE12,
           "maximum number of threads in READ_BUSY state per ip address",
           support=Support.NOOP, reason=STATE_LIMIT_REASON)
def sec_conn_read_state_limit(state: LoadState, d: Directive) -> None:
    state.config.conn_read_state_limit = _limit(d, "SecConnReadStateLimit")


@directive("SecConnWriteStateLimit", Arity.TAKE12,
           "maximum number of threads in WRITE_BUSY state per ip address",
           support=Support.NOOP, reason=STATE_LIMIT_REASON)
def sec_conn_write_state_limit(state: LoadState, d: Directive) -> None:
    state.config.conn_write_state_limit = _limit(d, "SecConnWriteStateLimit")


@directive("SecReadStateLimit", Arity.TAKE12, "maximum number of threads in READ_BUSY state per ip address",
           support=Support.NOOP, reason=STATE_LIMIT_REASON)
def sec_read_state_limit(state: LoadState, d: Directive) -> None:
    state.warn(d, "SecReadStateLimit is deprecated, use SecConnReadStateLimit instead")
    state.config.conn_read_state_limit = _limit(d, "SecConnReadStateLimit")


@directive("SecWriteStateLimit", Arity.TAKE12, "maximum number of threads in WRITE_BUSY state per ip address",
           support=Support.NOOP, reason=STATE_LIMIT_REASON)
def sec_write_state_limit(state: LoadState, d: Directive) -> None:
    state.warn(d, "SecWriteStateLimit is deprecated, use SecConnWriteStateLimit instead")
    state.config.conn_write_state_limit = _limit(d, "SecConnWriteStateLimit")


# -- the IP list argument (v2's parser_conn_limits_operator) ---------------------------------------

_FILE_OPERATORS = ("!@ipmatchfromfile", "!@ipmatchf", "@ipmatchfromfile", "@ipmatchf")


def _check_ip_operator(d: Directive, text: str) -> None:
    space = text.find(" ")
    if space < 0:
        raise DirectiveArgumentError(
            "ModSecurity: Space character between operator and parameter not found with "
            f"ConnReadStateLimit: {text}")
    param = text[space + 1:]
    lowered = text.lower()
    # v2 compares prefixes, in this order, ignoring case (so "@ipMatchXYZ 1.2.3.4" is @ipMatch).
    if lowered.startswith(_FILE_OPERATORS):
        _check_ip_file(d, param)
    elif lowered.startswith(("!@ipmatch", "@ipmatch")):
        _check_ip_list(param)
    else:
        raise DirectiveArgumentError(
            f"ModSecurity: Invalid operator for SecConnReadStateLimit: {text}, expected operators: @ipMatch, "
            "@ipMatchF or @ipMatchFromFile with or without !")


def _check_ip_list(param: str) -> None:
    entries = [entry for entry in param.split(",") if entry]  # apr_strtok: empty items are skipped
    first = entries[0] if entries else ""  # v2 names the parameter after apr_strtok cut it
    for entry in entries:
        if not valid_ip_entry(entry):
            raise DirectiveArgumentError(
                f'ModSecurity: failed to load IPs from: {first} Could not add entry "{entry}" from: {first}.')


def _check_ip_file(d: Directive, param: str) -> None:
    path = os.path.normpath(os.path.join(d.directory, param))  # apr_filepath_merge(config dir, param)
    try:
        lines = sources.read(path).decode("latin-1").split("\n")
    except OSError as error:
        raise DirectiveArgumentError(
            f'ModSecurity: failed to load IPs from: {param} Could not open ipmatch file "{path}": '
            f"{strerror(error)}") from None
    for number, line in enumerate(lines, start=1):
        entry = line.strip(" \t\r\n\v\f")
        if not entry or entry.startswith("#"):
            continue
        if not valid_ip_entry(entry):
            raise DirectiveArgumentError(
                f'ModSecurity: failed to load IPs from: {param} Could not add entry "{entry}" '
                f"in line {number} of file {path} to IP list")


def valid_ip_entry(entry: str) -> bool:
    """An address or CIDR block as v2's IP tree takes it.

    The address is read like ``inet_pton`` (no zone id), the mask with ``atoi``; v2 refuses
    a mask of 0 and a full-length one (``/32``, ``/128``).
    """
    address, slash, mask = entry.partition("/")
    if "%" in address:
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not slash or 1 <= atoi(mask) < parsed.max_prefixlen
