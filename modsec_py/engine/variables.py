"""Variable resolution: from a rule target to the (name, value) pairs v2 would generate.

Each variable has one reader in :data:`READERS`: a function of the transaction data (and the
rule being run, for ``RULE``) returning ``(key, value)`` pairs — ``key`` is None for a
scalar. A :class:`CompiledTarget` (built once at load) selects members by key (exact,
case-insensitive) or ``/regex/``, counts them (``&``), and names them as v2 does
(``ARGS:id``, ``REQUEST_HEADERS:Host``, ``TX:anomaly_score``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from modsec_py._util.pcre import compile_pcre
from modsec_py.collection import Collection
from modsec_py.engine.state import TxData
from modsec_py.operators._base import cstr, log_escape_nq
from modsec_py.rules.model import Target

if TYPE_CHECKING:
    import regex

Pairs = list[tuple[bytes | None, bytes]]
Reader = Callable[[TxData, object], Pairs]
# A resolved target member: (full name, value).
Item = tuple[str, bytes]


def _scalar(getter: Callable[[TxData], bytes | int | None]) -> Reader:
    def read(data: TxData, _rule: object) -> Pairs:
        value = getter(data)
        if value is None:
            return []
        return [(None, value if isinstance(value, bytes) else str(value).encode())]

    return read


def _pairs(getter: Callable[[TxData], object]) -> Reader:
    def read(data: TxData, _rule: object) -> Pairs:
        collection = getter(data)
        return [] if collection is None else list(collection)  # type: ignore[call-overload]

    return read


def _names(getter: Callable[[TxData], object]) -> Reader:
    """``*_NAMES`` collections: each member's key is also its value."""

    def read(data: TxData, _rule: object) -> Pairs:
        return [(key, key) for key, _value in getter(data)]  # type: ignore[attr-defined]

    return read


def _persistent(name: str) -> Reader:
    def read(data: TxData, _rule: object) -> Pairs:
        collection = data.persistent.get(name)
        return [] if collection is None else list(collection)

    return read


def _time(format_code: str) -> Reader:
    def read(data: TxData, _rule: object) -> Pairs:
        now = time.localtime()
        if format_code == "epoch":
            return [(None, str(int(time.time())).encode())]
        return [(None, time.strftime(format_code, now).encode())]

    return read


def _multipart_flag(name: str) -> Reader:
    def read(data: TxData, _rule: object) -> Pairs:
        return [(None, str(data.multipart_flags.get(name, 0)).encode())]

    return read


def _args_combined_size(data: TxData, _rule: object) -> Pairs:
    return [(None, str(sum(len(key) + len(value) for key, value in data.args)).encode())]


def _matched_vars(data: TxData, _rule: object) -> Pairs:
    # v2 keys MATCHED_VARS by the matched variable's full name (ARGS:id; the member is named by it alone).
    return [(var.name.encode("latin-1"), var.value) for var in data.matched_vars]


def _matched_vars_names(data: TxData, _rule: object) -> Pairs:
    return [(var.name.encode("latin-1"), var.name.encode("latin-1")) for var in data.matched_vars]


def _rule_metadata(_data: TxData, rule: object) -> Pairs:
    metadata = getattr(rule, "metadata", None)
    return [] if metadata is None else list(metadata)


def _full_request(data: TxData, _rule: object) -> Pairs:
    head = data.request_line + b"\n" + b"".join(key + b": " + value + b"\n" for key, value in data.request_headers)
    return [(None, head + b"\n" + data.request_body)]


