"""Engine directives: v2.9.7's arity and help, values stored, v2's validation and messages,
the no-op and refused directives.

Handlers are called directly with a small fake load state; the expected messages are what
Apache + ModSecurity 2.9.7 print for the same lines (``apache2 -t``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modsec_py.config import (
    AuditEngineMode,
    AuditLogFormat,
    AuditLogType,
    BodyLimitAction,
    EngineConfig,
    GeoDbFormat,
    KeepFilesMode,
    RemoteRulesFailAction,
    RuleEngineMode,
)
from modsec_py.errors import SourceLocation
from modsec_py.seclang.directives import (  # noqa: F401  (importing registers the directives)
    audit,
    bodies,
    connections,
    debug,
    engine,
    lookups,
    misc,
    storage,
)
from modsec_py.seclang.directives._common import atoi, strtol
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, get
from modsec_py.seclang.model import Directive

PROJECT = Path(__file__).resolve().parents[2]

RULE_DIRECTIVES = frozenset({
    "SecRule", "SecAction", "SecDefaultAction", "SecMarker", "SecRuleScript", "SecRuleRemoveById",
    "SecRuleRemoveByMsg", "SecRuleRemoveByTag", "SecRuleUpdateActionById", "SecRuleUpdateTargetById",
    "SecRuleUpdateTargetByMsg", "SecRuleUpdateTargetByTag",
})

# The 72 engine directives of ModSecurity 2.9.7 and the argument kind its command table gives
# each (read from mod_security2.so; AP_INIT_NO_ARGS is RAW_ARGS in Apache).
V2_ARITY = {
    "SecArgumentSeparator": Arity.TAKE1, "SecArgumentsLimit": Arity.TAKE1, "SecAuditEngine": Arity.TAKE1,
    "SecAuditLog": Arity.TAKE1, "SecAuditLog2": Arity.TAKE1, "SecAuditLogDirMode": Arity.TAKE1,
    "SecAuditLogFileMode": Arity.TAKE1, "SecAuditLogFormat": Arity.TAKE1, "SecAuditLogParts": Arity.TAKE1,
    "SecAuditLogRelevantStatus": Arity.TAKE1, "SecAuditLogStorageDir": Arity.TAKE1,
    "SecAuditLogType": Arity.TAKE1, "SecCacheTransformations": Arity.TAKE12, "SecChrootDir": Arity.TAKE1,
    "SecCollectionTimeout": Arity.TAKE1, "SecComponentSignature": Arity.TAKE1, "SecConnEngine": Arity.TAKE1,
    "SecConnReadStateLimit": Arity.TAKE12, "SecConnWriteStateLimit": Arity.TAKE12,
    "SecContentInjection": Arity.FLAG, "SecCookieFormat": Arity.TAKE1, "SecCookiev0Separator": Arity.TAKE1,
    "SecDataDir": Arity.TAKE1, "SecDebugLog": Arity.TAKE1, "SecDebugLogLevel": Arity.TAKE1,
    "SecDisableBackendCompression": Arity.FLAG, "SecGeoLookupDB": Arity.TAKE1, "SecGsbLookupDB": Arity.TAKE1,
    "SecGuardianLog": Arity.TAKE12, "SecHashEngine": Arity.TAKE1, "SecHashKey": Arity.TAKE2,
    "SecHashMethodPm": Arity.TAKE2, "SecHashMethodRx": Arity.TAKE2, "SecHashParam": Arity.TAKE1,
    "SecHttpBlKey": Arity.TAKE1, "SecInterceptOnError": Arity.TAKE1, "SecPcreMatchLimit": Arity.TAKE1,
    "SecPcreMatchLimitRecursion": Arity.TAKE1, "SecReadStateLimit": Arity.TAKE12,
    "SecRemoteRules": Arity.TAKE23, "SecRemoteRulesFailAction": Arity.TAKE1,
    "SecRequestBodyAccess": Arity.TAKE1, "SecRequestBodyInMemoryLimit": Arity.TAKE1,
    "SecRequestBodyJsonDepthLimit": Arity.TAKE1, "SecRequestBodyLimit": Arity.TAKE1,
    "SecRequestBodyLimitAction": Arity.TAKE1, "SecRequestBodyNoFilesLimit": Arity.TAKE1,
    "SecRequestEncoding": Arity.TAKE1, "SecResponseBodyAccess": Arity.TAKE1,
    "SecResponseBodyLimit": Arity.TAKE1, "SecResponseBodyLimitAction": Arity.TAKE1,
    "SecResponseBodyMimeType": Arity.ITERATE, "SecResponseBodyMimeTypesClear": Arity.RAW_ARGS,
    "SecRuleEngine": Arity.TAKE1, "SecRuleInheritance": Arity.FLAG, "SecRulePerfTime": Arity.TAKE1,
    "SecSensorId": Arity.TAKE1, "SecServerSignature": Arity.TAKE1, "SecStatusEngine": Arity.TAKE1,
    "SecStreamInBodyInspection": Arity.FLAG, "SecStreamOutBodyInspection": Arity.FLAG,
    "SecTmpDir": Arity.TAKE1, "SecTmpSaveUploadedFiles": Arity.TAKE1, "SecUnicodeCodePage": Arity.TAKE1,
    "SecUnicodeMapFile": Arity.TAKE12, "SecUploadDir": Arity.TAKE1, "SecUploadFileLimit": Arity.TAKE1,
    "SecUploadFileMode": Arity.TAKE1, "SecUploadKeepFiles": Arity.TAKE1, "SecWebAppId": Arity.TAKE1,
    "SecWriteStateLimit": Arity.TAKE12, "SecXmlExternalEntity": Arity.TAKE1,
}

NOOP = {
    "SecCacheTransformations", "SecChrootDir", "SecConnReadStateLimit", "SecConnWriteStateLimit",
    "SecGuardianLog", "SecHashKey", "SecHashMethodPm", "SecHashMethodRx", "SecHashParam", "SecReadStateLimit",
    "SecRemoteRulesFailAction", "SecRequestEncoding", "SecServerSignature",
    "SecStatusEngine", "SecWriteStateLimit",
}
REFUSED = {
    "SecConnEngine", "SecGsbLookupDB", "SecHashEngine", "SecRemoteRules",
    "SecStreamInBodyInspection", "SecStreamOutBodyInspection",
}


class FakeState:
    """What a handler may use of the loader's LoadState: ``config`` and ``warn``."""

    def __init__(self) -> None:
        self.config = EngineConfig()
        self.warnings: list[tuple[str, str]] = []

    def warn(self, directive: Directive, message: str) -> None:
        self.warnings.append((directive.name, message))


