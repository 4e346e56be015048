"""The WAF: a configuration loaded and compiled once, immutable, shared by every thread.

``WAF.from_files`` / ``WAF.from_directives`` load SecLang (errors raise ``ConfigError`` at
the first problem), compile every rule for running, and index each phase for the rule loop
(``skipAfter`` targets included). ``new_transaction`` starts one request.
"""

from __future__ import annotations

from collections.abc import Iterable

from modsec_py.config import EngineConfig
from modsec_py.engine.compiled import CompiledRule, compile_rule
from modsec_py.engine.scopes import PhaseRules, ScopedConfig, path_matcher, removed_by
from modsec_py.engine.store import CollectionStore, MemoryStore
from modsec_py.engine.transaction import Transaction
from modsec_py.logging import Logs
from modsec_py.rules.ruleset import RuleSet
from modsec_py.seclang.apache_directives import header_op
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import LoadResult, Scope, load_files, load_text

PHASES = (1, 2, 3, 4, 5)


class WAF:
    """An immutable, compiled configuration. Build it once per process and share it."""

    def __init__(self, loaded: LoadResult, *, store: CollectionStore | None = None) -> None:
        self.config: EngineConfig = loaded.config
        self.loaded = loaded
        self.store = store if store is not None else MemoryStore()
        self.rules = PhaseRules(*_compile(loaded.ruleset, loaded.config))
        self.phases, self.skip_after_index = self.rules.phases, self.rules.skip_after_index
        self.scopes = [self._scoped(scope) for scope in loaded.scopes]
        # mod_headers lines of the rule files, for the connector to carry out.
        self.header_ops = tuple(header_op(d.name, d.args) for d in loaded.connector_directives)
        self.logs = Logs.from_config(self.config, loaded)

    @classmethod
    def from_files(cls, paths: Iterable[str], *, conditions: Conditions | None = None) -> WAF:
        return cls(load_files(list(paths), immediate=True, conditions=conditions))

    @classmethod
    def from_directives(cls, text: str, *, conditions: Conditions | None = None) -> WAF:
        return cls(load_text(text, immediate=True, conditions=conditions or Conditions()))

    def _scoped(self, scope: Scope) -> ScopedConfig:
        own, _index = _compile(scope.rules.ruleset, scope.config)
        phases: dict[int, list[CompiledRule]] = {}
        removed = removed_by(scope)
        for phase in PHASES:
            inherited = [rule for rule in self.phases[phase] if rule.is_marker or not removed(rule.rule)]
            phases[phase] = (inherited if scope.config.rule_inheritance else []) + own[phase]
        return ScopedConfig(scope.kind, scope.path, path_matcher(scope), scope.config,
                            PhaseRules(phases, _skip_after_index(phases)))

    def scope_for(self, path: bytes) -> ScopedConfig | None:
        """The ``<Location>`` section a request path falls in (the last one that matches), or None."""
        for scoped in reversed(self.scopes):
            if scoped.matches(path):
                return scoped
        return None

    def new_transaction(self, client_ip: str = "", client_port: int = 0, server_ip: str = "",
                        server_port: int = 0) -> Transaction:
        return Transaction(self, client_ip, client_port, server_ip, server_port)


def _compile(ruleset: RuleSet, config: EngineConfig) -> tuple[dict[int, list[CompiledRule]],
                                                               dict[int, dict[str, list[int]]]]:
    compiled: dict[int, CompiledRule] = {}
    phases: dict[int, list[CompiledRule]] = {phase: [] for phase in PHASES}
    for rule in ruleset.rules:
        starter = rule.chain_starter
        item = compile_rule(rule, config, None)
        compiled[id(rule)] = item
        if rule.is_marker:
            for phase in PHASES:
                phases[phase].append(item)
        elif starter is None:
            phases[rule.phase].append(item)
        else:
            head = compiled[id(starter)]
            item.starter = head
            item.metadata = head.metadata
            tail = head
            while tail.next is not None:
                tail = tail.next
            tail.next = item
    return phases, _skip_after_index(phases)


def _skip_after_index(phases: dict[int, list[CompiledRule]]) -> dict[int, dict[str, list[int]]]:
    index: dict[int, dict[str, list[int]]] = {}
    for phase, rules in phases.items():
        targets: dict[str, list[int]] = {}
        wanted = {rule.skip_after for rule in rules if rule.skip_after is not None}
        for position, rule in enumerate(rules):
            if rule.is_marker or rule.id in wanted:
                targets.setdefault(rule.id or "", []).append(position)
        index[phase] = targets
    return index
