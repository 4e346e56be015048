"""Apache configuration lexing, exactly as Apache 2.4 hands lines to ModSecurity.

Two steps, both pure functions over text:

* :func:`logical_lines` joins physical lines: a line whose last character (before the
  line break) is a backslash continues on the next one; the backslash and the line break
  are removed and nothing else (so indentation of continued lines is kept, and a comment
  line ending in a backslash swallows the next line, as in Apache). The logical line is
  then stripped of surrounding white space. Blank lines and ``#`` comments are dropped.
* :func:`split_arguments` splits a logical line into words like ``ap_getword_conf``: a
  word starting with ``"`` or ``'`` runs to the next unescaped quote of the same kind,
  inside it ``\\<quote>`` and ``\\\\`` lose their backslash; an unquoted word runs to white
  space and only ``\\\\`` loses a backslash. An unterminated quote takes the rest of the line.

Files are decoded as latin-1 so every byte survives (rule files carry raw UTF-8 bytes
inside regex classes); see docs/ARCHITECTURE.md, "Values are bytes".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_SPACE = " \t\n\r\f\v"


@dataclass(frozen=True, slots=True)
class LogicalLine:
    text: str
    first_line: int  # where the directive starts (what we report)
    last_line: int  # where Apache (and so ModSecurity's [line ".."]) puts it


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Yield the non-blank, non-comment logical lines of a configuration file."""
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(physical, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = "".join(pending).strip(_SPACE)
        pending = []
        if joined and not joined.startswith("#"):
            yield LogicalLine(joined, start, number)
    if pending:  # continuation at end of file: Apache ends the directive there
        joined = "".join(pending).strip(_SPACE)
        if joined and not joined.startswith("#"):
            yield LogicalLine(joined, start, len(physical) + 1)


def split_arguments(text: str) -> list[str]:
    """Split ``text`` into words the way Apache's ``ap_getword_conf`` does."""
    words: list[str] = []
    position, end = 0, len(text)
    while True:
        while position < end and text[position] in _SPACE:
            position += 1
        if position >= end:
            return words
        quote = text[position]
        if quote in "\"'":
            start = scan = position + 1
            while scan < end and text[scan] != quote:
                if text[scan] == "\\" and scan + 1 < end and text[scan + 1] in (quote, "\\"):
                    scan += 2
                else:
                    scan += 1
            words.append(_unescape(text[start:scan], quote))
            position = scan + 1
        else:
            scan = position
            while scan < end and text[scan] not in _SPACE:
                scan += 1
            words.append(_unescape(text[position:scan], ""))
            position = scan


def _unescape(word: str, quote: str) -> str:
    if "\\" not in word:
        return word
    out: list[str] = []
    index, end = 0, len(word)
    while index < end:
        char = word[index]
        if char == "\\" and index + 1 < end and (word[index + 1] == "\\" or (quote and word[index + 1] == quote)):
            out.append(word[index + 1])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def split_directive(text: str) -> tuple[str, str]:
    """Split a logical line into the directive name and the rest (its raw arguments)."""
    for index, char in enumerate(text):
        if char in _SPACE:
            return text[:index], text[index:].lstrip(_SPACE)
    return text, ""