class RootedState(FakeState):
    """A load state that names Apache's ServerRoot, as the loader's does."""

    def __init__(self, server_root: str) -> None:
        super().__init__()
        self.server_root = server_root


def run(name: str, *args: str, state: FakeState | None = None,
        file: str = "/etc/modsecurity/t.conf") -> FakeState:
    state = state or FakeState()
    spec = get(name)
    assert spec is not None, name
    assert spec.arity.arguments(tuple(args)) is not None, (name, args)
    spec.handler(state, Directive(name, args, SourceLocation(file, 1)))  # type: ignore[arg-type]
    return state


def refusal(name: str, *args: str, state: FakeState | None = None,
            file: str = "/etc/modsecurity/t.conf") -> str:
    with pytest.raises(DirectiveArgumentError) as raised:
        run(name, *args, state=state, file=file)
    return raised.value.message


# -- the registry ---------------------------------------------------------------------------------

def test_every_engine_directive_is_registered_with_v2_arity() -> None:
    assert len(V2_ARITY) + len(RULE_DIRECTIVES) == 84
    for name, arity in V2_ARITY.items():
        spec = get(name)
        assert spec is not None, f"{name} is not registered"
        assert spec.name == name
        assert spec.arity is arity, name
        assert spec.help, name
    assert get("secgeolookupdb") is get("SecGeoLookupDB")  # Apache looks names up case-insensitively


def test_exactly_the_84_directives_of_v2_are_known() -> None:
    import modsec_py.seclang.loader  # noqa: F401  (registers every family, rule directives included)
    from modsec_py.seclang.directives._registry import names

    assert set(names()) == set(V2_ARITY) | RULE_DIRECTIVES


@pytest.mark.parametrize(("name", "help_text"), [
    ("SecRuleEngine", "On or Off"),
    ("SecAuditEngine", "On, Off or RelevantOnly to determine the level of audit logging"),
    ("SecDebugLogLevel", "debug log level, which controls the verbosity of logging. Use values from 0 "
                         "(no logging) to 9 (a *lot* of logging)."),
    ("SecResponseBodyMimeType", "adds given MIME types to the list of types that will be buffered on output"),
    ("SecRemoteRules", "key and URI to the remote rules"),
    ("SecCollectionTimeout", "set default collections timeout. default it 3600"),
])
def test_help_text_is_v2s(name: str, help_text: str) -> None:
    spec = get(name)
    assert spec is not None and spec.help == help_text


def test_support_status_and_reasons() -> None:
    for name in V2_ARITY:
        spec = get(name)
        assert spec is not None
        expected = Support.IMPLEMENTED
        if name in NOOP or name in REFUSED:
            expected = Support.NOOP if name in NOOP else Support.REFUSED
        assert spec.support is expected, name
        assert bool(spec.reason) == (expected is not Support.IMPLEMENTED), name


def test_deviations_document_lists_every_noop_and_refused_directive() -> None:
    text = (PROJECT / "docs" / "DEVIATIONS.md").read_text(encoding="utf-8")
    section = text.split("## Directives", 1)[1].split("\n## ", 1)[0]
    for name in NOOP | REFUSED:
        assert re.search(rf"`{name}[` ]", section), name


# -- defaults -------------------------------------------------------------------------------------

def test_defaults_are_v2s() -> None:
    config = EngineConfig()
    assert config.rule_engine is RuleEngineMode.OFF
    assert (config.request_body_access, config.response_body_access) == (False, False)
    assert config.request_body_limit == 134217728
    assert config.request_body_in_memory_limit == 131072
    assert config.request_body_no_files_limit == 1048576
    assert config.request_body_json_depth_limit == 10000
    assert config.arguments_limit == 1000
    assert config.response_body_limit == 524288
    assert config.request_body_limit_action is BodyLimitAction.REJECT
    assert config.response_body_limit_action is BodyLimitAction.REJECT
    assert config.response_body_mime_types == ["text/plain", "text/html"]
    assert (config.pcre_match_limit, config.pcre_match_limit_recursion) == (1500, 1500)
    assert (config.argument_separator, config.cookie_format, config.cookie_v0_separator) == ("&", 0, None)
    assert config.audit_engine is AuditEngineMode.OFF
    assert config.audit_log_type is AuditLogType.SERIAL
    assert config.audit_log_format is AuditLogFormat.NATIVE
    assert config.audit_log_parts == "ABCFHZ"
    assert (config.audit_log_dir_mode, config.audit_log_file_mode) == (0o750, 0o640)
    assert (config.audit_log, config.audit_log2) == (None, None)
    assert (config.debug_log, config.debug_log_level) == (None, 0)
    assert (config.upload_file_mode, config.upload_file_limit) == (0o600, 100)
    assert config.upload_keep_files is KeepFilesMode.OFF
    assert (config.collection_timeout, config.data_dir) == (3600, None)
    assert (config.sensor_id, config.web_app_id, config.component_signatures) == ("default", "default", [])
    assert config.rule_inheritance is True
    assert config.unicode_map is None and config.unicode_code_page == 0


