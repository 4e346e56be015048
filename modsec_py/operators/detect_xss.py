"""``@detectXSS``: libinjection's cross-site scripting detection (the argument is ignored).

Calls ``modsec_py.operators.libinjection.detect_xss(value) -> bool``. With ``capture``,
TX:0 is the value up to its first NUL (v2's ``set_match_to_tx``: TX:1-9 untouched).
Example: ``SecRule ARGS "@detectXSS" "id:1"``.
Match text: ``detected XSS using libinjection.``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modsec_py.operators._base import CompileContext, Operator, OperatorError, OperatorTx, cstr, operator

_MATCH = (True,)


def _missing(value: bytes) -> Any:
    raise OperatorError("libinjection is not available")


def _load() -> Callable[[bytes], Any]:
    try:
        from modsec_py.operators.libinjection import detect_xss
    except ImportError:  # the port is not there yet: fail the rule, not the configuration
        return _missing
    return detect_xss


@operator("detectXSS")
class DetectXSS(Operator):
    __slots__ = ("_detect",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._detect = _load()

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if not self._detect(value):
            return None
        if tx.capturing:
            tx.set_capture(0, cstr(value))
        return _MATCH

    def message(self, detail: object, var_name: str) -> str:
        return "detected XSS using libinjection."