READERS: dict[str, Reader] = {
    "ARGS": _pairs(lambda d: d.args),
    "ARGS_GET": _pairs(lambda d: d.args_get),
    "ARGS_POST": _pairs(lambda d: d.args_post),
    "ARGS_NAMES": _names(lambda d: d.args),
    "ARGS_GET_NAMES": _names(lambda d: d.args_get),
    "ARGS_POST_NAMES": _names(lambda d: d.args_post),
    "ARGS_COMBINED_SIZE": _args_combined_size,
    "AUTH_TYPE": _scalar(lambda d: d.auth_type or None),
    "DURATION": _scalar(lambda d: int((time.time() - d.started) * 1_000_000)),
    "ENV": _pairs(lambda d: d.env),
    "FILES": _pairs(lambda d: d.files),
    "FILES_COMBINED_SIZE": _scalar(lambda d: d.files_combined_size),
    "FILES_NAMES": _names(lambda d: d.files),
    "FILES_SIZES": _pairs(lambda d: d.files_sizes),
    "FILES_TMPNAMES": _pairs(lambda d: d.files_tmpnames),
    "FILES_TMP_CONTENT": _pairs(lambda d: d.files_tmp_content),
    "FULL_REQUEST": _full_request,
    "FULL_REQUEST_LENGTH": lambda d, r: [(None, str(len(_full_request(d, r)[0][1])).encode())],
    "GEO": _pairs(lambda d: d.geo),
    "HIGHEST_SEVERITY": _scalar(lambda d: d.highest_severity),
    "INBOUND_DATA_ERROR": _scalar(lambda d: d.inbound_data_error),
    "MATCHED_VAR": _scalar(lambda d: d.matched_var.value if d.matched_var else b""),
    "MATCHED_VAR_NAME": _scalar(lambda d: d.matched_var.name.encode("latin-1") if d.matched_var else b""),
    "MATCHED_VARS": _matched_vars,
    "MATCHED_VARS_NAMES": _matched_vars_names,
    "MODSEC_BUILD": _scalar(lambda d: b"020907100"),
    "MULTIPART_FILENAME": _scalar(lambda d: d.multipart_filename),
    "MULTIPART_NAME": _scalar(lambda d: d.multipart_name),
    "MULTIPART_PART_HEADERS": _pairs(lambda d: d.multipart_part_headers),
    "OUTBOUND_DATA_ERROR": _scalar(lambda d: d.outbound_data_error),
    "PATH_INFO": _scalar(lambda d: d.path_info),
    "QUERY_STRING": _scalar(lambda d: d.query_string),
    "REMOTE_ADDR": _scalar(lambda d: d.remote_addr),
    "REMOTE_HOST": _scalar(lambda d: d.remote_addr),
    "REMOTE_PORT": _scalar(lambda d: d.remote_port),
    "REMOTE_USER": _scalar(lambda d: d.remote_user or None),
    "REQBODY_ERROR": _scalar(lambda d: d.reqbody_error),
    "REQBODY_ERROR_MSG": _scalar(lambda d: d.reqbody_error_msg),
    "REQBODY_PROCESSOR": _scalar(lambda d: d.reqbody_processor),  # v2: empty when none
    "REQBODY_PROCESSOR_ERROR": _scalar(lambda d: d.reqbody_processor_error),
    "REQBODY_PROCESSOR_ERROR_MSG": _scalar(lambda d: d.reqbody_processor_error_msg),
    "REQUEST_BASENAME": _scalar(lambda d: d.request_basename),
    "REQUEST_BODY": _scalar(lambda d: d.request_body if d.request_body_length else None),
    "REQUEST_BODY_LENGTH": _scalar(lambda d: d.request_body_length),
    "REQUEST_COOKIES": _pairs(lambda d: d.request_cookies),
    "REQUEST_COOKIES_NAMES": _names(lambda d: d.request_cookies),
    "REQUEST_FILENAME": _scalar(lambda d: d.request_filename),
    "REQUEST_HEADERS": _pairs(lambda d: d.request_headers),
    "REQUEST_HEADERS_NAMES": _names(lambda d: d.request_headers),
    "REQUEST_LINE": _scalar(lambda d: d.request_line),
    "REQUEST_METHOD": _scalar(lambda d: d.request_method),
    "REQUEST_PROTOCOL": _scalar(lambda d: d.request_protocol),
    "REQUEST_URI": _scalar(lambda d: d.request_uri),
    "REQUEST_URI_RAW": _scalar(lambda d: d.request_uri_raw),
    "RESPONSE_BODY": _scalar(lambda d: d.response_body if d.response_body else None),
    "RESPONSE_CONTENT_LENGTH": _scalar(lambda d: d.response_content_length),
    "RESPONSE_CONTENT_TYPE": _scalar(lambda d: d.response_content_type),
    "RESPONSE_HEADERS": _pairs(lambda d: d.response_headers),
    "RESPONSE_HEADERS_NAMES": _names(lambda d: d.response_headers),
    "RESPONSE_PROTOCOL": _scalar(lambda d: d.response_protocol),
    "RESPONSE_STATUS": _scalar(lambda d: d.response_status or None),
    "RULE": _rule_metadata,
    "SERVER_ADDR": _scalar(lambda d: d.server_addr),
    "SERVER_NAME": _scalar(lambda d: d.server_name),
    "SERVER_PORT": _scalar(lambda d: d.server_port),
    "SESSIONID": _scalar(lambda d: d.sessionid),
    "STATUS_LINE": _scalar(lambda d: d.status_line),
    "TIME": _time("%H:%M:%S"),
    "TIME_DAY": _time("%d"),
    "TIME_EPOCH": _time("epoch"),
    "TIME_HOUR": _time("%H"),
    "TIME_MIN": _time("%M"),
    "TIME_MON": _time("%m"),
    "TIME_SEC": _time("%S"),
    "TIME_WDAY": _time("%w"),
    "TIME_YEAR": _time("%Y"),
    "TX": _pairs(lambda d: d.tx),
    "UNIQUE_ID": _scalar(lambda d: d.unique_id),
    "URLENCODED_ERROR": _scalar(lambda d: d.urlencoded_error),
    "USERAGENT_IP": _scalar(lambda d: d.remote_addr),
    "USERID": _scalar(lambda d: d.userid),
    "WEBAPPID": _scalar(lambda d: d.webappid),
    "WEBSERVER_ERROR_LOG": _pairs(lambda d: d.webserver_error_log),
}
for _name in ("IP", "SESSION", "USER", "GLOBAL", "RESOURCE"):
    READERS[_name] = _persistent(_name)