def test_default_tmp_dir_follows_v2s_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    assert EngineConfig().tmp_dir == "/tmp/"
    monkeypatch.setenv("TMP", "/var/tmp")
    assert EngineConfig().tmp_dir == "/var/tmp"


# -- values stored --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "args", "field", "value"), [
    ("SecRuleEngine", ("on",), "rule_engine", RuleEngineMode.ON),
    ("SecRuleEngine", ("DetectionOnly",), "rule_engine", RuleEngineMode.DETECTION_ONLY),
    ("SecRequestBodyAccess", ("On",), "request_body_access", True),
    ("SecResponseBodyAccess", ("ON",), "response_body_access", True),
    ("SecInterceptOnError", ("on",), "intercept_on_error", True),
    ("SecPcreMatchLimit", ("100000",), "pcre_match_limit", 100000),
    ("SecPcreMatchLimit", ("12x",), "pcre_match_limit", 12),
    ("SecPcreMatchLimitRecursion", ("5000",), "pcre_match_limit_recursion", 5000),
    ("SecRequestBodyLimit", ("13107200",), "request_body_limit", 13107200),
    ("SecRequestBodyLimit", (" +5",), "request_body_limit", 5),
    ("SecRequestBodyLimit", ("12abc",), "request_body_limit", 12),
    ("SecRequestBodyInMemoryLimit", ("131072",), "request_body_in_memory_limit", 131072),
    ("SecRequestBodyNoFilesLimit", ("131072",), "request_body_no_files_limit", 131072),
    ("SecRequestBodyJsonDepthLimit", ("512",), "request_body_json_depth_limit", 512),
    ("SecArgumentsLimit", ("1000",), "arguments_limit", 1000),
    ("SecResponseBodyLimit", ("1073741824",), "response_body_limit", 1073741824),
    ("SecRequestBodyLimitAction", ("ProcessPartial",), "request_body_limit_action",
     BodyLimitAction.PROCESS_PARTIAL),
    ("SecResponseBodyLimitAction", ("reject",), "response_body_limit_action", BodyLimitAction.REJECT),
    ("SecArgumentSeparator", (";",), "argument_separator", ";"),
    ("SecCookiev0Separator", (";",), "cookie_v0_separator", ";"),
    ("SecCookieFormat", ("1",), "cookie_format", 1),
    ("SecXmlExternalEntity", ("On",), "xml_external_entity", True),
    ("SecRequestEncoding", ("UTF-8",), "request_encoding", "UTF-8"),
    ("SecDisableBackendCompression", ("on",), "disable_backend_compression", True),
    ("SecUploadFileLimit", ("10",), "upload_file_limit", 10),
    ("SecUploadFileLimit", ("abc",), "upload_file_limit", 0),
    ("SecUploadFileLimit", ("-4",), "upload_file_limit", -4),
    ("SecUploadFileLimit", ("Default",), "upload_file_limit", 100),
    ("SecUploadFileMode", ("0640",), "upload_file_mode", 0o640),
    ("SecUploadFileMode", ("600",), "upload_file_mode", 0o600),
    ("SecUploadFileMode", ("default",), "upload_file_mode", 0o600),
    ("SecUploadKeepFiles", ("RelevantOnly",), "upload_keep_files", KeepFilesMode.RELEVANT_ONLY),
    ("SecUploadKeepFiles", ("ON",), "upload_keep_files", KeepFilesMode.ON),
    ("SecTmpSaveUploadedFiles", ("on",), "tmp_save_uploaded_files", True),
    ("SecAuditEngine", ("RelevantOnly",), "audit_engine", AuditEngineMode.RELEVANT_ONLY),
    ("SecAuditEngine", ("on",), "audit_engine", AuditEngineMode.ON),
    ("SecAuditLogParts", ("ABIJDEFHZ",), "audit_log_parts", "ABIJDEFHZ"),
    ("SecAuditLogParts", ("AAZ",), "audit_log_parts", "AAZ"),
    ("SecAuditLogRelevantStatus", ("^(?:5|4(?!04))",), "audit_log_relevant_status", "^(?:5|4(?!04))"),
    ("SecAuditLogType", ("concurrent",), "audit_log_type", AuditLogType.CONCURRENT),
    ("SecAuditLogFormat", ("json",), "audit_log_format", AuditLogFormat.JSON),
    ("SecAuditLogDirMode", ("0777",), "audit_log_dir_mode", 0o777),
    ("SecAuditLogDirMode", ("0750x",), "audit_log_dir_mode", 0o750),
    ("SecAuditLogDirMode", ("default",), "audit_log_dir_mode", 0o750),
    ("SecAuditLogFileMode", ("0600",), "audit_log_file_mode", 0o600),
    ("SecDebugLogLevel", ("9",), "debug_log_level", 9),
    ("SecDebugLogLevel", ("abc",), "debug_log_level", 0),
    ("SecDebugLogLevel", ("5x",), "debug_log_level", 5),
    ("SecCollectionTimeout", ("600",), "collection_timeout", 600),
    ("SecCollectionTimeout", ("abc",), "collection_timeout", 0),
    ("SecHttpBlKey", ("abcdefghijkl",), "http_bl_key", "abcdefghijkl"),
    ("SecUnicodeCodePage", ("20127",), "unicode_code_page", 20127),
    ("SecSensorId", ("sensor-1",), "sensor_id", "sensor-1"),
    ("SecWebAppId", ("shop",), "web_app_id", "shop"),
    ("SecRulePerfTime", ("1000",), "rule_perf_time", 1000),
    ("SecServerSignature", ("Microsoft-IIS/6.0",), "server_signature", "Microsoft-IIS/6.0"),
    ("SecStatusEngine", ("On",), "status_engine", True),
    ("SecRuleInheritance", ("off",), "rule_inheritance", False),
    ("SecHashParam", ("token",), "hash_param", "token"),
    ("SecRemoteRulesFailAction", ("Warn",), "remote_rules_fail_action", RemoteRulesFailAction.WARN),
    ("SecRemoteRulesFailAction", ("Warning",), "remote_rules_fail_action", RemoteRulesFailAction.WARN),
    ("SecRemoteRulesFailAction", ("abort",), "remote_rules_fail_action", RemoteRulesFailAction.ABORT),
    ("SecConnEngine", ("Off",), "conn_engine", RuleEngineMode.OFF),
    ("SecContentInjection", ("Off",), "content_injection", False),
    ("SecContentInjection", ("On",), "content_injection", True),
    ("SecStreamInBodyInspection", ("off",), "stream_in_body_inspection", False),
    ("SecStreamOutBodyInspection", ("Off",), "stream_out_body_inspection", False),
    ("SecHashEngine", ("off",), "hash_engine", False),
])
def test_accepted_value_is_stored(name: str, args: tuple[str, ...], field: str, value: object) -> None:
    state = run(name, *args)
    assert getattr(state.config, field) == value


