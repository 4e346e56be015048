"""JSON: ModSecurity 2.9.7's JSON request body processor (``msc_json.c`` on yajl 2.1).

v2 feeds the body to yajl and turns its callbacks into ARGS (origin ``JSON``):

- **Names** join the keys with ``.``: ``{"a":{"b":1}}`` gives ``a.b``. Array elements take
  the name of the array itself again (no index): ``{"a":[1,2]}`` gives ``a.a`` twice, and
  ``{"a":[[1]]}`` gives ``a.a.a``. A top-level array is called ``array`` (``[1]`` gives
  ``array.array``), a top-level scalar has the empty name (``25`` gives ``""``, 2.9.6's
  "no-key single value"), and v2 never writes a ``json.`` prefix. v2 keeps its place with two
  strings (prefix and current key) and cuts the prefix at its last ``.`` when a map or array
  ends, so keys that contain ``.`` shift later names (``{"a.b":{"c":1},"d":2}`` names the last
  value ``a.d``): reproduced as is. Names stop at a NUL byte (``\\u0000`` in a key), values do
  not.
- **Values** are the string's bytes (escapes decoded as yajl decodes them: a lone high
  surrogate becomes ``?``, a high surrogate followed by any ``\\u`` escape is combined with
  it by yajl's arithmetic, a lone low surrogate is encoded as three bytes), numbers as
  written (``1.5e3``, ``-0``, any length), ``true``/``false``, and ``null`` as the empty
  value.
- **Depth**: every map or array that has a name (all but a top-level map) counts one level;
  more than SecRequestBodyJsonDepthLimit levels stops the parse with the message ``JSON
  parsing error: JSON depth limit exceeded`` (regression test ``15-json.t``, "parsing depth
  exceeded"); the arguments before it stay.
- **SecArgumentsLimit**: when ARGS already holds the limit (query string arguments count),
  yajl is stopped: ``JSON parsing error: parse error: client cancelled parse via callback
  return value\\n``.
- **Errors** carry yajl's own text and its trailing newline, e.g. ``JSON parsing error: parse
  error: trailing garbage\\n``, ``... lexical error: invalid char in json text.\\n``. An error
  yajl finds only when the body ends (a truncated document, an unfinished literal, a number
  at the very end followed by nothing valid) is reported by ``json_complete`` as ``JSON parser
  error: ...``: Apache's 2.9.7 then answers 500 (see :class:`ProcessorError`). An empty body is
  no error; a body of white space only is ``premature EOF`` at completion.

yajl's verdicts differ from Python's ``json`` module on edge cases, all reproduced by the
exact parser here: ``\\v`` and ``\\f`` are white space; NaN, Infinity and comments are errors;
UTF-8 inside strings is checked only for its shape (overlong forms, encoded surrogates and
F5-F7 lead bytes pass, truncated sequences fail: "invalid bytes in UTF8 string."); duplicate
keys all become arguments in order; numbers are never converted, so big ones cannot overflow.
Python's ``json`` is used only as a fast path for documents it decodes exactly as yajl does
(strict UTF-8, no surrogate escapes, no limits reached); everything else goes through
:func:`_yajl_parse`, a port of yajl's lexer and parser that also tells which errors yajl
would find only at completion, given the chunks the body arrived in.

Example::

    >>> processor = JsonProcessor()
    >>> processor.feed(b'{"a":{"b":[1,true,null]}}')
    >>> result = processor.finish()
    >>> result.arguments
    [(b'a.b.b', b'1'), (b'a.b.b', b'true'), (b'a.b.b', b'')]
"""

from __future__ import annotations

import json as _stdlib_json
import re
from dataclasses import dataclass, field

from ._common import ProcessorError

DEPTH_LIMIT_MESSAGE = b"JSON depth limit exceeded"
_CANCELLED = b"client cancelled parse via callback return value"


@dataclass(slots=True)
class JsonResult:
    """What the JSON processor gives the engine.

    ``arguments``: (name, value) pairs for ARGS / ARGS_POST, in document order.
    ``error``: None, or the REQBODY_ERROR message and when v2 finds it.
    """

    arguments: list[tuple[bytes, bytes]] = field(default_factory=list)
    error: ProcessorError | None = None


class _Stop(Exception):
    """A callback returned 0 (limit reached): yajl stops with "client cancelled"."""


