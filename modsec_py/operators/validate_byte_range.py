"""``@validateByteRange``: matches when the value holds a byte outside the allowed ranges.

The argument is a comma-separated list of byte values and ranges (``0-31,127``), each read
with ``atoi`` as v2 does (so ``xxx`` allows byte 0 only, and an empty argument allows
nothing). The load-time checks are :mod:`modsec_py.operators.spec`'s.
Example: ``SecRule ARGS "@validateByteRange 32-126" "id:1"``.
Match text: ``Found <n> byte(s) in <var> outside range: <argument>.``
"""

from __future__ import annotations

import re

from modsec_py._util.cnum import atoi
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, operator


def allowed_bytes(argument: str) -> bytes:
    """The bytes v2's table allows (the argument already passed v2's checks)."""
    allowed = bytearray(256)
    for item in argument.split(","):
        if not item:
            continue
        dash = item.find("-")
        if dash < 0:
            allowed[atoi(item)] = 1
        else:
            for byte in range(atoi(item), atoi(item[dash + 1:]) + 1):
                allowed[byte] = 1
    return bytes(byte for byte in range(256) if allowed[byte])


@operator("validateByteRange")
class ValidateByteRange(Operator):
    __slots__ = ("_allowed", "_outside")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._allowed = allowed_bytes(argument)
        outside = bytes(sorted(set(range(256)) - set(self._allowed)))
        # One compiled class of the forbidden bytes: search() allocates nothing when none is found.
        self._outside = None if not outside else re.compile(
            b"[" + b"".join(b"\\x%02x" % byte for byte in outside) + b"]")

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._outside is None or self._outside.search(value) is None:
            return None
        return (len(value.translate(None, self._allowed)),)

    def message(self, detail: object, var_name: str) -> str:
        return f"Found {detail[0]} byte(s) in {var_name} outside range: {self.argument}."  # type: ignore[index]
