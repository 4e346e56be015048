"""The engine configuration: every value the engine-level SecLang directives set.

The loader fills one :class:`EngineConfig` while it reads the configuration (each directive
handler in :mod:`modsec_py.seclang.directives` stores its value here); the engine freezes it
afterwards. A field's default is what ModSecurity 2.9.7 uses when the directive is absent
(``init_directory_config`` in v2's ``apache2_config.c``, checked against the 2.9.7 binary).

Paths are stored resolved the way v2 resolves them: the log files, SecDataDir, SecTmpDir,
SecUploadDir and SecAuditLogStorageDir against Apache's ServerRoot; SecGeoLookupDB and
SecUnicodeMapFile against the directory of the file that holds the directive. A value
that starts with ``|`` (SecAuditLog, SecAuditLog2, SecGuardianLog) is a piped logger command.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field


class RuleEngineMode(enum.Enum):
    """SecRuleEngine (and SecConnEngine): On, Off or DetectionOnly."""

    ON = "On"
    OFF = "Off"
    DETECTION_ONLY = "DetectionOnly"


class BodyLimitAction(enum.Enum):
    """SecRequestBodyLimitAction / SecResponseBodyLimitAction."""

    REJECT = "Reject"
    PROCESS_PARTIAL = "ProcessPartial"


class AuditEngineMode(enum.Enum):
    """SecAuditEngine."""

    ON = "On"
    OFF = "Off"
    RELEVANT_ONLY = "RelevantOnly"


class AuditLogType(enum.Enum):
    """SecAuditLogType."""

    SERIAL = "Serial"
    CONCURRENT = "Concurrent"


class AuditLogFormat(enum.Enum):
    """SecAuditLogFormat."""

    NATIVE = "Native"
    JSON = "JSON"


class KeepFilesMode(enum.Enum):
    """SecUploadKeepFiles."""

    ON = "On"
    OFF = "Off"
    RELEVANT_ONLY = "RelevantOnly"


class GeoDbFormat(enum.Enum):
    """The kind of database SecGeoLookupDB names."""

    GEOIP_LEGACY = "GeoIP legacy (.dat)"
    MAXMIND_DB = "MaxMind DB (.mmdb)"


class RemoteRulesFailAction(enum.Enum):
    """SecRemoteRulesFailAction."""

    ABORT = "Abort"
    WARN = "Warn"


DEFAULT_RESPONSE_BODY_MIME_TYPES = ("text/plain", "text/html")


def default_tmp_dir() -> str:
    """v2's ``guess_tmp_dir``: $TMPDIR, $TEMP, $TMP, else ``/tmp/``."""
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.environ.get(name)
        if value is not None:
            return value
    return "/tmp/"