class _Builder:
    """v2's yajl callbacks (``msc_json.c``): prefix and current key as v2 keeps them."""

    __slots__ = ("arguments", "prefix", "key", "depth", "depth_limit", "room", "depth_exceeded")

    def __init__(self, depth_limit: int, room: int) -> None:
        self.arguments: list[tuple[bytes, bytes]] = []
        self.prefix: bytes | None = None
        self.key: bytes | None = None
        self.depth = 0
        self.depth_limit = depth_limit
        self.room = room  # arguments that may still be added (SecArgumentsLimit)
        self.depth_exceeded = False

    def value(self, value: bytes) -> None:
        if self.key is None:
            self.key = b""
        name = self.prefix + b"." + self.key if self.prefix is not None else self.key
        if self.room <= 0:
            raise _Stop
        self.room -= 1
        self.arguments.append((name, value))

    def map_key(self, key: bytes) -> None:
        end = key.find(b"\0")
        self.key = key if end < 0 else key[:end]

    def start_map(self) -> None:
        if self.key is None:
            return
        self.prefix = self.key if self.prefix is None else self.prefix + b"." + self.key
        self._deeper()

    def start_array(self) -> None:
        if self.key is None and self.prefix is None:
            self.prefix = self.key = b"array"
        elif self.prefix is not None:
            self.prefix = self.prefix + b"." + self.key  # type: ignore[operator]
        else:
            self.prefix = self.key
        self._deeper()

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > self.depth_limit:
            self.depth_exceeded = True
            raise _Stop

    def end_map(self) -> None:
        if self.prefix is None:
            return
        cut = self.prefix.rfind(b".")
        if cut >= 0:
            self.key = self.prefix[cut + 1:]
            self.prefix = self.prefix[:cut]
        else:
            self.key = self.prefix
            self.prefix = None
        self.depth -= 1

    def end_array(self) -> None:
        if self.prefix is None:
            return
        cut = self.prefix.rfind(b".")
        self.prefix = self.prefix[:cut] if cut >= 0 else None
        self.depth -= 1


# -- the fast path: Python's json where it decodes exactly as yajl ---------------------------------

class _Pairs(list):
    """An object's (key, value) pairs, duplicates kept (``object_pairs_hook``)."""

    __slots__ = ()


class _NotYajl(Exception):
    """The fast path cannot vouch for this document: use the yajl port."""


def _refuse_constant(_name: str) -> None:
    raise _NotYajl


_DECODER = _stdlib_json.JSONDecoder(object_pairs_hook=_Pairs, parse_float=str, parse_int=str,
                                    parse_constant=_refuse_constant)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _fast_parse(body: bytes, builder: _Builder) -> bool:
    """Fill ``builder`` from ``body`` with Python's json; False when only yajl's port can decide."""
    if b"\\u" in body and _SURROGATE_ESCAPE.search(body):
        return False
    try:
        document = _DECODER.decode(body.decode("utf-8"))
    except (ValueError, _NotYajl, RecursionError):
        return False
    try:
        _walk(document, builder)
    except _Stop:
        return False
    return True


def _walk(document: object, builder: _Builder) -> None:
    # Iterative, in document order, calling the callbacks yajl would call.
    stack: list[tuple[object, int]] = [(document, -1)]
    while stack:
        node, index = stack.pop()
        if index >= 0:  # resuming a container at element ``index``
            items = node  # type: ignore[assignment]
            if index >= len(items):  # type: ignore[arg-type]
                if isinstance(items, _Pairs):
                    builder.end_map()
                else:
                    builder.end_array()
                continue
            stack.append((items, index + 1))
            if isinstance(items, _Pairs):
                key, child = items[index]
                builder.map_key(key.encode("utf-8"))
            else:
                child = items[index]  # type: ignore[index]
            stack.append((child, -1))
            continue
        if isinstance(node, str):
            builder.value(node.encode("utf-8"))
        elif isinstance(node, _Pairs):
            builder.start_map()
            stack.append((node, 0))
        elif isinstance(node, list):
            builder.start_array()
            stack.append((node, 0))
        elif node is True:
            builder.value(b"true")
        elif node is False:
            builder.value(b"false")
        else:
            builder.value(b"")


