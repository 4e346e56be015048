"""Which SecLang entry file a request uses, and one WAF per entry file per process.

The entry file comes from, first to last: the connector's own ``config`` argument, the
request's ``MODSEC_PY_CONFIG`` variable (Apache's ``SetEnv MODSEC_PY_CONFIG /path`` per
vhost or location), then :func:`modsec_py.paths.default_entry`. Each process builds the WAF
of an entry file once, on first use, and keeps it; ``apachectl graceful`` replaces the
processes, so the next request builds it again from the files as they are then.

A broken rule file never takes a running site down: a load that succeeds is saved as the
entry file's last good ruleset (:mod:`modsec_py.state.rulesets`), and a load that fails
logs the error (file:line) and serves that saved ruleset instead. Only when no good ruleset
ever existed does a request get no WAF: :class:`RulesetUnavailable`, which connectors turn
into 503 (``MODSEC_PY_FAILURE_MODE=closed``, the default) or pass uninspected (``open``).
What each process serves is recorded for ``modsec-py status``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from modsec_py import WAF
from modsec_py._util import sources
from modsec_py.errors import ConfigError, ConfigErrors
from modsec_py.paths import ENTRY_ENV, default_entry
from modsec_py.state import rulesets
from modsec_py.state.rulesets import LIVE_CURRENT, LIVE_LAST_GOOD, LIVE_NONE, Live

FAILURE_ENV = "MODSEC_PY_FAILURE_MODE"

_lock = threading.Lock()
_built: dict[str, Built] = {}


class RulesetUnavailable(Exception):
    """No ruleset loads for an entry file and none was ever saved as good."""

    def __init__(self, entry: str, reason: str, failure_mode: str) -> None:
        super().__init__(f"no ruleset for {entry}: {reason}")
        self.entry = entry
        self.failure_mode = failure_mode

    @property
    def fail_open(self) -> bool:
        return self.failure_mode == "open"


@dataclass
class Built:
    """An entry file's WAF in this process, what it is, and what to log about it."""

    waf: WAF | None
    live: Live
    messages: list[str] = field(default_factory=list)


def entry_file(environ: Mapping[str, Any] | None = None, config: str | None = None) -> str:
    """The entry file for this request: ``config``, else ``environ[MODSEC_PY_CONFIG]``, else the default."""
    if config:
        return config
    if environ is not None:
        configured = environ.get(ENTRY_ENV)
        if isinstance(configured, str) and configured:
            return configured
    return default_entry()


def failure_mode(environ: Mapping[str, Any] | None = None) -> str:
    configured = str((environ or {}).get(FAILURE_ENV) or os.environ.get(FAILURE_ENV) or "closed").lower()
    return "open" if configured == "open" else "closed"


def build(entry: str, environ: Mapping[str, Any] | None = None) -> Built:
    """Load ``entry`` (else its last good ruleset) and record what this process serves."""
    directory = rulesets.state_dir(environ)
    mode = failure_mode(environ)
    recording = sources.Recording()
    try:
        with sources.using(recording):
            waf = WAF.from_files([entry])
    except Exception as error:  # ConfigError, unreadable file, ...
        built = _fall_back(entry, directory, mode, _describe(error))
    else:
        built = _current(waf, entry, directory, recording)
    try:
        rulesets.record_live(directory, built.live)
    except OSError:
        pass
    return built


def _describe(error: Exception) -> str:
    if isinstance(error, ConfigError | ConfigErrors):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return f"{type(error).__name__}: {error}"


def _current(waf: WAF, entry: str, directory: str, recording: sources.Recording) -> Built:
    """The files loaded: save them as the last good ruleset (say so when that is impossible)."""
    try:
        saved = rulesets.save(directory, entry, recording)
    except OSError as error:
        return Built(waf, Live(os.getpid(), entry, LIVE_CURRENT, time.time()), [
            f"ModSecurity: modsec_py cannot keep {entry}'s last good ruleset in {directory}: "
            f"{error.strerror or error} (set {rulesets.STATE_ENV} to a directory the server can write)"])
    return Built(waf, Live(os.getpid(), entry, LIVE_CURRENT, time.time(), saved.digest, saved.saved_at))


def _fall_back(entry: str, directory: str, mode: str, error: str) -> Built:
    messages = [f"ModSecurity: failed to load {entry}: {error}"]
    saved = rulesets.load(directory, entry)
    if saved is not None:
        try:
            with sources.using(saved.view()):
                waf = WAF.from_files([entry])
        except Exception as second:
            messages.append(f"ModSecurity: the last good ruleset saved for {entry} does not load either: {second}")
        else:
            messages.append(f"ModSecurity: modsec_py serves the last good ruleset of {entry}, saved "
                            f"{rulesets.when(saved.saved_at)} "
                            f"({saved.digest}), until the files load again (check with modsec-py configtest)")
            return Built(waf, Live(os.getpid(), entry, LIVE_LAST_GOOD, time.time(), saved.digest, saved.saved_at,
                                   error), messages)
    verdict = ("every request is refused with 503" if mode == "closed"
               else "requests pass UNINSPECTED (MODSEC_PY_FAILURE_MODE=open)")
    messages.append(f"ModSecurity: no good ruleset of {entry} has ever loaded: {verdict}")
    return Built(None, Live(os.getpid(), entry, LIVE_NONE, time.time(), error=error, failure_mode=mode), messages)


def waf_for(path: str, environ: Mapping[str, Any] | None = None) -> WAF:
    """The WAF of ``path`` in this process (built on first use; :class:`RulesetUnavailable` if none)."""
    key = os.path.realpath(path)
    found = _built.get(key)
    if found is None:
        with _lock:
            found = _built.get(key)
            if found is None:
                found = build(key, environ)
                _built[key] = found
                stream = (environ or {}).get("wsgi.errors") or sys.stderr
                for message in found.messages:
                    stream.write(message.rstrip("\n") + "\n")
    if found.waf is None:
        raise RulesetUnavailable(key, found.live.error or "it does not load", found.live.failure_mode)
    return found.waf


def forget() -> None:
    """Drop every WAF of this process (tests; a graceful restart does this by replacing processes)."""
    with _lock:
        _built.clear()
