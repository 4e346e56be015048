"""``@eq``, ``@ge``, ``@gt``, ``@le``, ``@lt``: integer comparisons, as v2 makes them.

Both sides are read with C's ``atoi`` (:mod:`modsec_py._util.cnum`): leading blanks, a sign
and the longest run of digits, 0 when there is none, the value cut at its first NUL and
truncated to a 32-bit ``int``; so ``"5abc"`` is 5 and ``"abc"`` is 0. The argument is
macro-expanded per evaluation when it holds ``%{``.
Example: ``SecRule TX:ANOMALY_SCORE "@ge 5" "id:1"``.
Match text: ``Operator GE matched <argument as a number> at <var>.``
"""

from __future__ import annotations

from collections.abc import Callable

from modsec_py._util.cnum import atoi
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, has_macro, operator


def c_atoi(value: bytes) -> int:
    """``atoi`` of a byte string, fast for the plain digits rules compare most often."""
    if 0 < len(value) < 10 and value.isdigit():
        return int(value)
    return atoi(cstr(value).decode("latin-1"))


class _Compare(Operator):
    __slots__ = ("_right", "_macro", "_detail")
    label: str = ""
    holds: Callable[[int, int], bool]

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._right = atoi(argument.split("\0", 1)[0])
        self._detail = (self._right,)

    def message(self, detail: object, var_name: str) -> str:
        return f"Operator {self.label} matched {detail[0]} at {var_name}."  # type: ignore[index]


@operator("eq")
class Eq(_Compare):
    label = "EQ"

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            right = c_atoi(tx.expand(self.argument))
            return (right,) if c_atoi(value) == right else None
        return self._detail if c_atoi(value) == self._right else None


@operator("ge")
class Ge(_Compare):
    label = "GE"

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            right = c_atoi(tx.expand(self.argument))
            return (right,) if c_atoi(value) >= right else None
        return self._detail if c_atoi(value) >= self._right else None


@operator("gt")
class Gt(_Compare):
    label = "GT"

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            right = c_atoi(tx.expand(self.argument))
            return (right,) if c_atoi(value) > right else None
        return self._detail if c_atoi(value) > self._right else None


@operator("le")
class Le(_Compare):
    label = "LE"

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            right = c_atoi(tx.expand(self.argument))
            return (right,) if c_atoi(value) <= right else None
        return self._detail if c_atoi(value) <= self._right else None


@operator("lt")
class Lt(_Compare):
    label = "LT"

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            right = c_atoi(tx.expand(self.argument))
            return (right,) if c_atoi(value) < right else None
        return self._detail if c_atoi(value) < self._right else None
