"""Request/response body handling: limits, limit actions, MIME types, separators, uploads.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``). Directory paths resolve against ServerRoot and
are not checked at load time, as in v2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modsec_py.config import BodyLimitAction, KeepFilesMode, RuleEngineMode
from modsec_py.seclang.directives._common import (
    atoi,
    flag,
    octal_mode,
    on_off,
    positive_long,
    server_root_relative,
)
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

RESPONSE_BODY_HARD_LIMIT = 1073741824


def _invalid(d: Directive) -> str:
    return f"ModSecurity: Invalid value for {d.name}: {d.args[0]}"


# -- limits ---------------------------------------------------------------------------------------

@directive("SecRequestBodyLimit", Arity.TAKE1, "maximum request body size ModSecurity will accept.")
def sec_request_body_limit(state: LoadState, d: Directive) -> None:
    state.config.request_body_limit = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecRequestBodyLimit: {d.args[0]}")


@directive("SecRequestBodyInMemoryLimit", Arity.TAKE1,
           "maximum request body size that will be placed in memory (except for POST urlencoded requests).")
def sec_request_body_in_memory_limit(state: LoadState, d: Directive) -> None:
    state.config.request_body_in_memory_limit = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecRequestBodyInMemoryLimit: {d.args[0]}")


@directive("SecRequestBodyNoFilesLimit", Arity.TAKE1,
           "maximum request body size ModSecurity will accept, but excluding the size of uploaded files.")
def sec_request_body_no_files_limit(state: LoadState, d: Directive) -> None:
    state.config.request_body_no_files_limit = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecRequestBodyNoFilesLimit: {d.args[0]}")


@directive("SecRequestBodyJsonDepthLimit", Arity.TAKE1,
           "maximum request body JSON parsing depth ModSecurity will accept.")
def sec_request_body_json_depth_limit(state: LoadState, d: Directive) -> None:
    state.config.request_body_json_depth_limit = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecRequestBodyJsonDepthLimit: {d.args[0]}")


@directive("SecArgumentsLimit", Arity.TAKE1, "maximum number of ARGS that ModSecurity will accept.")
def sec_arguments_limit(state: LoadState, d: Directive) -> None:
    state.config.arguments_limit = positive_long(
        d.args[0], f"ModSecurity: Invalid value for SecArgumentsLimit: {d.args[0]}")


@directive("SecResponseBodyLimit", Arity.TAKE1, "byte limit for response body")
def sec_response_body_limit(state: LoadState, d: Directive) -> None:
    limit = positive_long(d.args[0], f"ModSecurity: Invalid value for SecResponseBodyLimit: {d.args[0]}")
    if limit > RESPONSE_BODY_HARD_LIMIT:
        raise DirectiveArgumentError(
            f"ModSecurity: Response size limit can not exceed the hard limit: {RESPONSE_BODY_HARD_LIMIT}")
    state.config.response_body_limit = limit


def _limit_action(state: LoadState, d: Directive) -> BodyLimitAction:
    # Under SecRuleEngine DetectionOnly v2 takes ProcessPartial whatever the value (unchecked).
    if state.config.rule_engine is RuleEngineMode.DETECTION_ONLY:
        return BodyLimitAction.PROCESS_PARTIAL
    lowered = d.args[0].lower()
    if lowered == "processpartial":
        return BodyLimitAction.PROCESS_PARTIAL
    if lowered == "reject":
        return BodyLimitAction.REJECT
    raise DirectiveArgumentError(_invalid(d))


@directive("SecRequestBodyLimitAction", Arity.TAKE1, "what happens when the request body limit is reached")
def sec_request_body_limit_action(state: LoadState, d: Directive) -> None:
    state.config.request_body_limit_action = _limit_action(state, d)


@directive("SecResponseBodyLimitAction", Arity.TAKE1, "what happens when the response body limit is reached")
def sec_response_body_limit_action(state: LoadState, d: Directive) -> None:
    state.config.response_body_limit_action = _limit_action(state, d)


# -- response MIME types ------------------------------------------------------------------------------

@directive("SecResponseBodyMimeType", Arity.ITERATE,
           "adds given MIME types to the list of types that will be buffered on output")
def sec_response_body_mime_type(state: LoadState, d: Directive) -> None:
    mime_types: list[str] = []
    for mime_type in d.args:  # Apache's ITERATE stops at the first empty argument
        if not mime_type:
            break
        mime_types.append(mime_type.lower())
    if not mime_types:
        raise DirectiveArgumentError(
            "SecResponseBodyMimeType requires at least one argument, adds given MIME types to the list of "
            "types that will be buffered on output")
    config = state.config
    if not config.response_body_mime_types_set:  # the first use starts a fresh list (no defaults)
        config.response_body_mime_types = []
        config.response_body_mime_types_set = True
    for mime_type in mime_types:
        if mime_type not in config.response_body_mime_types:
            config.response_body_mime_types.append(mime_type)


# v2 registers it with AP_INIT_NO_ARGS, which Apache implements as RAW_ARGS: arguments are ignored.
@directive("SecResponseBodyMimeTypesClear", Arity.RAW_ARGS,
           "clears the list of MIME types that will be buffered on output")
def sec_response_body_mime_types_clear(state: LoadState, d: Directive) -> None:
    state.config.response_body_mime_types = []
    state.config.response_body_mime_types_set = True


# -- parsing --------------------------------------------------------------------------------------

@directive("SecArgumentSeparator", Arity.TAKE1,
           "character that will be used as separator when parsing application/x-www-form-urlencoded content.")
def sec_argument_separator(state: LoadState, d: Directive) -> None:
    if len(d.args[0]) != 1:  # the loader reads files as latin-1: one character is one byte
        raise DirectiveArgumentError(f"ModSecurity: Invalid argument separator: {d.args[0]}")
    state.config.argument_separator = d.args[0]


@directive("SecCookiev0Separator", Arity.TAKE1,
           "character that will be used as separator when parsing cookie v0 content.")
def sec_cookie_v0_separator(state: LoadState, d: Directive) -> None:
    if len(d.args[0]) != 1:
        raise DirectiveArgumentError(f"ModSecurity: Invalid cookie v0 separator: {d.args[0]}")
    state.config.cookie_v0_separator = d.args[0]


@directive("SecCookieFormat", Arity.TAKE1,
           "version of the Cookie specification to use for parsing. Possible values are 0 and 1.")
def sec_cookie_format(state: LoadState, d: Directive) -> None:
    if d.args[0] not in ("0", "1"):
        raise DirectiveArgumentError(f"ModSecurity: Invalid cookie format: {d.args[0]}")
    state.config.cookie_format = int(d.args[0])


@directive("SecXmlExternalEntity", Arity.TAKE1, "On or Off")
def sec_xml_external_entity(state: LoadState, d: Directive) -> None:
    state.config.xml_external_entity = on_off(d.args[0], _invalid(d))


@directive("SecRequestEncoding", Arity.TAKE1, "character encoding used in request.", support=Support.NOOP,
           reason="ModSecurity 2.9 stores this value but nothing in it ever reads it")
def sec_request_encoding(state: LoadState, d: Directive) -> None:
    state.config.request_encoding = d.args[0]


@directive("SecDisableBackendCompression", Arity.FLAG,
           "When set to On, removes the compression headers from the backend requests.")
def sec_disable_backend_compression(state: LoadState, d: Directive) -> None:
    state.config.disable_backend_compression = flag(d)


# -- uploads and temporary files -------------------------------------------------------------------

@directive("SecTmpDir", Arity.TAKE1, "path to the temporary storage area")
def sec_tmp_dir(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    state.config.tmp_dir = None if value.lower() == "none" else server_root_relative(state, value)


@directive("SecUploadDir", Arity.TAKE1, "path to the file upload area")
def sec_upload_dir(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    state.config.upload_dir = None if value.lower() == "none" else server_root_relative(state, value)


@directive("SecUploadFileLimit", Arity.TAKE1, "limit the number of uploaded files processed")
def sec_upload_file_limit(state: LoadState, d: Directive) -> None:
    # v2 takes atoi() of anything ("abc" is 0), and "default" restores the default.
    value = d.args[0]
    state.config.upload_file_limit = 100 if value.lower() == "default" else atoi(value)


@directive("SecUploadFileMode", Arity.TAKE1, "octal permissions mode for uploaded files")
def sec_upload_file_mode(state: LoadState, d: Directive) -> None:
    value = d.args[0]
    if value.lower() == "default":
        state.config.upload_file_mode = 0o600
        return
    state.config.upload_file_mode = octal_mode(
        value, f"ModSecurity: Invalid value for SecUploadFileMode: {value}")


_KEEP_FILES = {"on": KeepFilesMode.ON, "off": KeepFilesMode.OFF, "relevantonly": KeepFilesMode.RELEVANT_ONLY}


@directive("SecUploadKeepFiles", Arity.TAKE1, "On or Off")
def sec_upload_keep_files(state: LoadState, d: Directive) -> None:
    mode = _KEEP_FILES.get(d.args[0].lower())
    if mode is None:
        raise DirectiveArgumentError(f"ModSecurity: Invalid setting for SecUploadKeepFiles: {d.args[0]}")
    state.config.upload_keep_files = mode


@directive("SecTmpSaveUploadedFiles", Arity.TAKE1, "On or Off")
def sec_tmp_save_uploaded_files(state: LoadState, d: Directive) -> None:
    state.config.tmp_save_uploaded_files = on_off(
        d.args[0], f"ModSecurity: Invalid setting for SecTmpSaveUploadedFiles: {d.args[0]}")
