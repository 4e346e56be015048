"""Every rule of CRS 2.2.9, 3.3.4 and 4.28.0 prints back from its parsed structure and re-parses equal."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from modsec_py.errors import ItemArgumentError, SourceLocation
from modsec_py.rules.model import RuleKind
from modsec_py.seclang.directives.rules import parse_rule_directive
from modsec_py.seclang.lexer import logical_lines, split_arguments, split_directive
from modsec_py.seclang.model import Directive
from modsec_py.seclang.printer import format_rule
from tests.conftest import DEBIAN_CRS, SHARED, require

CRS_SETS = {
    "2.2.9": ("crs/v2.2.9", ["modsecurity_crs_10_setup.conf.example", "base_rules/*.conf",
                             "optional_rules/*.conf", "experimental_rules/*.conf", "slr_rules/*.conf"]),
    "4.28.0": ("crs/v4.28.0", ["crs-setup.conf.example", "rules/*.conf"]),
}


def crs_files(version: str) -> list[str]:
    if version == "3.3.4":
        root = require(DEBIAN_CRS / "rules", "Debian's modsecurity-crs package (CRS 3.3.4)")
        return ["/etc/modsecurity/crs/crs-setup.conf", *sorted(glob.glob(str(root / "*.conf")))]
    directory, patterns = CRS_SETS[version]
    root = require(SHARED / directory, f"CRS {version} test data")
    return [path for pattern in patterns for path in sorted(glob.glob(str(root / pattern)))]


def rule_directives(path: str) -> list[Directive]:
    text = Path(path).read_bytes().decode("latin-1")
    found = []
    for line in logical_lines(text):
        name, rest = split_directive(line.text)
        if name.lower() in ("secrule", "secaction", "secmarker"):
            found.append(Directive(name, tuple(split_arguments(rest)), SourceLocation(path, line.first_line)))
    return found


@pytest.mark.parametrize("version", ["2.2.9", "3.3.4", "4.28.0"])
def test_every_rule_parses_and_round_trips(version: str) -> None:
    checked, lua = 0, 0
    for path in crs_files(version):
        for directive in rule_directives(path):
            try:
                parsed = parse_rule_directive(directive)
            except ItemArgumentError as error:  # exec:*.lua is refused by design (no Lua)
                assert "does not run Lua scripts" in error.message, f"{directive.location}: {error}"
                lua += 1
                continue
            printed = format_rule(parsed)
            name, rest = split_directive(printed)
            again = parse_rule_directive(Directive(name, tuple(split_arguments(rest)), directive.location))
            assert again.structure() == parsed.structure(), f"{directive.location}: {printed}"
            checked += parsed.kind is not RuleKind.MARKER
    assert checked > {"2.2.9": 1000, "3.3.4": 500, "4.28.0": 500}[version]
    assert lua == (5 if version == "2.2.9" else 0)
