"""PCRE patterns (as ModSecurity 2 compiles @rx) on the regex module.

Every expectation below is PCRE2 10.42's with DOTALL | DOLLAR_ENDONLY (Debian's ModSecurity 2.9.7):
when libpcre2-8 is loadable the tables are also checked against it, so they cannot drift from it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from modsec_py._util.pcre import PcreError, compile_pcre, translate_pcre


def utf8(text: str) -> str:
    """A pattern as ModSecurity sees UTF-8 text in a rule file: its bytes, decoded latin-1."""
    return text.encode("utf-8").decode("latin-1")


MATCH_CASES: list[tuple[str, bytes, bool]] = [
    # $ is the end of the subject only (DOLLAR_ENDONLY); \z and \Z are PCRE's
    ("abc$", b"abc", True), ("abc$", b"abc\n", False), ("^$", b"\n", False), ("a$|b", b"a\n", False),
    ("[$]", b"$", True), (r"\$", b"$", True), (r"abc\z", b"abc\n", False), (r"abc\z", b"abc", True),
    (r"abc\Z", b"abc\n", True), (r"abc\Z", b"abc\n\n", False), (r"\Aabc", b"xabc", False),
    ("^abc", b"x\nabc", False), (r"\Gb", b"ab", False),
    # under (?m) $ and ^ are line anchors; ^ does not match after a final newline
    ("(?m)abc$", b"abc\nx", True), ("(?m)^x", b"abc\nx", True), ("(?m)^$", b"a\n", False),
    ("(?m)^$", b"a\n\nb", True), ("(?m:a$)\n$", b"a\n", True),
    # DOTALL, and (?-s)
    ("a.c", b"a\nc", True), ("(?-s)a.c", b"a\nc", False), ("(?-s:a.)c", b"a\nc", False),
    # \x{hh}, \xh, octal, \o{}, \e, \cX, \a
    (r"\x{41}", b"A", True), (r"\x{0041}", b"A", True), (r"\x{ff}", b"\xff", True), (r"\x41", b"A", True),
    (r"^\x4$", b"\x04", True), (r"^\x$", b"\x00", True), (r"^[\x{41}-\x{43}]+$", b"ABC", True),
    (r"\101", b"A", True), (r"\0", b"\x00", True), (r"\012", b"\n", True), (r"\12", b"\n", True),
    (r"(\166)", b"v", True), (r"[\101]", b"A", True), (r"[\8]", b"8", True), (r"\o{101}", b"A", True),
    (r"\e", b"\x1b", True), (r"\cA", b"\x01", True), (r"\ca", b"\x01", True), (r"\c[", b"\x1b", True),
    (r"\a", b"\x07", True), (r"[\b]", b"\x08", True), (r"\b", b"\x08", False),
    # \v \h \R \N \C \X: PCRE's meanings, not Python's
    (r"\v", b"\x0b", True), (r"\v", b"\n", True), (r"\v", b"\x85", True), (r"\v", b" ", False),
    (r"[\v]", b"\x0b", True), (r"[\v]", b"\n", True), (r"[\s\v]", b"\x85", True), (r"\V", b"\n", False),
    (r"^\V+$", b"ab c", True), (r"[\V]", b"\r", False), (r"[^\V]", b"\r", True),
    (r"\h", b"\t", True), (r"\h", b"\xa0", True), (r"\h", b"\n", False), (r"[\h]", b" ", True),
    (r"\H", b" ", False), (r"^a\Rb$", b"a\r\nb", True), (r"^a\Rb$", b"a\x85b", True),
    (r"^a\R\nb$", b"a\r\nb", False), (r"\N", b"\n", False), (r"^\N{3}$", b"abc", True),
    (r"^\C$", b"\n", True), (r"^\X$", b"\r\n", True),
    # \Q...\E
    (r"\Q.*\E", b".*", True), (r"^\Q.*\E$", b"ab", False), (r"^\Qa.b", b"a.b", True),
    (r"[\Q]\E]", b"]", True), (r"^a\Q\E+$", b"aaa", True), (r"^\Qa\Eb\E$", b"ab", True),
    # POSIX classes, with PCRE's ASCII tables
    ("^[[:alpha:]]+$", b"abcXYZ", True), ("[[:alpha:]]", b"\xe9", False), ("[[:^alpha:]]", b"\xe9", True),
    ("[[:space:]]", b"\x0b", True), ("[[:punct:]]", b"$", True), ("[[:word:]]", b"_", True),
    ("[[:upper:]]", b"a", False), ("(?i)[[:upper:]]", b"a", True), ("[[:xdigit:]]", b"g", False),
    ("[]a]", b"]", True), ("[^]a]", b"]", False), ("[a-]", b"-", True), ("^[a-c-e]+$", b"a-e", True),
    # inline options: from where they stand to the end of their group, across later alternatives
    ("(?i)abc", b"ABC", True), ("^(?i)up", b"UP", True), ("a(?i)b", b"aB", True), ("a(?i)b", b"AB", False),
    ("(a(?i)b|c)", b"C", True), ("(a(?i)b)c", b"aBC", False), ("(a(?i)b)c", b"aBc", True),
    ("a(?i)b|c", b"C", True), ("(?i)a(?-i)b", b"Ab", True), ("(?i)a(?-i)b", b"AB", False),
    ("(?i:a)b", b"AB", False), ("(?i)(?^)a", b"A", False), ("(.*?)=(?i)(?!.*secure)", b"a=SECURE", False),
    # case folding and \w \d \s \b are ASCII only
    ("(?i)\xe9", b"\xc9", False), ("(?i)ss", b"\xdf", False), ("(?i)k", "\u212a".encode(), False),
    (r"\w", b"\xe9", False), (r"\d", b"\xb2", False), (r"\s", b"\xa0", False), (r"\s", b"\x0b", True),
    (r"\s", b"\x1c", False), (r"\b", b"\xe9", False),
    # (?x)
    ("(?x) a b c # comment (", b"abc", True), (r"(?x)a\ b", b"a b", True), ("(?x)[ a]", b" ", True),
    ("(?x)a(?-x) b", b"a b", True),
    # possessive quantifiers, atomic groups, braces that are not quantifiers
    ("^a++a", b"aaa", False), ("^(?>a+)a", b"aaa", False), ("^a+a", b"aaa", True),
    ("a{,3}", b"a{,3}", True), ("^a{,3}$", b"aa", False), ("x{}", b"x{}", True), ("a{1", b"a{1", True),
    # references, named groups, subroutine calls, conditionals, look-behind, branch reset, verbs
    (r"(a)\1", b"aa", True), (r"(a)\g{1}", b"aa", True), (r"(a)\g{-1}", b"aa", True),
    (r"(a)(b)\g-2", b"aba", True), (r"(?<n>a)\k<n>", b"aa", True), (r"(?'n'a)\k'n'", b"aa", True),
    (r"(?<n>a)\k{n}", b"aa", True), (r"(?P<n>a)(?P=n)", b"aa", True), (r"(?<n>a)\g{n}", b"aa", True),
    (r"^(a|b)\g<1>$", b"ab", True), (r"^(a|b)(?1)$", b"ab", True), (r"^(?<n>a|b)(?&n)$", b"ab", True),
    (r"^(a)?(?(1)b|c)$", b"ab", True), (r"^(a)?(?(1)b|c)$", b"c", True), (r"^(a)?(?(1)b|c)$", b"b", False),
    (r"^(?<n>a)?(?(<n>)b|c)$", b"c", True), (r"^(?(?=a)ab|c)$", b"c", True), (r"(?<=ab|c)d", b"abd", True),
    (r"^(?|(a)|(b))\1$", b"bb", True), ("a(*F)|b", b"a", False), ("a(*FAIL)|b", b"b", True),
    # \p with Unicode properties of U+0000-U+00FF, \K
    (r"\p{L}", b"\xe9", True), (r"\p{Lu}", b"a", False), (r"[\P{L}]", b"1", True), (r"a\Kb", b"ab", True),
    (r"(?i)\p{Lu}", b"a", False), (r"(?i)[b\p{Lu}]", b"a", False), (r"(?i)[a\p{Lu}]", b"a", True),
    (r"(?i)[^\p{Lu}]", b"a", True), (r"(?i)[^a]", b"A", False), (r"(?i)[[:^upper:]]", b"a", False),
    # bytes outside ASCII (CRS writes UTF-8 quotes inside classes) are matched byte for byte
    (utf8("[´’‘]"), "’".encode(), True), (utf8("[´’‘]"), b"\xb4", True), (utf8("^[´’‘]$"), "’".encode(), False),
    (utf8("x[^´]"), b"x\xc2", False), (utf8(r"\´"), "´".encode(), True), ("\xe9", b"\xe9", True),
]

ERROR_CASES: list[tuple[str, str, int | None]] = [  # offset None: PCRE2's is not reproduced
    ("(unclosed", "missing closing parenthesis", 9),
    ("a)", "unmatched closing parenthesis", 1),
    ("[abc", "missing terminating ] for character class", 4),
    ("\\", "\\ at end of pattern", 1),
    (r"\x{100}", "character code point value in \\x{} or \\o{} is too large", 6),
    (r"\x{4g}", "non-hex character in \\x{} (closing brace missing?)", 4),
    (r"\400", "octal value is greater than \\377 in 8-bit non-UTF-8 mode", 4),
    (r"\y", "unrecognized character follows \\", 1),
    (r"\L", "PCRE2 does not support \\F, \\L, \\l, \\N{name}, \\U, or \\u", 2),
    ("\\c", "\\c at end of pattern", 2),
    (r"[\d-z]", "invalid range in character class", 3),
    ("[z-a]", "range out of order in character class", 3),
    ("[[:foo:]]", "unknown POSIX class name", 3),
    ("[[.a.]]", "POSIX collating elements are not supported", 1),
    ("[:alpha:]", "POSIX named classes are supported only within a class", 0),
    (r"[\N]", "\\N is not supported in a class", 3),
    (r"[\R]", "escape sequence is invalid in character class", 2),
    ("a{2,1}", "numbers out of order in {} quantifier", 5),
    ("a{65536}", "number too big in {} quantifier", 7),
    ("*a", "quantifier does not follow a repeatable item", 0),
    ("a**", "quantifier does not follow a repeatable item", 2),
    ("(?#unclosed", "missing ) after (?# comment", 11),
    ("(?z)", "unrecognized character after (? or (?-", 2),
    (r"\p{Xx}", "unknown property after \\P or \\p", 6),
    ("(?<1a>x)", "subpattern name must start with a non-digit", 3),
    (r"\8", "reference to non-existent subpattern", None),
    ("(?<n>a)(?<n>b)", "two named subpatterns have the same name (PCRE2_DUPNAMES not set)", None),
]


def matches(pattern: str, subject: bytes) -> bool:
    return compile_pcre(pattern).search(subject) is not None


@pytest.mark.parametrize(("pattern", "subject", "expected"), MATCH_CASES)
def test_match(pattern: str, subject: bytes, expected: bool) -> None:
    assert matches(pattern, subject) is expected


@pytest.mark.parametrize(("pattern", "message", "offset"), ERROR_CASES)
def test_error_reads_like_pcre(pattern: str, message: str, offset: int | None) -> None:
    with pytest.raises(PcreError) as caught:
        compile_pcre(pattern)
    assert caught.value.message == message
    if offset is not None:
        assert caught.value.offset == offset


@pytest.mark.parametrize("pattern", ["(*COMMIT)a", "(*UTF)a", "(*pla:a)", "(?U)a+", "(?n)(a)", "(?C1)a",
                                     r"(a\1?)+", r"(a\g{-1})"])
def test_what_regex_cannot_do_is_refused_clearly(pattern: str) -> None:
    with pytest.raises(PcreError, match="not supported"):
        compile_pcre(pattern)


def test_translation_text() -> None:
    assert translate_pcre("^abc$") == r"^abc\Z"
    assert translate_pcre(r"\x{41}\z\Z") == r"A\Z(?=\n?\Z)"
    assert translate_pcre("a(?i)b|c") == "a(?i:b)|(?i:c)"
    assert translate_pcre(r"[\v]") == "[\\x0a-\\x0d\x85]"  # a class becomes the set of its bytes
    assert translate_pcre(utf8("[´’]")) == "[\x80\x99\xb4\xc2\xe2]"  # UTF-8 bytes, as they are
    assert translate_pcre(r"[\p{Lu}]", caseless=True) == "(?-i:[A-Z\xc0-\xd6\xd8-\xde])"


def test_match_positions_and_captures() -> None:
    assert compile_pcre(r"a\Kb").search(b"ab").span() == (1, 2)
    assert compile_pcre(r"(?i)(a)(b)?c").search(b"xAC").groups() == (b"A", None)


def test_compiled_once_and_caseless() -> None:
    assert compile_pcre("abc") is compile_pcre("abc")
    assert compile_pcre("abc", caseless=True).search(b"ABC")
    assert not compile_pcre("a(?-i)bc", caseless=True).search(b"ABC")


def test_pattern_must_be_latin1_text() -> None:
    with pytest.raises(PcreError) as caught:
        compile_pcre("ab\u2019")
    assert caught.value.offset == 2


# -- the same tables against the real library ----------------------------------------------------

class _Pcre2:
    """libpcre2-8 through ctypes, compiled the way ModSecurity 2 does."""

    OPTIONS = 0x20 | 0x10  # PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY

    def __init__(self, path: str) -> None:
        lib = self.lib = ctypes.CDLL(path)
        lib.pcre2_compile_8.restype = lib.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
        lib.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                        ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t),
                                        ctypes.c_void_p]
        lib.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                                      ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
        lib.pcre2_get_error_message_8.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]

    def compile(self, pattern: str) -> tuple[int | None, str, int]:
        """(code, error message, error offset)."""
        code, offset = ctypes.c_int(), ctypes.c_size_t()
        raw = pattern.encode("latin-1")
        compiled = self.lib.pcre2_compile_8(raw, len(raw), self.OPTIONS, ctypes.byref(code),
                                            ctypes.byref(offset), None)
        message = ctypes.create_string_buffer(256)
        self.lib.pcre2_get_error_message_8(code.value, message, len(message))
        return compiled, message.value.decode(), offset.value

    def matches(self, pattern: str, subject: bytes) -> bool:
        compiled = self.compile(pattern)[0]
        data = self.lib.pcre2_match_data_create_from_pattern_8(compiled, None)
        return self.lib.pcre2_match_8(compiled, subject, len(subject), 0, 0, data, None) >= 0


@pytest.fixture(scope="module")
def pcre2() -> _Pcre2:
    path = ctypes.util.find_library("pcre2-8")
    if path is None:
        pytest.skip("libpcre2-8 not installed: expectations not checked against PCRE2")
    return _Pcre2(path)


@pytest.mark.parametrize(("pattern", "subject", "expected"), MATCH_CASES)
def test_match_table_is_pcre2s(pcre2: _Pcre2, pattern: str, subject: bytes, expected: bool) -> None:
    assert pcre2.matches(pattern, subject) is expected


@pytest.mark.parametrize(("pattern", "message", "offset"), ERROR_CASES)
def test_error_table_is_pcre2s(pcre2: _Pcre2, pattern: str, message: str, offset: int | None) -> None:
    compiled, pcre2_message, pcre2_offset = pcre2.compile(pattern)
    assert compiled is None and pcre2_message == message
    assert offset in (None, pcre2_offset)


# -- every @rx of real rule files ----------------------------------------------------------------

_APR_SPACE = " \t\n\v\f\r"  # apr_isspace(); str.isspace() would also split on \x85 and \xa0


def _logical_lines(text: str) -> Iterator[str]:
    """Apache's config lines: a line ending in a backslash continues on the next one."""
    pending = ""
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if line.endswith("\\"):
            pending += line[:-1]
        else:
            yield pending + line
            pending = ""
    if pending:
        yield pending


