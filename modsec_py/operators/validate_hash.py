"""``@validateHash``: checks the HMAC that SecHashEngine added to links.

modsec_py refuses ``SecHashEngine On`` at load, so hash enforcement is always off, and v2
then returns "no match" before looking at the value. The pattern is compiled as v2 does
(unless it holds ``%{``, when v2 compiles it per request).
Example: ``SecRule REQUEST_URI "@validateHash /product\\.php" "id:1"``.
"""

from __future__ import annotations

from modsec_py._util.pcre import compile_pcre
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, operator


@operator("validateHash")
class ValidateHash(Operator):
    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._pattern = None if has_macro(argument) else compile_pcre(argument)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        return None  # v2: HASH_DISABLED -> return 0

    def message(self, detail: object, var_name: str) -> str:  # pragma: no cover - never matches
        return ""
