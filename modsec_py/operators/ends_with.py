"""``@endsWith``: the value ends with the argument (bytes, case-sensitive).

The argument is macro-expanded per evaluation when it holds ``%{``; an empty argument
matches every value. Example: ``SecRule REQUEST_FILENAME "@endsWith .bak" "id:1"``.
Match text: ``String match "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator


@operator("endsWith")
class EndsWith(Operator):
    __slots__ = ("_suffix", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._suffix = argument.encode("latin-1")
        self._detail = (self._suffix,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            suffix = tx.expand(self.argument)
            return (suffix,) if value.endswith(suffix) else None
        return self._detail if value.endswith(self._suffix) else None

    def message(self, detail: object, var_name: str) -> str:
        return f'String match "{log_escape(detail[0])}" at {var_name}.'  # type: ignore[index]
