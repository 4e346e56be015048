"""The item tables against ModSecurity 2.9.7: names, metadata and load-time checks.

The literal lists below are what Debian's 2.9.7 registers (checked against the binary).
When that binary is present (/opt/ms2, a development machine), the tables are also checked
against it: its registration strings, and ``apache2 -t`` loading every name.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from modsec_py.actions.spec import (
    ACTIONS,
    CTL_OPTIONS,
    ActionKind,
    Cardinality,
    CardinalityGroup,
    get_action,
    get_ctl_option,
    parse_phase,
)
from modsec_py.errors import ItemArgumentError
from modsec_py.operators.spec import OPERATORS, get_operator
from modsec_py.transformations.spec import TRANSFORMATIONS, canonical_name, is_transformation
from modsec_py.variables.spec import VARIABLES, VariableKind, get_variable, is_known_variable

ACTION_NAMES = """
    id marker rev msg logdata accuracy maturity ver severity chain log nolog auditlog noauditlog
    block deny status drop pause redirect proxy pass skip skipAfter allow phase t ctl xmlns capture
    sanitiseArg sanitiseMatchedBytes sanitizeMatchedBytes sanitizeArg sanitiseMatched sanitizeMatched
    sanitiseRequestHeader sanitizeRequestHeader sanitiseResponseHeader sanitizeResponseHeader setenv
    setvar expirevar deprecatevar initcol setsid setrsc setuid exec multiMatch tag prepend append
""".split()

VARIABLE_NAMES = """
    ARGS ARGS_COMBINED_SIZE ARGS_GET ARGS_GET_NAMES ARGS_NAMES ARGS_POST ARGS_POST_NAMES AUTH_TYPE ENV
    FILES FILES_COMBINED_SIZE FILES_NAMES FILES_SIZES FILES_TMPNAMES FILES_TMP_CONTENT
    MULTIPART_PART_HEADERS GEO GLOBAL HIGHEST_SEVERITY IP MATCHED_VAR MATCHED_VAR_NAME MODSEC_BUILD
    MULTIPART_FILENAME MULTIPART_NAME MULTIPART_BOUNDARY_QUOTED MULTIPART_BOUNDARY_WHITESPACE
    MULTIPART_DATA_AFTER MULTIPART_DATA_BEFORE MULTIPART_HEADER_FOLDING MULTIPART_CRLF_LINE
    MULTIPART_CRLF_LF_LINES MULTIPART_LF_LINE MULTIPART_MISSING_SEMICOLON MULTIPART_INVALID_PART
    MULTIPART_INVALID_QUOTING MULTIPART_INVALID_HEADER_FOLDING MULTIPART_FILE_LIMIT_EXCEEDED
    MULTIPART_STRICT_ERROR MULTIPART_UNMATCHED_BOUNDARY PATH_INFO QUERY_STRING USERAGENT_IP REMOTE_ADDR
    REMOTE_HOST REMOTE_PORT REMOTE_USER RESOURCE REQBODY_PROCESSOR SDBM_DELETE_ERROR
    REQBODY_PROCESSOR_ERROR REQBODY_PROCESSOR_ERROR_MSG REQBODY_ERROR REQBODY_ERROR_MSG
    REQUEST_BASENAME FULL_REQUEST FULL_REQUEST_LENGTH REQUEST_BODY REQUEST_BODY_LENGTH
    MATCHED_VARS_NAMES MATCHED_VARS REQUEST_COOKIES REQUEST_COOKIES_NAMES REQUEST_FILENAME
    REQUEST_HEADERS REQUEST_HEADERS_NAMES REQUEST_LINE REQUEST_METHOD REQUEST_PROTOCOL REQUEST_URI
    REQUEST_URI_RAW UNIQUE_ID STREAM_OUTPUT_BODY STREAM_INPUT_BODY RESPONSE_BODY
    RESPONSE_CONTENT_LENGTH RESPONSE_CONTENT_TYPE RESPONSE_HEADERS RESPONSE_HEADERS_NAMES
    RESPONSE_PROTOCOL RESPONSE_STATUS RULE SCRIPT_GID SCRIPT_BASENAME SCRIPT_FILENAME SCRIPT_GROUPNAME
    SCRIPT_MODE SCRIPT_UID SCRIPT_USERNAME SERVER_ADDR SERVER_NAME SERVER_PORT SESSION SESSIONID
    STATUS_LINE URLENCODED_ERROR INBOUND_DATA_ERROR OUTBOUND_DATA_ERROR USER USERID PERF_RULES
    PERF_ALL PERF_COMBINED PERF_GC PERF_LOGGING PERF_PHASE1 PERF_PHASE2 PERF_PHASE3 PERF_PHASE4
    PERF_PHASE5 PERF_SREAD PERF_SWRITE DURATION TIME TIME_DAY TIME_EPOCH TIME_HOUR TIME_MIN TIME_MON
    TIME_SEC TIME_WDAY TIME_YEAR TX WEBAPPID WEBSERVER_ERROR_LOG XML
