"""The directive registry: every directive the loader knows, with its Apache arity.

Each directive family module registers its handlers with :func:`directive`. The loader
checks the argument count the way Apache's command table would (same wording), then
calls the handler with the parsed :class:`~modsec_py.seclang.model.Directive`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive


class Arity(enum.Enum):
    """Apache's argument kinds (``cmd_how``), checked as Apache's ``invoke_cmd`` checks them.

    Apache reads words one at a time: an empty word (``""``) counts as a missing argument,
    FLAG looks at its first word only, ITERATE stops at the first empty word.
    """

    NO_ARGS = "takes no arguments"
    TAKE1 = "takes one argument"
    TAKE2 = "takes two arguments"
    TAKE12 = "takes 1-2 arguments"
    TAKE3 = "takes three arguments"
    TAKE23 = "takes two or three arguments"
    TAKE13 = "takes one or three arguments"
    TAKE123 = "takes one, two or three arguments"
    FLAG = "must be On or Off"
    ITERATE = "requires at least one argument"
    RAW_ARGS = ""

    @property
    def complaint(self) -> str:
        return self.value

    def arguments(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The arguments the handler gets, or None when Apache would refuse the count."""
        count = len(words)
        first_given = count > 0 and words[0] != ""
        if self is Arity.RAW_ARGS:
            return words
        if self is Arity.NO_ARGS:
            return words if count == 0 else None
        if self is Arity.FLAG:
            return words[:1] if first_given and words[0].lower() in ("on", "off") else None
        if self is Arity.ITERATE:
            taken = words[:words.index("")] if "" in words else words
            return taken or None
        if self is Arity.TAKE1:
            return words if count == 1 and first_given else None
        if self is Arity.TAKE2:
            return words if count == 2 and all(words) else None
        if self is Arity.TAKE3:
            return words if count == 3 and all(words) else None
        if self is Arity.TAKE12:
            return words if 1 <= count <= 2 and first_given else None
        if self is Arity.TAKE23:
            return words if 2 <= count <= 3 and all(words[:2]) else None
        if self is Arity.TAKE13:
            return words if count in (1, 3) and first_given else None
        return words if 1 <= count <= 3 and first_given else None  # TAKE123


class Support(enum.Enum):
    """How modsec_py treats a directive (see docs/DEVIATIONS.md for the no-ops and refusals)."""

    IMPLEMENTED = "implemented"
    NOOP = "accepted, no effect"  # cannot change a verdict or a log; warns
    REFUSED = "refused"  # would change detection and is not supported: load error


class DirectiveArgumentError(Exception):
    """A handler refused a directive's value; the loader adds file:line and the name."""

    def __init__(self, message: str, *, notes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.notes = notes


Handler = Callable[["LoadState", "Directive"], None]


@dataclass(frozen=True, slots=True)
class DirectiveSpec:
    name: str
    arity: Arity
    help: str
    handler: Handler
    support: Support = Support.IMPLEMENTED
    reason: str = ""  # why a NOOP / REFUSED directive is so (shown to the user)


_DIRECTIVES: dict[str, DirectiveSpec] = {}


def directive(
    name: str, arity: Arity, help: str, *, support: Support = Support.IMPLEMENTED, reason: str = ""
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``name`` (looked up case-insensitively, as Apache does)."""

    def register(handler: Handler) -> Handler:
        key = name.lower()
        if key in _DIRECTIVES:
            raise RuntimeError(f"directive {name} registered twice")
        _DIRECTIVES[key] = DirectiveSpec(name, arity, help, handler, support, reason)
        return handler

    return register


def get(name: str) -> DirectiveSpec | None:
    return _DIRECTIVES.get(name.lower())


def names() -> list[str]:
    return sorted(spec.name for spec in _DIRECTIVES.values())
