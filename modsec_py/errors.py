"""Exceptions and source locations shared by every layer.

Configuration errors carry where they happened (file, line, the directive and the
chain of Include directives that led there), so ``configtest`` can name the place
exactly; the loader either stops at the first one or collects them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A place in a configuration file: its path and 1-based line number."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class ModsecError(Exception):
    """Root of every error modsec_py raises on purpose."""


class ItemArgumentError(ModsecError):
    """An operator, action, transformation or variable refused its argument.

    Raised by item code, which knows nothing of files; the loader adds the location.
    """

    def __init__(self, message: str, *, notes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.notes = notes


@dataclass(eq=False)
class ConfigError(ModsecError):
    """A configuration problem at a known place.

    ``notes`` are extra lines that explain the cause (e.g. which earlier rule made
    this one part of a chain); ``include_chain`` lists the Include directives, outermost
    first, that led to ``location``.
    """

    message: str
    location: SourceLocation | None = None
    directive: str = ""
    include_chain: tuple[SourceLocation, ...] = ()
    notes: tuple[str, ...] = ()
    warning: bool = field(default=False)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """``FILE:LINE: Directive: message``, then notes and the include chain, indented."""
        head = f"{self.location}: " if self.location else ""
        if self.directive:
            head += f"{self.directive}: "
        lines = [head + self.message]
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  included from {place}" for place in reversed(self.include_chain)]
        return "\n".join(lines)


class ConfigErrors(ModsecError):
    """Several configuration errors found in one load, in the order found."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__(f"{len(errors)} configuration error(s)")
        self.errors = errors

    def __iter__(self) -> Iterator[ConfigError]:
        return iter(self.errors)

    def __str__(self) -> str:
        return "\n".join(error.render() for error in self.errors)


class ErrorSink:
    """Where the loader reports problems: raise at once, or collect them all.

    ``immediate=True`` is for building a WAF at start-up (fail fast); ``configtest``
    collects every error and warning and reports them together.
    """

    def __init__(self, *, immediate: bool) -> None:
        self.immediate = immediate
        self.errors: list[ConfigError] = []
        self.warnings: list[ConfigError] = []

    def error(self, error: ConfigError) -> None:
        if self.immediate:
            raise error
        self.errors.append(error)

    def warn(self, warning: ConfigError) -> None:
        warning.warning = True
        self.warnings.append(warning)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ConfigErrors(self.errors)
