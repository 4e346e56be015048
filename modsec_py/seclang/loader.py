"""Read SecLang files the way Apache + ModSecurity 2.9 read them, and build the configuration.

The loader walks files (``Include`` / ``IncludeOptional`` with globs, directories and the
include chain), evaluates ``<IfModule>`` / ``<IfDefine>`` / ``<IfFile>`` blocks, checks
each directive's argument count as Apache's command table would, and hands it to the
directive's handler. Errors either stop the load at once (start-up) or are all collected
(``configtest``); either way each names file:line, the directive and the include chain.

Relative ``Include`` paths resolve against the including file's directory, then against
Apache's ServerRoot (``/etc/apache2``), which is where Apache alone would look.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import glob
import os
from dataclasses import dataclass, field

from modsec_py._util import sources
from modsec_py.config import EngineConfig
from modsec_py.errors import ConfigError, ErrorSink, ItemArgumentError, SourceLocation
from modsec_py.rules.ruleset import RuleSet, RuleSetBuilder
from modsec_py.seclang import directives as _directives  # noqa: F401  (registers every directive)
from modsec_py.seclang.apache_directives import MODULE_OF, check_connector_directive
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, get, names
from modsec_py.seclang.lexer import logical_lines, split_arguments, split_directive
from modsec_py.seclang.model import Directive

DEFAULT_SERVER_ROOT = "/etc/apache2"
_CONDITIONAL = ("ifmodule", "ifdefine", "iffile")
_SCOPES = ("location", "locationmatch")
# Apache directives that rule files carry and that the connector carries out.
CONNECTOR_DIRECTIVES = frozenset(MODULE_OF)
_APACHE_DIRECTIVES = frozenset({
    "loadmodule", "servername", "serverroot", "listen", "documentroot", "errorlog", "customlog",
    "loglevel", "setenv", "setenvif", "rewriteengine", "rewriterule", "rewritecond", "alias",
    "options", "allowoverride", "require", "define", "undefine", "wsgiscriptalias", "wsgidaemonprocess",
})


@dataclass(slots=True)
class Scope:
    """A ``<Location>`` / ``<LocationMatch>`` section: settings and rules for matching URL paths.

    ``directives`` keeps what was written inside, so the engine can merge it over the final
    main configuration the way v2 merges a per-directory context.
    """

    kind: str
    path: str
    is_regex: bool
    opened: SourceLocation
    config: EngineConfig
    rules: RuleSetBuilder
    directives: list[Directive] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    name: str
    active: bool
    opened: SourceLocation
    scope: Scope | None = None


@dataclass(slots=True)
class LoadResult:
    config: EngineConfig
    ruleset: RuleSet
    files: list[str]
    errors: list[ConfigError]
    warnings: list[ConfigError]
    connector_directives: list[Directive] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)


class LoadState:
    """What handlers see while a configuration is read."""

    def __init__(self, sink: ErrorSink, conditions: Conditions, server_root: str) -> None:
        self._main_config = EngineConfig()
        self._main_rules = RuleSetBuilder()
        self.scopes: list[Scope] = []
        self._scope: Scope | None = None
        self.sink = sink
        self.conditions = conditions
        self.server_root = server_root
        self.files: list[str] = []
        self.connector_directives: list[Directive] = []
        self._reading: list[str] = []

    @property
    def config(self) -> EngineConfig:
        """The configuration directives apply to: the main one, or the open <Location>'s."""
        return self._scope.config if self._scope is not None else self._main_config

    @property
    def rules(self) -> RuleSetBuilder:
        return self._scope.rules if self._scope is not None else self._main_rules

    def warn(self, directive: Directive, message: str, *, notes: tuple[str, ...] = ()) -> None:
        self.sink.warn(ConfigError(message, directive.location, directive.name, directive.include_chain, notes))

    def error(self, directive: Directive, message: str, *, notes: tuple[str, ...] = ()) -> None:
        if directive.last_line > directive.location.line:
            notes = (*notes, f"the directive spans lines {directive.location.line}-{directive.last_line}; "
                             f"Apache reports it at line {directive.last_line}")
        self.sink.error(ConfigError(message, directive.location, directive.name, directive.include_chain, notes))

    # -- files -----------------------------------------------------------------------------
    def read_file(self, path: str, chain: tuple[SourceLocation, ...] = ()) -> None:
        real = os.path.realpath(path)
        if real in self._reading:
            where = chain[-1] if chain else None
            self.sink.error(ConfigError(f"Include loop: {path} is already being read", where, "Include",
                                        chain[:-1]))
            return
        text = sources.read(path).decode("latin-1")
        self.files.append(path)
        self._reading.append(real)
        try:
            self.read_text(text, path, chain)
        finally:
            self._reading.pop()

    def read_text(self, text: str, filename: str, chain: tuple[SourceLocation, ...] = ()) -> None:
        blocks: list[_Block] = []
        for line in logical_lines(text):
            location = SourceLocation(filename, line.first_line)
            name, rest = split_directive(line.text)
            lowered = name.lower()
            active = all(block.active for block in blocks)
            if lowered.startswith("</"):
                self._close_block(blocks, name, location, chain)
                continue
            if lowered.startswith("<"):
                block = self._open_block(name, rest, location, chain, active)
                if block is not None:
                    blocks.append(block)
                continue
            if not active:
                continue
            directive = Directive(name, tuple(split_arguments(rest)), location, chain, line.last_line)
            if self._scope is not None:
                self._scope.directives.append(directive)
            self.dispatch(directive)
        for block in blocks:
            if block.scope is not None:
                self._scope = None
            self.sink.warn(ConfigError(f"<{block.name}> opened here is not closed before the end of the file",
                                       block.opened, f"<{block.name}>", chain))

    def _open_block(self, name: str, rest: str, location: SourceLocation, chain: tuple[SourceLocation, ...],
                    enclosing_active: bool) -> _Block | None:
        block = name[1:].rstrip(">")
        lowered = block.lower()
        text = (name[1:] + (" " + rest if rest else "")).strip()
        where = (location, f"<{block}>", chain)
        if not text.endswith(">"):
            self.sink.error(ConfigError(f"<{block}> directive missing closing '>'", *where))
            return None
        words = split_arguments(text[len(block):-1])
        if not enclosing_active:
            return _Block(block, False, location)
        if lowered in _SCOPES:
            return self._open_scope(block, words, location, chain)
        if lowered not in _CONDITIONAL:
            self.sink.error(ConfigError(
                f"Apache section <{block}> cannot appear in a file modsec_py reads; per-site settings go "
                "in their own SecLang entry file, named in Apache's configuration", *where))
            return _Block(block, False, location)
        if len(words) != 1:
            self.sink.error(ConfigError(f"<{block}> takes one argument", *where))
            return _Block(block, False, location)
        if lowered == "ifmodule":
            return _Block(block, self.conditions.if_module(words[0]), location)
        if lowered == "ifdefine":
            return _Block(block, self.conditions.if_define(words[0]), location)
        return _Block(block, Conditions.if_file(words[0], self.server_root), location)

    def _open_scope(self, block: str, words: list[str], location: SourceLocation,
                    chain: tuple[SourceLocation, ...]) -> _Block:
        """``<Location>`` / ``<LocationMatch>``: a context of its own, as in v2 (fresh
        SecDefaultAction, chain and id table; settings start from the enclosing ones)."""
        where = (location, f"<{block}>", chain)
        is_regex = block.lower() == "locationmatch" or (len(words) == 2 and words[0] == "~")
        path = words[-1] if words else ""
        if not words or len(words) > (2 if is_regex and block.lower() == "location" else 1):
            self.sink.error(ConfigError(f"<{block}> takes one argument, a URL path", *where))
            return _Block(block, False, location)
        if self._scope is not None:
            self.sink.error(ConfigError(f"<{block}> cannot be nested in <{self._scope.kind}> (opened at "
                                        f"{self._scope.opened})", *where))
            return _Block(block, False, location)
        if is_regex:
            from modsec_py._util.pcre import PcreError, compile_pcre

            try:
                compile_pcre(path)
            except PcreError as error:
                self.sink.error(ConfigError(f"Regex could not be compiled: {error.message}", *where))
                return _Block(block, False, location)
        scope = Scope(block, path, is_regex, location, copy.deepcopy(self._main_config), RuleSetBuilder())
        self.scopes.append(scope)
        self._scope = scope
        return _Block(block, True, location, scope)

    def _close_block(self, blocks: list[_Block], name: str, location: SourceLocation,
                     chain: tuple[SourceLocation, ...]) -> None:
        block = name[2:].rstrip(">")
        if not blocks or blocks[-1].name.lower() != block.lower():
            self.sink.error(ConfigError(f"</{block}> without matching <{block}> section", location,
                                        f"</{block}>", chain))
            return
        if blocks.pop().scope is not None:
            self._scope = None

    # -- directives ----------------------------------------------------------------------
    def dispatch(self, directive: Directive) -> None:
        lowered = directive.name.lower()
        if lowered in ("include", "includeoptional"):
            self._include(directive, optional=lowered == "includeoptional")
            return
        if lowered in CONNECTOR_DIRECTIVES:
            problem = check_connector_directive(directive.name, directive.args, self.conditions)
            if problem is not None:
                missing_module = problem.startswith("Invalid command")
                notes = ("enable mod_headers (a2enmod headers), as for ModSecurity",) if missing_module else ()
                self.error(directive, problem, notes=notes)
                return
            self.connector_directives.append(directive)
            return
        spec = get(directive.name)
        if spec is None:
            self._unknown(directive)
            return
        arguments = spec.arity.arguments(directive.args)
        if arguments is None:
            complaint = f"{spec.name} {spec.arity.complaint}"
            with_help = spec.help and spec.arity is not Arity.FLAG and spec.arity is not Arity.NO_ARGS
            self.error(directive, f"{complaint}, {spec.help}" if with_help else complaint)
            return
        if arguments != directive.args:
            directive = dataclasses.replace(directive, args=arguments)
        try:
            spec.handler(self, directive)
        except (DirectiveArgumentError, ItemArgumentError) as problem:
            self.error(directive, problem.message, notes=problem.notes)
            return
        if spec.support is Support.NOOP:
            self.warn(directive, f"{spec.name} has no effect in modsec_py: {spec.reason}")

    def _unknown(self, directive: Directive) -> None:
        lowered = directive.name.lower()
        if lowered in _APACHE_DIRECTIVES:
            self.error(directive, f"{directive.name} is an Apache directive: it belongs in Apache's "
                                  "configuration, not in a SecLang file that modsec_py reads")
            return
        message = (f"Invalid command '{directive.name}', perhaps misspelled or defined by a module "
                   "not included in the server configuration")
        close = difflib.get_close_matches(directive.name, names(), n=1, cutoff=0.8)
        self.error(directive, message, notes=(f"did you mean {close[0]}?",) if close else ())

    def _include(self, directive: Directive, *, optional: bool) -> None:
        if len(directive.args) != 1:
            self.error(directive, f"{directive.name} takes one argument, Name(s) of the config file(s) to be "
                                  "included; fails if the wildcard does not match at least one file")
            return
        pattern = directive.args[0]
        chain = (*directive.include_chain, directive.location)
        candidates = [pattern] if os.path.isabs(pattern) else [
            os.path.join(directive.directory, pattern), os.path.join(self.server_root, pattern)]
        problems = []
        for candidate in candidates:
            paths, problem = _expand(candidate)
            problems.append(problem)
            if paths:
                for path in paths:
                    try:
                        self.read_file(path, chain)
                    except OSError as error:
                        self.error(directive, f"Could not open configuration file {path}: {error.strerror}")
                return
        if not optional:
            also = (f"also looked for {candidates[1]} (relative to ServerRoot)",) if len(candidates) > 1 else ()
            self.error(directive, problems[0], notes=also)


