"""The audit log: SecAuditEngine, SecAuditLog, SecAuditLog2, parts, type, format, modes.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``). Like v2, a log file must be openable for
appending when the directive is read (v2 opens it there; we check without creating it),
and its path resolves against Apache's ServerRoot. A value starting with ``|`` is a piped
logger, stored as written (SecAuditLog2 resolves the command against ServerRoot, as v2 does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

from modsec_py.config import AuditEngineMode, AuditLogFormat, AuditLogType
from modsec_py.seclang.directives._common import appendable, octal_mode, server_root_relative
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

_VALID_PARTS = frozenset("ABCDEFGHIJKZ")  # v2's is_valid_parts_specification: A-K and Z


def _unrecognised(d: Directive) -> DirectiveArgumentError:
    return DirectiveArgumentError(f"ModSecurity: Unrecognised parameter value for {d.name}: {d.args[0]}")


_AUDIT_ENGINE = {
    "on": AuditEngineMode.ON, "off": AuditEngineMode.OFF, "relevantonly": AuditEngineMode.RELEVANT_ONLY}


@directive("SecAuditEngine", Arity.TAKE1, "On, Off or RelevantOnly to determine the level of audit logging")
def sec_audit_engine(state: LoadState, d: Directive) -> None:
    mode = _AUDIT_ENGINE.get(d.args[0].lower())
    if mode is None:
        raise _unrecognised(d)
    state.config.audit_engine = mode


@directive("SecAuditLog", Arity.TAKE1, "filename of the primary audit log file")
def sec_audit_log(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    if value.startswith("|"):
        state.config.audit_log = value  # v2 starts the piped logger with the command as written
        return
    path = server_root_relative(state, value)
    if not appendable(path):
        raise DirectiveArgumentError(f"ModSecurity: Failed to open the audit log file: {path}")
    state.config.audit_log = path


@directive("SecAuditLog2", Arity.TAKE1, "filename of the secondary audit log file")
def sec_audit_log2(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    if state.config.audit_log is None:
        raise DirectiveArgumentError(
            f"ModSecurity: Cannot configure a secondary audit log without a primary defined: {value}")
    if value.startswith("|"):
        state.config.audit_log2 = "|" + server_root_relative(state, value[1:])
        return
    path = server_root_relative(state, value)
    if not appendable(path):
        raise DirectiveArgumentError(f"ModSecurity: Failed to open the secondary audit log file: {path}")
    state.config.audit_log2 = path


@directive("SecAuditLogParts", Arity.TAKE1, "list of audit log parts that go into the log.")
def sec_audit_log_parts(state: LoadState, d: Directive) -> None:
    parts = d.args[0]
    if not set(parts) <= _VALID_PARTS:
        raise DirectiveArgumentError(f"Invalid parts specification for SecAuditLogParts: {parts}")
    state.config.audit_log_parts = parts


@directive("SecAuditLogRelevantStatus", Arity.TAKE1,
           "regular expression that will be used to determine if the response status is relevant for "
           "audit logging")
def sec_audit_log_relevant_status(state: LoadState, d: Directive) -> None:
    pattern = d.args[0]
    try:
        regex.compile(pattern, regex.DOTALL | regex.VERSION0)
    except (regex.error, ValueError, OverflowError) as error:
        raise DirectiveArgumentError(f"ModSecurity: Invalid regular expression: {pattern}",
                                     notes=(f"the regular expression engine says: {error}",)) from None
    state.config.audit_log_relevant_status = pattern


_LOG_TYPES = {"serial": AuditLogType.SERIAL, "concurrent": AuditLogType.CONCURRENT}


@directive("SecAuditLogType", Arity.TAKE1,
           "whether to use the old audit log format (Serial) or new (Concurrent)")
def sec_audit_log_type(state: LoadState, d: Directive) -> None:
    log_type = _LOG_TYPES.get(d.args[0].lower())
    if log_type is None:
        raise _unrecognised(d)
    state.config.audit_log_type = log_type


_LOG_FORMATS = {"json": AuditLogFormat.JSON, "native": AuditLogFormat.NATIVE}


@directive("SecAuditLogFormat", Arity.TAKE1, "whether to emit audit log data in native format or JSON")
def sec_audit_log_format(state: LoadState, d: Directive) -> None:
    log_format = _LOG_FORMATS.get(d.args[0].lower())
    if log_format is None:
        raise _unrecognised(d)
    state.config.audit_log_format = log_format


@directive("SecAuditLogStorageDir", Arity.TAKE1,
           "path to the audit log storage area; absolute, or relative to the root of the server")
def sec_audit_log_storage_dir(state: LoadState, d: Directive) -> None:
    state.config.audit_log_storage_dir = server_root_relative(state, d.args[0])


@directive("SecAuditLogDirMode", Arity.TAKE1, "octal permissions mode for concurrent audit log directories")
def sec_audit_log_dir_mode(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    state.config.audit_log_dir_mode = 0o750 if value.lower() == "default" else octal_mode(
        value, f"ModSecurity: Invalid value for SecAuditLogDirMode: {value}")


@directive("SecAuditLogFileMode", Arity.TAKE1, "octal permissions mode for concurrent audit log files")
def sec_audit_log_file_mode(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    state.config.audit_log_file_mode = 0o640 if value.lower() == "default" else octal_mode(
        value, f"ModSecurity: Invalid value for SecAuditLogFileMode: {value}")