# -- yajl 2.1's lexer and parser ----------------------------------------------------------------------

_WHITESPACE = frozenset(b"\t\n\v\f\r ")
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
_ESCAPABLE = frozenset(b'"\\/bfnrt')
_DIGITS = frozenset(b"0123456789")
_LITERALS = {0x74: (b"rue", "bool"), 0x66: (b"alse", "bool"), 0x6E: (b"ull", "null")}
_LEX_ERRORS = {
    "utf8": b"invalid bytes in UTF8 string.",
    "escape": b"inside a string, '\\' occurs before a character which it may not.",
    "json_char": b"invalid character inside string.",
    "hex": b"invalid (non-hex) character occurs after '\\u' inside string.",
    "char": b"invalid char in json text.",
    "string": b"invalid string in json text.",
    "exponent": b"malformed number, a digit is required after the exponent.",
    "decimal": b"malformed number, a digit is required after the decimal point.",
    "minus": b"malformed number, a digit is required after the minus sign.",
    "comment": b"probable comment found in input text, comments are not enabled.",
}


class _Lexed:
    """One token: kind, its bytes, and the index of the last byte yajl read to decide it."""

    __slots__ = ("kind", "text", "last", "escapes", "error")

    def __init__(self, kind: str, text: bytes, last: int, escapes: bool = False, error: str = "") -> None:
        self.kind = kind
        self.text = text
        self.last = last
        self.escapes = escapes
        self.error = error


def _lex(data: bytes, offset: int) -> tuple[_Lexed, int]:
    """yajl_lex_lex over all of ``data`` (the body plus the " " yajl_complete_parse adds).

    Returns the token and the offset after it. ``last`` tells when yajl decided the token:
    the index of the last byte it had to read. A token that needs bytes beyond ``data`` is
    "eof" (yajl waits for more).
    """
    end = len(data)
    while offset < end and data[offset] in _WHITESPACE:
        offset += 1
    if offset >= end:
        return _Lexed("eof", b"", end), offset
    start = offset
    char = data[offset]
    offset += 1
    if char in b"{}[],:":
        return _Lexed(chr(char), b"", start), offset
    if char == 0x22:  # '"'
        return _lex_string(data, start, offset)
    if char == 0x2D or char in _DIGITS:
        return _lex_number(data, start)
    literal = _LITERALS.get(char)
    if literal is not None:
        want, kind = literal
        for expected in want:
            if offset >= end:
                return _Lexed("eof", b"", end), end
            if data[offset] != expected:
                return _Lexed("error", b"", offset, error="string"), offset
            offset += 1
        return _Lexed(kind, data[start:offset], offset - 1), offset
    if char == 0x2F:  # '/'
        return _Lexed("error", b"", start, error="comment"), start
    return _Lexed("error", b"", start, error="char"), offset


def _lex_string(data: bytes, start: int, offset: int) -> tuple[_Lexed, int]:
    end = len(data)
    escapes = False
    while True:
        if offset >= end:
            return _Lexed("eof", b"", end), end
        char = data[offset]
        offset += 1
        if char == 0x22:
            return _Lexed("string", data[start + 1:offset - 1], offset - 1, escapes), offset
        if char == 0x5C:  # backslash
            escapes = True
            if offset >= end:
                return _Lexed("eof", b"", end), end
            char = data[offset]
            offset += 1
            if char == 0x75:  # 'u'
                for _ in range(4):
                    if offset >= end:
                        return _Lexed("eof", b"", end), end
                    if data[offset] not in _HEXDIGITS:
                        return _Lexed("error", b"", offset, error="hex"), offset
                    offset += 1
            elif char not in _ESCAPABLE:
                return _Lexed("error", b"", offset - 1, error="escape"), offset - 1
        elif char < 0x20:
            return _Lexed("error", b"", offset - 1, error="json_char"), offset - 1
        elif char >= 0x80:
            # yajl_lex_utf8_char: the lead byte's shape and that many continuation bytes.
            if char >> 5 == 0x6:
                following = 1
            elif char >> 4 == 0xE:
                following = 2
            elif char >> 3 == 0x1E:
                following = 3
            else:
                return _Lexed("error", b"", offset - 1, error="utf8"), offset
            for _ in range(following):
                if offset >= end:
                    return _Lexed("eof", b"", end), end
                char = data[offset]
                offset += 1
                if char >> 6 != 0x2:
                    return _Lexed("error", b"", offset - 1, error="utf8"), offset


