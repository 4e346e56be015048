"""The SecRules Language Test Set (STS): operator and transformation cases, as bytes.

The data lives in ``../shared/testdata/secrules-language-tests/{operators,transformations}``
(owasp-modsecurity/secrules-language-tests, converted from ModSecurity 2's Perl unit tests).
:func:`load_cases` reads one kind; without the data it skips (fails under ``CI=true``), so call
it inside a test, or guard collection-time use with :func:`available`.

How a JSON string becomes bytes (the one rule, applied to ``input`` and ``output``):

1. The string is encoded as UTF-8. Characters above U+007F were typed as text: the md5 of
   ``진 마 리`` and utf8toUnicode's expected ``%u00d0%u0080`` for ``Ð\\x80`` are those of the
   UTF-8 bytes. (Several inputs are mojibake - UTF-8 bytes shown as Latin-1 characters - and
   the expected outputs were computed on their UTF-8 re-encoding; decoding them as Latin-1
   would break those cases.) A NUL written as JSON's own ``\\u0000`` escape is a NUL byte.
2. The conversion from Perl left binary bytes as *literal text*: ``\\xHH`` (two hex digits,
   any case) and ``\\uHHHH`` (four hex digits, at most 00FF) each become that one byte. This
   is one left-to-right pass; nothing else is unescaped, so ``\\n`` or ``\\0`` stay two
   characters (the inputs of escapeSeqDecode and jsDecode are escapes on purpose).

``param`` stays text (operators parse it). For operator authors: containsWord and endsWith
inputs write Perl's NUL as ``\\0``, which this rule keeps as two characters; handle those
cases where the operator tests are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SHARED, require

STS = SHARED / "testdata" / "secrules-language-tests"
_LITERAL_BYTE = re.compile(rb"\\x([0-9A-Fa-f]{2})|\\u([0-9A-Fa-f]{4})")


@dataclass(frozen=True)
class Case:
    """One STS case. ``ret``: operators, match (1) or not (0); transformations, v2's "changed" flag."""

    name: str  # as the file writes it (cmdLine.json says "cmd_line")
    param: str | None
    input: bytes
    output: bytes | None  # transformations only
    ret: int
    source: str  # "transformations/urlDecode.json#3": the file and the index of the case
    extra: dict[str, object] = field(default_factory=dict)  # other keys (re_groups, resource)

    @property
    def file_stem(self) -> str:
        return Path(self.source.split("#")[0]).stem


def available(kind: str) -> bool:
    """Whether the data for ``kind`` is there (to parametrize at collection time without skipping)."""
    return (STS / kind).is_dir()


def to_bytes(text: str) -> bytes:
    """The bytes a JSON string of the STS stands for (see the module docstring)."""

    def byte(match: re.Match[bytes]) -> bytes:
        code = int(match[1] or match[2], 16)
        if code > 0xFF:
            raise ValueError(f"STS escape {match[0]!r} is not one byte")
        return bytes((code,))

    return _LITERAL_BYTE.sub(byte, text.encode("utf-8"))


def load_cases(kind: str) -> list[Case]:
    """Every case of ``kind`` ("transformations" or "operators"), in file order."""
    if kind not in ("transformations", "operators"):
        raise ValueError(f"unknown STS kind {kind!r}")
    directory = require(STS / kind, f"the SecRules Language Test Set ({kind})")
    cases = []
    for path in sorted(directory.glob("*.json")):
        for index, raw in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            known = {"name", "param", "input", "output", "ret", "type"}
            cases.append(Case(
                name=raw["name"],
                param=raw.get("param"),
                input=to_bytes(raw["input"]),
                output=to_bytes(raw["output"]) if "output" in raw else None,
                ret=int(raw["ret"]),
                source=f"{kind}/{path.name}#{index}",
                extra={key: value for key, value in raw.items() if key not in known},
            ))
    return cases
