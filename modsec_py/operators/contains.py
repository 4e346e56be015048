"""``@contains``: the value contains the argument (bytes, case-sensitive).

The argument is macro-expanded per evaluation when it holds ``%{``. An empty argument
matches every value. Example: ``SecRule REQUEST_LINE "@contains .php" "id:1"``.
Match text: ``String match "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator


@operator("contains")
class Contains(Operator):
    __slots__ = ("_needle", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._needle = argument.encode("latin-1")
        self._detail = (self._needle,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            needle = tx.expand(self.argument)
            return (needle,) if needle in value else None
        return self._detail if self._needle in value else None

    def message(self, detail: object, var_name: str) -> str:
        needle = detail[0]  # type: ignore[index]
        return f'String match "{log_escape(needle)}" at {var_name}.'
