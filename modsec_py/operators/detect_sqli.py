"""``@detectSQLi``: libinjection's SQL injection detection (the argument is ignored).

Calls ``modsec_py.operators.libinjection.detect_sqli(value) -> (is_sqli, fingerprint)``.
With ``capture``, TX:0 is the fingerprint (v2's ``set_match_to_tx``: TX:1-9 untouched).
Example: ``SecRule ARGS "@detectSQLi" "id:1"``.
Match text: ``detected SQLi using libinjection with fingerprint '<fingerprint>'``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, operator
from modsec_py.operators.libinjection import detect_sqli


@operator("detectSQLi")
class DetectSQLi(Operator):
    __slots__ = ("_detect",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._detect = detect_sqli

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        is_sqli, fingerprint = self._detect(value)
        if not is_sqli:
            return None
        if isinstance(fingerprint, str):
            fingerprint = fingerprint.encode("latin-1")
        fingerprint = cstr(fingerprint)
        if tx.capturing:
            tx.set_capture(0, fingerprint)
        return (fingerprint,)

    def message(self, detail: object, var_name: str) -> str:
        fingerprint = detail[0].decode("latin-1")  # type: ignore[index]
        return f"detected SQLi using libinjection with fingerprint '{fingerprint}'"
