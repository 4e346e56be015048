"""libinjection's SQLi detector: tokenizer, folding, fingerprint check (port of libinjection_sqli.c 3.9.2).

The behaviour is that of the C code ModSecurity 2.9.7 bundles, quirks included (x86: ``char`` is signed,
C-string functions stop at or accept the NUL terminator, the input is NUL-terminated). Tokens are tuples
``(type, val, str_open, str_close, count)``: ``type`` a one-character str (``'n'`` bareword, ``'s'`` string,
...), ``val`` the bytes libinjection keeps (at most 31), ``str_open``/``str_close`` the quote characters
('' for none) and ``count`` the number of ``@`` of a variable.

Copyright (c) 2012-2016, Nick Galbreath (libinjection, BSD 3-Clause); see LICENSE.libinjection.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ._data import CHAR_CLASSES, CHARMAP, FINGERPRINTS, KEYWORDS

Token = tuple[str, bytes, str, str, int]

FLAG_QUOTE_NONE = 1
FLAG_QUOTE_SINGLE = 2
FLAG_QUOTE_DOUBLE = 4
FLAG_SQL_ANSI = 8
FLAG_SQL_MYSQL = 16

MAX_TOKENS = 5
TOKEN_SIZE = 32  # sizeof(val): values keep TOKEN_SIZE - 1 bytes
_VMAX = TOKEN_SIZE - 1

# Keyword table as the C binary search sees it: upper-case word -> type, fingerprints as "0" + FP -> 'F'.
_WORDS: dict[bytes, str] = {word.encode("latin-1"): kind for kind, words in KEYWORDS.items() for word in words}
_WORDS.update((b"0" + fp.upper().encode("latin-1"), "F") for fp in FINGERPRINTS.split())
_FINGERPRINTS = frozenset(fp.upper() for fp in FINGERPRINTS.split())  # blacklist: upper-cased v0 patterns
_ONE_TOKEN_SAFE = all(len(fp) > 1 or fp == "X" for fp in _FINGERPRINTS)

# char_is_white(): strchr(" \t\n\v\f\r\240\000", ch)
_CWHITE = frozenset(b" \t\n\v\f\r\xa0\x00")
# strlencspn() stop sets (NUL always stops: strchr finds the terminator) and strlenspn() accept sets (NUL
# is always accepted, for the same reason).
_WORD_LEN = re.compile(rb"[^ \[\]{}<>:\\?=@!#~+\-*/&|^%(),';\t\n\v\f\r\"\xa0\x00]*").match
_VAR_LEN = re.compile(rb"[^ <>:\\?=@!#~+\-*/&|^%(),';\t\n\v\f\r`\"\x00]*").match
_BIN_LEN = re.compile(rb"[01\x00]*").match
_HEX_LEN = re.compile(rb"[0-9A-Fa-f\x00]*").match
_MONEY_LEN = re.compile(rb"[0-9.,\x00]*").match
_ALPHA_LEN = re.compile(rb"[A-Za-z\x00]*").match
# parse_number() after an optional 0x/0b prefix: digits, optional "." digits, optional exponent.
_NUMBER = re.compile(rb"[0-9]*(\.[0-9]*)?(?:([eE])[+-]?([0-9]*))?").match
# Inputs that are one plain number or one plain word (no quote, '.', '`', '&', delimiter or white space)
# tokenize to a single token, never 'X': not SQLi while no other one-token fingerprint exists.
_ONE_TOKEN = re.compile(rb"[0-9]+|[A-Za-z_\x80-\x9f\xa1-\xff][0-9A-Za-z_$\x80-\x9f\xa1-\xff]*").fullmatch

# syntax_merge_words(): types that may merge with the next token, and the types that token may have.
_MERGE_LEFT = frozenset("knoUfETt")
_MERGE_RIGHT = frozenset("knoUfETt&")
_UNARY_WORDS = frozenset((b"+", b"-", b"!", b"~", b"!!"))
_FUNCTION_LIKE = frozenset((b"USER_ID", b"USER_NAME", b"DATABASE", b"PASSWORD", b"USER", b"CURRENT_USER",
                            b"CURRENT_DATE", b"CURRENT_TIME", b"CURRENT_TIMESTAMP", b"LOCALTIME", b"LOCALTIMESTAMP"))
_ARITHMETIC = frozenset(b"*/-+%")
# Left-hand types of the two-token rules other than merging (n and v only before "(").
_RULES2_LEFT = frozenset("s;o&(ktA\\){")


class SqliState:
    """One input being tokenized (libinjection_sqli_state): position, flags and the counters folding uses."""

    __slots__ = ("s", "n", "flags", "tok", "ntokens", "ddx", "hash")

    def __init__(self, s: bytes, flags: int = FLAG_QUOTE_NONE | FLAG_SQL_ANSI) -> None:
        self.s = s
        self.n = len(s)
        self.flags = flags or (FLAG_QUOTE_NONE | FLAG_SQL_ANSI)
        self.tok: Token | None = None
        self.ntokens = 0  # stats_tokens
        self.ddx = 0  # stats_comment_ddx: "--x" comments (ANSI only)
        self.hash = 0  # stats_comment_hash: '#' seen

    def tokens(self) -> Iterator[Token | None]:
        """libinjection_sqli_tokenize() as a generator: each token, then None for ever.

        White space, plain words and the one-character tokens ( ) , ; { } are handled inline (they are most
        of any input); every other first byte goes to its parser.
        """
        s = self.s
        n = self.n
        pos = 0
        if self.flags & (FLAG_QUOTE_SINGLE | FLAG_QUOTE_DOUBLE) and n:
            # Pretend the input starts inside a quoted string.
            pos = _string_core(self, s, n, 0, 0x27 if self.flags & FLAG_QUOTE_SINGLE else 0x22, 0)
            self.ntokens += 1
            yield self.tok
        kinds = _KINDS
        parsers = _PARSERS
        word_end = _WORD_LEN
        words = _WORDS
        while pos < n:
            c = s[pos]
            kind = kinds[c]
            if kind == _WHITE:
                pos += 1
                continue
            self.ntokens += 1
            if kind == _PLAIN_WORD:
                end = word_end(s, pos).end()
                if end - pos < TOKEN_SIZE:
                    val = s[pos:end]
                    if 0x2E not in val and 0x60 not in val:
                        pos = end
                        yield (words.get(val.upper()) or "n", val, "", "", 0)
                        continue
                pos = _p_word(self, s, n, pos)
            elif kind == _CHAR:
                pos += 1
                yield (_CHARS[c], s[pos - 1:pos], "", "", 0)
                continue
            else:
                pos = parsers[c](self, s, n, pos)
            yield self.tok
        while True:
            yield None


# --- parsers: each sets st.tok and returns the position after the token -----------------------------------

def _p_operator1(st: SqliState, s: bytes, n: int, pos: int) -> int:
    st.tok = ("o", s[pos:pos + 1], "", "", 0)
    return pos + 1


def _p_other(st: SqliState, s: bytes, n: int, pos: int) -> int:
    st.tok = ("?", s[pos:pos + 1], "", "", 0)
    return pos + 1


def _p_char(st: SqliState, s: bytes, n: int, pos: int) -> int:
    st.tok = (chr(s[pos]), s[pos:pos + 1], "", "", 0)
    return pos + 1


def _p_eol_comment(st: SqliState, s: bytes, n: int, pos: int) -> int:
    end = s.find(b"\n", pos)
    if end == -1:
        st.tok = ("c", s[pos:min(n, pos + _VMAX)], "", "", 0)
        return n
    st.tok = ("c", s[pos:min(end, pos + _VMAX)], "", "", 0)
    return end + 1


def _p_hash(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # ANSI: '#' is an operator; MySQL: an end-of-line comment.
    st.hash += 1
    if st.flags & FLAG_SQL_MYSQL:
        st.hash += 1
        return _p_eol_comment(st, s, n, pos)
    st.tok = ("o", b"#", "", "", 0)
    return pos + 1


def _p_dash(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # "--" + white or EOF is always a comment; "--x" only in ANSI mode (MySQL: two unary minus).
    if pos + 1 < n and s[pos + 1] == 0x2D:
        if pos + 2 == n or (pos + 2 < n and s[pos + 2] in _CWHITE):
            return _p_eol_comment(st, s, n, pos)
        if st.flags & FLAG_SQL_ANSI:
            st.ddx += 1
            return _p_eol_comment(st, s, n, pos)
    st.tok = ("o", b"-", "", "", 0)
    return pos + 1


def _p_slash(st: SqliState, s: bytes, n: int, pos: int) -> int:
    if pos + 1 == n or s[pos + 1] != 0x2A:
        return _p_operator1(st, s, n, pos)
    end = s.find(b"*/", pos + 2)
    clen = n - pos if end == -1 else end + 2 - pos
    ctype = "c"
    # A "/*" inside the comment (PostgreSQL nests them) or a MySQL "/*!" comment: unparsable, evil.
    if end != -1 and s.find(b"/*", pos + 2, end + 1) != -1:
        ctype = "X"
    elif pos + 2 < n and s[pos + 2] == 0x21:
        ctype = "X"
    st.tok = (ctype, s[pos:pos + min(clen, _VMAX)], "", "", 0)
    return pos + clen


def _p_backslash(st: SqliState, s: bytes, n: int, pos: int) -> int:
    if pos + 1 < n and s[pos + 1] == 0x4E:  # MySQL's \N is NULL
        st.tok = ("1", s[pos:pos + 2], "", "", 0)
        return pos + 2
    st.tok = ("\\", b"\\", "", "", 0)
    return pos + 1


def _p_operator2(st: SqliState, s: bytes, n: int, pos: int) -> int:
    if pos + 1 >= n:
        return _p_operator1(st, s, n, pos)
    if pos + 2 < n and s[pos] == 0x3C and s[pos + 1] == 0x3D and s[pos + 2] == 0x3E:
        st.tok = ("o", b"<=>", "", "", 0)
        return pos + 3
    pair = s[pos:pos + 2]
    kind = _WORDS.get(pair.upper())
    if kind:
        st.tok = (kind, pair, "", "", 0)
        return pos + 2
    if s[pos] == 0x3A:  # ':' alone is not an operator
        st.tok = (":", b":", "", "", 0)
        return pos + 1
    return _p_operator1(st, s, n, pos)


def _string_core(st: SqliState, s: bytes, n: int, pos: int, delim: int, offset: int) -> int:
    """parse_string_core(): string up to an unescaped ``delim``; offset 0 simulates the opening quote."""
    start = pos + offset
    qpos = s.find(delim, start)
    opened = chr(delim) if offset else ""
    while True:
        if qpos == -1:
            st.tok = ("s", s[start:min(n, start + _VMAX)], opened, "", 0)
            return n
        back = qpos - 1
        while back >= start and s[back] == 0x5C:
            back -= 1
        if (qpos - 1 - back) & 1:  # odd number of backslashes: escaped
            qpos = s.find(delim, qpos + 1)
        elif qpos + 1 < n and s[qpos + 1] == delim:  # doubled quote
            qpos = s.find(delim, qpos + 2)
        else:
            st.tok = ("s", s[start:min(qpos, start + _VMAX)], opened, chr(delim), 0)
            return qpos + 1


def _p_string(st: SqliState, s: bytes, n: int, pos: int) -> int:
    return _string_core(st, s, n, pos, s[pos], 1)


def _p_estring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # N'...' (MySQL national charset) and E'...' (PostgreSQL escaped string)
    if pos + 2 >= n or s[pos + 1] != 0x27:
        return _p_word(st, s, n, pos)
    return _string_core(st, s, n, pos, 0x27, 2)


def _p_ustring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # U&'...'
    if pos + 2 < n and s[pos + 1] == 0x26 and s[pos + 2] == 0x27:
        end = _string_core(st, s, n, pos + 2, 0x27, 1)
        kind, val, _, closed, count = st.tok  # type: ignore[misc]
        st.tok = (kind, val, "u", "u" if closed == "'" else closed, count)
        return end
    return _p_word(st, s, n, pos)


def _qstring_core(st: SqliState, s: bytes, n: int, pos: int, offset: int) -> int:
    # Oracle q'<delim>...<delim>'
    p = pos + offset
    if p >= n or s[p] not in b"qQ" or p + 2 >= n or s[p + 1] != 0x27:
        return _p_word(st, s, n, pos)
    ch = s[p + 2]
    if ch < 33 or ch >= 128:  # signed char: high bytes are negative
        return _p_word(st, s, n, pos)
    ch = {0x28: 0x29, 0x5B: 0x5D, 0x7B: 0x7D, 0x3C: 0x3E}.get(ch, ch)
    end = s.find(bytes((ch, 0x27)), p + 3)
    if end == -1:
        st.tok = ("s", s[p + 3:min(n, p + 3 + _VMAX)], "q", "", 0)
        return n
    st.tok = ("s", s[p + 3:min(end, p + 3 + _VMAX)], "q", "q", 0)
    return end + 2


def _p_qstring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    return _qstring_core(st, s, n, pos, 0)


def _p_nqstring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    if pos + 2 < n and s[pos + 1] == 0x27:
        return _p_estring(st, s, n, pos)
    return _qstring_core(st, s, n, pos, 1)


def _p_bstring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # b'0101'
    if pos + 2 >= n or s[pos + 1] != 0x27:
        return _p_word(st, s, n, pos)
    end = _BIN_LEN(s, pos + 2).end()
    if end >= n or s[end] != 0x27:
        return _p_word(st, s, n, pos)
    st.tok = ("1", s[pos:min(end + 1, pos + _VMAX)], "", "", 0)
    return end + 1


def _p_xstring(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # x'1F'
    if pos + 2 >= n or s[pos + 1] != 0x27:
        return _p_word(st, s, n, pos)
    end = _HEX_LEN(s, pos + 2).end()
    if end >= n or s[end] != 0x27:
        return _p_word(st, s, n, pos)
    st.tok = ("1", s[pos:min(end + 1, pos + _VMAX)], "", "", 0)
    return end + 1


def _p_bword(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # SQL Server [bracketed name]
    end = s.find(b"]", pos)
    if end == -1:
        st.tok = ("n", s[pos:min(n, pos + _VMAX)], "", "", 0)
        return n
    st.tok = ("n", s[pos:min(end + 1, pos + _VMAX)], "", "", 0)
    return end + 1


def _p_word(st: SqliState, s: bytes, n: int, pos: int) -> int:
    end = _WORD_LEN(s, pos).end()
    wlen = end - pos
    val = s[pos:end] if wlen <= _VMAX else s[pos:pos + _VMAX]
    # "SELECT.1" or "SELECT`col`": a keyword before '.' or '`' ends the word there.
    if 0x2E in val or 0x60 in val:
        for i, c in enumerate(val):
            if c == 0x2E or c == 0x60:
                kind = _WORDS.get(val[:i].upper())
                if kind and kind != "n":
                    st.tok = (kind, val[:i], "", "", 0)
                    return pos + i
    if wlen < TOKEN_SIZE:
        st.tok = (_WORDS.get(val.upper()) or "n", val, "", "", 0)
    else:
        st.tok = ("n", val, "", "", 0)
    return end


def _p_tick(st: SqliState, s: bytes, n: int, pos: int) -> int:
    # MySQL `quoted name`: a function if the name is one, else a bareword.
    end = _string_core(st, s, n, pos, 0x60, 1)
    _, val, opened, closed, count = st.tok  # type: ignore[misc]
    st.tok = ("f" if _WORDS.get(val.upper()) == "f" else "n", val, opened, closed, count)
    return end


def _p_var(st: SqliState, s: bytes, n: int, pos: int) -> int:
    p = pos + 1
    if p < n and s[p] == 0x40:
        p += 1
        count = 2
    else:
        count = 1
    if p < n:
        c = s[p]
        if c == 0x60 or c == 0x27 or c == 0x22:  # @@`version`, @'name'
            end = _p_tick(st, s, n, p) if c == 0x60 else _string_core(st, s, n, p, c, 1)
            _, val, opened, closed, _ = st.tok  # type: ignore[misc]
            st.tok = ("v", val, opened, closed, count)
            return end
    end = _VAR_LEN(s, p).end()
    st.tok = ("v", s[p:min(end, p + _VMAX)], "", "", count)
    return end


def _p_money(st: SqliState, s: bytes, n: int, pos: int) -> int:
    if pos + 1 == n:
        st.tok = ("n", b"$", "", "", 0)
        return n
    end = _MONEY_LEN(s, pos + 1).end()
    xlen = end - pos - 1
    if xlen == 0:
        if s[pos + 1] == 0x24:
            # $$ PostgreSQL dollar-quoted string $$
            close = s.find(b"$$", pos + 2)
            if close == -1:
                st.tok = ("s", s[pos + 2:min(n, pos + 2 + _VMAX)], "$", "", 0)
                return n
            st.tok = ("s", s[pos + 2:min(close, pos + 2 + _VMAX)], "$", "$", 0)
            return close + 2
        # $tag$ ... $tag$
        xlen = _ALPHA_LEN(s, pos + 1).end() - pos - 1
        if xlen == 0 or pos + xlen + 1 == n or s[pos + xlen + 1] != 0x24:
            st.tok = ("n", b"$", "", "", 0)
            return pos + 1
        body = pos + xlen + 2
        # The C searches from s + xlen + 2 (not s + pos + xlen + 2) for slen - body bytes.
        close = s.find(s[pos:body], xlen + 2, n - pos)
        if close == -1 or close < body:
            st.tok = ("s", s[body:min(n, body + _VMAX)], "$", "", 0)
            return n
        st.tok = ("s", s[body:min(close, body + _VMAX)], "$", "$", 0)
        return close + xlen + 2
    if xlen == 1 and s[pos + 1] == 0x2E:  # "$." is a word
        return _p_word(st, s, n, pos)
    st.tok = ("1", s[pos:min(end, pos + _VMAX)], "", "", 0)
    return end


def _p_number(st: SqliState, s: bytes, n: int, pos: int) -> int:
    start = pos
    if s[pos] == 0x30 and pos + 1 < n:
        c = s[pos + 1]
        if c == 0x78 or c == 0x58 or c == 0x62 or c == 0x42:  # 0x.. / 0b..
            end = (_HEX_LEN if c == 0x78 or c == 0x58 else _BIN_LEN)(s, pos + 2).end()
            if end == pos + 2:
                st.tok = ("n", s[pos:pos + 2], "", "", 0)
            else:
                st.tok = ("1", s[pos:min(end, pos + _VMAX)], "", "", 0)
            return end
    m = _NUMBER(s, pos)
    dot, have_e, exp = m.groups()
    if dot == b"." and s[start] == 0x2E:  # a lone '.': no digit before or after
        st.tok = (".", b".", "", "", 0)
        return start + 1
    pos = m.end()
    have_exp = bool(exp)
    if pos < n and s[pos] in b"dDfF":  # Oracle float/double suffix
        if pos + 1 == n or s[pos + 1] in _CWHITE or s[pos + 1] in b";uU":
            pos += 1
    kind = "n" if have_e is not None and not have_exp else "1"  # "1.e" is a word
    st.tok = (kind, s[start:min(pos, start + _VMAX)], "", "", 0)
    return pos


_CLASS_PARSERS: dict[str, Callable[[SqliState, bytes, int, int], int] | None] = {
    "CHAR_WORD": _p_word, "CHAR_WHITE": None, "CHAR_OP1": _p_operator1, "CHAR_UNARY": _p_operator1,
    "CHAR_OP2": _p_operator2, "CHAR_BANG": _p_operator2, "CHAR_BACK": _p_backslash, "CHAR_DASH": _p_dash,
    "CHAR_STR": _p_string, "CHAR_HASH": _p_hash, "CHAR_NUM": _p_number, "CHAR_SLASH": _p_slash,
    "CHAR_SEMICOLON": _p_char, "CHAR_COMMA": _p_char, "CHAR_LEFTPARENS": _p_char, "CHAR_RIGHTPARENS": _p_char,
    "CHAR_LEFTBRACE": _p_char, "CHAR_RIGHTBRACE": _p_char, "CHAR_VAR": _p_var, "CHAR_OTHER": _p_other,
    "CHAR_MONEY": _p_money, "CHAR_TICK": _p_tick, "CHAR_USTRING": _p_ustring, "CHAR_QSTRING": _p_qstring,
    "CHAR_NQSTRING": _p_nqstring, "CHAR_XSTRING": _p_xstring, "CHAR_BSTRING": _p_bstring,
    "CHAR_ESTRING": _p_estring, "CHAR_BWORD": _p_bword,
}
# char_parse_map: byte -> parser (None: white space, skipped inline)
_PARSERS = tuple(_CLASS_PARSERS[CHAR_CLASSES[index]] for index in CHARMAP)
# What the tokenizer loop does inline for each first byte.
_WHITE, _PLAIN_WORD, _CHAR, _OTHER = range(4)
_KINDS = bytes(_WHITE if parser is None else _PLAIN_WORD if parser is _p_word else _CHAR if parser is _p_char
               else _OTHER for parser in _PARSERS)
_CHARS = tuple(chr(c) for c in range(256))


# --- folding ---------------------------------------------------------------------------------------------

def _is_unary(tok: Token) -> bool:
    """st_is_unary_op(): + - ! ~ !! NOT."""
    if tok[0] != "o":
        return False
    val = tok[1]
    return val in _UNARY_WORDS or (len(val) == 3 and val.upper() == b"NOT")


def _merge_words(a: Token, b: Token) -> Token | None:
    """syntax_merge_words(): "UNION" + "ALL" -> "UNION ALL" when the pair is a keyword."""
    if a[0] not in _MERGE_LEFT or b[0] not in _MERGE_RIGHT:
        return None
    merged = a[1] + b" " + b[1]
    if len(merged) >= TOKEN_SIZE:
        return None
    kind = _WORDS.get(merged.upper())
    if not kind:
        return None
    return (kind, merged, a[2], a[3], a[4])


def _retype(tok: Token, kind: str) -> Token:
    return (kind, tok[1], tok[2], tok[3], tok[4])


def fold(st: SqliState) -> list[Token]:
    """libinjection_sqli_fold(): tokenize and fold the input into at most five tokens (MAX_TOKENS, written
    as 5 below)."""
    vec: list[Token] = [("", b"", "", "", 0)] * 8  # tokenvec
    last_comment: Token | None = None
    pos = 0  # where the next token goes
    left = 0  # tokens already folded
    next_token = st.tokens().__next__

    # Skip leading comments, '(', SQL types and unary operators.
    while True:
        tok = next_token()
        if tok is None:
            return []
        kind = tok[0]
        if not (kind == "c" or kind == "(" or kind == "t" or _is_unary(tok)):
            break
    vec[0] = tok
    more = True
    pos = 1

    while True:
        if pos >= 5:
            t0, t1, t2, t3, t4 = vec[0][0], vec[1][0], vec[2][0], vec[3][0], vec[4][0]
            if ((t0 == "1" and (t1 == "o" or t1 == ",") and t2 == "(" and t3 == "1" and t4 == ")")
                    or (t0 == "n" and t1 == "o" and t2 == "(" and (t3 == "n" or t3 == "1") and t4 == ")")
                    or (t0 == "1" and t1 == ")" and t2 == "," and t3 == "(" and t4 == "1")
                    or (t0 == "n" and t1 == ")" and t2 == "o" and t3 == "(" and t4 == "n")):
                if pos > 5:
                    vec[1] = vec[5]
                    pos = 2
                else:
                    pos = 1
                left = 0

        if not more or left >= 5:
            left = pos
            break

        # get up to two tokens
        while more and pos <= 5 and pos - left < 2:
            tok = next_token()
            if tok is None:
                more = False
            elif tok[0] == "c":
                last_comment = tok
            else:
                last_comment = None
                vec[pos] = tok
                pos += 1
        if pos - left < 2:
            left = pos
            continue

        a = vec[left]
        b = vec[left + 1]
        ta = a[0]
        tb = b[0]
        # Pairs no rule but merging can fold skip the chain (order matters only among rules that apply).
        if ta in _RULES2_LEFT or tb == "(" or tb == "}":
            if ta == "s" and tb == "s":  # "foo" "bar" is valid SQL: keep one string
                pos -= 1
                continue
            if ta == ";" and tb == ";":
                pos -= 1
                continue
            if (ta == "o" or ta == "&") and (tb == "t" or (tb == "o" and _is_unary(b))):
                pos -= 1
                left = 0
                continue
            if ta == "(" and tb == "o" and _is_unary(b):
                pos -= 1
                if left > 0:
                    left -= 1
                continue
            merged = _merge_words(a, b) if ta in _MERGE_LEFT and tb in _MERGE_RIGHT else None
            if merged is not None:
                vec[left] = merged
                pos -= 1
                if left > 0:
                    left -= 1
                continue
            if ta == ";" and tb == "f" and b[1][:2].upper() == b"IF":
                # T-SQL: "; IF" is control flow, not the IF() function
                vec[left + 1] = _retype(b, "T")
                continue
            if (ta == "n" or ta == "v") and tb == "(" and a[1].upper() in _FUNCTION_LIKE:
                vec[left] = _retype(a, "f")
                continue
            if ta == "k" and a[1].upper() in (b"IN", b"NOT IN"):
                # IN ( ... is an operator, otherwise nothing
                vec[left] = _retype(a, "o" if tb == "(" else "n")
                continue
            if ta == "o" and a[1].upper() in (b"LIKE", b"NOT LIKE"):
                if tb == "(":  # LIKE(...) is a function
                    vec[left] = _retype(a, "f")
            elif ta == "t" and tb in "n1t(fvs":
                vec[left] = b
                pos -= 1
                left = 0
                continue
            elif ta == "A" and tb == "n":
                # too many collations to list: a bareword with '_' is one
                if 0x5F in b[1].split(b"\x00", 1)[0]:
                    vec[left + 1] = _retype(b, "t")
                    left = 0
            elif ta == "\\":
                if b[0] == "o" and len(b[1]) == 1 and b[1][0] in _ARITHMETIC:
                    vec[left] = _retype(a, "1")  # T-SQL parses '\%1' as '0 % 1'
                else:
                    vec[left] = b  # and '\1' as '1'
                    pos -= 1
                left = 0
                continue
            elif ta == "(" and tb == "(":
                pos -= 1
                left = 0
                continue
            elif ta == ")" and tb == ")":
                pos -= 1
                left = 0
                continue
            elif ta == "{" and tb == "n":
                # MySQL's "{ ``.``.id }": an empty name here is blacklisted; otherwise drop "{ foo"
                if len(b[1]) == 0:
                    vec[left + 1] = _retype(b, "X")
                    return vec[:left + 2]
                left = 0
                pos -= 2
                continue
            elif tb == "}":
                pos -= 1
                left = 0
                continue
        elif ta in _MERGE_LEFT and tb in _MERGE_RIGHT:
            merged = _merge_words(a, b)
            if merged is not None:
                vec[left] = merged
                pos -= 1
                if left > 0:
                    left -= 1
                continue

        # no two-token fold: get a third token
        while more and pos <= 5 and pos - left < 3:
            tok = next_token()
            if tok is None:
                more = False
            elif tok[0] == "c":
                last_comment = tok
            else:
                last_comment = None
                vec[pos] = tok
                pos += 1
        if pos - left < 3:
            left = pos
            continue

        a = vec[left]
        b = vec[left + 1]
        c = vec[left + 2]
        ta = a[0]
        tb = b[0]
        tc = c[0]
        if tb in "o,.(" or ta == "o" or ta == "&":  # every three-token rule needs one of these
            if ta == "1" and tb == "o" and tc == "1":
                pos -= 2
                left = 0
                continue
            if ta == "o" and tb != "(" and tc == "o":
                left = 0
                pos -= 2
                continue
            if ta == "&" and tc == "&":
                pos -= 2
                left = 0
                continue
            if ta == "v" and tb == "o" and (tc == "v" or tc == "1" or tc == "n"):
                pos -= 2
                left = 0
                continue
            if (ta == "n" or ta == "1") and tb == "o" and (tc == "1" or tc == "n"):
                pos -= 2
                left = 0
                continue
            if ta in "n1vs" and tb == "o" and b[1].split(b"\x00", 1)[0] == b"::" and tc == "t":
                pos -= 2
                left = 0
                continue
            if ta in "n1sv" and tb == "," and tc in "1nsv":
                pos -= 2
                left = 0
                continue
            if (ta == "E" or ta == "B" or ta == ",") and tb == "o" and _is_unary(b) and tc == "(":
                # SELECT + (, LIMIT + ( : drop the unary operator
                vec[left + 1] = c
                pos -= 1
                left = 0
                continue
            if (ta == "k" or ta == "E" or ta == "B") and tb == "o" and _is_unary(b) and tc in "1nvsf":
                # select - 1
                vec[left + 1] = c
                pos -= 1
                left = 0
                continue
            if ta == "," and tb == "o" and _is_unary(b) and tc in "1nvs":
                # ", -1" -> ",1", then back up: "1,-1" -> "1"
                vec[left + 1] = c
                left = 0
                pos -= 3
                continue
            if ta == "," and tb == "o" and _is_unary(b) and tc == "f":
                vec[left + 1] = c
                pos -= 1
                left = 0
                continue
            if ta == "n" and tb == "." and tc == "n":  # databasename.table
                pos -= 2
                left = 0
                continue
            if ta == "E" and tb == "." and tc == "n":  # select . `foo` -> select `foo`
                vec[left + 1] = c
                pos -= 1
                left = 0
                continue
            if ta == "f" and tb == "(" and tc != ")":
                # USER(foo): USER() takes no argument, so this is not the function
                if a[1].upper() == b"USER":
                    vec[left] = _retype(a, "n")

        left += 1

    # a trailing comment goes back if there is room
    if left < 5 and last_comment is not None:
        vec[left] = last_comment
        left += 1
    if left > 5:
        left = 5
    return vec[:left]


# --- fingerprint and verdict -----------------------------------------------------------------------------

def fingerprint(s: bytes, flags: int) -> tuple[str, list[Token], SqliState]:
    """libinjection_sqli_fingerprint(): the fingerprint of ``s`` in one context, its tokens and state."""
    st = SqliState(s, flags)
    tokens = fold(st)
    tlen = len(tokens)
    if tlen > 2:
        last = tokens[-1]
        # PHP's unterminated empty backtick acts as a comment
        if last[0] == "n" and last[2] == "`" and not last[1] and not last[3]:
            tokens[-1] = _retype(last, "c")
    fp = "".join([tok[0] for tok in tokens])
    if "X" in fp:
        # unparsable (nested or MySQL comments, ...): fingerprint is just 'X'
        fp = "X"
        tokens = [("X", b"X", "", "", 0)]
    return fp, tokens, st


def _c_str(val: bytes) -> bytes:
    """A token value as the C string functions see it (up to the first NUL)."""
    return val.split(b"\x00", 1)[0] if 0 in val else val


def not_whitelist(s: bytes, fp: str, tokens: list[Token], st: SqliState) -> bool:
    """libinjection_sqli_not_whitelist(): False when a matched fingerprint is a known false positive."""
    tlen = len(fp)
    if tlen > 1 and fp[-1] == "c" and b"sp_password" in s:
        return True  # SQL Server's audit log hides statements mentioning sp_password
    if tlen == 2:
        t0, t1 = tokens[0], tokens[1]
        if fp[1] == "U":
            # "1 union" alone is common text; with folding or comments it is an attack
            return st.ntokens != 2
        v1 = t1[1]
        if v1[:1] == b"#":
            return False  # '#' comments: too many false positives
        if t0[0] == "n" and t1[0] == "c" and v1[:1] != b"/":
            return False  # "foo --" is not SQLi, "foo /*" is
        if t0[0] == "1" and t1[0] == "c" and v1[:1] == b"/":
            return True
        if t0[0] == "1" and t1[0] == "c":
            if st.ntokens > 2:
                return True  # folding went on
            # the character after the number, counted from the start of the input (sic)
            n = len(s)
            i = len(t0[1])
            ch = s[i] if i < n else 0
            if ch <= 32 or ch >= 128:  # white space (signed char: high bytes are negative)
                return True
            nxt = s[i + 1] if i + 1 < n else 0
            if ch == 0x2F and nxt == 0x2A:
                return True
            if ch == 0x2D and nxt == 0x2D:
                return True
            return False
        if len(v1) > 2 and v1[:1] == b"-":
            return False  # "foo-- bar" text; only a trailing "--" is a scan
    elif tlen == 3:
        if fp == "sos" or fp == "s&s":
            t0, t2 = tokens[0], tokens[2]
            # ...foo" + "bar...: no opening quote, no closing quote, same quote between
            return not t0[2] and not t2[3] and t0[3] == t2[2]
        if fp in ("s&n", "n&1", "1&1", "1&v", "1&s"):
            if st.ntokens == 3:
                return False  # 'sexy and 17' is not SQLi, 'sexy and 17<18' is
        elif tokens[1][0] == "k":
            v1 = tokens[1][1]
            if len(v1) < 5 or _c_str(v1)[:4].upper() != b"INTO":
                return False  # only INTO OUTFILE / INTO DUMPFILE
    return True


def _check(s: bytes, flags: int) -> tuple[str | None, bool]:
    """One context: (fingerprint if SQLi else None, whether to re-parse as MySQL: '--x' or '#' seen)."""
    fp, tokens, st = fingerprint(s, flags)
    if fp and fp.upper() in _FINGERPRINTS and not_whitelist(s, fp, tokens, st):
        return fp, False
    return None, bool(st.ddx or st.hash)


def is_sqli(s: bytes) -> tuple[bool, str]:
    """libinjection_sqli(): (is SQLi, fingerprint), trying no quote, single quote then double quote contexts."""
    if not s or (_ONE_TOKEN_SAFE and _ONE_TOKEN(s)):
        return False, ""
    fp, reparse = _check(s, FLAG_QUOTE_NONE | FLAG_SQL_ANSI)
    if fp is None and reparse:
        fp, _ = _check(s, FLAG_QUOTE_NONE | FLAG_SQL_MYSQL)
    if fp is None and 0x27 in s:
        fp, reparse = _check(s, FLAG_QUOTE_SINGLE | FLAG_SQL_ANSI)
        if fp is None and reparse:
            fp, _ = _check(s, FLAG_QUOTE_SINGLE | FLAG_SQL_MYSQL)
    if fp is None and 0x22 in s:
        fp, _ = _check(s, FLAG_QUOTE_DOUBLE | FLAG_SQL_MYSQL)
    return (True, fp) if fp is not None else (False, "")


def tokenize(s: bytes, flags: int = FLAG_QUOTE_NONE | FLAG_SQL_ANSI) -> list[Token]:
    """Every token of ``s`` (what libinjection's test driver prints for test-tokens-*)."""
    stream = SqliState(s, flags).tokens()
    out = []
    while (tok := next(stream)) is not None:
        out.append(tok)
    return out
