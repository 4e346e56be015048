"""MULTIPART: ModSecurity 2.9.7's multipart/form-data parser (``msc_multipart.c``), sans-IO.

Feed the body with :meth:`MultipartParser.feed` in the chunks the server delivered, then
call :meth:`MultipartParser.finish`; the parser does no I/O (files go to a :class:`FileSink`
the engine supplies) and knows nothing of the engine: :class:`MultipartResult` holds what
the engine turns into ARGS, FILES*, MULTIPART_* and REQBODY_ERROR.

v2's behaviour is reproduced byte for byte, flags and messages included, and so is its
strictness (werkzeug's tolerance is deliberately not borrowed):

- the body is cut into "buffers": a line up to ``\\n``, or 4096 bytes, or 4095 bytes when
  the 4096th would be ``\\r`` (that ``\\r`` starts the next buffer); a header line longer
  than that is an error, a data line is just split;
- a buffer that starts a line with ``--`` and the boundary is a boundary only when ``\\r\\n``
  or ``\\n`` follows (``--`` before it for the final one); anything else after it is "Invalid
  boundary"; a line that starts ``--`` but does not match, or a line holding ``--boundary``
  elsewhere, sets MULTIPART_UNMATCHED_BOUNDARY (so does a lone ``--`` line);
- the line break before a boundary belongs to the boundary (v2 holds the last ``\\r\\n`` or
  ``\\n`` of each data line back until it sees what follows);
- a boundary where a part's data should start (the blank line after the headers directly
  followed by the boundary) is not taken as a boundary: MULTIPART_INVALID_PART, and the line
  is processed as header or data (2.9.6's fix for CVE-2022-48279);
- data in a chunk after the final boundary sets MULTIPART_DATA_AFTER, but a *later chunk*
  sets MULTIPART_DATA_BEFORE (v2's own slip, kept: feed the chunks as the server delivered
  them);
- at the end, a final boundary without its line break is accepted only when it is the last
  buffer exactly (``--boundary--``); otherwise "Final boundary missing".

Errors: a Content-Type problem is found when the parser is made (REQBODY_ERROR_MSG is then
v2's bare message, e.g. ``Multipart: Invalid boundary in C-T (characters).``); a problem
while feeding gives ``Multipart parsing error: <message>`` and stops the parser; a problem at
the end (no boundary at all, final boundary missing) is reported ``at_completion``, where
Apache's 2.9.7 answers 500 before phase 2. After any error v2 adds no multipart argument to
ARGS, but the parts it had finished stay visible to FILES* and MULTIPART_PART_HEADERS.

Example::

    >>> parser = MultipartParser(b"multipart/form-data; boundary=XX")
    >>> parser.feed(b'--XX\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\n1\\r\\n--XX--\\r\\n')
    >>> result = parser.finish()
    >>> result.arguments, result.flags.strict_error
    ([(b'a', b'1')], False)
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ._common import C_SPACE, ProcessorError, cstr, log_escape_nq

BUF_SIZE = 4096  # MULTIPART_BUF_SIZE
FORM_DATA = 1  # MULTIPART_FORMDATA
FILE = 2  # MULTIPART_FILE

_BOUNDARY_CHARS = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=?")
_TOKEN_STOP = frozenset(b'()<>@,;:\\"/[]?=')


class FileSink(Protocol):
    """Where one uploaded file's bytes go (a temporary file in v2)."""

    name: str

    def write(self, data: bytes) -> None:
        """Append ``data``; raise OSError on failure."""

    def close(self) -> None:
        """Finish the file."""


#: Makes the sink for a file part when v2 would create its temporary file; raises OSError
#: (with ``filename`` set) when it cannot.
FileSinkFactory = Callable[["MultipartPart"], FileSink]