def _expand(pattern: str) -> tuple[list[str], str]:
    """Files an Include pattern names (sorted, directories read recursively), or why none."""
    if not glob.has_magic(pattern):
        if sources.isdir(pattern):
            return _directory_files(pattern), f"Include/IncludeOptional: no files in directory {pattern}"
        if sources.exists(pattern):
            return [pattern], ""
        return [], f"Could not open configuration file {pattern}: No such file or directory"
    directory, wildcard = os.path.split(pattern)
    if not glob.has_magic(directory) and not sources.isdir(directory):
        return [], f"Include/IncludeOptional: Could not open directory {directory}: No such file or directory"
    files: list[str] = []
    for match in sources.glob(pattern):
        files.extend(_directory_files(match) if sources.isdir(match) else [match])
    return files, f"Include/IncludeOptional: No matches for the wildcard '{wildcard}' in '{directory}', failing"


def _directory_files(directory: str) -> list[str]:
    files: list[str] = []
    for entry in sources.listdir(directory):
        path = os.path.join(directory, entry)
        files.extend(_directory_files(path) if sources.isdir(path) else [path])
    return files


def _finish(state: LoadState) -> LoadResult:
    state._scope = None
    builders = [state.rules, *(scope.rules for scope in state.scopes)]
    unresolved = [pair for builder in builders for pair in builder.unresolved_skip_after()]
    for rule, target in unresolved:
        parsed = rule.parsed
        state.sink.warn(ConfigError(
            f"skipAfter:{target} (rule id {rule.id}): no SecMarker or rule with id {target} follows in "
            f"phase {rule.phase}; ModSecurity then skips every remaining rule of the phase",
            parsed.location, parsed.kind.value, parsed.include_chain))
    return LoadResult(state.config, state.rules.ruleset, state.files, state.sink.errors, state.sink.warnings,
                      state.connector_directives, state.scopes)


def load_files(paths: list[str], *, immediate: bool = True, conditions: Conditions | None = None,
               server_root: str = DEFAULT_SERVER_ROOT) -> LoadResult:
    """Load the entry files in order, as if each were Included from one top-level file."""
    state = LoadState(ErrorSink(immediate=immediate), conditions or Conditions.from_apache(server_root),
                      server_root)
    for path in paths:
        try:
            state.read_file(path)
        except OSError as error:
            state.sink.error(ConfigError(f"Could not open configuration file {path}: {error.strerror}"))
    return _finish(state)


def load_text(text: str, *, filename: str = "<directives>", immediate: bool = True,
              conditions: Conditions | None = None, server_root: str = DEFAULT_SERVER_ROOT) -> LoadResult:
    """Load directives given as text; relative paths resolve against the current directory."""
    state = LoadState(ErrorSink(immediate=immediate), conditions or Conditions.from_apache(server_root),
                      server_root)
    state.read_text(text, filename)
    return _finish(state)
