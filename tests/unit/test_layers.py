"""Lower layers never import higher ones (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "modsec_py"

# Top-level module or package of modsec_py -> its layer.
LAYERS = {
    "errors": 0, "paths": 0, "_util": 0, "__main__": 8, "collection": 1,
    "config": 1, "state": 1,
    "actions": 2, "variables": 2, "operators": 2, "transformations": 2,
    "rules": 3,
    "seclang": 4, "bodyprocessors": 4, "logging": 4, "storage": 4,
    "engine": 5,
    "connectors": 6, "admin": 6, "testing": 6, "crstest": 6,
    "cli": 7,
}


def owner(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("modsec_py"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("modsec_py"))
    return found


def test_no_module_imports_a_higher_layer() -> None:
    violations = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        mine = owner(name)
        if mine == "__init__":
            continue
        assert mine in LAYERS, f"{mine} has no layer in this test and docs/ARCHITECTURE.md"
        for imported in imports(path):
            theirs = owner(imported)
            if theirs != "__init__" and LAYERS[theirs] > LAYERS[mine]:
                violations.append(f"{name} (L{LAYERS[mine]}) imports {imported} (L{LAYERS[theirs]})")
    assert violations == []


# What connectors (L6) may import: the public API (``modsec_py``: WAF, Transaction, ...), where
# the entry file is, the error-log stream of the logging package, the saved last good rulesets
# and the file view they are loaded through, and each other.
CONNECTOR_IMPORTS = {"modsec_py", "modsec_py.paths", "modsec_py.errors", "modsec_py.logging", "modsec_py.state",
                     "modsec_py.state.rulesets", "modsec_py._util"}


def test_connectors_use_the_public_api_only() -> None:
    violations = []
    for path in (PACKAGE / "connectors").rglob("*.py"):
        for imported in imports(path):
            if imported not in CONNECTOR_IMPORTS and not imported.startswith("modsec_py.connectors"):
                violations.append(f"{path.name} imports {imported}")
    assert violations == []