""".split()

OPERATOR_NAMES = """
    unconditionalMatch noMatch ipmatch ipmatchFromFile ipmatchf rsub rx validateHash pm pmFromFile
    pmf within contains containsWord detectSQLi detectXSS streq beginsWith endsWith strmatch
    validateDTD validateSchema verifyCC verifyCPF verifySSN geoLookup gsbLookup rbl inspectFile
    fuzzyHash validateByteRange validateUrlEncoding validateUtf8Encoding eq gt lt le ge
""".split()

TRANSFORMATION_NAMES = """
    none base64Decode base64Encode compressWhitespace cssDecode escapeSeqDecode sqlHexDecode hexDecode
    hexEncode htmlEntityDecode jsDecode length lowercase md5 normalisePath normalizePath
    normalisePathWin normalizePathWin parityEven7bit parityZero7bit parityOdd7bit removeWhitespace
    removeNulls replaceNulls removeComments removeCommentsChar replaceComments sha1 trim trimLeft
    cmdline trimRight urlDecode urlDecodeUni Utf8toUnicode urlEncode base64DecodeExt
""".split()

# libmodsecurity (v3) or documentation-only names that 2.9.7 refuses.
NOT_IN_2_9_7 = {
    "action": ["sanitizeArgs", "setVariable", "auditLogParts"],
    "variable": ["ARGS_RAW", "MSC_PCRE_LIMITS_EXCEEDED", "MULTIPART_SEMICOLON_MISSING", "JSON",
                 "REQBODY_ERROR_MESSAGE"],
    "operator": ["rxGlobal", "verifySVNR", "ipMatchList"],
    "transformation": ["uppercase", "base64EncodeExt"],
}


def refused(check: Callable[..., None] | None, *args: str | None) -> str:
    assert check is not None
    with pytest.raises(ItemArgumentError) as caught:
        check(*args)
    return caught.value.message


def accepts(check: Callable[..., None] | None, *args: str | None) -> None:
    assert check is not None
    check(*args)


# -- names ---------------------------------------------------------------------------------

def test_tables_hold_exactly_the_2_9_7_names() -> None:
    assert [spec.name for spec in ACTIONS.values()] == ACTION_NAMES
    assert [spec.name for spec in VARIABLES.values()] == VARIABLE_NAMES
    assert [spec.name for spec in OPERATORS.values()] == OPERATOR_NAMES
    assert TRANSFORMATIONS == {name.lower() for name in TRANSFORMATION_NAMES}
    assert (len(ACTIONS), len(VARIABLES), len(OPERATORS), len(TRANSFORMATIONS)) == (53, 126, 38, 37)


def test_names_2_9_7_does_not_have_are_absent() -> None:
    assert all(get_action(name) is None for name in NOT_IN_2_9_7["action"])
    assert all(get_variable(name) is None for name in NOT_IN_2_9_7["variable"])
    assert all(get_operator(name) is None for name in NOT_IN_2_9_7["operator"])
    assert not any(is_transformation(name) for name in NOT_IN_2_9_7["transformation"])


def test_lookups_are_case_insensitive_and_keep_v2_spelling() -> None:
    assert get_action("SKIPAFTER").name == "skipAfter"
    assert get_action("setVar").name == "setvar"
    assert get_variable("request_headers").name == "REQUEST_HEADERS"
    assert get_operator("IPMATCH").name == "ipmatch"
    assert get_operator("ipMatchFromFile").name == "ipmatchFromFile"
    assert get_operator("RX") is OPERATORS["rx"]
    assert is_transformation("UTF8TOUNICODE") and canonical_name("utf8tounicode") == "Utf8toUnicode"
    assert get_ctl_option("RULEENGINE").name == "ruleEngine"
    assert get_action("ıd") is None and get_variable("ARGß") is None  # non-ASCII never folds


# -- metadata ------------------------------------------------------------------------------

def test_action_types_are_v2_registrations_not_the_manual() -> None:
    kinds = {name: spec.kind for name, spec in ACTIONS.items()}
    for name in ("phase", "status", "pause", "skip", "skipafter", "pass", "allow", "proxy", "block"):
        assert kinds[name] is ActionKind.DISRUPTIVE, name
    assert kinds["logdata"] is ActionKind.METADATA
    assert kinds["xmlns"] is ActionKind.NON_DISRUPTIVE
    assert kinds["chain"] is ActionKind.FLOW
    assert [name for name, kind in kinds.items() if kind is ActionKind.FLOW] == ["chain"]


def test_action_cardinality_and_groups() -> None:
    group = {name: spec.group for name, spec in ACTIONS.items()}
    disruptive_group = {"block", "deny", "drop", "redirect", "proxy", "pass", "skip", "skipafter", "allow"}
    assert {name for name, g in group.items() if g is CardinalityGroup.DISRUPTIVE} == disruptive_group
    assert group["status"] is group["pause"] is group["phase"] is CardinalityGroup.NONE
    assert group["log"] is group["nolog"] is CardinalityGroup.LOG
    assert group["auditlog"] is group["noauditlog"] is CardinalityGroup.AUDITLOG
    assert ACTIONS["setvar"].cardinality is ACTIONS["tag"].cardinality is Cardinality.MANY
    assert ACTIONS["setuid"].cardinality is ACTIONS["capture"].cardinality is Cardinality.ONE
    assert [name for name, spec in ACTIONS.items() if spec.plus_minus] == ["t"]
    assert (ACTIONS["allow"].argc_min, ACTIONS["allow"].argc_max) == (0, 1)
    assert (ACTIONS["sanitisematchedbytes"].argc_min, ACTIONS["sanitisematchedbytes"].argc_max) == (0, 1)


def test_variable_metadata() -> None:
    keyed = {name for name, spec in VARIABLES.items() if spec.argc_min == 1}
    assert keyed == {"GLOBAL", "IP", "RESOURCE", "RULE", "SESSION", "TX", "USER"}
    collections = {name for name, spec in VARIABLES.items() if spec.kind is VariableKind.COLLECTION}
    assert {"REQUEST_BODY", "WEBSERVER_ERROR_LOG", "ARGS_COMBINED_SIZE", "XML", "ENV"} <= collections
    assert VARIABLES["REMOTE_ADDR"].kind is VariableKind.SCALAR and VARIABLES["REMOTE_ADDR"].argc_max == 0
    assert VARIABLES["FILES_NAMES"].argc_max == 0 and VARIABLES["WEBSERVER_ERROR_LOG"].argc_max == 0
    phases = {name: spec.availability_phase for name, spec in VARIABLES.items()}
    assert (phases["ARGS"], phases["ARGS_POST"], phases["RESPONSE_HEADERS"], phases["RESPONSE_BODY"]) == (1, 2, 3, 4)
    assert phases["STREAM_INPUT_BODY"] == 1 and phases["STREAM_OUTPUT_BODY"] == 4 and phases["XML"] == 2
    assert VARIABLES["ARGS"].cacheable and not VARIABLES["TX"].cacheable
    assert not VARIABLES["REQUEST_URI"].cacheable  # v2: "temp copy"


def test_is_known_variable_follows_v2_resolution() -> None:
    assert is_known_variable("ARGS:foo") and is_known_variable("!tx:score") and is_known_variable("&ip:x")
    assert is_known_variable("HTTP_User-Agent") and is_known_variable("HTTP_X:ignored")
    assert not is_known_variable("HTTP_") and not is_known_variable("http_x")  # prefix is case-sensitive
    assert not is_known_variable("FOO:bar")  # even after initcol:foo=..., v2 says "Unknown variable: FOO"
    assert not is_known_variable("ARGS_RAW")


# -- action checks -------------------------------------------------------------------------

def test_id() -> None:
    check = ACTIONS["id"].check
    for value in ("1", "01", "2147483647", "4294967297", "99999999999"):
        accepts(check, value)
    for value in ("0", "00", "1a", " 1", "", "2147483648", "9223372036854775807"):
        assert refused(check, value) == f"ModSecurity: Invalid value for action ID: {value}"


def test_phase() -> None:
    check = ACTIONS["phase"].check
    for value in ("1", "5", "02", " 2", "2abc", "REQUEST", "Response", "logging"):
        accepts(check, value)
    assert (parse_phase("request"), parse_phase("response"), parse_phase("logging")) == (2, 4, 5)
    assert parse_phase("2abc") == 2 and parse_phase("7") is None
    assert refused(check, "7") == "Invalid phase 7: phases are 1 to 5 (or request, response, logging)"
    for value in ("0", "6", "", "abc"):
        refused(check, value)


def test_allow_xmlns_exec() -> None:
    for value in ("phase", "REQUEST"):
        accepts(ACTIONS["allow"].check, value)
    assert refused(ACTIONS["allow"].check, "x") == "Invalid parameter for allow: x"
    for value in ("a=b", "=b", "a="):
        accepts(ACTIONS["xmlns"].check, value)
    assert refused(ACTIONS["xmlns"].check, "soap") == "Missing xmlns href for prefix: soap"
    for value in ("/usr/bin/notify.sh", ".lua", "x.LUA"):
        accepts(ACTIONS["exec"].check, value)
    assert '"/etc/x.lua"' in refused(ACTIONS["exec"].check, "/etc/x.lua")


def test_actions_v2_never_refuses_at_load() -> None:
    for name in ("severity", "accuracy", "maturity", "status", "pause", "skip", "setvar", "setenv",
                 "initcol", "expirevar", "deprecatevar", "setuid", "setsid", "setrsc", "redirect",
                 "proxy", "skipafter", "prepend", "append", "sanitisearg", "rev", "t"):
        assert ACTIONS[name].check is None, name


CTL_ACCEPTED = [
    "ruleEngine=On", "RULEENGINE=detectiononly", "ruleRemoveById=", "ruleRemoveById=abc",
    "ruleRemoveByTag=a.*b", "ruleRemoveByTag=", "requestBodyAccess=true", "requestBodyAccess=0",
    "requestBodyProcessor=FOO", "forceRequestBodyVariable=on", "responseBodyAccess=FALSE",
    "auditEngine=RelevantOnly", "auditLogParts=ABCDEFGHIJKZ", "auditLogParts=+E", "auditLogParts=-E",
    "auditLogParts=", "auditLogParts=+", "debugLogLevel=9", "debugLogLevel=abc", "requestBodyLimit=12abc",
    "requestBodyLimit=+5", "requestBodyLimit=1073741824", "ruleRemoveTargetById=123",
    "ruleRemoveTargetById=;ARGS", "ruleRemoveTargetByTag=a;ARGS", "HashEnforcement=On", "hashengine=off",
    "ruleRemoveById=1=2",
]

CTL_REFUSED = [
    ("ruleEngine", "Missing ctl value for name: ruleEngine"),
    ("ruleEngine=1", "Invalid setting for ctl name ruleEngine: 1"),
    ("ruleEngine = On", "Invalid ctl name setting: ruleEngine "),
    ("foo=bar", "Invalid ctl name setting: foo"),
    ("ruleRemoveByTag=(", 'ModSecurity: Invalid regular expression "("'),
    ("ruleRemoveByMsg=(", 'ModSecurity: Invalid regular expression "("'),
    ("requestBodyAccess=yes", "Invalid setting for ctl name  requestBodyAccess: yes"),
    ("forceRequestBodyVariable=true", "Invalid setting for ctl name  forceRequestBodyVariable: true"),
    ("responseBodyAccess=", "Invalid setting for ctl name  responseBodyAccess: "),
    ("auditEngine=true", "Invalid setting for ctl name  auditEngine: true"),
    ("auditLogParts=L", "Invalid setting for ctl name auditLogParts: L"),
    ("auditLogParts=++E", "Invalid setting for ctl name auditLogParts: ++E"),
    ("debugLogLevel=10", "Invalid setting for ctl name debugLogLevel: 10"),
    ("debugLogLevel=-1", "Invalid setting for ctl name debugLogLevel: -1"),
    ("requestBodyLimit=0", "Invalid setting for ctl name requestBodyLimit: 0"),
    ("requestBodyLimit=0x10", "Invalid setting for ctl name requestBodyLimit: 0x10"),
    ("requestBodyLimit=9223372036854775807",
     "Invalid setting for ctl name requestBodyLimit: 9223372036854775807"),
    ("requestBodyLimit=1073741825", "Request size limit cannot exceed the hard limit: 1073741824"),
    ("responseBodyLimit=1073741825", "Response size limit cannot exceed the hard limit: 1073741824"),
    ("ruleRemoveTargetById=", "ruleRemoveTargetById must has at least id;VARIABLE"),
    ("ruleRemoveTargetById=;;", "ruleRemoveTargetById must has at least id;VARIABLE"),
    ("ruleRemoveTargetByTag=;(", 'ModSecurity: Invalid regular expression "("'),
    ("ruleRemoveTargetByMsg=;", "ruleRemoveTargetByMsg must has at least msg;VARIABLE"),
    ("HashEngine=x", "Invalid setting for ctl name HashEngine: x"),
]


def test_ctl_options_table() -> None:
    assert len(CTL_OPTIONS) == 18 and CTL_OPTIONS["ruleremovebyid"].check is None


@pytest.mark.parametrize("value", CTL_ACCEPTED)
def test_ctl_accepts(value: str) -> None:
    accepts(ACTIONS["ctl"].check, value)


@pytest.mark.parametrize(("value", "message"), CTL_REFUSED)
def test_ctl_refuses(value: str, message: str) -> None:
    assert refused(ACTIONS["ctl"].check, value) == message


# -- variable checks -----------------------------------------------------------------------

def test_variable_key_checks() -> None:
    for key in (None, "foo", "/a/", "//", "/", "/(/x"):
        accepts(VARIABLES["ARGS"].check, key)
    assert refused(VARIABLES["ARGS"].check, "/(/").startswith("Error compiling pattern (offset 1): ")
    assert refused(VARIABLES["TX"].check, "/[/").startswith("Error compiling pattern (offset ")
    assert refused(VARIABLES["ENV"].check, None) == "Parameter required for ENV."
    assert refused(VARIABLES["ENV"].check, "/a/") == "Regular expressions not supported in ENV."
    accepts(VARIABLES["ENV"].check, "//")
    assert VARIABLES["XML"].check is None and VARIABLES["RULE"].check is None


# -- operator checks -----------------------------------------------------------------------

def op_check(name: str, param: str, directory: str = "/nonexistent") -> None:
    spec = get_operator(name)
    assert spec is not None and spec.check is not None
    spec.check(param, directory)


def test_patterns() -> None:
    for name in ("rx", "validateHash", "verifyCC", "verifyCPF", "verifySSN", "gsbLookup"):
        op_check(name, r"\d{13,16}")
        assert refused(op_check, name, "(").startswith("Error compiling pattern (offset 1): ")
    op_check("rx", "")
    op_check("rx", "%{tx.x}(")  # compiled per transaction, after macro expansion
    op_check("validateHash", "%{tx.x}(")
    assert refused(op_check, "verifyCC", "%{tx.x}(").startswith("Error compiling pattern (offset 8): ")


def test_operators_without_load_checks() -> None:
    for name in ("unconditionalMatch", "noMatch", "within", "contains", "containsWord", "detectSQLi",
                 "detectXSS", "streq", "beginsWith", "endsWith", "validateDTD", "validateSchema",
                 "geoLookup", "rbl", "fuzzyHash", "validateUrlEncoding", "validateUtf8Encoding",
                 "eq", "gt", "lt", "le", "ge"):
        assert OPERATORS[name.lower()].check is None, name
    required = {name for name, spec in OPERATORS.items() if spec.param_required}
    assert required == {"pm", "pmfromfile", "pmf", "ipmatchfromfile", "ipmatchf", "inspectfile", "strmatch",
                        "rsub"}


def test_pm_and_strmatch() -> None:
    for param in ("a b", "%{tx.x}", "a|zz|b", '"abc', "a\\x"):
        op_check("pm", param)
    assert refused(op_check, "pm", "") == "Missing parameter for operator 'pm'."
    for param in ('"abc"', '"abc', "|zz", "a||b", "|4142", "a\\:", "a\\\\", '\\"', "a\\", "|\\x|", "\\|41|"):
        op_check("strmatch", param)
    for param in ("", '""', '"', "   "):
        assert refused(op_check, "strmatch", param) == "Content length is 0."
    for param in ("a\\x", "a\\ b", "|\\|x"):
        assert refused(op_check, "strmatch", param) == "Unsupported escape sequence."


@pytest.mark.parametrize(("param", "message"), [
    ("1.2.3.4", None), ("1.2.3.4/24", None), ("1.2.3.4/8a", None), ("1.2.3.4/+8", None),
    ("1.2.3.4/24/1", None), ("1.2.3.4,,5.6.7.8", None), (",1.2.3.4", None), ("", None), ("::1", None),
    ("fe80::/10", None), ("fe80::/127", None), ("fe80::/6.4", None), ("::ffff:1.2.3.4", None),
    ("1.2.3.4/00000000000000000000008.", None),  # v2 cuts IPv4 entries at 31 characters
    ("1.2.3.4/32", 'Could not add entry "1.2.3.4/32" from: 1.2.3.4/32.'),
    ("1.2.3.4/0", 'Could not add entry "1.2.3.4/0" from: 1.2.3.4/0.'),
    ("1.2.3.4/1.0", 'Could not add entry "1.2.3.4/1.0" from: 1.2.3.4/1.0.'),
    ("fe80::/128", 'Could not add entry "fe80::/128" from: fe80::/128.'),
    ("fe80::/64:", 'Could not add entry "fe80::/64:" from: fe80::/64:.'),
    ("01.2.3.4", 'Could not add entry "01.2.3.4" from: 01.2.3.4.'),
    ("1.2.3.4, 5.6.7.8", 'Could not add entry " 5.6.7.8" from: 1.2.3.4.'),
    ("%{tx.ip}", 'Could not add entry "%{tx.ip}" from: %{tx.ip}.'),
])
def test_ip_match(param: str, message: str | None) -> None:
    if message is None:
        op_check("ipMatch", param)
    else:
        assert refused(op_check, "ipMatch", param) == message


def test_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "words.txt").write_text("foo\nbar\n")
    (tmp_path / "sub" / "ips.txt").write_text("# comment\n\n  1.2.3.4  \n10.0.0.0/8\nzz\n1.2.3.4x # c\n::1\n")
    (tmp_path / "sub" / "bad.txt").write_text("1.2.3.4\nbogus\n")
    here = str(tmp_path)
    for name in ("pmFromFile", "pmf"):
        op_check(name, "sub/words.txt", here)
        op_check(name, f"sub/words.txt  {tmp_path}/sub/words.txt", here)
        op_check(name, "../x/../" + tmp_path.name + "/sub/words.txt", here)
        assert refused(op_check, name, "") == "Missing parameter for operator 'pmFromFile'."
        assert refused(op_check, name, "sub/words.txt sub/no.txt", here) == (
            f'Could not open phrase file "{tmp_path}/sub/no.txt": No such file or directory')
        assert refused(op_check, name, "sub", here) == (
            f'Could not read "{tmp_path}/sub" line 1: Is a directory')
        assert refused(op_check, name, "http://example.com/x") == (
            'HTTPS address or file path are expected for operator pmFromFile "http://example.com/x"')
        assert "https://example.com/x" in refused(op_check, name, "https://example.com/x")
        assert refused(op_check, name, "%{tx.f}", here).startswith("Could not open phrase file")
    for name in ("ipMatchFromFile", "ipmatchf"):
        op_check(name, "sub/ips.txt", here)
        assert refused(op_check, name, "") == "Missing parameter for operator 'ipmatchFromFile'."
        assert refused(op_check, name, "sub/bad.txt", here) == (
            f'Could not add entry "b" in line 2 of file {tmp_path}/sub/bad.txt to IP list')
        assert refused(op_check, name, "sub/ips.txt sub/ips.txt", here) == (
            f'Could not open ipmatch file "{tmp_path}/sub/ips.txt sub/ips.txt": No such file or directory')
        assert refused(op_check, name, "http://x/y").startswith("HTTPS address or file path are expected")


def test_inspect_file() -> None:
    op_check("inspectFile", "/usr/local/bin/scan.sh")
    op_check("inspectFile", ".lua")  # too short to be taken for a Lua script
    op_check("inspectFile", "x.LUA")
    assert refused(op_check, "inspectFile", " ") == "Operator @inspectFile requires parameter."
    assert '"/rules/./scan.lua"' in refused(op_check, "inspectFile", "./scan.lua", "/rules")


@pytest.mark.parametrize(("param", "message"), [
    ("s/a/b/", None), ("S/a/b/i", None), ("s|a|b|", None), ("s/a/b/x", None), ("s/a/b", None),
    ("s/a//", None), ("s//b/", None), ("s/(/b/", None), ("s/a\\/c/b/", None), ("s/a/\\//", None),
    ("s/a/b\\:/", None), ("s/%{tx.x}/b/", None),
    ("", "Error rsub operator format, must be s/ pattern"),
    ("x/a/b/", "Error rsub operator format, must be s/ pattern"),
    ("s", "Error rsub operator format - must be s/regex/str/[flags]"),
    ("s/", "Error rsub operator format - must be s/regex/str/[flags]"),
    ("s/a", "Error rsub operator format - must be s/regex/str/[flags]"),
    ("s/a/", "Error rsub operator parsing input data"),
    ("s/a/b\\x/", "Error rsub operator parsing input data"),
])
def test_rsub(param: str, message: str | None) -> None:
    if message is None:
        op_check("rsub", param)
    else:
        assert refused(op_check, "rsub", param) == message


@pytest.mark.parametrize(("param", "message"), [
    ("1-255", None), ("0,1,2", None), ("", None), ("a", None), ("1,,2", None), ("1 - 5", None),
    ("1-2-3", None), ("4294967296", None), ("%{tx.x}", None),
    ("256", "Invalid range value: 256"), ("99999999999", "Invalid range value: 1215752191"),
    ("-1", "Invalid range start value: -1"), ("1-256", "Invalid range end value: 256"),
    ("10-5", "Invalid range: 10-5"), ("5-", "Invalid range: 5-0"), ("1-a", "Invalid range: 1-0"),
])
def test_validate_byte_range(param: str, message: str | None) -> None:
    if message is None:
        op_check("validateByteRange", param)
    else:
        assert refused(op_check, "validateByteRange", param) == message


# -- against the real ModSecurity 2.9.7 (development machines only) -------------------------

MS2_ROOT = Path("/opt/ms2")
MS2_MODULE = MS2_ROOT / "root/usr/lib/apache2/modules/mod_security2.so"
MS2_HTTPD_CONF = MS2_ROOT / "t/httpd.conf"


@pytest.fixture
def ms2_module() -> bytes:
    if not MS2_MODULE.is_file():
        pytest.skip(f"ModSecurity 2.9.7 module not found at {MS2_MODULE} (development-machine check)")
    return MS2_MODULE.read_bytes()


def _block(data: bytes, first: bytes, last: bytes) -> list[str]:
    """NUL-separated strings from ``first`` to ``last``: how the module lays out a registration."""
    start = data.index(first + b"\0")  # the first name may follow a table without a NUL
    end = data.index(b"\0" + last + b"\0", start) + 1 + len(last)
    return [name for name in data[start:end].decode("ascii").split("\0") if name]


def test_registration_strings_of_the_binary_are_all_in_the_tables(ms2_module: bytes) -> None:
    variables = _block(ms2_module, b"ARGS\0ARGS_COMBINED_SIZE", b"WEBSERVER_ERROR_LOG")
    actions = _block(ms2_module, b"marker\0msg\0logdata", b"append")
    operators = _block(ms2_module, b"ipmatch\0ipmatchFromFile", b"validateUtf8Encoding")
    transformations = _block(ms2_module, b"base64Decode\0base64Encode", b"base64DecodeExt")
    assert len(variables) > 100 and len(actions) > 30 and len(operators) > 25 and len(transformations) > 30
    assert [name for name in variables if name not in VARIABLES] == []
    assert [name for name in actions if get_action(name) is None] == []
    assert [name for name in operators if get_operator(name) is None] == []
    assert [name for name in transformations if not is_transformation(name)] == []
    for name in [*ACTION_NAMES, *VARIABLE_NAMES, *OPERATOR_NAMES, *TRANSFORMATION_NAMES]:
        assert name.encode() + b"\0" in ms2_module, name  # possibly tail-merged with a longer string


@pytest.fixture
def apache_t(ms2_module: bytes, tmp_path: Path) -> Callable[..., str]:
    apache = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
    if apache is None or not MS2_HTTPD_CONF.is_file():
        pytest.skip("apache2 with /opt/ms2/t/httpd.conf is needed to load rules into ModSecurity 2.9.7")

    def load(text: str, name: str = "rules.conf") -> str:
        path = tmp_path / name
        path.write_text(text + "\n", encoding="latin-1")
        run = subprocess.run([apache, "-f", str(MS2_HTTPD_CONF), "-t"], capture_output=True, text=True,
                             env={**os.environ, "MSCONF": str(path)}, timeout=60, check=False)
        output = run.stdout + run.stderr
        return "Syntax OK" if "Syntax OK" in output else output.strip().splitlines()[-1]

    return load


ACTION_EXAMPLES = {
    "id": None, "marker": "m", "rev": "1", "msg": "m", "logdata": "d", "accuracy": "5", "maturity": "5",
    "ver": "v", "severity": "2", "status": "403", "pause": "10", "redirect": "http://x/", "proxy": "http://x/",
    "skip": "1", "skipAfter": "m", "allow": "phase", "phase": "2", "t": "none", "ctl": "ruleEngine=On",
    "xmlns": "a=b", "sanitiseArg": "a", "sanitiseMatchedBytes": "1/2", "sanitizeMatchedBytes": "1/2",
    "sanitizeArg": "a", "sanitiseRequestHeader": "a", "sanitizeRequestHeader": "a",
    "sanitiseResponseHeader": "a", "sanitizeResponseHeader": "a", "setenv": "a=b", "setvar": "tx.a=1",
    "expirevar": "ip.a=60", "deprecatevar": "ip.a=1/60", "initcol": "ip=x", "setsid": "x", "setrsc": "x",
    "setuid": "x", "exec": "/bin/true", "tag": "t", "prepend": "x", "append": "x",
}


def test_every_name_loads_into_modsecurity_2_9_7(apache_t: Callable[..., str], tmp_path: Path) -> None:
    rules = []
    for number, name in enumerate(ACTION_NAMES, 100):
        spec = get_action(name)
        assert spec is not None
        value = ACTION_EXAMPLES.get(name)
        action = name if value is None else f"{name}:'{value}'"
        rules.append(f'SecRule ARGS "x" "id:{number},{"" if name == "id" else action}"'.replace(",\"", "\""))
        if name == "chain":
            rules.append('SecRule ARGS "y" "t:none"')
    rules.append(f'SecRule ARGS "x" "id:300,pass,{",".join("t:" + name for name in TRANSFORMATION_NAMES)}"')
    for number, name in enumerate(VARIABLE_NAMES, 400):
        spec = VARIABLES[name]
        key = ":k" if spec.argc_min or name == "ENV" else ""
        count = f"|&{name}{key}" if spec.kind is VariableKind.COLLECTION else ""
        rules.append(f'SecRule {name}{key}{count} "x" "id:{number},pass"')
    (tmp_path / "words.txt").write_text("foo\n")
    (tmp_path / "ips.txt").write_text("1.2.3.4\n")
    params = {"ipmatch": "1.2.3.4", "ipmatchFromFile": "ips.txt", "ipmatchf": "ips.txt", "rsub": "s/a/b/",
              "pm": "a", "pmFromFile": "words.txt", "pmf": "words.txt", "strmatch": "a",
              "inspectFile": "/bin/true", "validateByteRange": "1-255"}
    for number, name in enumerate(OPERATOR_NAMES, 600):
        rules.append(f'SecRule ARGS "@{name} {params.get(name, "1")}" "id:{number},pass"')
    assert apache_t("\n".join(rules)) == "Syntax OK"


def test_names_missing_from_the_tables_are_refused_by_2_9_7(apache_t: Callable[..., str]) -> None:
    for name in NOT_IN_2_9_7["action"]:
        assert "Unknown action" in apache_t(f'SecRule ARGS "x" "id:1,{name}"'), name
    for name in NOT_IN_2_9_7["variable"]:
        assert "Unknown variable" in apache_t(f'SecRule {name} "x" "id:1"'), name
    for name in NOT_IN_2_9_7["operator"]:
        assert "Failed to resolve operator" in apache_t(f'SecRule ARGS "@{name} x" "id:1"'), name
    for name in NOT_IN_2_9_7["transformation"]:
        assert "Invalid transformation function" in apache_t(f'SecRule ARGS "x" "id:1,t:{name}"'), name


def test_checks_agree_with_2_9_7(apache_t: Callable[..., str], tmp_path: Path) -> None:
    """Spot checks: the same verdict and (except for PCRE texts) the same message."""
    (tmp_path / "bad.txt").write_text("1.2.3.4\nbogus\n")
    cases = [
        ('SecRule ARGS "x" "id:2147483648"', ACTIONS["id"].check, ("2147483648",)),
        ('SecRule ARGS "x" "id:1,ctl:auditLogParts=L"', ACTIONS["ctl"].check, ("auditLogParts=L",)),
        ('SecRule ARGS "x" "id:1,ctl:requestBodyLimit=1073741825"', ACTIONS["ctl"].check,
         ("requestBodyLimit=1073741825",)),
        ('SecRule ARGS "@ipMatch 1.2.3.4, 5.6.7.8" "id:1"', OPERATORS["ipmatch"].check,
         ("1.2.3.4, 5.6.7.8", "")),
        ('SecRule ARGS "@ipMatchFromFile bad.txt" "id:1"', OPERATORS["ipmatchfromfile"].check,
         ("bad.txt", str(tmp_path))),
        ('SecRule ARGS "@rsub s/a/" "id:1"', OPERATORS["rsub"].check, ("s/a/", "")),
        ('SecRule ARGS "@validateByteRange 10-5" "id:1"', OPERATORS["validatebyterange"].check, ("10-5", "")),
        ('SecRule ARGS "@strmatch a\\\\x" "id:1"', OPERATORS["strmatch"].check, ("a\\x", "")),
    ]
    for rule, check, args in cases:
        message = refused(check, *args)
        assert re.sub(r"^(Error creating rule|Error parsing actions): ", "", apache_t(rule)) == message, rule