def test_component_signatures_accumulate() -> None:
    state = run("SecComponentSignature", "OWASP_CRS/3.3.4")
    run("SecComponentSignature", "local/1.0", state=state)
    assert state.config.component_signatures == ["OWASP_CRS/3.3.4", "local/1.0"]


def test_detection_only_switches_body_limit_actions_to_process_partial() -> None:
    state = run("SecRequestBodyLimitAction", "Reject")
    run("SecRuleEngine", "DetectionOnly", state=state)
    assert state.config.request_body_limit_action is BodyLimitAction.PROCESS_PARTIAL
    assert state.config.response_body_limit_action is BodyLimitAction.PROCESS_PARTIAL
    # Under DetectionOnly v2 does not even look at the value.
    run("SecRequestBodyLimitAction", "Bogus", state=state)
    run("SecResponseBodyLimitAction", "Reject", state=state)
    assert state.config.response_body_limit_action is BodyLimitAction.PROCESS_PARTIAL
    # And switching the engine back does not restore Reject.
    run("SecRuleEngine", "On", state=state)
    assert state.config.request_body_limit_action is BodyLimitAction.PROCESS_PARTIAL


def test_response_mime_types_replace_the_defaults_then_accumulate() -> None:
    state = run("SecResponseBodyMimeType", "text/plain", "Text/HTML", "text/xml")
    assert state.config.response_body_mime_types == ["text/plain", "text/html", "text/xml"]
    state = run("SecResponseBodyMimeType", "application/json")
    run("SecResponseBodyMimeType", "text/plain", "APPLICATION/JSON", state=state)
    assert state.config.response_body_mime_types == ["application/json", "text/plain"]


def test_empty_arguments_count_as_absent_like_apache() -> None:
    state = run("SecResponseBodyMimeType", "text/xml", "", "x/y")  # ITERATE stops at an empty word
    assert state.config.response_body_mime_types == ["text/xml"]
    spec = get("SecResponseBodyMimeType")
    assert spec is not None and spec.arity.arguments(("", "text/xml")) is None  # the loader refuses it
    assert run("SecCacheTransformations", "On", "").config.cache_transformations is True  # TAKE12: no options
    run("SecConnReadStateLimit", "5", "")


def test_response_mime_types_clear() -> None:
    state = run("SecResponseBodyMimeTypesClear")
    assert state.config.response_body_mime_types == []
    run("SecResponseBodyMimeType", "text/xml", state=state)
    assert state.config.response_body_mime_types == ["text/xml"]
    run("SecResponseBodyMimeTypesClear", "ignored", "arguments", state=state)  # Apache's RAW_ARGS
    assert state.config.response_body_mime_types == []


# -- v2's validation and messages -----------------------------------------------------------------

