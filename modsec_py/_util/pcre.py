"""PCRE patterns, as ModSecurity 2 compiles ``@rx``, on top of the ``regex`` module.

ModSecurity 2.9 (Debian: PCRE2 10.42) compiles with DOTALL | DOLLAR_ENDONLY, without UTF or UCP,
and matches bytes. A pattern arrives as a latin-1 ``str`` (config files are decoded latin-1);
``translate_pcre`` rewrites, in one pass that knows about character classes, ``\\Q...\\E``,
groups and inline options, what ``regex`` (V0, bytes) spells differently, and ``compile_pcre``
compiles ``translated.encode('latin-1')`` once. Only syntax that regex 2022.10 (Debian's
python3-regex, embedded by mod_wsgi) also accepts is emitted: never ``\\z`` nor ``\\x{..}``.

Error messages are PCRE2's texts; offsets point into the original pattern. (Debian's
ModSecurity itself prints "(null)" as the message, with PCRE2's offset.)
"""

from __future__ import annotations

import bisect
import functools
import re
import string

import regex

__all__ = ["PcreError", "compile_pcre", "translate_pcre"]


class PcreError(Exception):
    """A pattern PCRE refuses, or that the translation cannot express."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (offset {offset})")
        self.message = message
        self.offset = offset  # into the original pattern, when known


def _chars(text: str) -> frozenset[int]:
    return frozenset(map(ord, text))


_ALL = frozenset(range(256))
_HSPACE = _chars("\t \xa0")  # PCRE \h without UTF
_VSPACE = _chars("\n\v\f\r\x85")  # PCRE \v without UTF
_WORD = string.ascii_letters + string.digits + "_"
_POSIX = {  # PCRE's default ("C" locale) tables
    "alpha": _chars(string.ascii_letters), "digit": _chars(string.digits),
    "alnum": _chars(string.ascii_letters + string.digits), "lower": _chars(string.ascii_lowercase),
    "upper": _chars(string.ascii_uppercase), "space": _chars(" \t\n\v\f\r"), "blank": _chars(" \t"),
    "cntrl": frozenset([*range(32), 127]), "graph": frozenset(range(33, 127)),
    "print": frozenset(range(32, 127)), "punct": _chars(string.punctuation),
    "xdigit": _chars(string.hexdigits), "word": _chars(_WORD), "ascii": frozenset(range(128)),
}
_CHAR_ESCAPES = {"a": 0x07, "e": 0x1B, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09}
_PASS = {"A": r"\A", "b": r"\b", "B": r"\B", "G": r"\G", "K": r"\K", "z": r"\Z",
         "Z": r"(?=\n?\Z)", "C": r"[\x00-\xff]", "R": r"(?>\x0d\x0a|[\x0a-\x0d\x85])",
         "X": r"(?>\x0d\x0a|[\x00-\xff])"}  # grapheme clusters among U+0000-U+00FF
_CLASS_SHORTHANDS = "dDsSwW"  # ASCII in both PCRE (no UCP) and regex on bytes
_NOT_IN_CLASS = "ABCGKRXZzgk"  # escapes PCRE2 refuses inside a class
_X_SPACE = " \t\n\v\f\r\x85"  # skipped under (?x)
_VERBS = {"FAIL": "(*FAIL)", "F": "(*FAIL)", "PRUNE": "(*PRUNE)", "SKIP": "(*SKIP)"}
_ALPHA_GROUPS = {"pla": "(?=", "positive_lookahead": "(?=", "nla": "(?!", "negative_lookahead": "(?!",
                 "plb": "(?<=", "positive_lookbehind": "(?<=", "nlb": "(?<!",
                 "negative_lookbehind": "(?<!", "atomic": "(?>"}
_ERR37 = "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u"
_REGEX_MESSAGES = {  # regex's words -> PCRE2's, for errors only regex detects
    "nothing to repeat": "quantifier does not follow a repeatable item",
    "multiple repeat": "quantifier does not follow a repeatable item",
    "invalid group reference": "reference to non-existent subpattern",
    "unknown group": "reference to non-existent subpattern",
    "bad character range": "range out of order in character class",
}

_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}", re.ASCII)  # PCRE2 10.42: no {,n}, no spaces
_OPTIONS = re.compile(r"\(\?(\^?)([imnsxJU]*)(?:-([imnsxJU]*))?([:)])")
_NAMED = re.compile(r"\(\?(?:P?<(\w*)>|'(\w*)')", re.ASCII)
_P_REF = re.compile(r"\(\?P([=>])(\w*)\)", re.ASCII)
_CALL = re.compile(r"\(\?(?:(R)|([+-]?\d+)|&(\w+))\)", re.ASCII)
_VERB = re.compile(r"\(\*(\w+)([:)]?)", re.ASCII)
_G_REF = re.compile(r"\\g(?:\{([^}]*)\}|(-?\d+)|<([^>]*)>|'([^']*)')")
_K_REF = re.compile(r"\\k(?:<([^>]*)>|'([^']*)'|\{([^}]*)\})")
_PROPERTY = re.compile(r"\{(\^?)([^}]*)\}|([A-Za-z])")
_NAME = re.compile(r"[A-Za-z_]\w{0,31}", re.ASCII)


def _take(text: str, pos: int, allowed: str, limit: int = 1 << 30) -> str:
    """The longest run, at most ``limit`` long, of ``allowed`` characters at ``pos``."""
    end = pos
    while end < len(text) and end - pos < limit and text[end] in allowed:
        end += 1
    return text[pos:end]


def _literal(value: int, in_class: bool = False) -> str:
    """One byte as pattern text; in a class, printable ASCII and bytes >= 0x80 stay as they are."""
    char = chr(value)
    if char.isascii() and char.isalnum() or in_class and ("!" <= char <= "~" or value >= 0x80):
        return "\\" + char if char in "\\]^-[" else char
    return f"\\x{value:02x}"


def _class_body(members: frozenset[int]) -> str:
    """A byte set as ranges for inside ``[...]``."""
    out, values, i = [], sorted(members), 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(_literal(values[i]) if i == j else f"{_literal(values[i])}-{_literal(values[j])}")
        i = j + 1
    return "".join(out)


def _outside(members: frozenset[int]) -> str:
    return f"[{_class_body(members)}]" if members else "(?!)"


@functools.cache
def _property(name: str) -> frozenset[int] | None:
    """Bytes having Unicode property ``name`` (PCRE without UTF reads bytes as U+0000-U+00FF)."""
    try:
        prop = regex.compile(rf"\p{{{name}}}")
    except regex.error:
        return None
    return frozenset(b for b in range(256) if prop.match(chr(b)))


class _Frame:
    """An open group: the options in force and the option groups opened inside it."""

    __slots__ = ("flags", "reopen")

    def __init__(self, flags: frozenset[str]) -> None:
        self.flags = flags  # PCRE options the translation depends on: i, m, x, xx
        self.reopen: list[str] = []  # "(?i:" openers from (?i) settings, re-opened after each |


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.out: list[str] = []
        self.starts: list[int] = []  # output offset of each piece
        self.origins: list[int] = []  # pattern offset each piece came from
        self.length = 0
        self.frames = [_Frame(frozenset())]
        self.groups = 0  # capturing groups opened so far

    def emit(self, text: str, at: int) -> None:
        if text:
            self.out.append(text)
            self.starts.append(self.length)
            self.origins.append(at)
            self.length += len(text)

    def origin(self, position: int) -> tuple[int, str]:
        """Offset in the pattern of a position in the translation, and the piece emitted there."""
        piece = max(bisect.bisect_right(self.starts, position) - 1, 0)
        return self.origins[piece], self.out[piece]

    def run(self) -> str:
        p, n, i = self.p, len(self.p), 0
        while i < n:
            c, frame = p[i], self.frames[-1]
            if "x" in frame.flags and c in _X_SPACE:
                i += 1
            elif "x" in frame.flags and c == "#":
                end = p.find("\n", i)
                i = n if end < 0 else end + 1
            elif c == "\\":
                i = self.escape(i)
            elif c == "[":
                i = self.char_class(i)
            elif c == "(":
                i = self.open_group(i)
            elif c == ")":
                if len(self.frames) == 1:
                    raise PcreError("unmatched closing parenthesis", i)
                self.emit(")" * (len(self.frames.pop().reopen) + 1), i)
                i += 1
            elif c == "|":
                self.emit(")" * len(frame.reopen) + "|" + "".join(frame.reopen), i)
                i += 1
            elif c == "$":  # DOLLAR_ENDONLY, unless (?m) makes it a line end
                self.emit(r"(?=\n|\Z)" if "m" in frame.flags else r"\Z", i)
                i += 1
            elif c == "^":  # (?m): also after a newline that does not end the subject
                self.emit(r"(?:\A|(?<=\n)(?!\Z))" if "m" in frame.flags else "^", i)
                i += 1
            elif c == "{":
                i = self.brace(i)
            else:
                self.emit(c, i)
                i += 1
        if len(self.frames) > 1:
            raise PcreError("missing closing parenthesis", n)
        self.emit(")" * len(self.frames[0].reopen), n)
        return "".join(self.out)

    def brace(self, i: int) -> int:
        m = _QUANTIFIER.match(self.p, i)
        if not m:  # not a quantifier: a literal brace in PCRE
            self.emit(r"\{", i)
            return i + 1
        low, high = int(m[1]), int(m[2]) if m[2] else None
        if max(low, high or 0) > 65535:
            raise PcreError("number too big in {} quantifier", m.end() - 1)
        if high is not None and high < low:
            raise PcreError("numbers out of order in {} quantifier", m.end() - 1)
        self.emit(m[0], i)
        return m.end()

    # -- escapes -------------------------------------------------------------------------------

    def escape(self, i: int) -> int:
        """An escape outside a class; returns where it ends."""
        p, n = self.p, len(self.p)
        if i + 1 >= n:
            raise PcreError("\\ at end of pattern", n)
        c = p[i + 1]
        if c == "Q":  # literal up to \E or the end
            end = p.find("\\E", i + 2)
            self.emit("".join(_literal(ord(ch)) for ch in p[i + 2:n if end < 0 else end]), i)
            return n if end < 0 else end + 2
        if c == "E":  # orphan \E is ignored
            return i + 2
        if c in _PASS:
            self.emit(_PASS[c], i)
        elif c in _CLASS_SHORTHANDS:
            self.emit("\\" + c, i)
        elif c in "hHvV":
            members = _HSPACE if c in "hH" else _VSPACE
            self.emit(_outside(_ALL - members if c.isupper() else members), i)
        elif c in "pP":
            members, end = self.property(i)
            self.emit(_outside(members), i)
            return end
        elif c == "N":  # any byte but newline; \N{...} must be a quantifier
            if p.startswith("{", i + 2) and not _QUANTIFIER.match(p, i + 2):
                raise PcreError(_ERR37, i + 2)
            self.emit(r"[^\n]", i)
        elif c in "gk":
            return self.reference(i)
        elif c in "123456789" and self.backreference(i):
            return i + 1 + len(_take(p, i + 1, string.digits))
        else:
            value, end = self.char_escape(i)
            keep = not (c.isascii() and c.isalnum()) and "!" <= c <= "~"
            self.emit("\\" + c if keep else _literal(value), i)
            return end
        return i + 2

    def char_escape(self, i: int) -> tuple[int, int]:
        """The byte a character escape at ``i`` stands for, and where the escape ends."""
        p, n = self.p, len(self.p)
        c, j = p[i + 1], i + 2
        if c in _CHAR_ESCAPES:
            return _CHAR_ESCAPES[c], j
        if c in "xo":
            if c == "o" and not p.startswith("{", j):
                raise PcreError("missing opening brace after \\o", j)
            if not p.startswith("{", j):  # \x: up to two hex digits
                digits = _take(p, j, string.hexdigits, 2)
                return int(digits or "0", 16), j + len(digits)
            digits = _take(p, j + 1, string.hexdigits if c == "x" else string.octdigits)
            end = j + 1 + len(digits)
            if not digits and p.startswith("}", end):
                raise PcreError("digits missing in \\x{} or \\o{}", end)
            if digits and int(digits, 16 if c == "x" else 8) > 0xFF:  # no UTF: one byte at most
                raise PcreError("character code point value in \\x{} or \\o{} is too large", end)
            if not p.startswith("}", end):
                kind = "non-hex character in \\x{}" if c == "x" else "non-octal character in \\o{}"
                raise PcreError(f"{kind} (closing brace missing?)", end)
            return int(digits, 16 if c == "x" else 8), end + 1
        if c == "c":
            if j >= n:
                raise PcreError("\\c at end of pattern", j)
            if not " " <= p[j] <= "~":
                raise PcreError("\\c must be followed by a printable ASCII character", j)
            return ord(p[j].upper()) ^ 0x40, j + 1
        if c in "01234567":  # octal, at most three digits
            digits = _take(p, i + 1, string.octdigits, 3)
            if int(digits, 8) > 0xFF:
                raise PcreError("octal value is greater than \\377 in 8-bit non-UTF-8 mode",
                                i + 1 + len(digits))
            return int(digits, 8), i + 1 + len(digits)
        if c in "89":  # in a class, or not a back reference
            return ord(c), j
        if c in "FLlUu":
            raise PcreError(_ERR37, j)
        if c.isascii() and c.isalnum():
            raise PcreError("unrecognized character follows \\", j - 1)
        return ord(c), j  # an escaped non-alphanumeric stands for itself

    def backreference(self, i: int) -> bool:
        """Emit ``\\N`` as a back reference if PCRE2 reads it as one (else it is octal)."""
        digits = _take(self.p, i + 1, string.digits)
        number = int(digits)
        if number < 10 or digits[0] in "89" or number <= self.groups:
            self.emit(f"\\g<{number}>", i)
            return True
        return False

    def reference(self, i: int) -> int:
        """``\\g`` (back reference or, with <> or '', subroutine call) and ``\\k`` (named)."""
        if self.p[i + 1] == "k":
            m = _K_REF.match(self.p, i)
            if not m:
                raise PcreError("\\k is not followed by a braced, angle-bracketed, or quoted name", i + 2)
            self.emit(f"(?P={self.name(m[1] or m[2] or m[3] or '', i)})", i)
            return m.end()
        m = _G_REF.match(self.p, i)
        if not m:
            raise PcreError("\\g is not followed by a braced, angle-bracketed, or quoted name/number "
                            "or by a plain number", i + 2)
        call = m[3] is not None or m[4] is not None
        target = next(g for g in m.groups() if g is not None)
        if re.fullmatch(r"[+-]?\d+", target):
            number = self.group_number(target, i)
            self.emit(("(?R)" if number == 0 else f"(?{number})") if call else f"\\g<{number}>", i)
        else:
            name = self.name(target, i)
            self.emit(f"(?&{name})" if call else f"(?P={name})", i)
        return m.end()

    def group_number(self, text: str, at: int) -> int:
        """An absolute group number from ``n``, ``-n`` (n-th last opened) or ``+n`` (n-th next)."""
        number = int(text)
        if text[0] in "+-":
            if number == 0:
                raise PcreError("a numbered reference must not be zero", at)
            number = self.groups + 1 + number if number < 0 else self.groups + number
            if number <= 0:
                raise PcreError("reference to non-existent subpattern", at)
        return number

    def name(self, text: str, at: int) -> str:
        if not _NAME.fullmatch(text):
            raise PcreError("subpattern name must start with a non-digit" if text[:1].isdigit()
                            else "subpattern name expected", at)
        return text

    def property(self, i: int) -> tuple[frozenset[int], int]:
        m = _PROPERTY.match(self.p, i + 2)
        if not m:
            raise PcreError("malformed \\P or \\p sequence", i + 2)
        members = _property(m[2] if m[2] is not None else m[3])
        if members is None:
            raise PcreError("unknown property after \\P or \\p", m.end())
        return (_ALL - members if (self.p[i + 1] == "P") != bool(m[1]) else members), m.end()

    # -- character classes ---------------------------------------------------------------------

    def posix_end(self, j: int) -> int | None:
        """Where ``[:name:]`` (or ``[.x.]``, ``[=x=]``) at ``j`` ends: PCRE2's check_posix_syntax()."""
        p = self.p
        if p[j + 1:j + 2] not in (":", ".", "="):
            return None
        term, k = p[j + 1], j + 2
        while len(p) - k >= 2:
            if p[k] == "\\" and p[k + 1] in "]\\":
                k += 1
            elif (p[k] == "[" and p[k + 1] == term) or p[k] == "]":
                return None
            elif p[k] == term and p[k + 1] == "]":
                return k
            k += 1
        return None

    def posix_set(self, j: int, end: int) -> frozenset[int]:
        if self.p[j + 1] != ":":
            raise PcreError("POSIX collating elements are not supported", j)
        name = self.p[j + 2:end]
        members = _POSIX.get(name.lstrip("^"))
        if members is None:
            raise PcreError("unknown POSIX class name", j + 2)
        if name.lstrip("^") in ("upper", "lower") and "i" in self.frames[-1].flags:
            members = _POSIX["alpha"]  # as PCRE2 does under (?i)
        return _ALL - members if name.startswith("^") else members

    def char_class(self, i: int) -> int:
        """``[...]`` starting at ``i``; returns where it ends."""
        p, n = self.p, len(self.p)
        if self.posix_end(i) is not None:
            raise PcreError("POSIX named classes are supported only within a class" if p[i + 1] == ":"
                            else "POSIX collating elements are not supported", i)
        j = i + 1
        negated = p.startswith("^", j)
        j += negated
        parts: list[str] = []
        state, low, first, quoted = "start", 0, True, False  # state: start, char, set, range, done
        while True:
            if j >= n:
                raise PcreError("missing terminating ] for character class", n)
            c, item, start = p[j], None, j
            if quoted:
                if p.startswith("\\E", j):
                    quoted, j = False, j + 2
                    continue
                item, j = ord(c), j + 1
            elif c == "]" and not first:
                break
            elif c in " \t" and "xx" in self.frames[-1].flags:
                j += 1
                continue
            elif c == "[" and (end := self.posix_end(j)) is not None:
                item, j = self.posix_set(j, end), end + 2
            elif c == "\\":
                if j + 1 >= n:
                    raise PcreError("\\ at end of pattern", n)
                e = p[j + 1]
                if e in "QE":
                    quoted, j = e == "Q", j + 2
                    continue
                if e == "b":
                    item, j = 0x08, j + 2
                elif e in _CLASS_SHORTHANDS:
                    item, j = "\\" + e, j + 2
                elif e in "hHvV":
                    members = _HSPACE if e in "hH" else _VSPACE
                    item, j = (_ALL - members if e.isupper() else members), j + 2
                elif e in "pP":
                    item, j = self.property(j)
                elif e == "N":
                    raise PcreError("\\N is not supported in a class", j + 2)
                elif e in _NOT_IN_CLASS:
                    raise PcreError("escape sequence is invalid in character class", j + 1)
                else:
                    item, j = self.char_escape(j)
            elif c == "-" and not first and not p.startswith("]", j + 1) and state in ("char", "set"):
                if state == "set":
                    raise PcreError("invalid range in character class", j)
                parts.append("-")
                state, j = "range", j + 1
                continue
            else:
                item, j = ord(c), j + 1
            first = False
            if isinstance(item, int):
                if state == "range" and item < low:
                    raise PcreError("range out of order in character class", start)
                parts.append(_literal(item, in_class=True))
                state, low = ("done", 0) if state == "range" else ("char", item)
            else:
                if state == "range":
                    raise PcreError("invalid range in character class", j)
                parts.append(item if isinstance(item, str) else _class_body(item))
                state = "set"
        if state == "range":  # "a-" then \E or spaces before ]: the hyphen is literal
            parts[-1] = r"\-"
        body = "".join(parts)
        if not body:  # only empty sets (e.g. a property no byte has)
            self.emit(r"[\x00-\xff]" if negated else "(?!)", i)
        else:
            self.emit(f"[{'^' if negated else ''}{body}]", i)
        return j + 1

    # -- groups --------------------------------------------------------------------------------

    def push(self, opener: str, at: int, flags: frozenset[str], end: int) -> int:
        self.emit(opener, at)
        self.frames.append(_Frame(flags))
        return end

    def open_group(self, i: int) -> int:
        p, frame = self.p, self.frames[-1]
        if p.startswith("(?#", i):  # comment, up to the first )
            end = p.find(")", i)
            if end < 0:
                raise PcreError("missing ) after (?# comment", len(p))
            return end + 1
        if p.startswith("(*", i) and p[i + 2:i + 3].isalpha():
            return self.verb(i)
        if not p.startswith("(?", i):
            self.groups += 1
            return self.push("(", i, frame.flags, i + 1)
        for opener in ("(?:", "(?|", "(?>", "(?=", "(?!", "(?<=", "(?<!"):
            if p.startswith(opener, i):
                return self.push(opener, i, frame.flags, i + len(opener))
        if m := _NAMED.match(p, i):
            self.groups += 1
            return self.push(f"(?P<{self.name(m[1] or m[2] or '', i + 3)}>", i, frame.flags, m.end())
        if m := _P_REF.match(p, i):
            self.emit(f"(?P={self.name(m[2], i)})" if m[1] == "=" else f"(?&{self.name(m[2], i)})", i)
            return m.end()
        if p.startswith("(?P", i):
            raise PcreError("unrecognized character after (?P", i + 3)
        if p.startswith("(?<", i) or p.startswith("(?'", i):
            raise PcreError("syntax error in subpattern name (missing terminator?)", i + 3)
        if m := _CALL.match(p, i):
            if m[1] or m[2] in ("0", "+0", "-0"):
                self.emit("(?R)", i)
            elif m[2]:
                self.emit(f"(?{self.group_number(m[2], i)})", i)
            else:
                self.emit(f"(?&{self.name(m[3], i)})", i)
            return m.end()
        if p.startswith("(?(", i):
            return self.condition(i)
        if p.startswith("(?C", i):
            raise PcreError("callouts (?C) are not supported", i + 2)
        if m := _OPTIONS.match(p, i):
            return self.options(m)
        raise PcreError("unrecognized character after (? or (?-", i + 2)

    def options(self, m: re.Match[str]) -> int:
        """``(?imsx-imsx)`` / ``(?^...)`` settings and ``(?...:`` groups."""
        reset, on, off, kind = m[1], m[2], m[3] or "", m[4]
        if "n" in on or "U" in on:
            raise PcreError("inline options n and U are not supported", m.start() + 2)
        if reset:  # (?^) unsets i, m, n, s, x
            off += "imsx"
        frame = self.frames[-1]
        flags = {f for f in frame.flags if f[0] not in off} | {f for f in "imx" if f in on}
        flags |= {"xx"} if "xx" in on else set()
        # i and s are regex's to apply: a scoped group; m and x are applied here in translation
        on_is = "".join(f for f in "is" if f in on)
        off_is = "".join(f for f in "is" if f in off and f not in on)
        opener = f"(?{on_is}{'-' if off_is else ''}{off_is}:" if on_is or off_is else ""
        if kind == ":":
            return self.push(opener or "(?:", m.start(), frozenset(flags), m.end())
        frame.flags = frozenset(flags)  # a setting lasts to the end of the enclosing group
        if opener:
            self.emit(opener, m.start())
            frame.reopen.append(opener)
        return m.end()

    def condition(self, i: int) -> int:
        """``(?(cond)yes|no)``; an assertion condition is parsed as the group that follows."""
        p = self.p
        if p.startswith("(?(?", i):
            return self.push("(?", i, self.frames[-1].flags, i + 2)
        end = p.find(")", i + 3)
        if end < 0:
            raise PcreError("malformed number or name after (?(", i + 3)
        cond = p[i + 3:end]
        if m := re.fullmatch(r"<(\w+)>|'(\w+)'", cond):
            cond = self.name(m[1] or m[2], i + 3)
        elif re.fullmatch(r"[+-]\d+", cond):
            cond = str(self.group_number(cond, i + 3))
        return self.push(f"(?({cond})", i, self.frames[-1].flags, end + 1)

    def verb(self, i: int) -> int:
        m = _VERB.match(self.p, i)
        if m and m[2] == ":" and m[1] in _ALPHA_GROUPS:
            return self.push(_ALPHA_GROUPS[m[1]], i, self.frames[-1].flags, m.end())
        if m and m[2] == ")" and m[1] in _VERBS:
            self.emit(_VERBS[m[1]], i)
            return m.end()
        raise PcreError(f"(*{m[1] if m else ''}) is not supported", i)


