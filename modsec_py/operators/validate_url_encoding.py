"""``@validateUrlEncoding``: matches a value whose ``%`` encoding is broken.

Every ``%`` must be followed by two hexadecimal digits; the first one that is not decides:
fewer than two bytes left gives "Not enough characters", anything else "Non-hexadecimal
digits". ``+`` and raw bytes are fine. Example: ``SecRule REQUEST_URI "@validateUrlEncoding" "id:1"``.
Match texts: ``Invalid URL Encoding: Non-hexadecimal digits used at <var>.`` and
``Invalid URL Encoding: Not enough characters at the end of input at <var>.``
"""

from __future__ import annotations

import re

from modsec_py.operators._base import Operator, OperatorTx, operator

# A '%' never sits inside a valid %XY, so v2's left-to-right scan stops at the first of these.
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_NON_HEX = ("Non-hexadecimal digits used at",)
_TOO_SHORT = ("Not enough characters at the end of input at",)


@operator("validateUrlEncoding")
class ValidateUrlEncoding(Operator):
    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if b"%" not in value:
            return None
        bad = _BAD_PERCENT.search(value)
        if bad is None:
            return None
        return _TOO_SHORT if bad.start() + 2 >= len(value) else _NON_HEX

    def message(self, detail: object, var_name: str) -> str:
        return f"Invalid URL Encoding: {detail[0]} {var_name}."  # type: ignore[index]
