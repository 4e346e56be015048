"""A fake :class:`~modsec_py.operators._base.OperatorTx` for testing operators alone.

It records what operators do: TX variables (captures and MSC_PCRE_LIMITS_EXCEEDED), the GEO
collection, debug lines; ``macros`` maps ``VAR.key`` names (any case) to what ``%{...}``
expands to. Example::

    tx = FakeTx(capturing=True)
    op = get("rx")("(a)(b)", CompileContext("/tmp"))
    assert op.evaluate(tx, b"xab") and tx.captures() == [b"ab", b"a", b"b"]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_MACRO = re.compile(r"%\{([^}]*)\}")


class FakeTx:
    """Implements every method of OperatorTx, keeping the effects in plain attributes."""

    def __init__(self, *, capturing: bool = False, macros: Mapping[str, bytes] | None = None,
                 xml: Any | None = None, reqbody_error: bool = False, variable_name: str = "ARGS:test") -> None:
        self.capturing = capturing
        self.macros = {name.upper(): value for name, value in (macros or {}).items()}
        self.tx: dict[str, bytes] = {}  # TX collection: "0".."9", "MSC_PCRE_LIMITS_EXCEEDED"
        self.geo: dict[str, bytes] = {}
        self.debug_lines: list[tuple[int, str]] = []
        self.pcre_limit_hits = 0
        self.xml = xml
        self.reqbody_error = reqbody_error
        self.variable_name = variable_name

    # -- OperatorTx ----------------------------------------------------------------------
    def expand(self, text: str) -> bytes:
        def value(match: re.Match[str]) -> str:
            return self.macros.get(match.group(1).upper(), b"").decode("latin-1")

        return _MACRO.sub(value, text).encode("latin-1")

    def set_captures(self, groups: Sequence[bytes | None]) -> None:
        for index in range(10):
            self.tx.pop(str(index), None)
        for index, group in enumerate(groups):
            if group is not None:
                self.tx[str(index)] = group

    def set_capture(self, index: int, value: bytes) -> None:
        self.tx[str(index)] = value

    def pcre_limits_exceeded(self) -> None:
        self.pcre_limit_hits += 1
        self.tx["MSC_PCRE_LIMITS_EXCEEDED"] = b"1"

    def xml_document(self) -> Any | None:
        return self.xml

    def request_body_error(self) -> bool:
        return self.reqbody_error

    def set_geo(self, fields: Mapping[str, bytes]) -> None:
        self.geo = dict(fields)

    def debug(self, level: int, message: str) -> None:
        self.debug_lines.append((level, message))

    # -- for assertions ------------------------------------------------------------------
    def captures(self) -> list[bytes]:
        """TX:0, TX:1, ... up to the first one not set."""
        found = []
        index = 0
        while str(index) in self.tx:
            found.append(self.tx[str(index)])
            index += 1
        return found