for _flag in ("MULTIPART_BOUNDARY_QUOTED", "MULTIPART_BOUNDARY_WHITESPACE", "MULTIPART_DATA_AFTER",
              "MULTIPART_DATA_BEFORE", "MULTIPART_HEADER_FOLDING", "MULTIPART_CRLF_LINE", "MULTIPART_CRLF_LF_LINES",
              "MULTIPART_LF_LINE", "MULTIPART_MISSING_SEMICOLON", "MULTIPART_INVALID_PART",
              "MULTIPART_INVALID_QUOTING", "MULTIPART_INVALID_HEADER_FOLDING", "MULTIPART_FILE_LIMIT_EXCEEDED",
              "MULTIPART_STRICT_ERROR", "MULTIPART_UNMATCHED_BOUNDARY"):
    READERS[_flag] = _multipart_flag(_flag)


def _xml(data: TxData, rule: object, key: str | None) -> Pairs:
    """XML / XML:xpath, with the rule's xmlns prefixes (v2's var_xml_generate)."""
    if data.xml_document is None:
        return []
    from modsec_py.bodyprocessors.xml import xpath_values

    namespaces = {}
    effective = getattr(getattr(rule, "rule", None), "effective", None)
    for action in effective.actions if effective is not None else ():
        if action.name == "xmlns" and action.value and "=" in action.value:
            prefix, _equals, uri = action.value.partition("=")
            namespaces[prefix.strip().encode("latin-1")] = uri.strip().strip("'\"").encode("latin-1")
    expression = key.encode("latin-1") if key is not None else None
    try:
        values = xpath_values(data.xml_document, expression, namespaces)  # type: ignore[arg-type]
    except ValueError:
        return []
    return [(expression, value) for value in values]


