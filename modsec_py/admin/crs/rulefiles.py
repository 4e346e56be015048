"""Rule files read with the project's own loader: their ids, the data files they read, and
whether a combination of them loads (the machinery of ``modsec-py configtest``)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from modsec_py.errors import ConfigError
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import load_files

_DATA_OPERATORS = frozenset({"pmFromFile", "ipMatchFromFile"})
SHOWN_ERRORS = 5


@dataclass(slots=True)
class Loaded:
    errors: list[ConfigError]
    ids: dict[str, list[str]] = field(default_factory=dict)  # file -> ids of its rules (chain starters)
    data: dict[str, set[str]] = field(default_factory=dict)  # file -> data files named relative to it


def load(paths: list[str], server_root: str) -> Loaded:
    """Load ``paths`` in order, as Apache would include them one after the other."""
    result = load_files(paths, immediate=False, conditions=Conditions.from_apache(server_root),
                        server_root=server_root)
    loaded = Loaded(list(result.errors))
    for rule in result.ruleset.rules:
        where = rule.parsed.location.file if rule.parsed.location else ""
        if rule.chain_starter is None and rule.id is not None and not rule.is_marker:
            loaded.ids.setdefault(where, []).append(rule.id)
        operator = rule.parsed.operator
        if operator is not None and operator.name in _DATA_OPERATORS:
            names = {name for name in operator.argument.split() if "/" not in name}
            loaded.data.setdefault(where, set()).update(names)
    return loaded


def rule_ids(path: str, server_root: str) -> list[str]:
    """The ids of the rules in one file, in order (chained rules go with their starter's id)."""
    return load([path], server_root).ids.get(path, [])


def describe_errors(errors: list[ConfigError], what: str) -> list[str]:
    """Warnings for a combination that cannot load: the first errors, then how many in each file."""
    if not errors:
        return []
    shown = [error.render().replace("\n", "\n    ") for error in errors[:SHOWN_ERRORS]]
    more = [f"... and {len(errors) - SHOWN_ERRORS} more"] if len(errors) > SHOWN_ERRORS else []
    head = f"{what} cannot load as it is ({len(errors)} error{'s' if len(errors) != 1 else ''}):"
    return ["\n    ".join([head, *shown, *more])]


def files_with_errors(errors: list[ConfigError]) -> Counter[str]:
    return Counter(os.path.basename(error.location.file) for error in errors if error.location is not None)