@pytest.mark.parametrize(("name", "args", "message"), [
    ("SecRuleEngine", ("Bad",), "ModSecurity: Invalid value for SecRuleEngine: Bad"),
    ("SecRequestBodyAccess", ("maybe",), "ModSecurity: Invalid value for SecRequestBodyAccess: maybe"),
    ("SecResponseBodyAccess", ("1",), "ModSecurity: Invalid value for SecResponseBodyAccess: 1"),
    ("SecInterceptOnError", ("yes",), "ModSecurity: Invalid value for SecInterceptOnError: yes"),
    ("SecXmlExternalEntity", ("maybe",), "ModSecurity: Invalid value for SecXmlExternalEntity: maybe"),
    ("SecPcreMatchLimit", ("0",), "ModSecurity: Invalid setting for SecPcreMatchLimit: 0"),
    ("SecPcreMatchLimit", ("abc",), "ModSecurity: Invalid setting for SecPcreMatchLimit: abc"),
    ("SecPcreMatchLimitRecursion", ("-1",),
     "ModSecurity: Invalid setting for SecPcreMatchLimitRecursion: -1"),
    ("SecRequestBodyLimit", ("0",), "ModSecurity: Invalid value for SecRequestBodyLimit: 0"),
    ("SecRequestBodyLimit", ("abc",), "ModSecurity: Invalid value for SecRequestBodyLimit: abc"),
    ("SecRequestBodyLimit", ("0x10",), "ModSecurity: Invalid value for SecRequestBodyLimit: 0x10"),
    ("SecRequestBodyLimit", ("99999999999999999999",),
     "ModSecurity: Invalid value for SecRequestBodyLimit: 99999999999999999999"),
    ("SecRequestBodyInMemoryLimit", ("-3",),
     "ModSecurity: Invalid value for SecRequestBodyInMemoryLimit: -3"),
    ("SecRequestBodyNoFilesLimit", ("0",), "ModSecurity: Invalid value for SecRequestBodyNoFilesLimit: 0"),
    ("SecRequestBodyJsonDepthLimit", ("0",),
     "ModSecurity: Invalid value for SecRequestBodyJsonDepthLimit: 0"),
    ("SecArgumentsLimit", ("0",), "ModSecurity: Invalid value for SecArgumentsLimit: 0"),
    ("SecResponseBodyLimit", ("1073741825",),
     "ModSecurity: Response size limit can not exceed the hard limit: 1073741824"),
    ("SecResponseBodyLimit", ("0",), "ModSecurity: Invalid value for SecResponseBodyLimit: 0"),
    ("SecRequestBodyLimitAction", ("Drop",),
     "ModSecurity: Invalid value for SecRequestBodyLimitAction: Drop"),
    ("SecResponseBodyLimitAction", ("x",), "ModSecurity: Invalid value for SecResponseBodyLimitAction: x"),
    ("SecArgumentSeparator", (";;",), "ModSecurity: Invalid argument separator: ;;"),
    ("SecCookiev0Separator", ("ab",), "ModSecurity: Invalid cookie v0 separator: ab"),
    ("SecCookieFormat", ("2",), "ModSecurity: Invalid cookie format: 2"),
    ("SecCookieFormat", ("01",), "ModSecurity: Invalid cookie format: 01"),
    ("SecUploadFileMode", ("0999",), "ModSecurity: Invalid value for SecUploadFileMode: 0999"),
    ("SecUploadKeepFiles", ("x",), "ModSecurity: Invalid setting for SecUploadKeepFiles: x"),
    ("SecTmpSaveUploadedFiles", ("x",), "ModSecurity: Invalid setting for SecTmpSaveUploadedFiles: x"),
    ("SecAuditEngine", ("x",), "ModSecurity: Unrecognised parameter value for SecAuditEngine: x"),
    ("SecAuditLogType", ("x",), "ModSecurity: Unrecognised parameter value for SecAuditLogType: x"),
    ("SecAuditLogFormat", ("x",), "ModSecurity: Unrecognised parameter value for SecAuditLogFormat: x"),
    ("SecAuditLogParts", ("abc",), "Invalid parts specification for SecAuditLogParts: abc"),
    ("SecAuditLogParts", ("ABCL",), "Invalid parts specification for SecAuditLogParts: ABCL"),
    ("SecAuditLogParts", ("+E",), "Invalid parts specification for SecAuditLogParts: +E"),
    ("SecAuditLogRelevantStatus", ("(",), "ModSecurity: Invalid regular expression: ("),
    ("SecAuditLogDirMode", ("0",), "ModSecurity: Invalid value for SecAuditLogDirMode: 0"),
    ("SecAuditLogDirMode", ("8",), "ModSecurity: Invalid value for SecAuditLogDirMode: 8"),
    ("SecAuditLogDirMode", ("17777",), "ModSecurity: Invalid value for SecAuditLogDirMode: 17777"),
    ("SecAuditLogFileMode", ("abc",), "ModSecurity: Invalid value for SecAuditLogFileMode: abc"),
    ("SecDebugLogLevel", ("10",), "ModSecurity: Invalid value for SecDebugLogLevel: 10"),
    ("SecDebugLogLevel", ("-1",), "ModSecurity: Invalid value for SecDebugLogLevel: -1"),
    ("SecCollectionTimeout", ("2592001",), "ModSecurity: Invalid value for SecCollectionTimeout: 2592001"),
    ("SecCollectionTimeout", ("-1",), "ModSecurity: Invalid value for SecCollectionTimeout: -1"),
    ("SecUnicodeCodePage", ("0",), "ModSecurity: Invalid setting for SecUnicodeCodePage: 0"),
    ("SecRulePerfTime", ("0",), "ModSecurity: Invalid value for SecRulePerfTime: 0"),
    ("SecStatusEngine", ("x",), "ModSecurity: Invalid value for SecStatusEngine: x"),
    ("SecHashEngine", ("maybe",), "ModSecurity: Invalid value for SecHashEngine: maybe"),
    ("SecHashMethodRx", ("HashHref", "("), "ModSecurity: Invalid regular expression: ("),
    ("SecConnEngine", ("x",), "ModSecurity: Invalid value for SecConnEngine: x"),
    ("SecRemoteRulesFailAction", ("x",),
     "ModSecurity: Invalid value for SecRemoteRulesFailAction, expected: Abort or Warn."),
    ("SecGuardianLog", ("/tmp/g.log", "foo"), "ModSecurity: Error in condition clause"),
    ("SecGuardianLog", ("/tmp/g.log", "env="), "ModSecurity: Missing variable name"),
    ("SecGuardianLog", ("/tmp/g.log", "env=!"), "ModSecurity: Missing variable name"),
    ("SecChrootDir", ("/nonexistent-dir",),
     "ModSecurity: Failed to chdir to /nonexistent-dir, errno=2 (No such file or directory)"),
])
def test_refused_value_gives_v2s_message(name: str, args: tuple[str, ...], message: str) -> None:
    assert refusal(name, *args) == message


def test_v2_number_parsing() -> None:
    assert [strtol(text) for text in ("12abc", "abc", " +5", "-7", "0x10", "")] == [12, 0, 5, -7, 0, 0]
    assert strtol("99999999999999999999") == 2**63 - 1
    assert strtol("0750x", 8) == 0o750 and strtol("99", 8) == 0
    assert atoi("4294967297") == 1  # truncated to a C int


