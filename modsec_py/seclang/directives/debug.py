"""The debug log: SecDebugLog and SecDebugLogLevel.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``). The path resolves against Apache's ServerRoot and
must be openable for appending when the directive is read (v2 opens it there; we check
without creating it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.seclang.directives._common import appendable, atoi, server_root_relative
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive


@directive("SecDebugLog", Arity.TAKE1, "path to the debug log file")
def sec_debug_log(state: LoadState, d: Directive) -> None:
    path = server_root_relative(state, d.args[0])  # no piped logger here: "|x" is a file name in v2
    if not appendable(path):
        raise DirectiveArgumentError(f"ModSecurity: Failed to open debug log file: {path}")
    state.config.debug_log = path


@directive("SecDebugLogLevel", Arity.TAKE1,
           "debug log level, which controls the verbosity of logging. Use values from 0 (no logging) to 9 "
           "(a *lot* of logging).")
def sec_debug_log_level(state: LoadState, d: Directive) -> None:
    level = atoi(d.args[0])  # as in v2, "abc" is level 0 and "5x" is level 5
    if not 0 <= level <= 9:
        raise DirectiveArgumentError(f"ModSecurity: Invalid value for SecDebugLogLevel: {d.args[0]}")
    state.config.debug_log_level = level
