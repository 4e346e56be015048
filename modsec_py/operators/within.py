"""``@within``: the value occurs inside the argument (the reverse of ``@contains``).

The argument is macro-expanded per evaluation when it holds ``%{``. v2 quirk kept: an
empty value is "within" every argument. Example:
``SecRule REQUEST_METHOD "!@within GET HEAD POST" "id:1"`` (so ``ET H`` also passes).
Match text: ``String match within "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator


@operator("within")
class Within(Operator):
    __slots__ = ("_haystack", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._haystack = argument.encode("latin-1")
        self._detail = (self._haystack,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            haystack = tx.expand(self.argument)
            return (haystack,) if value in haystack else None
        return self._detail if value in self._haystack else None

    def message(self, detail: object, var_name: str) -> str:
        return f'String match within "{log_escape(detail[0])}" at {var_name}.'  # type: ignore[index]