@dataclass(slots=True)
class EngineConfig:
    """One typed field per engine directive value; defaults are v2's when the directive is absent."""

    # -- engine ------------------------------------------------------------------------------
    rule_engine: RuleEngineMode = RuleEngineMode.OFF  # SecRuleEngine
    request_body_access: bool = False  # SecRequestBodyAccess
    response_body_access: bool = False  # SecResponseBodyAccess
    intercept_on_error: bool = False  # SecInterceptOnError
    rule_inheritance: bool = True  # SecRuleInheritance
    pcre_match_limit: int = 1500  # SecPcreMatchLimit (Debian's build default)
    pcre_match_limit_recursion: int = 1500  # SecPcreMatchLimitRecursion
    rule_perf_time: int = 0  # SecRulePerfTime, microseconds; 0: not measured

    # -- request and response bodies ---------------------------------------------------------------
    request_body_limit: int = 134217728  # SecRequestBodyLimit
    request_body_in_memory_limit: int = 131072  # SecRequestBodyInMemoryLimit
    request_body_no_files_limit: int = 1048576  # SecRequestBodyNoFilesLimit
    request_body_json_depth_limit: int = 10000  # SecRequestBodyJsonDepthLimit
    arguments_limit: int = 1000  # SecArgumentsLimit
    request_body_limit_action: BodyLimitAction = BodyLimitAction.REJECT  # SecRequestBodyLimitAction
    response_body_limit: int = 524288  # SecResponseBodyLimit
    response_body_limit_action: BodyLimitAction = BodyLimitAction.REJECT  # SecResponseBodyLimitAction
    # SecResponseBodyMimeType / SecResponseBodyMimeTypesClear: lowercased, no duplicates. The
    # defaults apply only while neither directive has been used (v2 starts a fresh list then).
    response_body_mime_types: list[str] = field(
        default_factory=lambda: list(DEFAULT_RESPONSE_BODY_MIME_TYPES))
    response_body_mime_types_set: bool = False
    argument_separator: str = "&"  # SecArgumentSeparator
    cookie_format: int = 0  # SecCookieFormat: 0 or 1
    cookie_v0_separator: str | None = None  # SecCookiev0Separator; None: v2's default parsing
    request_encoding: str | None = None  # SecRequestEncoding (stored, unused by v2)
    xml_external_entity: bool = False  # SecXmlExternalEntity
    disable_backend_compression: bool = False  # SecDisableBackendCompression

    # -- uploads and temporary files ---------------------------------------------------------------
    tmp_dir: str | None = field(default_factory=default_tmp_dir)  # SecTmpDir; None: "none"
    upload_dir: str | None = None  # SecUploadDir
    upload_keep_files: KeepFilesMode = KeepFilesMode.OFF  # SecUploadKeepFiles
    upload_file_mode: int = 0o600  # SecUploadFileMode
    upload_file_limit: int = 100  # SecUploadFileLimit
    tmp_save_uploaded_files: bool = False  # SecTmpSaveUploadedFiles

    # -- audit log ---------------------------------------------------------------------------------
    audit_engine: AuditEngineMode = AuditEngineMode.OFF  # SecAuditEngine
    audit_log: str | None = None  # SecAuditLog: a path, or "|command"
    audit_log2: str | None = None  # SecAuditLog2
    audit_log_parts: str = "ABCFHZ"  # SecAuditLogParts, as written
    audit_log_relevant_status: str | None = None  # SecAuditLogRelevantStatus (a PCRE, DOTALL)
    audit_log_type: AuditLogType = AuditLogType.SERIAL  # SecAuditLogType
    audit_log_format: AuditLogFormat = AuditLogFormat.NATIVE  # SecAuditLogFormat
    audit_log_storage_dir: str | None = None  # SecAuditLogStorageDir
    audit_log_dir_mode: int = 0o750  # SecAuditLogDirMode
    audit_log_file_mode: int = 0o640  # SecAuditLogFileMode

    # -- debug log ---------------------------------------------------------------------------------
    debug_log: str | None = None  # SecDebugLog
    debug_log_level: int = 0  # SecDebugLogLevel

    # -- persistent storage ------------------------------------------------------------------------
    data_dir: str | None = None  # SecDataDir
    collection_timeout: int = 3600  # SecCollectionTimeout, seconds

    # -- lookups -----------------------------------------------------------------------------------
    geo_lookup_db: str | None = None  # SecGeoLookupDB
    geo_lookup_db_format: GeoDbFormat | None = None
    http_bl_key: str | None = None  # SecHttpBlKey
    unicode_code_page: int = 0  # SecUnicodeCodePage, or SecUnicodeMapFile's second argument
    unicode_map_file: str | None = None  # SecUnicodeMapFile
    # The map v2 builds from the file when SecUnicodeMapFile is read (code point -> byte);
    # None when no SecUnicodeMapFile was given (t:urlDecodeUni then uses its built-in rules).
    unicode_map: dict[int, int] | None = None

    # -- identity and signatures -------------------------------------------------------------------
    component_signatures: list[str] = field(default_factory=list)  # SecComponentSignature
    server_signature: str | None = None  # SecServerSignature
    sensor_id: str = "default"  # SecSensorId
    web_app_id: str = "default"  # SecWebAppId

    # -- accepted without effect (see docs/DEVIATIONS.md) ------------------------------------------
    status_engine: bool = False  # SecStatusEngine
    chroot_dir: str | None = None  # SecChrootDir
    guardian_log: str | None = None  # SecGuardianLog
    guardian_log_condition: str | None = None  # its env=[!]NAME clause, without "env="
    cache_transformations: bool = False  # SecCacheTransformations
    cache_transformations_incremental: bool = False
    cache_transformations_min_len: int = 32
    cache_transformations_min_len_set: bool = False  # v2 compares maxlen with an unset minlen
    cache_transformations_max_len: int = 1024
    cache_transformations_max_items: int = 512
    hash_key: str | None = None  # SecHashKey (None: v2 makes a random key)
    hash_key_add: str = "KeyOnly"  # SecHashKey's second argument: KeyOnly, SessionID or RemoteIP
    hash_param: str = "crypt"  # SecHashParam
    hash_methods: list[tuple[str, str, str]] = field(default_factory=list)  # (Pm|Rx, method, pattern)
    remote_rules_fail_action: RemoteRulesFailAction = RemoteRulesFailAction.ABORT  # SecRemoteRulesFailAction
    conn_read_state_limit: int = 0  # SecConnReadStateLimit / SecReadStateLimit; 0: none
    conn_write_state_limit: int = 0  # SecConnWriteStateLimit / SecWriteStateLimit

    # -- refused when turned on (only the Off value can be stored) ---------------------------------
    content_injection: bool = False  # SecContentInjection
    stream_in_body_inspection: bool = False  # SecStreamInBodyInspection
    stream_out_body_inspection: bool = False  # SecStreamOutBodyInspection
    hash_engine: bool = False  # SecHashEngine
    conn_engine: RuleEngineMode = RuleEngineMode.OFF  # SecConnEngine
