"""``@detectXSS``: libinjection's cross-site scripting detection (the argument is ignored).

Calls ``modsec_py.operators.libinjection.detect_xss(value) -> bool``. With ``capture``,
TX:0 is the value up to its first NUL (v2's ``set_match_to_tx``: TX:1-9 untouched).
Example: ``SecRule ARGS "@detectXSS" "id:1"``.
Match text: ``detected XSS using libinjection.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, operator
from modsec_py.operators.libinjection import detect_xss

_MATCH = (True,)


@operator("detectXSS")
class DetectXSS(Operator):
    __slots__ = ("_detect",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._detect = detect_xss

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if not self._detect(value):
            return None
        if tx.capturing:
            tx.set_capture(0, cstr(value))
        return _MATCH

    def message(self, detail: object, var_name: str) -> str:
        return "detected XSS using libinjection."
