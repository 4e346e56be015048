"""Turning what the connector hands over into v2's request variables.

The request line becomes REQUEST_LINE / METHOD / PROTOCOL / URI / FILENAME / BASENAME /
QUERY_STRING and ARGS_GET; headers give REQUEST_HEADERS and REQUEST_COOKIES; the body goes
through the request body processor v2 would pick (or the one ``ctl`` chose).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from modsec_py.bodyprocessors.limits import LimitVerdict
    from modsec_py.config import EngineConfig
    from modsec_py.engine.transaction import Transaction


def set_request_line(tx: Transaction, uri: bytes, method: bytes, protocol: bytes, line: bytes | None = None) -> None:
    data = tx.data
    data.request_method = method
    data.request_protocol = protocol
    data.request_uri = data.request_uri_raw = uri
    data.request_line = line if line is not None else b" ".join(part for part in (method, uri, protocol) if part)
    target = uri
    if b"://" in target.split(b"?", 1)[0]:  # absolute form: http://host/path?query
        after_scheme = target.split(b"://", 1)[1]
        slash = after_scheme.find(b"/")
        target = after_scheme[slash:] if slash >= 0 else b"/"
    target = target.split(b"#", 1)[0]
    path, question, query = target.partition(b"?")
    data.request_filename = apache_path(path)
    data.request_basename = data.request_filename.rsplit(b"/", 1)[-1]
    tx.select_scope(data.request_filename)
    data.query_string = query if question else b""
    if question:
        for name, value in parse_urlencoded(tx, query):
            data.args_get.add(name, value)
            data.args.add(name, value)


def apache_path(path: bytes) -> bytes:
    """The path as Apache hands it to modules (v2's ``r->parsed_uri.path``, REQUEST_FILENAME).

    Apache 2.4 (``ap_process_request_internal``) merges slashes, resolves ``.`` and ``..``
    segments (never above the root) and percent-decodes the path before ModSecurity runs. A
    path Apache would refuse (a bad escape: 400; ``%2F`` or ``%00``: 404) never reaches it; here
    such escapes are left as written.
    """
    if b"%" in path:
        path = _percent_decode(path)
    if b"//" not in path and b"/." not in path:
        return path
    segments: list[bytes] = []
    parts = path.split(b"/")
    for position, segment in enumerate(parts[1:] if path.startswith(b"/") else parts, 1):
        last = position == len(parts) - (1 if path.startswith(b"/") else 0)
        if segment == b"." or (segment == b"" and not last):
            continue
        if segment == b"..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    if parts[-1] in (b".", b"..") and segments and segments[-1] != b"":
        segments.append(b"")  # "/a/b/.." is "/a/"
    return (b"/" if path.startswith(b"/") else b"") + b"/".join(segments)


def _percent_decode(path: bytes) -> bytes:
    out = bytearray()
    index, length = 0, len(path)
    while index < length:
        byte = path[index]
        if byte == 0x25 and index + 2 < length and _is_hex(path[index + 1]) and _is_hex(path[index + 2]):
            decoded = int(path[index + 1:index + 3], 16)
            if decoded not in (0x2F, 0x00):  # Apache refuses these (AllowEncodedSlashes Off)
                out.append(decoded)
                index += 3
                continue
        out.append(byte)
        index += 1
    return bytes(out)


def _is_hex(byte: int) -> bool:
    return 0x30 <= byte <= 0x39 or 0x41 <= byte <= 0x46 or 0x61 <= byte <= 0x66


def parse_request_headers(tx: Transaction) -> None:
    data = tx.data
    data.reqbody_processor = (default_processor(tx) or "").encode("latin-1")
    for name, value in data.request_headers:
        if name.lower() == b"cookie":
            for cookie_name, cookie_value in parse_cookies(tx, value):
                data.request_cookies.add(cookie_name, cookie_value)
        elif name.lower() == b"host" and not data.server_name:
            data.server_name = value.rsplit(b":", 1)[0] if value.count(b":") == 1 else value


def parse_urlencoded(tx: Transaction, text: bytes) -> list[tuple[bytes, bytes]]:
    from modsec_py.bodyprocessors.urlencoded import parse_arguments

    parsed = parse_arguments(text, tx.config.argument_separator.encode("latin-1"))
    if parsed.urlencoded_error:
        tx.data.urlencoded_error = 1
    return within_arguments_limit(tx, parsed.arguments)


def within_arguments_limit(tx: Transaction, arguments: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """SecArgumentsLimit: arguments past it are dropped and REQBODY_ERROR is set (v2's add_argument)."""
    from modsec_py.bodyprocessors.limits import ARGUMENTS_LIMIT_MESSAGE, apply_arguments_limit

    kept, skipped = apply_arguments_limit(len(tx.data.args), arguments, tx.config.arguments_limit)
    if skipped:
        tx.data.reqbody_error = 1
        tx.data.reqbody_error_msg = ARGUMENTS_LIMIT_MESSAGE
        tx.debug(4, f"Skipping request argument, over limit ({tx.config.arguments_limit})")
    return kept


def parse_cookies(tx: Transaction, header: bytes) -> list[tuple[bytes, bytes]]:
    from modsec_py.bodyprocessors.cookies import parse_cookies as parse

    config = tx.config
    separator = config.cookie_v0_separator.encode("latin-1") if config.cookie_v0_separator else None
    return parse(header, config.cookie_format, separator)


def _header(tx: Transaction, name: bytes) -> bytes | None:
    found = tx.data.request_headers.get(name)
    return found[0][1] if found else None


def default_processor(tx: Transaction) -> str | None:
    """v2's choice when no ctl picked one: from the Content-Type header."""
    content_type = (_header(tx, b"content-type") or b"").lower()
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return "URLENCODED"
    if content_type.startswith(b"multipart/form-data"):
        return "MULTIPART"
    return None


Refusal = tuple[int, str]  # v2 answers the request itself: (status, what it logs)


def body_limits_config(tx: Transaction) -> EngineConfig:
    """The settings the limit checks read, with what ctl changed for this transaction."""
    config = tx.config
    if config.rule_engine is tx.mode and config.request_body_limit == tx.request_body_limit:
        return config
    return replace(config, rule_engine=tx.mode, request_body_limit=tx.request_body_limit)


def check_body_size(tx: Transaction, body: bytes) -> Refusal | None:
    """SecRequestBodyLimit before the processors run (v2's read_request_body): 413 or None.

    With Content-Length the declared size is checked, else the bytes received; over the limit
    without rejecting, INBOUND_DATA_ERROR is set (Content-Length) and the body is processed.
    """
    from modsec_py.bodyprocessors.limits import check_body_length, check_content_length

    config = body_limits_config(tx)
    declared = _header(tx, b"content-length")
    length = int(declared) if declared is not None and declared.strip().isdigit() and not _header(
        tx, b"transfer-encoding") else None
    verdict = check_content_length(length, config) if length is not None else check_body_length(len(body), config)
    if verdict.message is not None and verdict.status is None:  # a refusal's message is its interruption's
        tx.debug(1, verdict.message.decode("latin-1"))
    if verdict.inbound_data_error:
        tx.data.inbound_data_error = 1
    return _refusal(verdict)


def check_no_files_size(tx: Transaction, no_files_length: int) -> Refusal | None:
    """SecRequestBodyNoFilesLimit after the processors: 413 in every mode (v2)."""
    from modsec_py.bodyprocessors.limits import check_no_files_length

    return _refusal(check_no_files_length(no_files_length, tx.config))


def _refusal(verdict: LimitVerdict) -> Refusal | None:
    if verdict.status is None:
        return None
    return verdict.status, (verdict.message or b"").decode("latin-1")


def process_request_body(tx: Transaction, body: bytes) -> Refusal | None:
    """Run the request body processor; sets ARGS_POST, FILES*, MULTIPART_*, REQBODY_*.

    Returns (413, message) when a body limit makes v2 refuse the request before phase 2.
    """
    from modsec_py.bodyprocessors.limits import urlencoded_length

    data = tx.data
    data.request_body_length = len(body)
    if not tx.request_body_access:
        return None
    refusal = check_body_size(tx, body)
    if refusal is not None:
        return refusal
    processor = tx.request_body_processor or (data.reqbody_processor.decode("latin-1") or None)
    data.reqbody_processor = (processor or "").encode("latin-1")
    if processor is None:
        if tx.force_request_body_variable:
            data.request_body = body
        return check_no_files_size(tx, len(body))
    error = None
    arguments: list[tuple[bytes, bytes]] = []
    no_files_length = len(body)
    if processor == "URLENCODED":
        body = body[:urlencoded_length(len(body), body_limits_config(tx))]
        data.request_body = body
        data.request_body_length = len(body)
        arguments = parse_urlencoded(tx, body)
    elif processor == "MULTIPART":
        error, arguments, no_files_length = _multipart(tx, body)
        arguments = within_arguments_limit(tx, arguments)
    elif processor == "JSON":
        from modsec_py.bodyprocessors.json import JsonProcessor

        config = tx.config
        json_processor = JsonProcessor(config.request_body_json_depth_limit, config.arguments_limit, len(data.args))
        json_processor.feed(body)
        result = json_processor.finish()
        error, arguments = result.error, result.arguments
    elif processor == "XML":
        from modsec_py.bodyprocessors.xml import XmlProcessor

        xml_processor = XmlProcessor(tx.config.xml_external_entity)
        xml_processor.feed(body)
        xml_result = xml_processor.finish()
        error, data.xml_document = xml_result.error, xml_result.document
    in_args_post = processor != "JSON"  # v2 2.9.7 gives JSON arguments their own origin: ARGS only
    for name, value in arguments:
        if in_args_post:
            data.args_post.add(name, value)
        data.args.add(name, value)
    if error is not None:
        data.reqbody_error = data.reqbody_processor_error = 1
        data.reqbody_error_msg = data.reqbody_processor_error_msg = error.message
        if error.at_completion:
            tx.body_failed = True
            tx.debug(2, error.message.decode("latin-1"))  # msc_reqbody.c; Apache's hook logs it again (level 1)
    return check_no_files_size(tx, no_files_length)


_FLAGS = {
    "MULTIPART_BOUNDARY_QUOTED": "boundary_quoted", "MULTIPART_BOUNDARY_WHITESPACE": "boundary_whitespace",
    "MULTIPART_DATA_BEFORE": "data_before", "MULTIPART_DATA_AFTER": "data_after",
    "MULTIPART_HEADER_FOLDING": "header_folding", "MULTIPART_LF_LINE": "lf_line",
    "MULTIPART_CRLF_LINE": "crlf_line", "MULTIPART_MISSING_SEMICOLON": "missing_semicolon",
    "MULTIPART_INVALID_QUOTING": "invalid_quoting", "MULTIPART_INVALID_PART": "invalid_part",
    "MULTIPART_INVALID_HEADER_FOLDING": "invalid_header_folding",
    "MULTIPART_FILE_LIMIT_EXCEEDED": "file_limit_exceeded", "MULTIPART_UNMATCHED_BOUNDARY": "unmatched_boundary",
    "MULTIPART_STRICT_ERROR": "strict_error", "MULTIPART_CRLF_LF_LINES": "crlf_lf_lines",
}


def _multipart(tx: Transaction, body: bytes) -> tuple[object, list[tuple[bytes, bytes]], int]:
    from modsec_py.bodyprocessors.multipart import MultipartParser

    data = tx.data
    parser = MultipartParser(_header(tx, b"content-type") or b"", upload_file_limit=tx.config.upload_file_limit)
    for start in range(0, len(body), 8192):  # Apache hands the body over in brigades of up to 8 KB
        parser.feed(body[start:start + 8192])
    result = parser.finish()
    flags = result.flags
    data.multipart_flags = {name: int(bool(getattr(flags, attribute))) for name, attribute in _FLAGS.items()}
    data.multipart_name = result.multipart_name or b""
    data.multipart_filename = result.multipart_filename or b""
    for part in result.parts:
        name = part.name or b""
        for line in part.header_lines:
            data.multipart_part_headers.add(name, line)
        if part.is_file:
            data.files.add(name, part.filename or b"")
            data.files_sizes.add(name, str(part.size).encode())
            data.files_tmpnames.add(name, (part.tmp_file_name or "").encode("latin-1"))
            data.files_combined_size += part.size
    return result.error, result.arguments, result.no_files_length