# Variables whose key is not a member name but an argument the reader interprets.
KEYED_READERS: dict[str, Callable[[TxData, object, str | None], Pairs]] = {"XML": _xml}


# Collections whose member names v2 writes with the key log-escaped (log_escape_nq); for some the key is
# a C string there (log_escape_nq, not log_escape_nq_ex: cut at a NUL). Not ENV, RULE, XML (the rule's own text).
ESCAPED_KEYS = frozenset({
    "ARGS", "ARGS_GET", "ARGS_POST", "ARGS_NAMES", "ARGS_GET_NAMES", "ARGS_POST_NAMES", "FILES", "FILES_NAMES",
    "FILES_SIZES", "FILES_TMPNAMES", "FILES_TMP_CONTENT", "GEO", "MATCHED_VARS", "MATCHED_VARS_NAMES",
    "MULTIPART_PART_HEADERS", "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES", "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES",
    "RESPONSE_HEADERS", "RESPONSE_HEADERS_NAMES", "TX", "IP", "SESSION", "USER", "GLOBAL", "RESOURCE",
})
C_STRING_KEYS = frozenset({
    "FILES", "FILES_NAMES", "FILES_SIZES", "FILES_TMPNAMES", "FILES_TMP_CONTENT", "MATCHED_VARS", "MATCHED_VARS_NAMES",
    "MULTIPART_PART_HEADERS", "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES", "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES",
    "RESPONSE_HEADERS", "RESPONSE_HEADERS_NAMES",
})

# Request data that only changes between phases (body processing, response headers).
STABLE_IN_PHASE = frozenset({
    "ARGS", "ARGS_GET", "ARGS_POST", "ARGS_NAMES", "ARGS_GET_NAMES", "ARGS_POST_NAMES", "FILES", "FILES_NAMES",
    "FILES_SIZES", "FILES_TMPNAMES", "MULTIPART_PART_HEADERS", "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES",
    "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES", "RESPONSE_HEADERS", "RESPONSE_HEADERS_NAMES",
})

# Collection variables, read through the collection itself so that ``VAR:key`` is an index lookup.
COLLECTIONS: dict[str, Callable[[TxData], Collection | None]] = {
    "ARGS": lambda d: d.args,
    "ARGS_GET": lambda d: d.args_get,
    "ARGS_POST": lambda d: d.args_post,
    "ENV": lambda d: d.env,
    "FILES": lambda d: d.files,
    "FILES_SIZES": lambda d: d.files_sizes,
    "FILES_TMPNAMES": lambda d: d.files_tmpnames,
    "FILES_TMP_CONTENT": lambda d: d.files_tmp_content,
    "GEO": lambda d: d.geo,
    "MULTIPART_PART_HEADERS": lambda d: d.multipart_part_headers,
    "REQUEST_COOKIES": lambda d: d.request_cookies,
    "REQUEST_HEADERS": lambda d: d.request_headers,
    "RESPONSE_HEADERS": lambda d: d.response_headers,
    "TX": lambda d: d.tx,
    "WEBSERVER_ERROR_LOG": lambda d: d.webserver_error_log,
}
for _name in ("IP", "SESSION", "USER", "GLOBAL", "RESOURCE"):
    COLLECTIONS[_name] = lambda d, _name=_name: d.persistent.get(_name)


