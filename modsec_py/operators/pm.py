"""``@pm``, ``@pmFromFile`` and ``@pmf``: case-insensitive phrase matching (Aho-Corasick).

``@pm`` takes the phrases from its argument (split at blanks), ``@pmFromFile``/``@pmf``
from files (one phrase per line, ``#`` comments, paths relative to the rule file). Both
first run v2's ``parse_pm_content`` (:func:`parse_pm_content`): ``|hex|`` bytes, ``\\``
escapes of ``: ; \\ "``, a surrounding pair of quotes. Matching is v2's own automaton
(:mod:`modsec_py._util.aho_corasick`), quirks included. With ``capture``, TX:0 is the
reported phrase and TX:1-TX:9 are unset. Example:
``SecRule REQUEST_HEADERS:User-Agent "@pmFromFile scanners-user-agents.data" "id:1"``.
Match text: ``Matched phrase "<phrase, escaped>" at <var>.``

v2 quirks kept: an empty value never matches; for ``@pm``, an argument
``parse_pm_content`` refuses is used as written, and a NUL (``|00|``) ends the phrase list;
in files, a line's quotes are removed only when the line has no newline (the last line),
a NUL ends the line, lines are read in 8191-byte pieces, and phrases of one byte are
dropped; the reported phrase ends at its first NUL.
"""

from __future__ import annotations

import os

from modsec_py._util import sources
from modsec_py._util.aho_corasick import PhraseSet
from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, log_escape, operator, truncated

_C_SPACE = b" \t\n\v\f\r"
_HEX = b"0123456789abcdefABCDEF"
_LINE_MAX = 8191  # apr_file_gets(buf, HUGE_STRING_LEN)


class PmContentError(ValueError):
    """parse_pm_content refused its input; ``str()`` is v2's message."""


def parse_pm_content(content: bytes) -> bytes:
    """v2's ``parse_pm_content`` (msc_util.c), quirks and all.

    Blanks are skipped and one pair of quotes removed; ``|..|`` sections turn pairs of hex
    digits into bytes (other bytes there are dropped); ``\\`` escapes ``: ; \\ "``. When
    nothing was converted, the result keeps its full length, whatever was skipped.
    """
    content = cstr(content)
    offset = 0
    while offset < len(content) and content[offset] in _C_SPACE:
        offset += 1
    if content[offset:offset + 1] == b'"' and content[-1:] == b'"':
        parm = bytearray(content[offset + 1:len(content) - 1])
    else:
        parm = bytearray(content[offset:])
    if not parm:
        raise PmContentError("Content length is 0.")
    binary = escaped = converted = False
    pending = bytearray()
    x = 0
    for char in bytes(parm):
        if char == 0x7C:  # |
            binary = not binary
        elif not escaped and char == 0x5C:  # backslash
            escaped = True
        elif binary:
            if char in _HEX:
                pending.append(char)
                if len(pending) == 2:
                    parm[x] = int(pending, 16)
                    x += 1
                    pending.clear()
                    converted = True
        elif escaped:
            if char not in b':;\\"':
                raise PmContentError("Unsupported escape sequence.")
            parm[x] = char
            x += 1
            escaped = False
            converted = True
        else:
            parm[x] = char
            x += 1
    return bytes(parm[:x] if converted else parm)


def pm_phrases(argument: bytes) -> list[bytes]:
    """The phrases of a ``@pm`` argument."""
    try:
        content = parse_pm_content(argument)
    except PmContentError:
        content = argument  # v2 falls back to the argument as written
    return cstr(content).split()  # C isspace; a NUL ends the list


def file_phrases(data: bytes) -> list[bytes]:
    """The phrases of one ``@pmFromFile`` file, line by line as v2 reads them."""
    phrases = []
    for line in _gets(data):
        try:
            text = cstr(parse_pm_content(line))
        except PmContentError:
            text = cstr(line)
        start, end = 0, len(text)
        while start < end and text[start] in _C_SPACE:
            start += 1
        # v2 walks `end` back to the last non-blank byte but keeps it only when that byte is
        # not the first one: a phrase of one byte never survives.
        last = end - 1
        while last > start and text[last] in _C_SPACE:
            last -= 1
        if last <= start or text[start] == 0x23:  # '#'
            continue
        phrases.append(text[start:last + 1])
    return phrases


def _gets(data: bytes) -> list[bytes]:
    """apr_file_gets: lines with their newline, at most 8191 bytes each."""
    lines = []
    for line in _split_lf(data):
        while len(line) > _LINE_MAX:
            lines.append(line[:_LINE_MAX])
            line = line[_LINE_MAX:]
        lines.append(line)
    return lines


def _split_lf(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class _PhraseOperator(Operator):
    __slots__ = ("_phrases",)
    backend = "auto"  # PhraseSet backend; tests set it per instance

    def _compile(self, phrases: list[bytes], backend: str | None = None) -> None:
        self._phrases = PhraseSet(phrases, backend or self.backend)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if not value:
            return None
        match = self._phrases.search(value)
        if match is None:
            return None
        if tx.capturing:
            tx.set_captures([cstr(match)])
        return (match,)

    def message(self, detail: object, var_name: str) -> str:
        phrase = cstr(detail[0])  # type: ignore[index]
        return f'Matched phrase "{truncated(log_escape(phrase))}" at {var_name}.'


@operator("pm")
class Pm(_PhraseOperator):
    def __init__(self, argument: str, ctx: CompileContext, backend: str | None = None) -> None:
        super().__init__(argument, ctx)
        self._compile(pm_phrases(argument.encode("latin-1")), backend)


def resolve(directory: str, path: str) -> str:
    """apr_filepath_merge against the rule file's directory (absolute paths are kept)."""
    return path if path.startswith("/") else os.path.normpath(os.path.join(directory, path))


@operator("pmFromFile")
class PmFromFile(_PhraseOperator):
    def __init__(self, argument: str, ctx: CompileContext, backend: str | None = None) -> None:
        super().__init__(argument, ctx)
        phrases: list[bytes] = []
        for name in argument.split():
            path = resolve(ctx.rule_directory, name)
            try:
                phrases.extend(file_phrases(sources.read(path)))
            except OSError as error:
                raise ItemArgumentError(f'Could not open phrase file "{path}": {error.strerror}') from None
        self._compile(phrases, backend)


@operator("pmf")
class Pmf(PmFromFile):
    """``@pmf``: another name for ``@pmFromFile``."""
