"""``@beginsWith``: the value starts with the argument (bytes, case-sensitive).

The argument is macro-expanded per evaluation when it holds ``%{``; an empty argument
matches every value. Example: ``SecRule REQUEST_URI "@beginsWith /admin" "id:1"``.
Match text: ``String match "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator


@operator("beginsWith")
class BeginsWith(Operator):
    __slots__ = ("_prefix", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._prefix = argument.encode("latin-1")
        self._detail = (self._prefix,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            prefix = tx.expand(self.argument)
            return (prefix,) if value.startswith(prefix) else None
        return self._detail if value.startswith(self._prefix) else None

    def message(self, detail: object, var_name: str) -> str:
        return f'String match "{log_escape(detail[0])}" at {var_name}.'  # type: ignore[index]