@dataclass(slots=True)
class MultipartFlags:
    """v2's ``multipart_data`` flags (the MULTIPART_* variables)."""

    error: bool = False  # flag_error: a parsing error (counts in MULTIPART_STRICT_ERROR)
    boundary_quoted: bool = False
    boundary_whitespace: bool = False
    data_before: bool = False
    data_after: bool = False
    header_folding: bool = False
    lf_line: bool = False
    crlf_line: bool = False
    missing_semicolon: bool = False
    invalid_quoting: bool = False
    invalid_part: bool = False
    invalid_header_folding: bool = False
    file_limit_exceeded: bool = False
    unmatched_boundary: bool = False

    @property
    def strict_error(self) -> bool:
        """MULTIPART_STRICT_ERROR: any flag raised (MULTIPART_UNMATCHED_BOUNDARY does not count)."""
        return (self.error or self.boundary_quoted or self.boundary_whitespace or self.data_before
                or self.data_after or self.header_folding or self.lf_line or self.missing_semicolon
                or self.invalid_quoting or self.invalid_part or self.invalid_header_folding
                or self.file_limit_exceeded)

    @property
    def crlf_lf_lines(self) -> bool:
        """MULTIPART_CRLF_LF_LINES: both line endings were seen."""
        return self.lf_line and self.crlf_line


@dataclass(slots=True, eq=False)
class MultipartPart:
    """One part (``multipart_part``).

    ``headers``: the part's headers as (name, value) in order (names as written, looked up
    case-insensitively as apr tables do; a folded header's continuation joined with a space).
    ``header_lines``: the MULTIPART_PART_HEADERS values (2.9.6+): each header line without its
    line break, a folded one rewritten ``Name: value continued``.
    ``value``: a form field's bytes. ``length``: the value's or file's length; ``size``: the
    file size (FILES_SIZES). ``offset``: where the value starts in the body, as v2 counts it.
    ``tmp_file_name``: the sink's name when the file was stored (FILES_TMPNAMES).
    """

    kind: int = FORM_DATA
    name: bytes | None = None
    filename: bytes | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    header_lines: list[bytes] = field(default_factory=list)
    value: bytes = b""
    length: int = 0
    size: int = 0
    offset: int = 0
    tmp_file_name: str | None = None

    @property
    def is_file(self) -> bool:
        return self.kind == FILE

    def header(self, name: bytes) -> bytes | None:
        """The value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def content_type(self) -> bytes | None:
        """The part's Content-Type header, if any."""
        return self.header(b"Content-Type")


@dataclass(slots=True)
class MultipartResult:
    """What the engine gets back after :meth:`MultipartParser.finish`.

    ``parts``: the finished parts that had a name, in order (``mpd->parts``): FILES,
    FILES_NAMES, FILES_SIZES, FILES_TMPNAMES, MULTIPART_PART_HEADERS come from them.
    ``arguments``: the form fields for ARGS / ARGS_POST, empty when there was an error
    (v2 calls ``multipart_get_arguments`` only after a clean completion).
    ``multipart_name`` / ``multipart_filename``: the last ``name`` / ``filename`` seen in a
    Content-Disposition header (MULTIPART_NAME / MULTIPART_FILENAME), even a refused one.
    ``no_files_length``: bytes counted against SecRequestBodyNoFilesLimit (part headers and
    form field data; file data is not counted).
    """

    parts: list[MultipartPart]
    flags: MultipartFlags
    error: ProcessorError | None
    arguments: list[tuple[bytes, bytes]]
    multipart_name: bytes | None
    multipart_filename: bytes | None
    no_files_length: int
    boundary: bytes | None

    @property
    def files(self) -> list[MultipartPart]:
        """The file parts (FILES, FILES_NAMES, FILES_SIZES, ...)."""
        return [part for part in self.parts if part.kind == FILE]

    @property
    def files_combined_size(self) -> int:
        """FILES_COMBINED_SIZE: the sizes of all file parts added up."""
        return sum(part.size for part in self.parts if part.kind == FILE)


class _ParseError(Exception):
    def __init__(self, message: bytes) -> None:
        super().__init__(message)
        self.message = message


def _remove_lf_crlf(text: bytes) -> bytes:
    if text.endswith(b"\n"):
        return text[:-2] if text.endswith(b"\r\n") else text[:-1]
    return text


