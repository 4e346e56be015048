"""``<Location>`` / ``<LocationMatch>`` sections: per-path configuration and rules, as v2 merges them.

v2 keeps a per-directory configuration for each section and merges it over the server's for
requests whose path the section matches: its own settings win, and with SecRuleInheritance
On (the default) the server's rules run first, minus those the section removes
(SecRuleRemoveById / ByMsg / ByTag written inside it), followed by the section's own rules.
The path is Apache's decoded, normalised ``r->uri`` (REQUEST_FILENAME). ``<Location /p>``
matches ``/p`` and anything below it (a whole path segment; ``*`` / ``?`` / ``[]`` as
wildcards), ``<LocationMatch re>`` and ``<Location ~ re>`` search the regex.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

from modsec_py._util.pcre import compile_pcre
from modsec_py.config import EngineConfig
from modsec_py.rules.ruleset import Rule, id_in_ranges
from modsec_py.seclang.loader import Scope


@dataclass(slots=True)
class PhaseRules:
    """Rules compiled for running: one list per phase and where each skipAfter target sits."""

    phases: dict[int, list]  # phase -> [CompiledRule]
    skip_after_index: dict[int, dict[str, list[int]]]


@dataclass(slots=True)
class ScopedConfig:
    kind: str
    path: str
    matches: Callable[[bytes], bool]
    config: EngineConfig
    rules: PhaseRules


def path_matcher(scope: Scope) -> Callable[[bytes], bool]:
    if scope.is_regex:
        search = compile_pcre(scope.path).search
        return lambda path: search(path) is not None
    written = scope.path.encode("latin-1")
    if any(char in scope.path for char in "*?["):
        pattern = written
        return lambda path: fnmatch.fnmatchcase(path, pattern)  # type: ignore[arg-type]
    prefix = written.rstrip(b"/") if written != b"/" else written

    def matches(path: bytes) -> bool:
        if not path.startswith(prefix):
            return False
        return len(path) == len(prefix) or prefix.endswith(b"/") or path[len(prefix):len(prefix) + 1] == b"/"

    return matches


def removed_by(scope: Scope) -> Callable[[Rule], bool]:
    """Whether a server rule is removed by the SecRuleRemove* directives written in the section."""
    from modsec_py.seclang.directives.rules import msg_matches, tag_matches

    tests: list[Callable[[Rule], object]] = []
    for directive in scope.directives:
        name = directive.name.lower()
        for argument in directive.args:
            if name == "secruleremovebyid":
                tests.append(lambda rule, ranges=argument: rule.id is not None and id_in_ranges(rule.id, ranges))
            elif name == "secruleremovebymsg":
                tests.append(msg_matches(argument))
            elif name == "secruleremovebytag":
                tests.append(tag_matches(argument))
    return lambda rule: any(test(rule) for test in tests)
