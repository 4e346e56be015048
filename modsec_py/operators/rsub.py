"""``@rsub``: regex substitution in the streamed bodies (``s/regex/replacement/[flags]``).

v2 applies it only to STREAM_INPUT_BODY and STREAM_OUTPUT_BODY (for other variables it
returns -1, "Operator rsub only works with STREAM_* variables"): the engine decides where it
runs and writes :attr:`RsubResult.value` back into the stream. It always matches ("Operator
rsub succeeded.").

As v2 does: the pattern and the replacement are split at unescaped delimiters, ``\\/`` is
unescaped in both, the replacement goes through ``parse_pm_content`` (``|hex|``); flags
``i`` (caseless) and ``d`` (escape a macro-expanded pattern with ``log_escape_re``). The
pattern is compiled with Apache's ``ap_pregcomp`` (PCRE; modsec_py: :mod:`modsec_py._util.pcre`)
unless it holds ``%{``: then it is expanded per evaluation, without ``i``, and an empty
result is an operator error. ``\\1``-``\\9`` in the replacement insert groups. The value is
a C string (it ends at its first NUL), and each search starts on the rest of it as a new
string, so ``^`` matches after every substitution (``s/^a/b/`` turns ``aaa`` into ``bbb``).
Deviation: where v2 loops forever on an empty match, modsec_py copies one byte and goes on.
Example: ``SecRule STREAM_OUTPUT_BODY "@rsub s/password/********/" "id:1,phase:4,pass"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modsec_py._util.pcre import PcreError, compile_pcre
from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import (
    CompileContext,
    Operator,
    OperatorError,
    OperatorTx,
    cstr,
    has_macro,
    log_escape_re,
    operator,
)
from modsec_py.operators.pm import PmContentError, parse_pm_content

STREAM_VARIABLES = ("STREAM_INPUT_BODY", "STREAM_OUTPUT_BODY")


@dataclass(frozen=True, slots=True)
class RsubResult:
    """The rewritten value (v2 then replaces the stream with it)."""

    value: bytes


def split_rsub(argument: str) -> tuple[str, str, str]:
    """(pattern, replacement, flags) of ``s<d>pattern<d>replacement<d>flags`` as v2 splits it."""
    text = [*argument, "\0", "\0", "\0"]
    delimiter = text[1]
    if argument[:1].lower() != "s" or delimiter == "\0":
        raise ItemArgumentError("Error rsub operator format - must be s/regex/str/[flags]")

    def scan(i: int) -> int:
        if text[i] == delimiter:
            return i
        while text[i] != "\0":
            if text[i] == delimiter and text[i - 1] != "\\":
                return i - 1
            i += 1
        return i

    end = scan(2)
    if text[end] == "\0":
        raise ItemArgumentError("Error rsub operator format - must be s/regex/str/[flags]")
    text[end + 1] = "\0"
    pattern = "".join(text[2:end + 1]) if text[2] != "\0" else ""
    start = end + 2
    end = scan(start)
    flags = ""
    if text[end] != "\0":
        text[end + 1] = "\0"
        flags = "".join(text[end + 2:text.index("\0", end + 2)])
    replacement = "".join(text[start:text.index("\0", start)])
    return pattern.split("\0", 1)[0], replacement, flags


def remove_slash_escapes(text: str) -> str:
    """param_remove_escape: ``\\/`` becomes ``/``, other backslashes stay."""
    return text.replace("\\/", "/")


@operator("rsub")
class Rsub(Operator):
    __slots__ = ("_pattern", "_broken", "_source", "_replacement", "_caseless", "_escape", "_macro_replacement")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        pattern, replacement, flags = split_rsub(argument)
        try:
            self._replacement = cstr(parse_pm_content(remove_slash_escapes(replacement).encode("latin-1")))
        except PmContentError:
            raise ItemArgumentError("Error rsub operator parsing input data") from None
        self._caseless = "i" in flags.lower()
        self._escape = "d" in flags.lower()
        self._source = remove_slash_escapes(pattern)
        self._macro_replacement = b"%{" in self._replacement
        self._pattern: Any = None
        self._broken = False
        if not has_macro(self._source):
            try:
                self._pattern = compile_pcre(self._source, caseless=self._caseless)
            except PcreError:  # v2 does not check it at load: the rule fails when it runs
                self._broken = True

    def substitute(self, tx: OperatorTx, value: bytes) -> bytes:
        pattern = self._pattern
        if self._broken:
            raise OperatorError("Internal Error: regex data is null.")
        if pattern is None:
            expanded = tx.expand(self._source)
            source = log_escape_re(expanded) if self._escape else cstr(expanded).decode("latin-1")
            if self._escape:
                tx.debug(6, f"Escaping pattern [{source}]")
            if not source:
                raise OperatorError("Internal Error: regex data is null.")
            try:
                pattern = compile_pcre(source)
            except PcreError:
                raise OperatorError("Internal Error: regex data is null.") from None
        replacement = self._replacement
        if self._macro_replacement:
            replacement = tx.expand(replacement.decode("latin-1"))
        rest = cstr(value)
        out = bytearray()
        while True:
            match = pattern.search(rest)
            if match is None:
                break
            out += rest[:match.start()]
            out += _expand_groups(replacement, match)
            if match.end() == match.start():  # v2 would loop forever here
                out += rest[match.end():match.end() + 1]
                rest = rest[match.end() + 1:]
                if not rest:
                    break
            else:
                rest = rest[match.end():]
        out += rest
        return bytes(out)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        return RsubResult(self.substitute(tx, value))

    def message(self, detail: object, var_name: str) -> str:
        return "Operator rsub succeeded."


def _expand_groups(replacement: bytes, match: Any) -> bytes:
    """v2's copy loop: ``\\1``-``\\9`` insert a group (empty when unset), all else is literal."""
    if b"\\" not in replacement:
        return replacement
    out = bytearray()
    i, size = 0, len(replacement)
    while i < size:
        byte = replacement[i]
        if byte == 0x5C and i + 1 < size and 0x31 <= replacement[i + 1] <= 0x39:
            index = replacement[i + 1] - 0x30
            if index <= match.re.groups:
                out += match.group(index) or b""
            i += 2
        else:
            out.append(byte)
            i += 1
    return bytes(out)