def _words(line: str) -> list[str]:
    """The line cut as Apache's ap_getword_conf() does, word after word."""
    words, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] in _APR_SPACE:
            i += 1
        if i >= n:
            return words
        quote = line[i] if line[i] in "\"'" else ""
        i += len(quote)
        word = []
        while i < n and (line[i] != quote if quote else line[i] not in _APR_SPACE):
            if line[i] == "\\" and i + 1 < n and line[i + 1] in "\\" + quote:
                i += 1  # \\ -> \ and, in quotes, \" -> "
            word.append(line[i])
            i += 1
        i += 1 if quote else 0
        words.append("".join(word))


def _rx_operands(path: Path) -> Iterator[str]:
    """The pattern of every SecRule whose operator is @rx, written or implicit."""
    for line in _logical_lines(path.read_bytes().decode("latin-1")):
        words = _words(line)
        if len(words) < 3 or words[0].lower() != "secrule":
            continue
        operator = words[2].removeprefix("!").lstrip(_APR_SPACE)
        if not operator.startswith("@"):
            yield operator
            continue
        name, _, argument = operator[1:].partition(" ")
        if name.lower() == "rx":
            yield argument.lstrip(_APR_SPACE)


def test_apache_argument_splitting() -> None:
    assert _words(r'SecRule ARGS "@rx a\"b\\c\d" "id:1"') == ["SecRule", "ARGS", r'@rx a"b\c\d', "id:1"]
    assert _words(r"SecRule ARGS a\\b\'c 'x y'") == ["SecRule", "ARGS", r"a\b\'c", "x y"]
    assert list(_logical_lines('SecRule A \\\n  "!@rx x$" \\\r\n "id:2"\r\n#')) == [
        'SecRule A   "!@rx x$"  "id:2"', "#"]


CORPORA = [  # fixture giving the root, files under it, how many @rx they hold
    pytest.param("shared", "crs/v2.2.9/**/*.conf", 863, id="crs-2.2.9"),
    pytest.param("debian_crs", "rules/*.conf", 265, id="crs-3.3.4-debian"),
    pytest.param("shared", "crs/v4.28.0/rules/*.conf", 318, id="crs-4.28.0"),
]


@pytest.mark.shared
@pytest.mark.parametrize(("fixture", "files", "count"), CORPORA)
def test_every_crs_rx_pattern_compiles(request: pytest.FixtureRequest, fixture: str, files: str,
                                       count: int) -> None:
    root: Path = request.getfixturevalue(fixture)
    patterns = [pattern for path in sorted(root.glob(files)) for pattern in _rx_operands(path)]
    failures = []
    for pattern in patterns:
        try:
            compile_pcre(pattern)
        except PcreError as error:
            failures.append(f"{error}: {pattern[:100]!r}")
    assert not failures
    # Debian may ship a CRS 3.3.4 security update with more rules; the shared copies are fixed.
    assert len(patterns) >= count if fixture == "debian_crs" else len(patterns) == count
