"""Every variable ModSecurity 2.9.7 registers, with v2's own metadata and load-time checks.

The table copies ``msre_engine_register_default_variables`` (apache2/re_variables.c): type
(VAR_SIMPLE / VAR_LIST), argument count, the phase from which the value exists and whether
transformation results may be cached. v2 checks a target in this order (msre_create_var_ex,
then the variable's ``validate``):

1. the name must be registered (case-insensitive), else ``Unknown variable: NAME``;
2. ``&`` only on collections: ``The & modificator does not apply to non-collection variables.``;
3. no key but ``argc_min`` 1: ``Missing mandatory parameter for variable NAME.``;
4. a key but ``argc_max`` 0: ``Variable NAME does not support parameters.``;
5. ``check(key)``: a ``/regex/`` key must compile; ENV needs a plain key.

Messages name the target as written (with its ``!``/``&``); that is the caller's part.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from modsec_py.errors import ItemArgumentError
from modsec_py.operators.spec import check_pattern

__all__ = ["VARIABLES", "VariableKind", "VariableSpec", "get_variable", "is_known_variable"]


class VariableKind(enum.Enum):
    SCALAR = enum.auto()  # VAR_SIMPLE
    COLLECTION = enum.auto()  # VAR_LIST


@dataclass(frozen=True, slots=True)
class VariableSpec:
    name: str
    kind: VariableKind
    argc_min: int
    argc_max: int
    availability_phase: int  # v2's PHASE_* from which the value exists (PHASE_FIRST == 1)
    cacheable: bool  # VAR_CACHE: transformation results may be cached
    check: Callable[[str | None], None] | None = None  # v2's validate(key); None = no key


def _is_regex_key(key: str) -> bool:
    return len(key) > 2 and key[0] == "/" and key[-1] == "/"


def _check_list_key(key: str | None) -> None:
    # var_generic_list_validate: a "/.../" key is compiled (caseless) at load time.
    if key is not None and _is_regex_key(key):
        check_pattern(key[1:-1])


def _check_env_key(key: str | None) -> None:
    if key is None:
        raise ItemArgumentError("Parameter required for ENV.")
    if _is_regex_key(key):
        raise ItemArgumentError("Regular expressions not supported in ENV.")


_S, _C = VariableKind.SCALAR, VariableKind.COLLECTION
_L = _check_list_key

# name, kind, argc_min, argc_max, availability phase, cacheable, validate: v2's order.
_REGISTRATIONS: tuple[tuple[str, VariableKind, int, int, int, bool,
                            Callable[[str | None], None] | None], ...] = (
    ("ARGS", _C, 0, 1, 1, True, _L),
    ("ARGS_COMBINED_SIZE", _C, 0, 0, 1, False, None),
    ("ARGS_GET", _C, 0, 1, 1, True, _L),
    ("ARGS_GET_NAMES", _C, 0, 1, 1, True, _L),
    ("ARGS_NAMES", _C, 0, 1, 1, True, _L),
    ("ARGS_POST", _C, 0, 1, 2, True, _L),
    ("ARGS_POST_NAMES", _C, 0, 1, 2, True, _L),
    ("AUTH_TYPE", _S, 0, 0, 2, True, None),
    ("ENV", _C, 0, 1, 1, False, _check_env_key),  # registered 0..1, but validate wants a key
    ("FILES", _C, 0, 1, 2, True, _L),
    ("FILES_COMBINED_SIZE", _C, 0, 0, 2, False, None),
    ("FILES_NAMES", _C, 0, 0, 2, True, None),
    ("FILES_SIZES", _C, 0, 1, 2, False, _L),
    ("FILES_TMPNAMES", _C, 0, 1, 2, True, _L),
    ("FILES_TMP_CONTENT", _C, 0, 1, 2, True, _L),
    ("MULTIPART_PART_HEADERS", _C, 0, 1, 2, True, _L),
    ("GEO", _C, 0, 1, 1, False, _L),
    ("GLOBAL", _C, 1, 1, 1, False, _L),
    ("HIGHEST_SEVERITY", _S, 0, 0, 1, False, None),
    ("IP", _C, 1, 1, 1, False, _L),
    ("MATCHED_VAR", _S, 0, 0, 1, False, None),
    ("MATCHED_VAR_NAME", _S, 0, 0, 1, False, None),
    ("MODSEC_BUILD", _S, 0, 0, 1, True, None),
    ("MULTIPART_FILENAME", _S, 0, 0, 2, True, None),
    ("MULTIPART_NAME", _S, 0, 0, 2, True, None),
    ("MULTIPART_BOUNDARY_QUOTED", _S, 0, 0, 2, False, None),
    ("MULTIPART_BOUNDARY_WHITESPACE", _S, 0, 0, 2, False, None),
    ("MULTIPART_DATA_AFTER", _S, 0, 0, 2, False, None),
    ("MULTIPART_DATA_BEFORE", _S, 0, 0, 2, False, None),
    ("MULTIPART_HEADER_FOLDING", _S, 0, 0, 2, False, None),
    ("MULTIPART_CRLF_LINE", _S, 0, 0, 2, False, None),
    ("MULTIPART_CRLF_LF_LINES", _S, 0, 0, 2, False, None),
    ("MULTIPART_LF_LINE", _S, 0, 0, 2, False, None),
    ("MULTIPART_MISSING_SEMICOLON", _S, 0, 0, 2, False, None),
    ("MULTIPART_INVALID_PART", _S, 0, 0, 2, False, None),
    ("MULTIPART_INVALID_QUOTING", _S, 0, 0, 2, False, None),
    ("MULTIPART_INVALID_HEADER_FOLDING", _S, 0, 0, 2, False, None),
    ("MULTIPART_FILE_LIMIT_EXCEEDED", _S, 0, 0, 2, False, None),
    ("MULTIPART_STRICT_ERROR", _S, 0, 0, 2, False, None),
    ("MULTIPART_UNMATCHED_BOUNDARY", _S, 0, 0, 2, False, None),
    ("PATH_INFO", _S, 0, 0, 2, True, None),
    ("QUERY_STRING", _S, 0, 0, 1, True, None),
    ("USERAGENT_IP", _S, 0, 0, 1, True, None),  # Apache >= 2.4 builds only
    ("REMOTE_ADDR", _S, 0, 0, 1, True, None),
    ("REMOTE_HOST", _S, 0, 0, 2, True, None),
    ("REMOTE_PORT", _S, 0, 0, 2, False, None),
    ("REMOTE_USER", _S, 0, 0, 2, True, None),
    ("RESOURCE", _C, 1, 1, 1, False, _L),
    ("REQBODY_PROCESSOR", _S, 0, 0, 1, False, None),
    ("SDBM_DELETE_ERROR", _S, 0, 0, 2, False, None),
    ("REQBODY_PROCESSOR_ERROR", _S, 0, 0, 2, False, None),  # deprecated alias of REQBODY_ERROR
    ("REQBODY_PROCESSOR_ERROR_MSG", _S, 0, 0, 2, False, None),
    ("REQBODY_ERROR", _S, 0, 0, 2, False, None),
    ("REQBODY_ERROR_MSG", _S, 0, 0, 2, False, None),
    ("REQUEST_BASENAME", _S, 0, 0, 1, False, None),
    ("FULL_REQUEST", _S, 0, 0, 2, True, None),
    ("FULL_REQUEST_LENGTH", _S, 0, 0, 2, True, None),
    ("REQUEST_BODY", _C, 0, 1, 2, True, _L),  # a VAR_LIST in 2.9.7: &REQUEST_BODY, REQUEST_BODY:x load
    ("REQUEST_BODY_LENGTH", _S, 0, 0, 2, True, None),
    ("MATCHED_VARS_NAMES", _C, 0, 1, 1, True, _L),
    ("MATCHED_VARS", _C, 0, 1, 1, True, _L),
    ("REQUEST_COOKIES", _C, 0, 1, 1, True, _L),
    ("REQUEST_COOKIES_NAMES", _C, 0, 1, 1, True, _L),
    ("REQUEST_FILENAME", _S, 0, 0, 1, True, None),
    ("REQUEST_HEADERS", _C, 0, 1, 1, True, _L),
    ("REQUEST_HEADERS_NAMES", _C, 0, 1, 1, True, _L),
    ("REQUEST_LINE", _S, 0, 0, 1, True, None),
    ("REQUEST_METHOD", _S, 0, 0, 1, True, None),
    ("REQUEST_PROTOCOL", _S, 0, 0, 1, True, None),
    ("REQUEST_URI", _S, 0, 0, 1, False, None),
    ("REQUEST_URI_RAW", _S, 0, 0, 1, True, None),
    ("UNIQUE_ID", _S, 0, 0, 1, True, None),
    ("STREAM_OUTPUT_BODY", _S, 0, 0, 4, True, None),
    ("STREAM_INPUT_BODY", _S, 0, 0, 1, True, None),  # PHASE_FIRST
    ("RESPONSE_BODY", _S, 0, 0, 4, True, None),
    ("RESPONSE_CONTENT_LENGTH", _S, 0, 0, 3, False, None),
    ("RESPONSE_CONTENT_TYPE", _S, 0, 0, 3, True, None),
    ("RESPONSE_HEADERS", _C, 0, 1, 3, True, _L),
    ("RESPONSE_HEADERS_NAMES", _C, 0, 1, 3, True, _L),
    ("RESPONSE_PROTOCOL", _S, 0, 0, 3, True, None),
    ("RESPONSE_STATUS", _S, 0, 0, 3, False, None),
    ("RULE", _C, 1, 1, 3, False, None),  # keys compared as text: id, rev, severity, msg, ...
    ("SCRIPT_GID", _S, 0, 0, 2, False, None),
    ("SCRIPT_BASENAME", _S, 0, 0, 2, False, None),
    ("SCRIPT_FILENAME", _S, 0, 0, 2, True, None),
    ("SCRIPT_GROUPNAME", _S, 0, 0, 2, False, None),
    ("SCRIPT_MODE", _S, 0, 0, 2, False, None),
    ("SCRIPT_UID", _S, 0, 0, 2, False, None),
    ("SCRIPT_USERNAME", _S, 0, 0, 2, False, None),
    ("SERVER_ADDR", _S, 0, 0, 1, True, None),
    ("SERVER_NAME", _S, 0, 0, 1, True, None),
    ("SERVER_PORT", _S, 0, 0, 1, False, None),
    ("SESSION", _C, 1, 1, 1, False, _L),
    ("SESSIONID", _S, 0, 0, 3, False, None),
    ("STATUS_LINE", _S, 0, 0, 3, True, None),
    ("URLENCODED_ERROR", _S, 0, 0, 1, False, None),
    ("INBOUND_DATA_ERROR", _S, 0, 0, 2, False, None),
    ("OUTBOUND_DATA_ERROR", _S, 0, 0, 4, False, None),
    ("USER", _C, 1, 1, 1, False, _L),
    ("USERID", _S, 0, 0, 3, False, None),
    ("PERF_RULES", _C, 0, 1, 1, False, _L),
    ("PERF_ALL", _S, 0, 0, 1, False, None),
    ("PERF_COMBINED", _S, 0, 0, 1, False, None),
    ("PERF_GC", _S, 0, 0, 1, False, None),
    ("PERF_LOGGING", _S, 0, 0, 1, False, None),
    ("PERF_PHASE1", _S, 0, 0, 1, False, None),
    ("PERF_PHASE2", _S, 0, 0, 1, False, None),
    ("PERF_PHASE3", _S, 0, 0, 1, False, None),
    ("PERF_PHASE4", _S, 0, 0, 1, False, None),
    ("PERF_PHASE5", _S, 0, 0, 1, False, None),
    ("PERF_SREAD", _S, 0, 0, 1, False, None),
    ("PERF_SWRITE", _S, 0, 0, 1, False, None),
    ("DURATION", _S, 0, 0, 1, False, None),
    ("TIME", _S, 0, 0, 1, False, None),
    ("TIME_DAY", _S, 0, 0, 1, False, None),
    ("TIME_EPOCH", _S, 0, 0, 1, False, None),
    ("TIME_HOUR", _S, 0, 0, 1, False, None),
    ("TIME_MIN", _S, 0, 0, 1, False, None),
    ("TIME_MON", _S, 0, 0, 1, False, None),
    ("TIME_SEC", _S, 0, 0, 1, False, None),
    ("TIME_WDAY", _S, 0, 0, 1, False, None),
    ("TIME_YEAR", _S, 0, 0, 1, False, None),
    ("TX", _C, 1, 1, 1, False, _L),
    ("WEBAPPID", _S, 0, 0, 3, False, None),
    ("WEBSERVER_ERROR_LOG", _C, 0, 0, 1, False, None),
    ("XML", _C, 0, 1, 2, False, None),  # the XPath key is not checked at load
)

VARIABLES: dict[str, VariableSpec] = {entry[0]: VariableSpec(*entry) for entry in _REGISTRATIONS}


def get_variable(name: str) -> VariableSpec | None:
    """The variable called ``name`` (case-insensitive, as v2's apr_table lookup), or None."""
    return VARIABLES.get(name.upper()) if name.isascii() else None


def is_known_variable(name: str) -> bool:
    """Whether v2 resolves the target ``name`` (``[!|&]NAME[:key]``) at load time.

    v2's rule (msre_create_var_ex) is the registered table and nothing else, apart from the
    alias ``HTTP_<header>`` (prefix case-sensitive, at least one character after it) for
    ``REQUEST_HEADERS:<header>``. Collections opened at run time by ``initcol:foo=...`` are
    not variables: ``SecRule FOO:x`` fails with ``Unknown variable: FOO`` even after such an
    initcol, and a macro ``%{foo.x}`` goes through the same lookup at run time, fails
    ("Failed to resolve macro") and expands to nothing. Only setvar, expirevar and
    deprecatevar reach such collections, by name, at run time. IP, SESSION, USER, GLOBAL and
    RESOURCE are registered (they need a key) and simply match nothing until initcol,
    setsid, setuid or setrsc has opened them.
    """
    if name[:1] in ("!", "&"):
        name = name[1:]
    base = name.partition(":")[0]
    if len(base) > 5 and base.startswith("HTTP_"):
        return True
    return get_variable(base) is not None
