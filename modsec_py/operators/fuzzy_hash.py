"""``@fuzzyHash``: ssdeep similarity; Debian's 2.9.7 is built without ssdeep.

Without ssdeep v2 accepts any argument at load and fails every evaluation with "ModSecurity
was not compiled with ssdeep support." (the operator returns -1: the rule's processing fails
and nothing matches). modsec_py does the same.
Example: ``SecRule FILES_TMP_CONTENT "@fuzzyHash hashes.txt 90" "id:1"``.
"""

from __future__ import annotations

from modsec_py.operators._base import Operator, OperatorError, OperatorTx, operator

NOT_COMPILED = "ModSecurity was not compiled with ssdeep support."


@operator("fuzzyHash")
class FuzzyHash(Operator):
    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        raise OperatorError(NOT_COMPILED)

    def message(self, detail: object, var_name: str) -> str:  # pragma: no cover - never matches
        return NOT_COMPILED
