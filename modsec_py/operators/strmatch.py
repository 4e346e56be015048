"""``@strmatch``: the value contains the argument (case-sensitive), after ``parse_pm_content``.

v2 compiles the argument with ``apr_strmatch`` (Boyer-Moore-Horspool); Python's ``in`` on
bytes finds the same occurrences. The argument accepts ``|hex|`` and ``\\`` escapes (see
:func:`modsec_py.operators.pm.parse_pm_content`) and ends at a NUL; it is not macro-expanded.
Example: ``SecRule ARGS "@strmatch WebZIP" "id:1"``.
Match text: ``Pattern match "<argument as written, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, log_escape, operator
from modsec_py.operators.pm import PmContentError, parse_pm_content

_MATCH = (True,)


@operator("strmatch")
class StrMatch(Operator):
    __slots__ = ("_needle",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        try:
            self._needle = cstr(parse_pm_content(argument.encode("latin-1")))
        except PmContentError as error:
            raise ItemArgumentError(str(error)) from None

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        return _MATCH if self._needle in value else None

    def message(self, detail: object, var_name: str) -> str:
        return f'Pattern match "{log_escape(cstr(self.argument.encode("latin-1")))}" at {var_name}.'
