"""Which SecLang entry file a request uses, and one WAF per entry file per process.

The entry file comes from, first to last: the connector's own ``config`` argument, the
request's ``MODSEC_PY_CONFIG`` variable (Apache's ``SetEnv MODSEC_PY_CONFIG /path`` per
vhost or location), then :func:`modsec_py.paths.default_entry`. Each process builds the WAF
of an entry file once, on first use, and keeps it; ``apachectl graceful`` replaces the
processes, so the next request builds it again from the files as they are then. A file
that fails to load is remembered as failed (every request it serves answers 500) until
then, like an Apache that refuses to start, without rereading the rules on every request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from modsec_py import WAF
from modsec_py.paths import ENTRY_ENV, default_entry

_lock = threading.Lock()
_built: dict[str, WAF | BaseException] = {}


def entry_file(environ: Mapping[str, Any] | None = None, config: str | None = None) -> str:
    """The entry file for this request: ``config``, else ``environ[MODSEC_PY_CONFIG]``, else the default."""
    if config:
        return config
    if environ is not None:
        configured = environ.get(ENTRY_ENV)
        if isinstance(configured, str) and configured:
            return configured
    return default_entry()


def waf_for(path: str) -> WAF:
    """The WAF built from ``path`` in this process (built on first use; raises its load error)."""
    key = os.path.realpath(path)
    found = _built.get(key)
    if found is None:
        with _lock:
            found = _built.get(key)
            if found is None:
                try:
                    found = WAF.from_files([key])
                except Exception as error:  # ConfigError, unreadable file, ...: remembered
                    found = error
                _built[key] = found
    if isinstance(found, BaseException):
        raise found
    return found


def loaded() -> dict[str, bool]:
    """Entry files this process has read, and whether each one loaded."""
    return {path: not isinstance(value, BaseException) for path, value in _built.items()}


def forget() -> None:
    """Drop every WAF of this process (tests; a graceful restart does this by replacing processes)."""
    with _lock:
        _built.clear()