# -- paths ----------------------------------------------------------------------------------------

def test_directories_resolve_against_server_root_unchecked(tmp_path: Path) -> None:
    state = RootedState(str(tmp_path))
    run("SecDataDir", "data", state=state)
    run("SecTmpDir", "tmp/", state=state)
    run("SecUploadDir", "/nonexistent/uploads", state=state)
    run("SecAuditLogStorageDir", "./audit//x/../y", state=state)
    assert state.config.data_dir == f"{tmp_path}/data"
    assert state.config.tmp_dir == f"{tmp_path}/tmp/"
    assert state.config.upload_dir == "/nonexistent/uploads"
    assert state.config.audit_log_storage_dir == f"{tmp_path}/audit/y"
    run("SecTmpDir", "None", state=state)
    run("SecUploadDir", "none", state=state)
    assert (state.config.tmp_dir, state.config.upload_dir) == (None, None)


def test_server_root_defaults_to_debians() -> None:
    assert run("SecDataDir", "cache/modsecurity").config.data_dir == "/etc/apache2/cache/modsecurity"
    assert run("SecDataDir", "//var//cache/./modsecurity/").config.data_dir == "/var/cache/modsecurity/"


def test_log_files_must_be_openable(tmp_path: Path) -> None:
    state = RootedState(str(tmp_path))
    run("SecDebugLog", "debug.log", state=state)
    run("SecAuditLog", "logs/../audit.log", state=state)
    run("SecAuditLog2", str(tmp_path / "audit2.log"), state=state)
    assert state.config.debug_log == f"{tmp_path}/debug.log"
    assert state.config.audit_log == f"{tmp_path}/audit.log"
    assert state.config.audit_log2 == f"{tmp_path}/audit2.log"
    assert not (tmp_path / "debug.log").exists()  # checked, not created
    assert refusal("SecDebugLog", "/nonexistent/debug.log") == \
        "ModSecurity: Failed to open debug log file: /nonexistent/debug.log"
    assert refusal("SecAuditLog", "/nonexistent//a/../b/./audit.log") == \
        "ModSecurity: Failed to open the audit log file: /nonexistent/b/audit.log"
    assert refusal("SecAuditLog", str(tmp_path)) == \
        f"ModSecurity: Failed to open the audit log file: {tmp_path}"
    assert refusal("SecAuditLog2", "/nonexistent/a2.log", state=state) == \
        "ModSecurity: Failed to open the secondary audit log file: /nonexistent/a2.log"
    assert refusal("SecGuardianLog", "/nonexistent/g.log") == \
        "ModSecurity: Failed to open the guardian log file: /nonexistent/g.log"


def test_piped_audit_logs(tmp_path: Path) -> None:
    state = RootedState(str(tmp_path))
    assert refusal("SecAuditLog2", "/tmp/a2.log", state=state) == \
        "ModSecurity: Cannot configure a secondary audit log without a primary defined: /tmp/a2.log"
    run("SecAuditLog", "|/usr/bin/logger -t modsec", state=state)
    run("SecAuditLog2", "|bin/rotatelogs", state=state)
    assert state.config.audit_log == "|/usr/bin/logger -t modsec"
    assert state.config.audit_log2 == f"|{tmp_path}/bin/rotatelogs"


def test_guardian_log_condition_is_stored(tmp_path: Path) -> None:
    state = run("SecGuardianLog", str(tmp_path / "g.log"), "env=!GUARD")
    assert state.config.guardian_log == f"{tmp_path}/g.log"
    assert state.config.guardian_log_condition == "!GUARD"


# -- lookups --------------------------------------------------------------------------------------

LEGACY_CITY_DAT = (b"\x00" * 600 + b"\x00\x00\x00GEO-533LITE 20180306 Build 1"
                   + b"\xff\xff\xff\x02\xa3\x6e\x44")
MMDB = b"\x00" * 600 + b"\xab\xcd\xefMaxMind.com" + b"\xe9\x5bbinary_format_major_version\xa1\x02"


def test_geo_database_relative_to_config_file_and_magic_checked(tmp_path: Path) -> None:
    (tmp_path / "GeoLiteCity.dat").write_bytes(LEGACY_CITY_DAT)
    (tmp_path / "GeoLite2-Country.mmdb").write_bytes(MMDB)
    config_file = str(tmp_path / "crs-setup.conf")
    state = run("SecGeoLookupDB", "GeoLiteCity.dat", file=config_file)
    assert state.config.geo_lookup_db == f"{tmp_path}/GeoLiteCity.dat"
    assert state.config.geo_lookup_db_format is GeoDbFormat.GEOIP_LEGACY
    state = run("SecGeoLookupDb", str(tmp_path / "GeoLite2-Country.mmdb"), file=config_file)
    assert state.config.geo_lookup_db_format is GeoDbFormat.MAXMIND_DB


def test_geo_database_that_cannot_be_opened_is_refused(tmp_path: Path) -> None:
    # CRS 2.2.9's experimental_rules/modsecurity_crs_11_proxy_abuse.conf fails like this in v2.
    assert refusal("SecGeoLookupDB", "/usr/local/apache/conf/modsec/GeoLiteCity.dat") == \
        'Could not open geo database "/usr/local/apache/conf/modsec/GeoLiteCity.dat": ' \
        "No such file or directory"
    assert refusal("SecGeoLookupDB", "nothere.dat", file=str(tmp_path / "x.conf")) == \
        f'Could not open geo database "{tmp_path}/nothere.dat": No such file or directory'
    assert refusal("SecGeoLookupDB", str(tmp_path)) == \
        f'Could not open geo database "{tmp_path}": Is a directory'