def _lex_number(data: bytes, start: int) -> tuple[_Lexed, int]:
    # yajl_lex_number: reads one byte past the number (then unreads it) to know it ended.
    end = len(data)
    offset = start

    def read() -> int:
        nonlocal offset
        if offset >= end:
            raise EOFError
        offset += 1
        return data[offset - 1]

    try:
        char = read()
        if char == 0x2D:
            char = read()
        if char == 0x30:
            char = read()
        elif 0x31 <= char <= 0x39:
            char = read()
            while char in _DIGITS:
                char = read()
        else:
            return _Lexed("error", b"", offset - 1, error="minus"), offset - 1
        if char == 0x2E:
            char = read()
            if char not in _DIGITS:
                return _Lexed("error", b"", offset - 1, error="decimal"), offset - 1
            while char in _DIGITS:
                char = read()
        if char in b"eE":
            char = read()
            if char in b"+-":
                char = read()
            if char not in _DIGITS:
                return _Lexed("error", b"", offset - 1, error="exponent"), offset - 1
            while char in _DIGITS:
                char = read()
    except EOFError:
        return _Lexed("eof", b"", end), end
    # ``char`` (at offset - 1) is the byte after the number: read, then unread.
    return _Lexed("number", data[start:offset - 1], offset - 1), offset - 1


def _decode_string(raw: bytes) -> bytes:
    """yajl_string_decode, byte for byte (its surrogate handling included)."""
    if b"\\" not in raw:
        return raw
    out = bytearray()
    position, end = 0, len(raw)
    simple = {0x72: b"\r", 0x6E: b"\n", 0x5C: b"\\", 0x2F: b"/", 0x22: b'"', 0x66: b"\f", 0x62: b"\b", 0x74: b"\t"}
    while position < end:
        char = raw[position]
        if char != 0x5C:
            out.append(char)
            position += 1
            continue
        position += 1
        kind = raw[position]
        if kind != 0x75:
            out += simple[kind]
            position += 1
            continue
        codepoint = int(raw[position + 1:position + 5], 16)
        position += 5
        if codepoint & 0xFC00 == 0xD800:
            if raw[position:position + 2] == b"\\u":
                surrogate = int(raw[position + 2:position + 6], 16)
                codepoint = ((codepoint & 0x3F) << 10) | ((((codepoint >> 6) & 0xF) + 1) << 16) | (surrogate & 0x3FF)
                position += 6
            else:
                out += b"?"
                continue
        out += _utf32_to_utf8(codepoint)
    return bytes(out)


def _utf32_to_utf8(codepoint: int) -> bytes:
    if codepoint < 0x80:
        return bytes((codepoint,))
    if codepoint < 0x800:
        return bytes(((codepoint >> 6) | 0xC0, (codepoint & 0x3F) | 0x80))
    if codepoint < 0x10000:
        return bytes(((codepoint >> 12) | 0xE0, ((codepoint >> 6) & 0x3F) | 0x80, (codepoint & 0x3F) | 0x80))
    if codepoint < 0x200000:
        return bytes(((codepoint >> 18) | 0xF0, ((codepoint >> 12) & 0x3F) | 0x80,
                      ((codepoint >> 6) & 0x3F) | 0x80, (codepoint & 0x3F) | 0x80))
    return b"?"


