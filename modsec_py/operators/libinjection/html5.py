"""libinjection's HTML5 tokenizer (port of libinjection_html5.c as bundled by ModSecurity 2.9.7).

A small state machine after the HTML5 spec's tokenizer, with the C code's quirks: NUL counts as white space
in most states, a 0xFF byte where white space is skipped reads as end of input (signed ``char`` compared with
``EOF`` = -1), and the states a value may start in (inside an attribute value, quoted or not).

Copyright (c) 2012-2016, Nick Galbreath (libinjection, BSD 3-Clause); see LICENSE.libinjection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# html5_type
DATA_TEXT = 0
TAG_NAME_OPEN = 1
TAG_NAME_CLOSE = 2
TAG_NAME_SELFCLOSE = 3
TAG_DATA = 4
TAG_CLOSE = 5
ATTR_NAME = 6
ATTR_VALUE = 7
TAG_COMMENT = 8
DOCTYPE = 9
TYPE_NAMES = ("DATA_TEXT", "TAG_NAME_OPEN", "TAG_NAME_CLOSE", "TAG_NAME_SELFCLOSE", "TAG_DATA", "TAG_CLOSE",
              "ATTR_NAME", "ATTR_VALUE", "TAG_COMMENT", "DOCTYPE")

# html5_flags: the state tokenizing starts in
DATA_STATE = 0
VALUE_NO_QUOTE = 1
VALUE_SINGLE_QUOTE = 2
VALUE_DOUBLE_QUOTE = 3
VALUE_BACK_QUOTE = 4

_EOF = -1
# h5_is_white(): strchr(" \t\n\v\f\r", ch), which also matches NUL (the terminator)
_WHITE = frozenset(b" \t\n\v\f\r\x00")
_TAG_NAME_END = re.compile(rb"[ \t\n\v\f\r/>]").search  # NUL is skipped inside tag names
_ATTR_NAME_END = re.compile(rb"[ \t\n\v\f\r\x00/=>]").search
_VALUE_END = re.compile(rb"[ \t\n\v\f\r\x00>]").search
_SKIP_WHITE = re.compile(rb"[ \t\n\v\f\r\x00]*").match


class H5State:
    """Tokenizer state (h5_state_t); after ``next()`` returns True the token is ``s[start:start + length]``."""

    __slots__ = ("s", "n", "pos", "is_close", "state", "start", "length", "type")

    def __init__(self, s: bytes, flags: int = DATA_STATE) -> None:
        self.s = s
        self.n = len(s)
        self.pos = 0
        self.is_close = False
        self.state: Callable[[H5State], bool] = _INITIAL[flags]
        self.start = 0
        self.length = 0
        self.type = DATA_TEXT

    def next(self) -> bool:
        """libinjection_h5_next(): True when a token was produced."""
        return self.state(self)

    def token(self) -> bytes:
        return self.s[self.start:self.start + self.length]


def tokens(s: bytes, flags: int = DATA_STATE) -> Iterator[tuple[int, bytes]]:
    """Every (type, bytes) token of ``s`` (what libinjection's test driver prints for test-html5-*)."""
    hs = H5State(s, flags)
    while hs.state(hs):
        yield hs.type, hs.s[hs.start:hs.start + hs.length]


def _skip_white(hs: H5State) -> int:
    """h5_skip_white(): the next non-white byte as a signed char (0xFF reads as EOF), or EOF."""
    pos = _SKIP_WHITE(hs.s, hs.pos).end()
    hs.pos = pos
    if pos >= hs.n:
        return _EOF
    ch = hs.s[pos]
    return _EOF if ch == 0xFF else ch


def _emit(hs: H5State, kind: int, start: int, length: int) -> bool:
    hs.type = kind
    hs.start = start
    hs.length = length
    return True


def _state_eof(hs: H5State) -> bool:
    return False


def _state_data(hs: H5State) -> bool:
    pos = hs.pos
    idx = hs.s.find(b"<", pos)
    if idx == -1:
        hs.state = _state_eof
        return _emit(hs, DATA_TEXT, pos, hs.n - pos) if hs.n > pos else False
    hs.pos = idx + 1
    hs.state = _state_tag_open
    if idx == pos:
        return _state_tag_open(hs)
    return _emit(hs, DATA_TEXT, pos, idx - pos)


def _state_tag_open(hs: H5State) -> bool:
    pos = hs.pos
    if pos >= hs.n:
        return False
    ch = hs.s[pos]
    if ch == 0x21:  # !
        hs.pos = pos + 1
        return _state_markup_declaration_open(hs)
    if ch == 0x2F:  # /
        hs.pos = pos + 1
        hs.is_close = True
        return _state_end_tag_open(hs)
    if ch == 0x3F:  # ?
        hs.pos = pos + 1
        return _state_bogus_comment(hs)
    if ch == 0x25:  # % (IE <= 9, Safari < 4.0.3 comments)
        hs.pos = pos + 1
        return _state_bogus_comment2(hs)
    if 0x61 <= ch <= 0x7A or 0x41 <= ch <= 0x5A or ch == 0:  # IE ignores NUL
        return _state_tag_name(hs)
    if pos == 0:
        return _state_data(hs)
    hs.state = _state_data
    return _emit(hs, DATA_TEXT, pos - 1, 1)


def _state_end_tag_open(hs: H5State) -> bool:
    pos = hs.pos
    if pos >= hs.n:
        return False
    ch = hs.s[pos]
    if ch == 0x3E:
        return _state_data(hs)
    if 0x61 <= ch <= 0x7A or 0x41 <= ch <= 0x5A:
        return _state_tag_name(hs)
    hs.is_close = False
    return _state_bogus_comment(hs)


def _state_tag_name_close(hs: H5State) -> bool:
    hs.is_close = False
    pos = hs.pos
    hs.pos = pos + 1
    hs.state = _state_data if pos + 1 < hs.n else _state_eof
    return _emit(hs, TAG_NAME_CLOSE, pos, 1)


def _state_tag_name(hs: H5State) -> bool:
    start = hs.pos
    m = _TAG_NAME_END(hs.s, start)
    if m is None:
        hs.state = _state_eof
        return _emit(hs, TAG_NAME_OPEN, start, hs.n - start)
    pos = m.start()
    ch = hs.s[pos]
    if ch == 0x2F:
        hs.pos = pos + 1
        hs.state = _state_self_closing_start_tag
        return _emit(hs, TAG_NAME_OPEN, start, pos - start)
    if ch == 0x3E:
        if hs.is_close:
            hs.pos = pos + 1
            hs.is_close = False
            hs.state = _state_data
            return _emit(hs, TAG_CLOSE, start, pos - start)
        hs.pos = pos
        hs.state = _state_tag_name_close
        return _emit(hs, TAG_NAME_OPEN, start, pos - start)
    hs.pos = pos + 1
    hs.state = _state_before_attribute_name
    return _emit(hs, TAG_NAME_OPEN, start, pos - start)


def _state_before_attribute_name(hs: H5State) -> bool:
    ch = _skip_white(hs)
    if ch == _EOF:
        return False
    if ch == 0x2F:
        hs.pos += 1
        return _state_self_closing_start_tag(hs)
    if ch == 0x3E:
        hs.state = _state_data
        pos = hs.pos
        hs.pos = pos + 1
        return _emit(hs, TAG_NAME_CLOSE, pos, 1)
    return _state_attribute_name(hs)


def _state_attribute_name(hs: H5State) -> bool:
    start = hs.pos
    m = _ATTR_NAME_END(hs.s, start + 1)
    if m is None:
        hs.state = _state_eof
        hs.pos = hs.n
        return _emit(hs, ATTR_NAME, start, hs.n - start)
    pos = m.start()
    ch = hs.s[pos]
    if ch == 0x2F:
        hs.state = _state_self_closing_start_tag
        hs.pos = pos + 1
    elif ch == 0x3D:
        hs.state = _state_before_attribute_value
        hs.pos = pos + 1
    elif ch == 0x3E:
        hs.state = _state_tag_name_close
        hs.pos = pos
    else:
        hs.state = _state_after_attribute_name
        hs.pos = pos + 1
    return _emit(hs, ATTR_NAME, start, pos - start)


def _state_after_attribute_name(hs: H5State) -> bool:
    ch = _skip_white(hs)
    if ch == _EOF:
        return False
    if ch == 0x2F:
        hs.pos += 1
        return _state_self_closing_start_tag(hs)
    if ch == 0x3D:
        hs.pos += 1
        return _state_before_attribute_value(hs)
    if ch == 0x3E:
        return _state_tag_name_close(hs)
    return _state_attribute_name(hs)


def _state_before_attribute_value(hs: H5State) -> bool:
    ch = _skip_white(hs)
    if ch == _EOF:
        hs.state = _state_eof
        return False
    if ch == 0x22:
        return _value_quoted(hs, b'"')
    if ch == 0x27:
        return _value_quoted(hs, b"'")
    if ch == 0x60:  # IE: `quoted`
        return _value_quoted(hs, b"`")
    return _state_attribute_value_no_quote(hs)


def _value_quoted(hs: H5State, quote: bytes) -> bool:
    # Skip the opening quote, unless the input starts inside the value (pos 0).
    pos = hs.pos
    if pos > 0:
        pos += 1
    idx = hs.s.find(quote, pos)
    if idx == -1:
        hs.pos = pos
        hs.state = _state_eof
        return _emit(hs, ATTR_VALUE, pos, hs.n - pos)
    hs.pos = idx + 1
    hs.state = _state_after_attribute_value_quoted
    return _emit(hs, ATTR_VALUE, pos, idx - pos)


def _state_value_single_quote(hs: H5State) -> bool:
    return _value_quoted(hs, b"'")


def _state_value_double_quote(hs: H5State) -> bool:
    return _value_quoted(hs, b'"')


def _state_value_back_quote(hs: H5State) -> bool:
    return _value_quoted(hs, b"`")


def _state_attribute_value_no_quote(hs: H5State) -> bool:
    start = hs.pos
    m = _VALUE_END(hs.s, start)
    if m is None:
        hs.state = _state_eof
        return _emit(hs, ATTR_VALUE, start, hs.n - start)
    pos = m.start()
    if hs.s[pos] == 0x3E:
        hs.pos = pos
        hs.state = _state_tag_name_close
    else:
        hs.pos = pos + 1
        hs.state = _state_before_attribute_name
    return _emit(hs, ATTR_VALUE, start, pos - start)


def _state_after_attribute_value_quoted(hs: H5State) -> bool:
    pos = hs.pos
    if pos >= hs.n:
        return False
    ch = hs.s[pos]
    if ch in _WHITE:
        hs.pos = pos + 1
        return _state_before_attribute_name(hs)
    if ch == 0x2F:
        hs.pos = pos + 1
        return _state_self_closing_start_tag(hs)
    if ch == 0x3E:
        hs.pos = pos + 1
        hs.state = _state_data
        return _emit(hs, TAG_NAME_CLOSE, pos, 1)
    return _state_before_attribute_name(hs)


def _state_self_closing_start_tag(hs: H5State) -> bool:
    pos = hs.pos
    if pos >= hs.n:
        return False
    if hs.s[pos] == 0x3E:
        hs.state = _state_data
        hs.pos = pos + 1
        return _emit(hs, TAG_NAME_SELFCLOSE, pos - 1, 2)
    return _state_before_attribute_name(hs)


def _state_bogus_comment(hs: H5State) -> bool:
    pos = hs.pos
    idx = hs.s.find(b">", pos)
    if idx == -1:
        hs.pos = hs.n
        hs.state = _state_eof
        return _emit(hs, TAG_COMMENT, pos, hs.n - pos)
    hs.pos = idx + 1
    hs.state = _state_data
    return _emit(hs, TAG_COMMENT, pos, idx - pos)


def _state_bogus_comment2(hs: H5State) -> bool:
    # <% ... %>
    pos = hs.pos
    idx = hs.s.find(b"%>", pos)
    if idx == -1:
        hs.pos = hs.n
        hs.state = _state_eof
        return _emit(hs, TAG_COMMENT, pos, hs.n - pos)
    hs.pos = idx + 2
    hs.state = _state_data
    return _emit(hs, TAG_COMMENT, pos, idx - pos)


def _state_markup_declaration_open(hs: H5State) -> bool:
    pos = hs.pos
    remaining = hs.n - pos
    if remaining >= 7:
        word = hs.s[pos:pos + 7]
        if word.upper() == b"DOCTYPE":
            return _state_doctype(hs)
        if word == b"[CDATA[":  # upper case required
            hs.pos = pos + 7
            return _state_cdata(hs)
    if remaining >= 2 and hs.s[pos:pos + 2] == b"--":
        hs.pos = pos + 2
        return _state_comment(hs)
    return _state_bogus_comment(hs)


def _state_comment(hs: H5State) -> bool:
    # Comments end at EOF, "-->" or "-!>"; NULs after the first '-' are skipped.
    s = hs.s
    n = hs.n
    start = hs.pos
    pos = start
    while True:
        idx = s.find(b"-", pos)
        if idx == -1 or idx > n - 3:
            break
        offset = idx + 1
        while offset < n and s[offset] == 0:
            offset += 1
        if offset == n:
            break
        ch = s[offset]
        if ch != 0x2D and ch != 0x21:
            pos = idx + 1
            continue
        offset += 1
        if offset == n:
            break
        if s[offset] != 0x3E:
            pos = idx + 1
            continue
        hs.pos = offset + 1
        hs.state = _state_data
        return _emit(hs, TAG_COMMENT, start, idx - start)
    hs.state = _state_eof
    return _emit(hs, TAG_COMMENT, start, n - start)


def _state_cdata(hs: H5State) -> bool:
    pos = hs.pos
    idx = hs.s.find(b"]]>", pos)
    if idx == -1:
        hs.state = _state_eof
        return _emit(hs, DATA_TEXT, pos, hs.n - pos)
    hs.pos = idx + 3
    hs.state = _state_data
    return _emit(hs, DATA_TEXT, pos, idx - pos)


def _state_doctype(hs: H5State) -> bool:
    pos = hs.pos
    idx = hs.s.find(b">", pos)
    if idx == -1:
        hs.state = _state_eof
        return _emit(hs, DOCTYPE, pos, hs.n - pos)
    hs.pos = idx + 1
    hs.state = _state_data
    return _emit(hs, DOCTYPE, pos, idx - pos)


_INITIAL: dict[int, Callable[[H5State], bool]] = {
    DATA_STATE: _state_data,
    VALUE_NO_QUOTE: _state_before_attribute_name,
    VALUE_SINGLE_QUOTE: _state_value_single_quote,
    VALUE_DOUBLE_QUOTE: _state_value_double_quote,
    VALUE_BACK_QUOTE: _state_value_back_quote,
}