def test_geo_database_of_unknown_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "text.dat").write_bytes(b"hello")
    (tmp_path / "empty.dat").write_bytes(b"")
    for name in ("text.dat", "empty.dat"):
        with pytest.raises(DirectiveArgumentError) as raised:
            run("SecGeoLookupDB", str(tmp_path / name))
        assert raised.value.message == (f'Geo database "{tmp_path / name}" is neither a GeoIP legacy '
                                        "database (.dat) nor a MaxMind DB (.mmdb)")
        assert raised.value.notes


UNICODE_MAPPING = b"""(MAC - Roman)


1250  (ANSI - Central Europe)
00a1:21 00a2:63 ff01:21

20127 (US-ASCII)
00a0:20 00a1:21 ff21:41
ff5a:7a

20261 (T.61)
00a1:99
"""


def test_unicode_map_file_reads_the_code_page_section(tmp_path: Path) -> None:
    (tmp_path / "unicode.mapping").write_bytes(UNICODE_MAPPING)
    config_file = str(tmp_path / "modsecurity.conf")
    state = run("SecUnicodeMapFile", "unicode.mapping", "20127", file=config_file)
    assert state.config.unicode_map_file == f"{tmp_path}/unicode.mapping"
    assert state.config.unicode_code_page == 20127
    full_stops = {0x3002: 0x2E, 0xFF61: 0x2E, 0xFF0E: 0x2E, 0x2E: 0x2E}
    assert state.config.unicode_map == {**full_stops, 0xA0: 0x20, 0xA1: 0x21, 0xFF21: 0x41, 0xFF5A: 0x7A}
    # Without a code page (0) v2 starts at the first non-numeric token: here the 1250 section.
    state = run("SecUnicodeMapFile", "unicode.mapping", file=config_file)
    assert state.config.unicode_map == {**full_stops, 0xA1: 0x21, 0xA2: 0x63, 0xFF01: 0x21}
    # SecUnicodeCodePage selects the section of a map file read after it.
    state = run("SecUnicodeCodePage", "20261")
    run("SecUnicodeMapFile", "unicode.mapping", state=state, file=config_file)
    assert state.config.unicode_map == {**full_stops, 0xA1: 0x99}


def test_unicode_map_file_errors(tmp_path: Path) -> None:
    assert refusal("SecUnicodeMapFile", "nothere.map", file=str(tmp_path / "m.conf")) == \
        f'Could not open unicode map file "{tmp_path}/nothere.map": No such file or directory'
    assert refusal("SecUnicodeMapFile", "nothere.map", "0") == \
        "ModSecurity: Invalid setting for SecUnicodeMapFile: 0"
    assert refusal("SecUnicodeMapFile", "nothere.map", "abc") == \
        "ModSecurity: Invalid setting for SecUnicodeMapFile: abc"


# -- no-ops ---------------------------------------------------------------------------------------

def test_deprecated_state_limit_names_warn_and_validate_as_v2() -> None:
    state = run("SecReadStateLimit", "100")
    assert state.config.conn_read_state_limit == 100
    assert state.warnings == [
        ("SecReadStateLimit", "SecReadStateLimit is deprecated, use SecConnReadStateLimit instead")]
    assert refusal("SecReadStateLimit", "0") == "ModSecurity: Invalid value for SecConnReadStateLimit: 0"
    assert refusal("SecWriteStateLimit", "abc") == \
        "ModSecurity: Invalid value for SecConnWriteStateLimit: abc"
    assert run("SecConnWriteStateLimit", "50").config.conn_write_state_limit == 50


@pytest.mark.parametrize(("operator", "message"), [
    ("@ipMatch 1.2.3.4,10.0.0.0/8,::1,2001:db8::/32", None),
    ("!@ipMatch 1.2.3.4,,5.6.7.8", None),
    ("@IPMATCH 1.2.3.4", None),
    ("@ipMatch", "ModSecurity: Space character between operator and parameter not found with "
                 "ConnReadStateLimit: @ipMatch"),
    ("@bad 1.2.3.4", "ModSecurity: Invalid operator for SecConnReadStateLimit: @bad 1.2.3.4, "
                     "expected operators: "
                     "@ipMatch, @ipMatchF or @ipMatchFromFile with or without !"),
    ("@ipMatch 1.2.3.x",
     'ModSecurity: failed to load IPs from: 1.2.3.x Could not add entry "1.2.3.x" from: 1.2.3.x.'),
    ("@ipMatch 1.2.3.4, 5.6.7.8",
     'ModSecurity: failed to load IPs from: 1.2.3.4 Could not add entry " 5.6.7.8" from: 1.2.3.4.'),
    ("@ipMatch 10.0.0.0/33",
     'ModSecurity: failed to load IPs from: 10.0.0.0/33 Could not add entry "10.0.0.0/33" '
     "from: 10.0.0.0/33."),
    ("@ipMatch 1.2.3.4/0",
     'ModSecurity: failed to load IPs from: 1.2.3.4/0 Could not add entry "1.2.3.4/0" from: 1.2.3.4/0.'),
    ("@ipMatch 1.2.3.4/32",
     'ModSecurity: failed to load IPs from: 1.2.3.4/32 Could not add entry "1.2.3.4/32" from: 1.2.3.4/32.'),
    ("@ipMatch ::1/128",
     'ModSecurity: failed to load IPs from: ::1/128 Could not add entry "::1/128" from: ::1/128.'),
    ("@ipMatch fe80::1%eth0",
     'ModSecurity: failed to load IPs from: fe80::1%eth0 Could not add entry "fe80::1%eth0" '
     "from: fe80::1%eth0."),
    ("@ipMatch 1.2.3.4/31,::1/127,10.0.0.0/ 8,10.0.0.0/8x", None),
])
def test_state_limit_ip_operator(operator: str, message: str | None) -> None:
    if message is None:
        run("SecConnReadStateLimit", "5", operator)
    else:
        assert refusal("SecConnWriteStateLimit", "5", operator) == message


