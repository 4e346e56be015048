"""PCRE patterns, as ModSecurity 2 compiles ``@rx``, on top of the ``regex`` module.

ModSecurity 2.9 (Debian: PCRE2 10.42) compiles with DOTALL | DOLLAR_ENDONLY, without UTF or UCP,
and matches bytes. A pattern arrives as a latin-1 ``str`` (config files are decoded latin-1);
``translate_pcre`` rewrites what ``regex`` (V0, bytes) spells differently, in one pass that knows
character classes, ``\\Q...\\E``, escapes, groups and inline options; ``compile_pcre`` compiles
``translated.encode('latin-1')`` once. Only syntax that regex 2022.10 (Debian's python3-regex,
which mod_wsgi embeds) also accepts is emitted: never ``\\z``, ``\\x{..}``, ``(?-1)``.

Errors carry PCRE2's message and an offset into the original pattern. (Debian's ModSecurity
itself prints "(null)" where the message belongs, after PCRE2's offset.)
"""

from __future__ import annotations

import bisect
import functools
import re
import string

import regex

__all__ = ["PcreError", "compile_pcre", "translate_pcre"]


class PcreError(Exception):
    """A pattern PCRE refuses, or one the translation cannot express."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (offset {offset})")
        self.message = message
        self.offset = offset  # into the original pattern, when known


def _bytes(text: str) -> frozenset[int]:
    return frozenset(map(ord, text))


_ALL = frozenset(range(256))
_POSIX = {  # PCRE's default ("C" locale) tables
    "alpha": _bytes(string.ascii_letters), "digit": _bytes(string.digits),
    "alnum": _bytes(string.ascii_letters + string.digits), "lower": _bytes(string.ascii_lowercase),
    "upper": _bytes(string.ascii_uppercase), "space": _bytes(" \t\n\v\f\r"), "blank": _bytes(" \t"),
    "cntrl": frozenset([*range(32), 127]), "graph": frozenset(range(33, 127)),
    "print": frozenset(range(32, 127)), "punct": _bytes(string.punctuation),
    "xdigit": _bytes(string.hexdigits), "word": _bytes(string.ascii_letters + string.digits + "_"),
    "ascii": frozenset(range(128)),
}
_SHORTHANDS = {  # inside classes; \h and \v also outside (their upper case: the complement)
    "d": _POSIX["digit"], "s": _POSIX["space"], "w": _POSIX["word"],
    "h": _bytes("\t \xa0"), "v": _bytes("\n\v\f\r\x85"),  # PCRE's \h \v without UTF
}
_CHAR_ESCAPES = {"a": 0x07, "e": 0x1B, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09}
_ESCAPES = {  # outside a class; \d \D \s \S \w \W \b \B \A \G \K mean the same to regex on bytes
    "z": r"\Z", "Z": r"(?=\n?\Z)", "C": r"[\x00-\xff]", "N": r"[^\n]",
    "R": r"(?>\r\n|[\n\x0b\f\r\x85])", "X": r"(?>\r\n|[\x00-\xff])",  # clusters of U+0000-U+00FF
    **{c: "\\" + c for c in "dDsSwWbBAGK"},
}
_OPENERS = ("(?:", "(?|", "(?>", "(?=", "(?!", "(?<=", "(?<!", "(?P=", "(?P>", "(?&", "(?R",
            "(*FAIL", "(*F", "(*PRUNE", "(*SKIP")  # the same in regex: copied, the rest follows
_X_SPACE = " \t\n\v\f\r\x85"  # ignored under (?x)
_REF_SYNTAX = {
    "g": "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number",
    "k": "\\k is not followed by a braced, angle-bracketed, or quoted name",
}
_ERR37 = "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u"
_REGEX_MESSAGES = {  # regex's words -> PCRE2's, for errors only regex detects
    "nothing to repeat": "quantifier does not follow a repeatable item",
    "multiple repeat": "quantifier does not follow a repeatable item",
    "invalid group reference": "reference to non-existent subpattern",
    "unknown group": "reference to non-existent subpattern",
}
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}", re.ASCII)  # PCRE2 10.42: no {,n}, no spaces
_OPTIONS = re.compile(r"\(\?(\^?)([imnsxJU]*)(?:-([imnsxJU]*))?([:)])")
_NAMED = re.compile(r"\(\?(?:P?<(\w+)>|'(\w+)')", re.ASCII)
_CALL = re.compile(r"\(\?([+-]?\d+)\)")
_CONDITION = re.compile(r"\(\?\((?:<(\w+)>|'(\w+)'|([+-]\d+)|(\w+))\)", re.ASCII)
_G_REF = re.compile(r"\\g(?:\{([^}]*)\}|(-?\d+)|<([^>]*)>|'([^']*)')")
_K_REF = re.compile(r"\\k(?:<([^>]*)>|'([^']*)'|\{([^}]*)\})")
_POSIX_SYNTAX = re.compile(r"\[([:.=])([^]]*?)\1\]")  # [:alpha:], [:^alpha:]; [.a.] [=a=] refused
_PROPERTY = re.compile(r"\{(\^?)([^}]*)\}|([A-Za-z])")


def _take(text: str, pos: int, allowed: str, limit: int = 1 << 30) -> str:
    """The run of ``allowed`` characters at ``pos``, at most ``limit`` long."""
    end = pos
    while end < len(text) and end - pos < limit and text[end] in allowed:
        end += 1
    return text[pos:end]


def _literal(value: int) -> str:
    """One byte as a literal outside a class."""
    return chr(value) if chr(value).isascii() and chr(value).isalnum() else f"\\x{value:02x}"


def _class_item(value: int) -> str:
    """One byte inside a class: printable ASCII and bytes >= 0x80 as they are (CRS's UTF-8 too)."""
    char = chr(value)
    if "!" <= char <= "~" or value >= 0x80:
        return "\\" + char if char in "\\]^-[" else char
    return f"\\x{value:02x}"


def _fold(members: frozenset[int]) -> frozenset[int]:
    """``members`` and their other case: PCRE's tables fold ASCII letters only."""
    return members | {b ^ 0x20 for b in members if chr(b).isascii() and chr(b).isalpha()}


def _byte_class(members: frozenset[int], caseless: bool) -> str:
    """A class matching exactly ``members``, even where regex applies IGNORECASE."""
    out, values, i = [], sorted(members), 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(_class_item(values[i]) + (f"-{_class_item(values[j])}" if j > i else ""))
        i = j + 1
    if not out:
        return "(?!)"
    return f"(?-i:[{''.join(out)}])" if caseless and _fold(members) != members else f"[{''.join(out)}]"


@functools.cache
def _property(name: str) -> frozenset[int] | None:
    """Bytes with Unicode property ``name``: PCRE without UTF reads bytes as U+0000-U+00FF."""
    try:
        prop = regex.compile(rf"\p{{{name}}}")
    except regex.error:
        return None
    return frozenset(b for b in range(256) if prop.match(chr(b)))


class _Frame:
    """An open group: the options in force, and the option groups opened inside it."""

    __slots__ = ("flags", "group", "reopen")

    def __init__(self, flags: frozenset[str], group: int) -> None:
        self.flags = flags  # the PCRE options translation depends on: i, m, x, xx
        self.group = group  # its number if it captures, else 0
        self.reopen: list[str] = []  # "(?i:" openers of (?i) settings: closed and re-opened at |


class _Translator:
    def __init__(self, pattern: str, caseless: bool) -> None:
        self.p = pattern
        self.out: list[str] = []
        self.starts: list[int] = []  # where each piece of ``out`` starts in the translation
        self.origins: list[int] = []  # and the offset in the pattern it comes from
        self.length = 0
        self.frames = [_Frame(frozenset("i" * caseless), 0)]
        self.groups = 0  # capturing groups opened so far
        self.names: set[str] = set()

    def emit(self, text: str, at: int) -> None:
        if text:
            self.out.append(text)
            self.starts.append(self.length)
            self.origins.append(at)
            self.length += len(text)

    def origin(self, position: int) -> tuple[int, str]:
        """The pattern offset of a position in the translation, and the piece emitted there."""
        piece = max(bisect.bisect_right(self.starts, position) - 1, 0)
        return self.origins[piece], self.out[piece]

    def run(self) -> None:
        p, n, i = self.p, len(self.p), 0
        while i < n:
            c, frame = p[i], self.frames[-1]
            if "x" in frame.flags and c in _X_SPACE:
                i += 1
            elif "x" in frame.flags and c == "#":  # comment to the end of the line
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
            elif c == "{":
                i = self.quantifier(i)
            elif c in "|$^":
                self.emit(self.special(c, frame), i)
                i += 1
            else:
                self.emit(c, i)
                i += 1
        if len(self.frames) > 1:
            raise PcreError("missing closing parenthesis", n)
        self.emit(")" * len(self.frames[0].reopen), n)

    def special(self, c: str, frame: _Frame) -> str:
        if c == "|":  # an inline option goes on in the next alternatives
            return ")" * len(frame.reopen) + "|" + "".join(frame.reopen)
        if c == "$":  # DOLLAR_ENDONLY, unless (?m) makes it a line end
            return r"(?=\n|\Z)" if "m" in frame.flags else r"\Z"
        # "^"; under (?m) also after a newline that does not end the subject
        return r"(?:\A|(?<=\n)(?!\Z))" if "m" in frame.flags else "^"

    def quantifier(self, i: int) -> int:
        m = _QUANTIFIER.match(self.p, i)
        if not m:  # a literal brace for PCRE
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
        if c == "E":  # an orphan \E is ignored
            return i + 2
        if c == "N" and p.startswith("{", i + 2) and not _QUANTIFIER.match(p, i + 2):
            raise PcreError(_ERR37, i + 2)
        if c in _ESCAPES:
            self.emit(_ESCAPES[c], i)
        elif c in "hHvVpP":
            members, end = self.byte_set(i)
            self.emit(_byte_class(members, "i" in self.frames[-1].flags), i)
            return end
        elif c in "gk":
            return self.reference(i)
        elif c in "123456789" and self.backreference(i):
            return i + 1 + len(_take(p, i + 1, string.digits))
        else:
            value, end = self.char_escape(i)
            self.emit("\\" + c if "!" <= c <= "~" and not c.isalnum() else _literal(value), i)
            return end
        return i + 2

    def char_escape(self, i: int) -> tuple[int, int]:
        """The byte a character escape at ``i`` stands for, and where the escape ends."""
        p, n = self.p, len(self.p)
        c, j = p[i + 1], i + 2
        if c in _CHAR_ESCAPES:
            return _CHAR_ESCAPES[c], j
        if c == "o" and not p.startswith("{", j):
            raise PcreError("missing opening brace after \\o", j)
        if c == "x" and not p.startswith("{", j):  # up to two hex digits
            digits = _take(p, j, string.hexdigits, 2)
            return int(digits or "0", 16), j + len(digits)
        if c in "xo":  # \x{hh} \o{ooo}: without UTF, at most 0xff
            base = 16 if c == "x" else 8
            digits = _take(p, j + 1, string.hexdigits if c == "x" else string.octdigits)
            end = j + 1 + len(digits)
            if not digits and p.startswith("}", end):
                raise PcreError("digits missing in \\x{} or \\o{}", end)
            if digits and int(digits, base) > 0xFF:
                raise PcreError("character code point value in \\x{} or \\o{} is too large", end)
            if not p.startswith("}", end):
                kind = "non-hex character in \\x{}" if c == "x" else "non-octal character in \\o{}"
                raise PcreError(f"{kind} (closing brace missing?)", end)
            return int(digits, base), end + 1
        if c == "c":
            if j >= n:
                raise PcreError("\\c at end of pattern", j)
            if not " " <= p[j] <= "~":
                raise PcreError("\\c must be followed by a printable ASCII character", j)
            return ord(p[j].upper()) ^ 0x40, j + 1
        if c in string.octdigits:  # at most three digits
            digits = _take(p, i + 1, string.octdigits, 3)
            if int(digits, 8) > 0xFF:
                raise PcreError("octal value is greater than \\377 in 8-bit non-UTF-8 mode", i + 4)
            return int(digits, 8), i + 1 + len(digits)
        if c in "89":  # in a class
            return ord(c), j
        if c in "FLlUu":
            raise PcreError(_ERR37, j)
        if c.isascii() and c.isalnum():
            raise PcreError("unrecognized character follows \\", i + 1)
        return ord(c), j  # an escaped non-alphanumeric stands for itself

    def byte_set(self, i: int) -> tuple[frozenset[int], int]:
        """The bytes ``\\d \\h \\v \\p{..}``, ``\\D``... at ``i`` match, and where it ends."""
        c = self.p[i + 1]
        if c.lower() in _SHORTHANDS:
            members = _SHORTHANDS[c.lower()]
            return (_ALL - members if c.isupper() else members), i + 2
        m = _PROPERTY.match(self.p, i + 2)
        if not m:
            raise PcreError("malformed \\P or \\p sequence", i + 2)
        members = _property(m[2] if m[2] is not None else m[3])
        if members is None:
            raise PcreError("unknown property after \\P or \\p", m.end())
        return (_ALL - members if (c == "P") != bool(m[1]) else members), m.end()

    def backreference(self, i: int) -> bool:
        """Emit ``\\<digits>`` as a back reference if PCRE2 reads it as one (else it is octal)."""
        digits = _take(self.p, i + 1, string.digits)
        if int(digits) < 10 or digits[0] in "89" or int(digits) <= self.groups:
            self.emit(self.backref(int(digits), i), i)
            return True
        return False

    def backref(self, number: int, at: int) -> str:
        if any(frame.group == number for frame in self.frames):  # regex gets these wrong
            raise PcreError("a back reference inside the group it refers to is not supported", at)
        return f"\\g<{number}>"

    def reference(self, i: int) -> int:
        """``\\k`` (named back reference) and ``\\g`` (back reference; with <> or '' a call)."""
        m = (_K_REF if self.p[i + 1] == "k" else _G_REF).match(self.p, i)
        if not m:
            raise PcreError(_REF_SYNTAX[self.p[i + 1]], i + 2)
        target = next(g for g in m.groups() if g is not None)
        call = self.p[i + 1] == "g" and (m[3] is not None or m[4] is not None)
        if not re.fullmatch(r"[+-]?\d+", target):
            self.emit(f"(?&{target})" if call else f"(?P={target})", i)
        elif call:
            self.emit(f"(?{self.group_number(target, i) or 'R'})", i)
        else:
            self.emit(self.backref(self.group_number(target, i), i), i)
        return m.end()

    def group_number(self, text: str, at: int) -> int:
        """An absolute group number from ``n``, ``-n`` (n-th last opened) or ``+n`` (n-th next)."""
        number = int(text)
        if text[0] in "+-":
            if number == 0:
                raise PcreError("a numbered reference must not be zero", at)
            number += self.groups + (number < 0)
            if number <= 0:
                raise PcreError("reference to non-existent subpattern", at)
        return number

    # -- character classes ---------------------------------------------------------------------

    def posix_set(self, m: re.Match[str]) -> frozenset[int]:
        if m[1] != ":":
            raise PcreError("POSIX collating elements are not supported", m.start())
        negated, name = m[2].startswith("^"), m[2].lstrip("^")
        if name not in _POSIX:
            raise PcreError("unknown POSIX class name", m.start() + 2)
        if name in ("upper", "lower") and "i" in self.frames[-1].flags:
            name = "alpha"  # as PCRE2 does when caseless
        return _ALL - _POSIX[name] if negated else _POSIX[name]

    def char_class(self, i: int) -> int:
        """``[...]`` at ``i``, emitted as the explicit set of bytes it matches; returns its end."""
        p, n, caseless = self.p, len(self.p), "i" in self.frames[-1].flags
        if _POSIX_SYNTAX.match(p, i):
            raise PcreError("POSIX named classes are supported only within a class" if p[i + 1] == ":"
                            else "POSIX collating elements are not supported", i)
        negated = p.startswith("^", i + 1)
        j, members, exact = i + 1 + negated, set(), set()  # exact: \p sets, which (?i) leaves alone
        state, low, first, quoted = "start", 0, True, False  # state: start, char, set, range, done
        while True:
            if j >= n:
                raise PcreError("missing terminating ] for character class", n)
            c, start, prop = p[j], j, False
            item: int | frozenset[int]
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
            elif c == "[" and (posix := _POSIX_SYNTAX.match(p, j)):
                item, j = self.posix_set(posix), posix.end()
            elif c == "\\":
                e = p[j + 1:j + 2]
                if e in ("Q", "E"):
                    quoted, j = e == "Q", j + 2
                    continue
                if not e:
                    raise PcreError("\\ at end of pattern", n)
                if e == "N":
                    raise PcreError("\\N is not supported in a class", j + 2)
                if e in "ABCGKRXZzgk":
                    raise PcreError("escape sequence is invalid in character class", j + 1)
                if e in "dDsSwWhHvVpP":
                    item, j = self.byte_set(j)
                    prop = e in "pP"
                else:
                    item, j = self.char_escape(j) if e != "b" else (0x08, j + 2)
            elif c == "-" and not first and state in ("char", "set") and not p.startswith("]", j + 1):
                if state == "set":  # PCRE2 refuses [\d-z]
                    raise PcreError("invalid range in character class", j)
                state, j = "range", j + 1
                continue
            else:
                item, j = ord(c), j + 1
            first = False
            if isinstance(item, frozenset):
                if state == "range":  # PCRE2 refuses [a-\d]
                    raise PcreError("invalid range in character class", j)
                (exact if prop else members).update(item)
                state = "set"
            elif state == "range":
                if item < low:
                    raise PcreError("range out of order in character class", start)
                members.update(range(low, item + 1))
                state = "done"
            else:
                members.add(item)
                state, low = "char", item
        if state == "range":  # "a-" then \E or spaces before "]": a literal hyphen
            members.add(ord("-"))
        folded = (_fold(frozenset(members)) if caseless else frozenset(members)) | exact
        self.emit(_byte_class(_ALL - folded if negated else folded, caseless), i)
        return j + 1

    # -- groups --------------------------------------------------------------------------------

    def push(self, opener: str, at: int, end: int, flags: frozenset[str] | None = None,
             capture: bool = False) -> int:
        self.emit(opener, at)
        self.groups += capture
        self.frames.append(_Frame(self.frames[-1].flags if flags is None else flags, self.groups * capture))
        return end

    def open_group(self, i: int) -> int:
        p = self.p
        if p.startswith("(?#", i):  # a comment, up to the first ")"
            end = p.find(")", i)
            if end < 0:
                raise PcreError("missing ) after (?# comment", len(p))
            return end + 1
        if not p.startswith("(?", i) and not (p.startswith("(*", i) and p[i + 2:i + 3].isalpha()):
            return self.push("(", i, i + 1, capture=True)
        opener = next((o for o in _OPENERS if p.startswith(o, i)), None)
        if opener:  # the rest, up to the matching ")", is translated as usual
            return self.push(opener, i, i + len(opener))
        if p.startswith("(*", i):
            raise PcreError(f"({_take(p, i + 1, '*' + string.ascii_letters + '_')}) is not supported", i)
        if m := _NAMED.match(p, i):
            name = m[1] or m[2]
            if name[0].isdigit():
                raise PcreError("subpattern name must start with a non-digit", i + 3)
            if name in self.names and "(?J" not in p and "(?|" not in p:
                raise PcreError("two named subpatterns have the same name (PCRE2_DUPNAMES not set)", i + 3)
            self.names.add(name)
            return self.push(f"(?P<{name}>", i, m.end(), capture=True)
        if m := _CALL.match(p, i):  # old regex has no (?-1) nor (?+1)
            self.emit(f"(?{self.group_number(m[1], i) or 'R'})", i)
            return m.end()
        if m := _CONDITION.match(p, i):  # regex knows only (?(1) and (?(name)
            ref = m[1] or m[2] or m[4] or self.group_number(m[3], i + 3)
            return self.push(f"(?({ref})", i, m.end())
        if p.startswith("(?(", i):  # an assertion condition: the group that follows
            return self.push("(?", i, i + 2)
        if p.startswith("(?C", i):
            raise PcreError("callouts (?C) are not supported", i + 2)
        if m := _OPTIONS.match(p, i):
            return self.options(m)
        raise PcreError("unrecognized character after (? or (?-", i + 2)

    def options(self, m: re.Match[str]) -> int:
        """``(?imsx-imsx)`` settings, ``(?^...)`` resets and ``(?imsx-imsx:...)`` groups."""
        on, off, kind = m[2], (m[3] or "") + "imsx" * bool(m[1]), m[4]  # (?^) unsets imnsx
        if "n" in on or "U" in on:
            raise PcreError("inline options n and U are not supported", m.start() + 2)
        frame = self.frames[-1]
        flags = {f for f in frame.flags if f[0] not in off} | set(on) & {"i", "m", "x"}
        flags |= {"xx"} if "xx" in on else set()
        # regex applies i and s, in a scoped group; m and x are applied here, by translation
        on_is = "".join(f for f in "is" if f in on)
        off_is = "".join(f for f in "is" if f in off and f not in on)
        opener = f"(?{on_is}{'-' * bool(off_is)}{off_is}:" if on_is or off_is else ""
        if kind == ":":
            return self.push(opener or "(?:", m.start(), m.end(), frozenset(flags))
        frame.flags = frozenset(flags)  # a setting lasts to the end of the enclosing group
        if opener:
            self.emit(opener, m.start())
            frame.reopen.append(opener)
        return m.end()


def _translate(pattern: str, caseless: bool) -> _Translator:
    translator = _Translator(pattern, caseless)
    translator.run()
    return translator


def translate_pcre(pattern: str, *, caseless: bool = False) -> str:
    """PCRE syntax (compiled with DOTALL | DOLLAR_ENDONLY) to ``regex`` V0 syntax.

    ``translate_pcre(r"^(?i)a\\x{2e}$")`` is ``r"^(?i:a\\x2e\\Z)"``. ``caseless``: the pattern
    will be compiled with IGNORECASE (as PCRE2_CASELESS).
    """
    return "".join(_translate(pattern, caseless).out)


@functools.lru_cache(maxsize=4096)
def compile_pcre(pattern: str, *, caseless: bool = False) -> regex.Pattern[bytes]:
    """Compile a PCRE ``pattern`` to match bytes as ModSecurity's ``@rx`` does; cached.

    Raises PcreError with PCRE2's message and an offset into ``pattern``.
    """
    try:
        pattern.encode("latin-1")
    except UnicodeEncodeError as err:
        raise PcreError("pattern is not latin-1 text (one character per byte)", err.start) from None
    translator = _translate(pattern, caseless)
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
