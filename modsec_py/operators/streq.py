"""``@streq``: the value equals the argument (bytes, case-sensitive).

The argument is macro-expanded per evaluation when it holds ``%{``.
Example: ``SecRule REQUEST_METHOD "@streq POST" "id:1"``.
Match text: ``String match "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator


@operator("streq")
class Streq(Operator):
    __slots__ = ("_text", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._text = argument.encode("latin-1")
        self._detail = (self._text,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            text = tx.expand(self.argument)
            return (text,) if value == text else None
        return self._detail if value == self._text else None

    def message(self, detail: object, var_name: str) -> str:
        return f'String match "{log_escape(detail[0])}" at {var_name}.'  # type: ignore[index]
