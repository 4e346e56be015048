"""Edit SecLang text in place: every comment, blank line and indentation not edited stays.

A file is a list of physical lines (line breaks kept). :func:`scan` finds the directives
in it, active or commented out, each as a :class:`Block` of lines (continued with a
trailing backslash, as Apache joins them; in a commented-out block the ``#`` of each line
is ignored). Edits then touch only the lines of the blocks they change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from modsec_py.errors import ItemArgumentError
from modsec_py.seclang.lexer import split_arguments, split_directive
from modsec_py.seclang.rule_parser import parse_name_values

_SECTION = "<location"  # <Location> and <LocationMatch>: settings of their own


@dataclass(frozen=True, slots=True)
class Block:
    """One directive over physical lines ``first..last`` (0-based, inclusive)."""

    first: int
    last: int
    commented: bool
    name: str
    args: tuple[str, ...]
    in_section: bool  # inside <Location> / <LocationMatch>

    def is_(self, name: str) -> bool:
        return self.name.lower() == name.lower()

    @property
    def actions(self) -> list[tuple[str, str | None]]:
        """The action list of a SecAction / SecRule / SecDefaultAction (empty if none or unparsable)."""
        lowered = self.name.lower()
        wanted = {"secaction": 1, "secdefaultaction": 1, "secrule": 3}.get(lowered)
        if wanted is None or len(self.args) != wanted:
            return []
        try:
            return parse_name_values(self.args[-1])
        except ItemArgumentError:
            return []

    def action(self, name: str) -> str | None:
        return next((value for key, value in self.actions if key.lower() == name and value is not None), None)


def split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def _uncommented(line: str) -> tuple[bool, str]:
    body = _body(line)
    stripped = body.lstrip()
    return (True, stripped[1:]) if stripped.startswith("#") else (False, body)


def scan(lines: list[str]) -> list[Block]:
    """The directives of ``lines``, active and commented out, in order."""
    blocks: list[Block] = []
    sections = 0
    index = 0
    while index < len(lines):
        commented, content = _uncommented(lines[index])
        parts, last = [content], index
        while parts[-1].endswith("\\") and last + 1 < len(lines):
            last += 1
            parts[-1] = parts[-1][:-1]
            parts.append(_uncommented(lines[last])[1] if commented else _body(lines[last]))
        joined = "".join(parts).strip()
        if joined:
            name, rest = split_directive(joined)
            lowered = name.lower()
            if not commented and lowered.startswith("</location"):
                sections = max(0, sections - 1)
            blocks.append(Block(index, last, commented, name, tuple(split_arguments(rest)), sections > 0))
            if not commented and lowered.startswith(_SECTION):
                sections += 1
        index = last + 1
    return blocks


def indentation(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def _ending(line: str) -> str:
    return line[len(_body(line)):] or "\n"


def uncomment(lines: list[str], block: Block) -> None:
    """Make a commented-out block active: drop the ``#`` starting any of its lines."""
    for number in range(block.first, block.last + 1):
        line = lines[number]
        stripped = line.lstrip()
        if stripped.startswith("#"):
            rest = stripped[1:]
            lines[number] = indentation(line) + (rest.lstrip(" \t") if number == block.first else rest)


def comment(lines: list[str], block: Block) -> None:
    """Comment a block out: ``#`` before each of its lines (Apache would swallow them anyway)."""
    for number in range(block.first, block.last + 1):
        if not lines[number].lstrip().startswith("#"):
            lines[number] = "#" + lines[number]


def replace(lines: list[str], block: Block, text: str) -> None:
    """Put ``text`` (one logical line, no break) in place of the block, at its indentation."""
    first = lines[block.first]
    lines[block.first:block.last + 1] = [indentation(first) + text + _ending(lines[block.last])]


def quote_argument(value: str, *, always: bool = False) -> str:
    """An Apache argument: bare when it can be (unless ``always``), else double-quoted with ``\\`` and
    ``"`` escaped."""
    if value and not always and not any(char in value for char in " \t\"'\\"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_actions(actions: list[tuple[str, str | None]]) -> str:
    """An action list as v2 reads it; values with separators go in single quotes."""
    rendered = []
    for name, value in actions:
        if value is None:
            rendered.append(name)
        elif value and not any(char in value for char in " \t,|'\\"):
            rendered.append(f"{name}:{value}")
        else:
            rendered.append(f"{name}:'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'")
    return ",".join(rendered)


def set_directive(text: str, name: str, value: str) -> tuple[str, list[str]]:
    """Give every active ``name`` outside <Location> sections the value ``value``.

    Without one, the directive is added after the last active directive that comes before
    any <Location> section (at its indentation), or at the end. Returns the new text and
    what changed, in words (empty when nothing did).
    """
    lines = split_lines(text)
    blocks = scan(lines)
    found = [block for block in blocks if block.is_(name) and not block.commented and not block.in_section]
    new_line = f"{name} {quote_argument(value)}"
    said: list[str] = []
    for block in reversed(found):
        if list(block.args) == [value]:
            continue
        said.append(f"{name} {' '.join(block.args) or '(empty)'} -> {value} (line {block.first + 1})")
        replace(lines, block, f"{block.name} {quote_argument(value)}")
    if not found:
        said.append(_insert(lines, blocks, new_line))
    return "".join(lines), list(reversed(said))


def _insert(lines: list[str], blocks: list[Block], new_line: str) -> str:
    anchor = None
    for block in blocks:
        if block.commented:
            continue
        if block.in_section or block.name.lower().startswith(_SECTION):
            break
        if not block.name.startswith("</") or anchor is None:
            anchor = block
    if anchor is None or anchor.name.startswith("<"):
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(new_line + "\n")
        return f"{new_line} (added at line {len(lines)})"
    at = anchor.last + 1
    lines.insert(at, indentation(lines[anchor.first]) + new_line + "\n")
    return f"{new_line} (added at line {at + 1})"


def setvar_span(line: str, variable: str) -> tuple[int, int, bool] | None:
    """Where the value of ``setvar:tx.<variable>=`` is in ``line``: (start, end, quoted)."""
    match = re.search(r"setvar:(')?tx\." + re.escape(variable) + "=", line, re.IGNORECASE)
    if match is None:
        return None
    start = match.end()
    if match.group(1):
        end = start
        while end < len(line) and line[end] != "'":
            end += 2 if line[end] == "\\" else 1
        return start, min(end, len(line)), True
    end = start
    while end < len(line) and line[end] not in ",\"\\ \t\r\n":
        end += 1
    return start, end, False


def set_setvar(lines: list[str], block: Block, variable: str, value: str) -> str | None:
    """Set ``tx.<variable>`` in the block's setvar; returns the old value (None if not found)."""
    for number in range(block.first, block.last + 1):
        span = setvar_span(lines[number], variable)
        if span is None:
            continue
        start, end, quoted = span
        line = lines[number]
        old = line[start:end]
        if quoted:
            lines[number] = line[:start] + value.replace("'", "\\'") + line[end:]
        elif any(char in value for char in " \t,|"):
            opening = line.lower().rindex("setvar:", 0, start) + len("setvar:")
            lines[number] = line[:opening] + "'" + line[opening:start] + value + "'" + line[end:]
        else:
            lines[number] = line[:start] + value + line[end:]
        return old
    return None