def _translate(pattern: str) -> _Translator:
    translator = _Translator(pattern)
    translator.run()
    return translator


def translate_pcre(pattern: str) -> str:
    """PCRE syntax (with ModSecurity's DOTALL | DOLLAR_ENDONLY) to ``regex`` V0 syntax.

    >>> translate_pcre(r"^(?i)a\\x{41}$")
    '^(?i:a\\\\x41\\\\Z)'
    """
    return "".join(_translate(pattern).out)


@functools.lru_cache(maxsize=4096)
def compile_pcre(pattern: str, *, caseless: bool = False) -> regex.Pattern[bytes]:
    """Compile a PCRE ``pattern`` for matching bytes, as ModSecurity's ``@rx`` does.

    Raises PcreError with PCRE2's message and an offset into ``pattern``.
    """
    bad = next((k for k, ch in enumerate(pattern) if ord(ch) > 0xFF), None)
    if bad is not None:
        raise PcreError("pattern is not latin-1 text (one character per byte)", bad)
    translator = _translate(pattern)
    flags = regex.V0 | regex.DOTALL | (regex.IGNORECASE if caseless else 0)
    try:
        return regex.compile("".join(translator.out).encode("latin-1"), flags)
    except regex.error as err:
        message = next((pcre for words, pcre in _REGEX_MESSAGES.items() if err.msg.startswith(words)),
                       err.msg)
        if err.pos is None or not translator.out:
            raise PcreError(message) from None
        offset, piece = translator.origin(err.pos)
        if message.startswith("quantifier"):  # PCRE2 points at the quantifier's last character
            offset += len(piece) - 1
        raise PcreError(message, offset) from None