def test_state_limit_ip_file(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("# comment\n\n1.2.3.4\n  5.6.7.8  \n10.0.0.0/8\n")
    (tmp_path / "bad.txt").write_text("1.2.3.4\nbad\n")
    config_file = str(tmp_path / "limits.conf")
    run("SecConnReadStateLimit", "5", "@ipMatchFromFile ok.txt", file=config_file)
    assert refusal("SecConnReadStateLimit", "5", "!@ipMatchF bad.txt", file=config_file) == \
        f'ModSecurity: failed to load IPs from: bad.txt Could not add entry "bad" in line 2 of file ' \
        f"{tmp_path}/bad.txt to IP list"
    assert refusal("SecConnReadStateLimit", "5", "@ipMatchF none.txt", file=config_file) == \
        'ModSecurity: failed to load IPs from: none.txt Could not open ipmatch file ' \
        f'"{tmp_path}/none.txt": No such file or directory'


def test_hash_family_without_the_engine_is_stored() -> None:
    state = run("SecHashKey", "Rand", "KeyOnly")
    assert (state.config.hash_key, state.config.hash_key_add) == (None, "KeyOnly")
    run("SecHashKey", "secret", "remoteip", state=state)
    run("SecHashKey", "secret2", "unknown", state=state)  # v2 ignores an unknown second argument
    assert (state.config.hash_key, state.config.hash_key_add) == ("secret2", "RemoteIP")
    run("SecHashMethodPm", "HashHref", "product_info list_product", state=state)
    run("SecHashMethodRx", "Foo", "(", state=state)  # not compiled for a method v2 does not know
    assert state.config.hash_methods == [("Pm", "HashHref", "product_info list_product"), ("Rx", "Foo", "(")]


def test_chroot_dir_that_exists_is_stored(tmp_path: Path) -> None:
    assert run("SecChrootDir", str(tmp_path)).config.chroot_dir == str(tmp_path)
    (tmp_path / "file").write_text("")
    assert refusal("SecChrootDir", str(tmp_path / "file")) == \
        f"ModSecurity: Failed to chdir to {tmp_path}/file, errno=20 (Not a directory)"


@pytest.mark.parametrize(("options", "message"), [
    ("incremental:off,maxitems:0,minlen:64,maxlen:0", None),
    ("minlen:10,maxlen:100", None),
    ("MINLEN:5x,minlen:50,maxlen:6", None),  # the first of a name wins; "5x" reads as 5
    ("foo:bar, minlen , maxlen:0", None),
    ("incremental:x", "ModSecurity: SecCacheTransformations invalid incremental value: x"),
    ("minlen:-1", "ModSecurity: SecCacheTransformations minlen must be positive: -1"),
    ("maxitems:-5", "ModSecurity: SecCacheTransformations maxitems must be positive: -5"),
    ("minlen:99999999999999999999",
     "ModSecurity: SecCacheTransformations minlen out of range: 99999999999999999999"),
    ("maxlen:32,minlen:64",
     "ModSecurity: SecCacheTransformations maxlen must not be less than minlen: 32 < 64"),
    # v2 compares maxlen with a minlen that was never set: (size_t)-1.
    ("maxlen:100", "ModSecurity: SecCacheTransformations maxlen must not be less than minlen: "
                   "100 < 18446744073709551615"),
    ("minlen:'5", "ModSecurity: Unable to parse options for SecCacheTransformations: "
                  "Missing closing quote at position 9: minlen:'5"),
    ("a b", "ModSecurity: Unable to parse options for SecCacheTransformations: "
            "Unexpected character at position 2: a b"),
])
def test_cache_transformations_options(options: str, message: str | None) -> None:
    if message is None:
        assert run("SecCacheTransformations", "On", options).config.cache_transformations is True
    else:
        assert refusal("SecCacheTransformations", "On", options) == message
    assert refusal("SecCacheTransformations", "x") == \
        "ModSecurity: Invalid value for SecCacheTransformations: x"


# -- refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "args"), [
    ("SecStreamInBodyInspection", ("on",)),
    ("SecStreamOutBodyInspection", ("On",)),
    ("SecHashEngine", ("On",)),
    ("SecConnEngine", ("On",)),
    ("SecConnEngine", ("DetectionOnly",)),
    ("SecGsbLookupDB", ("GsbMalware.dat",)),
    ("SecRemoteRules", ("key", "https://example.com/rules.conf")),
])
def test_refused_when_turned_on(name: str, args: tuple[str, ...]) -> None:
    message = refusal(name, *args)
    assert message.startswith(f"{name} {' '.join(args)} is not supported by modsec_py: ")
    spec = get(name)
    assert spec is not None and spec.reason in message


@pytest.mark.parametrize(("args", "message"), [
    (("key", "http://x"), "ModSecurity: Invalid URI: 'http://x'. Expected HTTPS."),
    (("crypto", "key"), "ModSecurity: Use SecRemoteRule with Key and URI"),
    (("crypto", "key", "http://x"), "ModSecurity: Invalid URI: 'http://x'. Expected HTTPS."),
    (("a", "b", "c"), "ModSecurity: Invalid URI: 'b'. Expected HTTPS."),
])
def test_remote_rules_are_checked_as_v2_checks_them_first(args: tuple[str, ...], message: str) -> None:
    assert refusal("SecRemoteRules", *args) == message
