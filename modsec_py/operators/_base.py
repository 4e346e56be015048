"""What every operator implementation is: compiled once at load, evaluated per value.

An operator class registers itself under v2's name with :func:`operator`. Its
``__init__(argument, ctx)`` compiles the argument (the load-time checks of
:mod:`modsec_py.operators.spec` have already passed); ``evaluate(tx, value)`` runs per value
and returns ``None`` for no match or a truthy *detail* (what matched); ``message(detail,
var_name)`` builds v2's log text for a match, and is called only on matches, so the hot path
allocates nothing. Operators see the transaction only through :class:`OperatorTx`.

Where v2's operator returns -1 (an execution error: the rule stops, "Operator error: <msg>"
at level 4, "Rule processing failed" at level 1, SecInterceptOnError applies), ``evaluate``
raises :class:`OperatorError`; it costs nothing on the path that does not raise.

The helpers below copy v2's text functions that several operators share: the ``log_escape``
family (msc_util.c ``_log_escape``) and C-string truncation (v2 handles most values as
NUL-terminated strings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from modsec_py.config import EngineConfig


class OperatorTx(Protocol):
    """The narrow view of a transaction that operators may use."""

    capturing: bool  # the rule has the ``capture`` action

    def expand(self, text: str) -> bytes:
        """``text`` with its ``%{VAR.key}`` macros expanded (for arguments that contain some)."""
        ...

    def set_captures(self, groups: Sequence[bytes | None]) -> None:
        """Store TX:0..TX:9 from a match (group 0 is the whole match); only when capturing.

        Every capture variable the list does not give a value (``None``, or past its end) is
        removed, as v2 unsets TX:0-9 before storing a regex's groups.
        """
        ...

    def set_capture(self, index: int, value: bytes) -> None:
        """v2's ``set_match_to_tx``: TX:<index> = value, the other captures untouched.

        Used by @detectSQLi, @detectXSS, @rbl and @gsbLookup, only when capturing.
        """
        ...

    def pcre_limits_exceeded(self) -> None:
        """A regex hit its bound (SecPcreMatchLimit): v2 then returns "no match".

        v2 sets ``TX:MSC_PCRE_LIMITS_EXCEEDED`` to ``1`` and logs at level 3
        ``Rule <ptr> [id "<id>"][file "<file>"][line "<line>"] - Execution error - PCRE
        limits exceeded (-47): (null).``, which only the engine can write.
        """
        ...

    def xml_document(self) -> Any | None:
        """The request body parsed by the XML body processor (an lxml document), or None."""
        ...

    def request_body_error(self) -> bool:
        """REQBODY_ERROR is set (v2's ``msc_reqbody_error``)."""
        ...

    def set_geo(self, fields: Mapping[str, bytes]) -> None:
        """Replace the GEO collection with ``fields`` (names upper case); empty: clear it."""
        ...

    def debug(self, level: int, message: str) -> None:
        """Write to the debug log at v2's ``level`` (1-9), if that level is enabled."""
        ...


class OperatorError(Exception):
    """v2's operator returned -1: the rule's processing failed.

    ``message`` is the operator's error text (v2's ``error_msg``), or None where v2 leaves it
    unset (it then logs "Operator error: (null)").
    """

    def __init__(self, message: str | None) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CompileContext:
    """What an operator may use while compiling its argument."""

    rule_directory: str  # relative data files resolve here, as in v2
    config: EngineConfig | None = None  # limits, lookup databases, unicode map...
    extra: dict[str, object] = field(default_factory=dict)


class Operator:
    """Base of every operator; subclasses set ``name`` and implement ``evaluate``/``message``."""

    name: ClassVar[str] = ""

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        self.argument = argument

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        raise NotImplementedError

    def message(self, detail: object, var_name: str) -> str:
        raise NotImplementedError


_OPERATORS: dict[str, type[Operator]] = {}


def operator(*names: str) -> Callable[[type[Operator]], type[Operator]]:
    """Register an operator class under v2's name(s), looked up case-insensitively."""

    def register(cls: type[Operator]) -> type[Operator]:
        cls.name = names[0]
        for name in names:
            key = name.lower()
            if key in _OPERATORS:
                raise RuntimeError(f"operator {name} registered twice")
            _OPERATORS[key] = cls
        return cls

    return register


def get(name: str) -> type[Operator] | None:
    return _OPERATORS.get(name.lower())


def names() -> list[str]:
    return sorted({cls.name for cls in _OPERATORS.values()})


# -- v2's text helpers ---------------------------------------------------------------------

def has_macro(argument: str) -> bool:
    """v2 expands an operator argument only when it contains ``%{``."""
    return "%{" in argument


def cstr(data: bytes) -> bytes:
    """``data`` as C sees it through ``strlen``: up to the first NUL."""
    end = data.find(b"\0")
    return data if end < 0 else data[:end]


def _escape_table(quotes: bool, colon: bool, regex: bool) -> tuple[str, ...]:
    table = []
    for byte in range(256):
        char = chr(byte)
        if char == '"' and quotes or char == ":" and colon or char in "+.][()?/" and regex:
            table.append("\\" + char)
        elif char in "\b\n\r\t\v":
            table.append("\\" + "bnrtv"["\b\n\r\t\v".index(char)])
        elif char == "\\":
            table.append("\\\\")
        elif byte <= 0x1F or byte >= 0x7F:
            table.append(f"\\x{byte:02x}")
        else:
            table.append(char)
    return tuple(table)


_ESCAPE = _escape_table(quotes=True, colon=False, regex=False)
_ESCAPE_NQ = _escape_table(quotes=False, colon=False, regex=False)
_ESCAPE_RE = _escape_table(quotes=True, colon=True, regex=True)


def log_escape(data: bytes) -> str:
    """v2's ``log_escape_ex``: quotes, backslashes, controls and bytes >= 0x7f escaped.

    (v2's ``log_escape`` is the same on a C string: pass ``cstr(data)``.)
    """
    return "".join([_ESCAPE[byte] for byte in data])


def log_escape_nq(data: bytes) -> str:
    """v2's ``log_escape_nq_ex``: as :func:`log_escape`, but quotes stay as they are."""
    return "".join([_ESCAPE_NQ[byte] for byte in data])


def log_escape_re(data: bytes) -> str:
    """v2's ``log_escape_re`` (a C string): also ``: + . ] [ ( ) ? /`` get a backslash.

    ModSecurity 2.9.7 runs a macro-expanded ``@rx``/``@validateHash`` pattern (and an
    ``@rsub`` one with the ``d`` flag) through it before compiling: the whole pattern, not
    only the expanded values, as its "Escaping pattern [...]" debug line shows.
    """
    return "".join([_ESCAPE_RE[byte] for byte in cstr(data)])


def truncated(escaped: str) -> str:
    """v2's ``"%.252s ..."`` when the escaped text is longer than 252 characters."""
    return escaped if len(escaped) <= 252 else escaped[:252] + " ..."
