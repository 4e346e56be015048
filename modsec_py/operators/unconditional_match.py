"""``@unconditionalMatch``: matches every value; the argument is ignored.

Example: ``SecRule REMOTE_ADDR "@unconditionalMatch" "id:1,pass,log"``.
Match text: ``Unconditional match in SecAction.`` (v2's text, also for SecRule).
"""

from __future__ import annotations

from modsec_py.operators._base import Operator, OperatorTx, operator

_MATCH = (True,)


@operator("unconditionalMatch")
class UnconditionalMatch(Operator):
    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        return _MATCH

    def message(self, detail: object, var_name: str) -> str:
        return "Unconditional match in SecAction."
