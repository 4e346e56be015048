"""``@verifyCC``: a regex finds candidate credit card numbers, the Luhn check confirms them.

The pattern is compiled with DOTALL | MULTILINE (not DOLLAR_ENDONLY), as v2 does. v2
searches from offset 0; a candidate that fails the check makes it search again from the
candidate's start + 1. Empty matches are not accepted (PCRE_NOTEMPTY; emulated by moving
on one byte, which differs only for patterns preferring an empty match where a longer one
exists). With ``capture``, every TX:<i> below the match's group count is the *whole* match
(v2 copies the match, not the groups) and the rest of TX:0-9 is unset.
Example: ``SecRule ARGS "@verifyCC \\d{13,16}" "id:1"``.
Match text: ``CC# match "<pattern as written>" at <var>. [offset "<start of the match>"]``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modsec_py._util.pcre import compile_pcre
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, operator
from modsec_py.operators.rx import MAX_CAPTURE_PAIRS, match_timeout, search_bounded

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn(number: bytes) -> bool:
    """v2's ``luhn_verify`` over the digits of ``number`` (other bytes skipped)."""
    sums = [0, 0]
    odd = digits = 0
    for byte in number:
        if 0x30 <= byte <= 0x39:
            digit = byte - 0x30
            sums[0] += digit if odd else _DOUBLED[digit]
            sums[1] += _DOUBLED[digit] if odd else digit
            odd = 1 - odd
            digits += 1
    return digits > 0 and sums[odd] % 10 == 0


class RegexVerifier(Operator):
    """The loop v2's @verifyCC, @verifyCPF and @verifySSN share."""

    __slots__ = ("_pattern", "_timeout")
    label = ""
    verify: Callable[[bytes], bool]

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        # v2: PCRE_DOTALL | PCRE_MULTILINE; the translation makes "$" DOLLAR_ENDONLY unless (?m)
        self._pattern = compile_pcre("(?m)" + argument)
        self._timeout = match_timeout(ctx)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        offset, total = 0, len(value)
        while offset < total:
            match: Any = search_bounded(_At(self._pattern, offset), value, self._timeout, False, tx)
            if match is None:
                return None
            if match.end() == match.start():  # PCRE_NOTEMPTY
                offset = match.start() + 1
                continue
            offset = match.start()
            if not type(self).verify(match.group()):
                offset += 1
                continue
            if tx.capturing:
                count = _group_count(match)
                if count <= MAX_CAPTURE_PAIRS:
                    tx.set_captures([match.group()] * count)
            return (offset,)
        return None

    def message(self, detail: object, var_name: str) -> str:
        return f'{self.label} match "{self.argument}" at {var_name}. [offset "{detail[0]}"]'  # type: ignore[index]


class _At:
    """A compiled pattern searched from ``offset`` (lookbehind and ``^`` still see the start)."""

    __slots__ = ("pattern", "offset")

    def __init__(self, pattern: Any, offset: int) -> None:
        self.pattern, self.offset = pattern, offset

    def search(self, value: bytes, timeout: float | None = None) -> Any:
        if timeout is None:
            return self.pattern.search(value, self.offset)
        return self.pattern.search(value, self.offset, timeout=timeout)


def _group_count(match: Any) -> int:
    for index in range(match.re.groups, 0, -1):
        if match.start(index) >= 0:
            return index + 1
    return 1


@operator("verifyCC")
class VerifyCC(RegexVerifier):
    label = "CC#"
    verify = staticmethod(luhn)