def _yajl_parse(body: bytes, builder: _Builder) -> tuple[bytes, int] | None:
    """yajl_do_parse over ``body`` then yajl_complete_parse; None, or (error text, decided at).

    The error text is yajl_get_error's (``parse error: ...\\n`` / ``lexical error: ...\\n``) or
    v2's depth message; "decided at" is the index of the body byte whose arrival let yajl
    find it, ``len(body)`` when only yajl_complete_parse finds it.
    """
    data = body + b" "
    offset = 0
    stack = ["start"]
    while True:
        state = stack[-1]
        if state == "complete":
            token, offset = _lex(data, offset)
            if token.kind == "eof":
                return None
            return b"parse error: trailing garbage\n", token.last
        token, offset = _lex(data, offset)
        kind = token.kind
        if kind == "eof":
            return b"parse error: premature EOF\n", len(body)
        if kind == "error":
            return b"lexical error: " + _LEX_ERRORS[token.error] + b"\n", token.last
        try:
            if state in ("start", "map_need_val", "array_need_val", "array_start"):
                push = None
                if kind == "string":
                    builder.value(_decode_string(token.text) if token.escapes else token.text)
                elif kind == "number":
                    builder.value(token.text)
                elif kind == "bool":
                    builder.value(token.text)
                elif kind == "null":
                    builder.value(b"")
                elif kind == "{":
                    builder.start_map()
                    push = "map_start"
                elif kind == "[":
                    builder.start_array()
                    push = "array_start"
                elif kind == "]" and state == "array_start":
                    builder.end_array()
                    stack.pop()
                    continue
                else:
                    return b"parse error: unallowed token at this point in JSON text\n", token.last
                stack[-1] = {"start": "complete", "map_need_val": "map_got_val"}.get(state, "array_got_val")
                if push is not None:
                    stack.append(push)
            elif state in ("map_start", "map_need_key"):
                if kind == "string":
                    builder.map_key(_decode_string(token.text) if token.escapes else token.text)
                    stack[-1] = "map_sep"
                elif kind == "}" and state == "map_start":
                    builder.end_map()
                    stack.pop()
                else:
                    return b"parse error: invalid object key (must be a string)\n", token.last
            elif state == "map_sep":
                if kind != ":":
                    return b"parse error: object key and value must be separated by a colon (':')\n", token.last
                stack[-1] = "map_need_val"
            elif state == "map_got_val":
                if kind == "}":
                    builder.end_map()
                    stack.pop()
                elif kind == ",":
                    stack[-1] = "map_need_key"
                else:
                    return b"parse error: after key and value, inside map, I expect ',' or '}'\n", token.last
            else:  # array_got_val
                if kind == "]":
                    builder.end_array()
                    stack.pop()
                elif kind == ",":
                    stack[-1] = "array_need_val"
                else:
                    return b"parse error: after array element, I expect ',' or ']'\n", token.last
        except _Stop:
            if builder.depth_exceeded:
                return DEPTH_LIMIT_MESSAGE, token.last
            return b"parse error: " + _CANCELLED + b"\n", token.last


class JsonProcessor:
    """Sans-IO JSON body processor: ``feed`` the body's chunks, then ``finish``.

    Arguments:
        depth_limit: SecRequestBodyJsonDepthLimit.
        arguments_limit: SecArgumentsLimit.
        existing_arguments: how many arguments ARGS already holds (from the query string);
            v2 counts them against SecArgumentsLimit.
    """

    __slots__ = ("_chunks", "_depth_limit", "_room")

    def __init__(self, depth_limit: int = 10000, arguments_limit: int = 1000, existing_arguments: int = 0) -> None:
        self._chunks: list[bytes] = []
        self._depth_limit = depth_limit
        self._room = arguments_limit - existing_arguments

    def feed(self, data: bytes) -> None:
        """Take the next chunk of the body, as the server delivered it."""
        if data:
            self._chunks.append(data)

    def finish(self) -> JsonResult:
        """Parse what was fed and return the arguments and error, as v2 leaves them."""
        body = b"".join(self._chunks)
        builder = _Builder(self._depth_limit, self._room)
        if body and _fast_parse(body, builder):
            return JsonResult(builder.arguments)
        builder = _Builder(self._depth_limit, self._room)
        if not body:
            return JsonResult()
        outcome = _yajl_parse(body, builder)
        if outcome is None:
            return JsonResult(builder.arguments)
        message, decided_at = outcome
        if decided_at >= len(body):
            # Found by json_complete: msc_reqbody.c's "JSON parser error" (and a 500 in Apache).
            return JsonResult(builder.arguments, ProcessorError(b"JSON parser error: " + message, True))
        return JsonResult(builder.arguments, ProcessorError(b"JSON parsing error: " + message))


def parse_json(body: bytes, depth_limit: int = 10000, arguments_limit: int = 1000,
               existing_arguments: int = 0) -> JsonResult:
    """Parse a whole JSON body in one go (one chunk); see :class:`JsonProcessor`."""
    processor = JsonProcessor(depth_limit, arguments_limit, existing_arguments)
    processor.feed(body)
    return processor.finish()