@dataclass(slots=True)
class CompiledTarget:
    """One target of a rule, ready to resolve against a transaction."""

    name: str
    reader: Reader
    key: bytes | None  # lower-cased exact key
    key_regex: regex.Pattern[bytes] | None
    negated: bool
    counting: bool
    written_key: str | None
    collection: Callable[[TxData], Collection | None] | None = None
    # Keys a later negated target of the same variable takes away (folded in at compile time).
    excluded_keys: frozenset[bytes] = frozenset()
    excluded_patterns: tuple[regex.Pattern[bytes], ...] = ()

    # Set when this target filters request data (a key regex or folded negations): the cache key.
    filtered: tuple[object, ...] | None = None

    def exclude(self, negated: CompiledTarget) -> None:
        """Fold ``!VAR:key`` / ``!VAR:/re/`` written after this target into it (v2 unsets those names)."""
        if negated.key_regex is not None:
            self.excluded_patterns += (negated.key_regex,)
        elif negated.key is not None:
            self.excluded_keys |= {negated.key}
        self._set_filtered()

    def _set_filtered(self) -> None:
        if self.name not in STABLE_IN_PHASE or self.counting or self.negated:
            return
        if self.key_regex is None and not self.excluded_keys and not self.excluded_patterns:
            return
        self.filtered = (self.name, self.key, self.key_regex.pattern if self.key_regex is not None else None,
                         self.excluded_keys, tuple(pattern.pattern for pattern in self.excluded_patterns))

    @classmethod
    def compile(cls, target: Target) -> CompiledTarget:
        keyed = KEYED_READERS.get(target.name)
        if keyed is not None:
            written = target.key

            def reader(data: TxData, rule: object) -> Pairs:
                return keyed(data, rule, written)

            return cls(target.name, reader, None, None, target.negated, target.counting, target.key)
        reader = READERS.get(target.name)
        if reader is None:
            raise KeyError(target.name)
        key = key_regex = None
        if target.key_is_regex:
            key_regex = compile_pcre(target.key[1:-1], caseless=True)  # type: ignore[index]
        elif target.key is not None:
            key = target.key.encode("latin-1").lower()
        compiled = cls(target.name, reader, key, key_regex, target.negated, target.counting, target.key,
                       COLLECTIONS.get(target.name))
        compiled._set_filtered()
        return compiled

    def members(self, data: TxData, rule: object) -> Pairs:
        """The (key, value) pairs this target selects (a list the caller must not change)."""
        filtered = self.filtered
        if filtered is None:
            return self._members(data, rule)
        # Request data does not change within a phase: filter it once per phase for every rule.
        cached = data.members_cache.get(filtered)
        if cached is None:
            cached = data.members_cache[filtered] = self._without_excluded(self._members(data, rule))
        return cached

    def _without_excluded(self, pairs: Pairs) -> Pairs:
        keys, patterns = self.excluded_keys, self.excluded_patterns
        return [pair for pair in pairs if pair[0] is None or not (
            pair[0].lower() in keys or any(pattern.search(pair[0]) for pattern in patterns))]

    def _members(self, data: TxData, rule: object) -> Pairs:
        if self.collection is not None:
            collection = self.collection(data)
            if collection is None:
                return []
            if self.key is not None:
                return collection.get(self.key)  # type: ignore[return-value]
            pairs: Pairs = collection.items()  # type: ignore[assignment]
        else:
            pairs = self.reader(data, rule)
            if self.key is not None:
                key = self.key
                return [pair for pair in pairs if pair[0] is not None and pair[0].lower() == key]
        if self.key_regex is not None:
            search = self.key_regex.search
            return [pair for pair in pairs if pair[0] is not None and search(pair[0])]
        return pairs

    def display_name(self, key: bytes | None) -> str:
        """v2's name of a member: ``VAR:key`` with the key log-escaped (``ARGS:a\\x00``), as v2's variable
        generators write it; a MATCHED_VARS(_NAMES) member is named by the (escaped again) matched name alone."""
        if key is None:
            return self.name
        if self.name not in ESCAPED_KEYS:
            return f"{self.name}:{key.decode('latin-1')}"
        escaped = log_escape_nq(cstr(key) if self.name in C_STRING_KEYS else key)
        return escaped if self.name in ("MATCHED_VARS", "MATCHED_VARS_NAMES") else f"{self.name}:{escaped}"

    def item_name(self, key: bytes | None) -> str:
        """The name v2 gives a value this target produced (``&ARGS`` for a count)."""
        name = self.display_name(key)
        return "&" + name if self.counting else name