def _count_boundary_params(value: bytes) -> int:
    # multipart_count_boundary_params: "boundary" (any case) followed somewhere by '='.
    lowered = cstr(value).lower()
    count = 0
    position = lowered.find(b"boundary")
    while position >= 0:
        position += 8
        if lowered.find(b"=", position) >= 0:
            count += 1
        position = lowered.find(b"boundary", position)
    return count


def _boundary_characters_valid(boundary: bytes) -> bool:
    last = len(boundary) - 1
    for index, char in enumerate(boundary):
        if char == 0x20:
            if index == last:
                return False
        elif char not in _BOUNDARY_CHARS:
            return False
    return True


class MultipartParser:
    """v2's multipart parser for one request body.

    Arguments:
        content_type: the request's Content-Type header value (None when absent).
        upload_file_limit: SecUploadFileLimit.
        extract_files: whether v2 stores file parts (``msr->upload_extract_files``: set by
            SecUploadKeepFiles On/RelevantOnly or by rules that inspect files); only then are
            sinks made and SecUploadFileLimit counted.
        file_sink_factory: makes the :class:`FileSink` for each stored file (see
            :class:`TempFileSpool`); without one, files are only measured.
    """

    def __init__(self, content_type: bytes | None, *, upload_file_limit: int = 100, extract_files: bool = False,
                 file_sink_factory: FileSinkFactory | None = None) -> None:
        self.flags = MultipartFlags()
        self.parts: list[MultipartPart] = []
        self.boundary: bytes = b""
        self.multipart_name: bytes | None = None
        self.multipart_filename: bytes | None = None
        self.no_files_length = 0
        self._upload_file_limit = upload_file_limit
        self._extract = extract_files
        self._sink_factory = file_sink_factory
        self._error: ProcessorError | None = None
        self._buf = b""
        self._buf_contains_line = True
        self._crlf_state_buf_end = 0
        self._part: MultipartPart | None = None
        self._part_state = 0  # mpp_state: 0 headers, 1 data
        self._part_data_read = False  # mpp_substate_part_data_read
        self._header_index: dict[bytes, int] = {}
        self._last_header_name: bytes | None = None
        self._last_header_line: bytes | None = None
        self._value_parts: list[bytes] = []
        self._sink: FileSink | None = None
        self._reserve = b""
        self._buf_offset = 0
        self._boundary_count = 0
        self._is_complete = False
        self._seen_data = False
        self._nfiles = 0
        self._file_started = False
        self._finished: MultipartResult | None = None
        try:
            self._init(content_type)
        except _ParseError as problem:
            self.flags.error = True
            self._error = ProcessorError(problem.message)

    # -- multipart_init: the Content-Type checks ---------------------------------------------------

    def _init(self, content_type: bytes | None) -> None:
        if content_type is None:
            raise _ParseError(b"Multipart: Content-Type header not available.")
        content_type = cstr(content_type)
        if len(content_type) > 1024:
            raise _ParseError(b"Multipart: Invalid boundary in C-T (length).")
        if content_type[:19].lower() != b"multipart/form-data":
            raise _ParseError(b"Multipart: Invalid MIME type.")
        if _count_boundary_params(content_type) > 1:
            raise _ParseError(b"Multipart: Multiple boundary parameters in C-T.")
        start = content_type.find(b"boundary")
        if start < 0:
            if _count_boundary_params(content_type) > 0:
                raise _ParseError(b"Multipart: Invalid boundary in C-T (case sensitivity).")
            raise _ParseError(b"Multipart: Boundary not found in C-T.")
        seen_semicolon = False
        for char in content_type[19:start]:
            if char in C_SPACE:
                continue
            if not seen_semicolon and char == 0x3B:
                seen_semicolon = True
            else:
                raise _ParseError(b"Multipart: Invalid boundary in C-T (malformed).")
        if not seen_semicolon:
            self.flags.missing_semicolon = True
        equals = content_type.find(b"=", start + 8)
        if equals < 0:
            raise _ParseError(b"Multipart: Invalid boundary in C-T (malformed).")
        for char in content_type[start + 8:equals]:
            if char in C_SPACE:
                self.flags.boundary_whitespace = True
            else:
                raise _ParseError(b"Multipart: Invalid boundary in C-T (parameter name).")
        value = content_type[equals + 1:]
        if value[:1] and value[0] in C_SPACE:
            self.flags.boundary_whitespace = True
        if len(value) >= 2 and value[0] == 0x22 and value[-1] == 0x22:
            boundary = value[1:-1]
            self.flags.boundary_quoted = True
        else:
            if value[:1] == b'"' or (len(value) >= 2 and value[-1] == 0x22):
                raise _ParseError(b"Multipart: Invalid boundary in C-T (quote).")
            boundary = value
        if _count_boundary_params(boundary) != 0:
            raise _ParseError(b"Multipart: Invalid boundary in C-T (content).")
        if not _boundary_characters_valid(boundary):
            raise _ParseError(b"Multipart: Invalid boundary in C-T (characters).")
        if not boundary:
            raise _ParseError(b"Multipart: Invalid boundary in C-T (empty).")
        self.boundary = boundary

    # -- multipart_process_chunk -------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Process the next chunk of the body (v2's ``multipart_process_chunk``)."""
        if self._error is not None or not data:
            return
        self._seen_data = True
        if self._is_complete:
            self.flags.data_before = True  # sic: v2 flags data in a later chunk as "before"
            return
        try:
            self._process(data)
        except _ParseError as problem:
            self.flags.error = True
            self._error = ProcessorError(b"Multipart parsing error: " + problem.message)
            self._close_sink()

    def _process(self, data: bytes) -> None:
        position, end = 0, len(data)
        while position < end:
            room = BUF_SIZE - len(self._buf)
            newline = data.find(b"\n", position, position + room)
            if newline >= 0:
                self._buf += data[position:newline + 1]
                position = newline + 1
                ending = 0  # '\n'
            elif end - position >= room:
                if data[position + room - 1] == 0x0D:
                    # v2 does not take '\r' as the last byte of its buffer
                    self._buf += data[position:position + room - 1]
                    position += room - 1
                    ending = 2
                else:
                    self._buf += data[position:position + room]
                    position += room
                    ending = 1  # buffer full
            else:
                self._buf += data[position:]
                return
            self._process_buffer(ending)
            if self._is_complete and position < end:
                self.flags.data_after = True
                return

    def _process_buffer(self, ending: int) -> None:
        buf = self._buf
        boundary = self.boundary
        blen = len(boundary)
        processed_as_boundary = False
        if self._buf_contains_line and buf[:2] == b"--" and len(line := cstr(buf)) > 3:
            if len(line) >= blen + 2 and line[2:2 + blen] == boundary:
                if self._crlf_state_buf_end == 2:
                    self.flags.lf_line = True
                if not self._part_data_read and self._boundary_count > 0:
                    # where a part's data should begin: not a boundary (CVE-2022-48279 fix)
                    self.flags.invalid_part = True
                else:
                    tail = buf[2 + blen:]
                    is_final = tail[:2] == b"--"
                    if is_final:
                        tail = tail[2:]
                        if self._is_complete:
                            raise _ParseError(b"Multipart: Invalid boundary (final duplicate).")
                    if tail == b"\r\n" or tail[:3] == b"\r\n\0" or tail == b"\n" or tail[:2] == b"\n\0":
                        if tail[:1] == b"\n":
                            self.flags.lf_line = True
                        else:
                            self.flags.crlf_line = True
                        self._process_boundary(is_final)
                        if is_final:
                            self._is_complete = True
                        processed_as_boundary = True
                        self._boundary_count += 1
                    else:
                        raise _ParseError(b"Multipart: Invalid boundary: " + log_escape_nq(buf))
            else:
                if self.flags.boundary_quoted and len(line) >= blen + 3 and buf[2] == 0x22 \
                        and line[3:3 + blen] == boundary:
                    raise _ParseError(b"Multipart: Invalid boundary (quotes).")
                start = 2
                while start < len(buf) and buf[start] in C_SPACE:
                    start += 1
                if start != 2 and buf[start:start + blen] == boundary:
                    raise _ParseError(b"Multipart: Invalid boundary (whitespace).")
                self.flags.unmatched_boundary = True
        elif self._buf_contains_line and b"--" + boundary in buf:
            self.flags.unmatched_boundary = True

        reserved = 0
        if not processed_as_boundary:
            if self._part is None:
                self.flags.data_before = True
            elif self._part_state == 0:
                if len(buf) == BUF_SIZE or ending == 2:
                    raise _ParseError(b"Multipart: Part header line over %d bytes long" % BUF_SIZE)
                self._process_part_header(buf)
            else:
                reserved = self._process_part_data(buf)
        self._buf_offset += len(buf) - reserved
        self._buf = b""
        if ending == 0:
            self._buf_contains_line = True
            self._crlf_state_buf_end = 3 if buf[-2:-1] == b"\r" else 2
        else:
            self._buf_contains_line = False
            before = buf[-2:-1] if ending == 1 else buf[-1:]
            self._crlf_state_buf_end = 1 if before == b"\r" else 0

    # -- parts -----------------------------------------------------------------------------------

    def _process_boundary(self, last_part: bool) -> None:
        part = self._part
        if part is not None:
            if part.kind == FILE:
                self._close_sink()
            else:
                part.value = b"".join(self._value_parts)
            if part.name is not None:
                self.parts.append(part)
            else:
                self.flags.invalid_part = True  # "Skipping invalid part (part name missing)"
            self._part = None
        if not last_part:
            self._part = MultipartPart()
            self._part_state = 0
            self._part_data_read = False
            self._header_index = {}
            self._last_header_name = None
            self._last_header_line = None
            self._reserve = b""
            self._value_parts = []
            self._file_started = False

    def _process_part_header(self, buf: bytes) -> None:
        part = self._part
        assert part is not None
        if b"\0" in buf:
            raise _ParseError(b"Multipart: Nul byte in part headers.")
        self.no_files_length += len(buf)
        if len(buf) > 1 and buf[-2] == 0x0D:
            self.flags.crlf_line = True
        else:
            self.flags.lf_line = True
        if buf == b"\r\n" or buf == b"\n":
            disposition = self._get_header(b"content-disposition")
            if disposition is None:
                raise _ParseError(b"Multipart: Part missing Content-Disposition header.")
            code = self._parse_content_disposition(disposition)
            if code < 0:
                raise _ParseError(b"Multipart: Invalid Content-Disposition header (%d): %s."
                                  % (code, log_escape_nq(disposition)))
            if part.name is None:
                raise _ParseError(b"Multipart: Content-Disposition header missing name field.")
            if part.filename is not None:
                if b"filename=" not in disposition:
                    raise _ParseError(b"Multipart: Invalid Content-Disposition header (filename).")
                part.kind = FILE
            else:
                part.kind = FORM_DATA
            self._part_state = 1
            self._part_data_read = False
            self._last_header_name = None
            if self._last_header_line is not None:
                part.header_lines.append(self._last_header_line)
            return
        if buf[0] in C_SPACE:
            self.flags.header_folding = True
            if buf[0] not in b"\t ":
                self.flags.invalid_header_folding = True
            if self._last_header_name is None:
                raise _ParseError(b"Multipart: Invalid part header (folding error).")
            start = 0
            while start < len(buf) and buf[start] in C_SPACE:
                if buf[start] not in b"\t ":
                    self.flags.invalid_header_folding = True
                start += 1
            index = self._header_index[self._last_header_name.lower()]
            name, previous = part.headers[index]
            new_value = previous + b" " + _remove_lf_crlf(buf[start:])
            part.headers[index] = (name, new_value)
            if len(new_value) > BUF_SIZE:
                raise _ParseError(b"Multipart: Part header too long.")
            if self._last_header_line is not None:
                self._last_header_line = self._last_header_name + b": " + new_value
            return
        if self._last_header_line is not None:
            part.header_lines.append(self._last_header_line)
        self._last_header_line = _remove_lf_crlf(buf)
        colon = buf.find(b":")
        if colon < 0:
            raise _ParseError(b"Multipart: Invalid part header (colon missing): %s." % log_escape_nq(buf))
        if colon == 0:
            raise _ParseError(b"Multipart: Invalid part header (header name missing).")
        name = buf[:colon]
        value = _remove_lf_crlf(buf[colon + 1:].lstrip(b"\t "))
        key = name.lower()
        if key in self._header_index:
            raise _ParseError(b"Multipart: Duplicate part header: %s." % log_escape_nq(name))
        self._header_index[key] = len(part.headers)
        part.headers.append((name, value))
        self._last_header_name = name

    def _get_header(self, key: bytes) -> bytes | None:
        index = self._header_index.get(key)
        return None if index is None else self._part.headers[index][1]  # type: ignore[union-attr]

    def _parse_content_disposition(self, value: bytes) -> int:
        """multipart_parse_content_disposition: 1, or v2's negative code."""
        part = self._part
        assert part is not None
        if value[:9] != b"form-data":
            return -1
        end = len(value)
        position = 9
        while position < end and value[position] in b"\t ":
            position += 1
        if position == end:
            return 1
        if value[position] != 0x3B:
            return -2
        position += 1
        while position < end:
            while position < end and value[position] in b"\t ":
                position += 1
            if position == end:
                return -3
            start = position
            while position < end and value[position] not in b"=\t ":
                position += 1
            if position == end:
                return -4
            name = value[start:position]
            while position < end and value[position] in b"\t ":
                position += 1
            if position == end:
                return -5
            if value[position] != 0x3D:
                return -13
            position += 1
            while position < end and value[position] in b"\t ":
                position += 1
            if position == end:
                return -6
            quote = 0
            if value[position] in b"\"'":
                quote = value[position]
                if quote == 0x27:
                    self.flags.invalid_quoting = True
                position += 1
                if position == end:
                    return -7
                out = bytearray()
                while position < end:
                    char = value[position]
                    if char == 0x5C:
                        if position + 1 == end:
                            return -8
                        if value[position + 1] == quote or value[position + 1] == 0x5C:
                            position += 1
                    elif char == quote:
                        break
                    out.append(value[position])
                    position += 1
                if position == end:
                    return -10
                position += 1  # over the closing quote
                parameter = bytes(out)
            else:
                start = position
                while position < end and 0x20 < value[position] < 0x7F and value[position] not in _TOKEN_STOP:
                    position += 1
                parameter = value[start:position]
            if name == b"name":
                self._validate_quotes(parameter, quote)
                self.multipart_name = parameter
                if part.name is not None:
                    return -14  # "Warning: Duplicate Content-Disposition name"
                part.name = parameter
            elif name == b"filename":
                self._validate_quotes(parameter, quote)
                self.multipart_filename = parameter
                if part.filename is not None:
                    return -15
                part.filename = parameter
            else:
                return -11
            if position < end:
                while position < end and value[position] in b"\t ":
                    position += 1
                if position == end:
                    return 1
                if value[position] != 0x3B:
                    if value[position - 1] in b"'\"":
                        self.flags.invalid_quoting = True
                    return -12
                position += 1
        return 1

    def _validate_quotes(self, parameter: bytes, quote: int) -> None:
        # 2.9.6+: a single quote inside a double-quoted value is fine
        if quote != 0x22 and b"'" in parameter:
            self.flags.invalid_quoting = True

    def _process_part_data(self, buf: bytes) -> int:
        part = self._part
        assert part is not None
        self._part_data_read = True
        reserved = 0
        data = buf
        if buf[-1:] == b"\n":
            reserved = 2 if buf[-2:-1] == b"\r" else 1
            data = buf[:-reserved]
        reserve = self._reserve
        if part.kind == FILE:
            if part.length == 0:
                part.offset = self._buf_offset
            extract = self._extract
            if extract and self._nfiles >= self._upload_file_limit:
                self.flags.file_limit_exceeded = True
                extract = False
            if extract and self._sink_factory is not None:
                if self._sink is None:
                    try:
                        self._sink = self._sink_factory(part)
                    except OSError as problem:
                        name = str(getattr(problem, "filename", "") or "").encode("utf-8", "surrogateescape")
                        raise _ParseError(b"Multipart: Failed to create file: " + log_escape_nq(name)) from None
                    part.tmp_file_name = self._sink.name
                    self._nfiles += 1
                try:
                    if reserve:
                        self._sink.write(reserve)
                    self._sink.write(data)
                except OSError:
                    name = (part.tmp_file_name or "").encode("utf-8", "surrogateescape")
                    raise _ParseError(b'Multipart: writing to "%s" failed'
                                      % log_escape_nq(name).replace(b'"', b'\\"')) from None
            elif extract and not self._file_started:
                self._nfiles += 1  # v2 would have created the temporary file here
            if extract:
                self._file_started = True
            part.size += len(reserve) + len(data)
            part.length += len(reserve) + len(data)
        else:
            self.no_files_length += len(data) + len(reserve)
            if part.length == 0:
                part.offset = self._buf_offset
            piece = reserve + data if reserve else data
            self._value_parts.append(piece)
            part.length += len(piece)
        if reserved:
            self._reserve = buf[-reserved:]
            self._buf_offset += reserved
        else:
            self._buf_offset -= len(reserve)
            self._reserve = b""
        return reserved

    def _close_sink(self) -> None:
        if self._sink is not None:
            sink, self._sink = self._sink, None
            try:
                sink.close()
            except OSError:
                pass

    # -- multipart_complete ------------------------------------------------------------------------

    def finish(self) -> MultipartResult:
        """End of body: v2's ``multipart_complete`` and ``multipart_get_arguments``."""
        if self._finished is not None:
            return self._finished
        if self._error is None and self._seen_data and not self._is_complete:
            if self._boundary_count > 0:
                buf = self._buf
                blen = len(self.boundary)
                if self._buf_contains_line and len(buf) == 4 + blen and buf[:2] == b"--" \
                        and buf[2:2 + blen] == self.boundary and buf[2 + blen:] == b"--":
                    if self._crlf_state_buf_end == 2:
                        self.flags.lf_line = True
                    if not self._part_data_read:
                        self.flags.invalid_part = True
                    self._process_boundary(True)
                    self._is_complete = True
                if not self._is_complete:
                    self._error = ProcessorError(b"Multipart parsing error: Multipart: Final boundary missing.", True)
            else:
                self._error = ProcessorError(b"Multipart parsing error: Multipart: No boundaries found in payload.",
                                             True)
        self._close_sink()
        arguments: list[tuple[bytes, bytes]] = []
        if self._error is None:
            arguments = [(part.name, part.value) for part in self.parts  # type: ignore[misc]
                         if part.kind == FORM_DATA]
        self._finished = MultipartResult(self.parts, self.flags, self._error, arguments, self.multipart_name,
                                         self.multipart_filename, self.no_files_length, self.boundary or None)
        return self._finished


class TempFileSpool:
    """A :data:`FileSinkFactory` writing each file as v2 does: ``<dir>/<YYYYmmdd-HHMMSS>-<txid>-file-XXXXXX``.

    Arguments:
        directory: SecTmpDir (v2 writes there, then moves kept files to SecUploadDir).
        transaction_id: the request's unique id.
        mode: SecUploadFileMode.
    """

    def __init__(self, directory: str, transaction_id: str, mode: int = 0o600) -> None:
        self.directory = directory
        self.transaction_id = transaction_id
        self.mode = mode
        self.created: list[str] = []

    def __call__(self, part: MultipartPart) -> FileSink:
        prefix = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.transaction_id}-file-"
        try:
            handle, name = tempfile.mkstemp(prefix=prefix, dir=self.directory)
        except OSError as problem:
            problem.filename = os.path.join(self.directory, prefix + "XXXXXX")
            raise
        os.fchmod(handle, self.mode)
        self.created.append(name)
        return _FdSink(handle, name)


class _FdSink:
    __slots__ = ("fd", "name")

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd
        self.name = name

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
