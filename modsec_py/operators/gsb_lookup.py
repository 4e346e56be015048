"""``@gsbLookup``: Google Safe Browsing lookup of URLs the argument's regex extracts.

modsec_py refuses SecGsbLookupDB at load, so there is never a database: v2 then logs at
level 1 "GSB lookup failed without a database.  Set SecGsbLookupDB." and does not match.
The pattern is still compiled (DOTALL | MULTILINE), as v2 checks it at load.
Example: ``SecRule RESPONSE_BODY "@gsbLookup =\\"https?\\:\\/\\/(.*?)\\"" "id:1"``.
"""

from __future__ import annotations

from modsec_py._util.pcre import compile_pcre
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, operator

NO_DATABASE = "GSB lookup failed without a database.  Set SecGsbLookupDB."


@operator("gsbLookup")
class GsbLookup(Operator):
    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._pattern = compile_pcre("(?m)" + argument)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        tx.debug(1, NO_DATABASE)
        return None

    def message(self, detail: object, var_name: str) -> str:  # pragma: no cover - never matches
        return ""
