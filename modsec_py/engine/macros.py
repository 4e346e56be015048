"""Macro expansion: ``%{VAR}`` and ``%{VAR.key}`` in action arguments and some operators.

Texts are split once at load into literal parts and variable references; expansion takes
the first value of each reference (v2's ``generate_single_var``) and drops references that
resolve to nothing, as v2 does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from modsec_py.engine.state import TxData
from modsec_py.engine.variables import READERS, CompiledTarget
from modsec_py.rules.model import Target

_MACRO = re.compile(r"%\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class Macro:
    """A text with macros, compiled. ``parts`` mixes literal bytes and targets."""

    text: str
    parts: tuple[bytes | CompiledTarget, ...]

    @property
    def is_constant(self) -> bool:
        return all(isinstance(part, bytes) for part in self.parts)

    def expand(self, data: TxData, rule: object) -> bytes:
        out = []
        for part in self.parts:
            if isinstance(part, bytes):
                out.append(part)
                continue
            members = part.members(data, rule)
            if members:
                out.append(members[0][1])
        return b"".join(out)


@functools.lru_cache(maxsize=4096)
def compile_macro(text: str) -> Macro:
    parts: list[bytes | CompiledTarget] = []
    position = 0
    for match in _MACRO.finditer(text):
        if match.start() > position:
            parts.append(text[position:match.start()].encode("latin-1"))
        reference = _reference(match.group(1))
        parts.append(reference if reference is not None else match.group(0).encode("latin-1"))
        position = match.end()
    if position < len(text):
        parts.append(text[position:].encode("latin-1"))
    return Macro(text, tuple(parts))


def _reference(inner: str) -> CompiledTarget | None:
    name, dot, key = inner.partition(".")
    name = name.upper()
    if name not in READERS:
        return None
    return CompiledTarget.compile(Target(name, key if dot else None))


MacroExpander = Callable[[str], bytes]
