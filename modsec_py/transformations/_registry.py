"""The transformation registry: v2 names (case-insensitive) to ``bytes -> bytes`` functions.

A transformation module registers its function with :func:`transformation`; the package
``__init__`` imports every module explicitly. Values are bytes; a function returns the
*input object itself* when it changes nothing, so callers can test ``result is value``.

v2's execute functions also return a flag, "changed" (``rval``), which decides whether a
``multiMatch`` rule runs its operator again and what the transformation cache records. For
most transformations it is exactly ``result != value``; the others register their own
:data:`ChangedFlag` (``always``, ``non_empty`` or a specific one), and :func:`changed`
answers for any name. Only ``multiMatch`` needs it, so it is computed on demand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "ChangedFlag", "Transformation", "always", "changed", "changed_flag", "differs", "get", "names",
    "non_empty", "transformation",
]

Transformation = Callable[[bytes], bytes]
ChangedFlag = Callable[[bytes, bytes], bool]  # (value before, value after) -> v2's rval
_Function = TypeVar("_Function", bound=Transformation)


def differs(before: bytes, after: bytes) -> bool:
    """The flag of most v2 transformations: the value changed."""
    return after is not before and after != before


def always(before: bytes, after: bytes) -> bool:
    """v2 returns 1 whatever happened (length, md5, sha1, hexDecode, hexEncode, sqlHexDecode, cmdline)."""
    return True


def non_empty(before: bytes, after: bytes) -> bool:
    """v2 returns ``rval_len ? 1 : 0`` (the base64 transformations)."""
    return bool(after)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str  # v2's spelling
    function: Transformation
    changed: ChangedFlag


_ENTRIES: dict[str, _Entry] = {}


def transformation(*spellings: str, changed: ChangedFlag = differs) -> Callable[[_Function], _Function]:
    """Register the decorated function under each of v2's ``spellings`` (looked up case-insensitively)."""

    def register(function: _Function) -> _Function:
        for spelling in spellings:
            key = spelling.lower()
            if key in _ENTRIES:
                raise RuntimeError(f"transformation {spelling} registered twice")
            _ENTRIES[key] = _Entry(spelling, function, changed)
        return function

    return register


def get(name: str) -> Transformation | None:
    """The function of transformation ``name`` (any case), or None (also for ``none``)."""
    entry = _ENTRIES.get(name.lower())
    return entry.function if entry else None


def names() -> list[str]:
    """Every registered name in v2's spelling, in registration order."""
    return [entry.name for entry in _ENTRIES.values()]


def changed_flag(name: str) -> ChangedFlag | None:
    """How transformation ``name`` computes v2's "changed" flag, or None if unknown."""
    entry = _ENTRIES.get(name.lower())
    return entry.changed if entry else None


def changed(name: str, before: bytes, after: bytes) -> bool:
    """v2's "changed" flag for transformation ``name`` having turned ``before`` into ``after``."""
    return _ENTRIES[name.lower()].changed(before, after)
