"""``@noMatch``: never matches; the argument is ignored.

Example: ``SecRule ARGS "@noMatch" "id:1,pass,setvar:tx.seen=1"`` (the actions never run).
v2 sets the text "No match." without ever using it.
"""

from __future__ import annotations

from modsec_py.operators._base import Operator, OperatorTx, operator


@operator("noMatch")
class NoMatch(Operator):
    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        return None

    def message(self, detail: object, var_name: str) -> str:
        return "No match."
