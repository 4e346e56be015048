"""The last good ruleset of each entry file, saved on disk, and what each process serves.

A process that loads an entry file saves what the load read (a :class:`~modsec_py._util.sources.Recording`:
every file's bytes, every Include glob's answer) under ``STATE_DIR/<key>/``. When a later
load fails (a broken rule file before a graceful restart), the process loads that saved copy
instead, so the site keeps the rules it had. Layout of ``STATE_DIR/<key>/``::

    blobs/<sha256>        file contents, shared between saves
    <digest>.json         one saved ruleset: entry file, time, {path: blob}, other answers
    good                  the digest of the last good ruleset (replaced atomically)
    live/<pid>.json       what process <pid> serves: current, last-good or none, and why

Writes go to a temporary name and are renamed, so concurrent processes never see half a
file. ``STATE_DIR`` is ``$MODSEC_PY_STATE_DIR`` (``SetEnv`` or the process environment),
else /var/lib/modsec-py/rulesets (created by the Debian package, owned by www-data).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modsec_py._util.processes import alive
from modsec_py._util.sources import Recording, Replay

STATE_ENV = "MODSEC_PY_STATE_DIR"
DEFAULT_STATE_DIR = "/var/lib/modsec-py/rulesets"
_KEEP = 3  # saved rulesets kept per entry file


def state_dir(environ: Mapping[str, Any] | None = None) -> str:
    configured = (environ or {}).get(STATE_ENV) or os.environ.get(STATE_ENV)
    return str(configured) if configured else DEFAULT_STATE_DIR


def when(stamp: float | None) -> str:
    """A time of this module's records, in local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else "?"


def key(entry: str) -> str:
    return hashlib.sha256(os.path.realpath(entry).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Saved:
    """One saved ruleset."""

    entry: str
    digest: str
    saved_at: float
    files: dict[str, str]  # path -> blob name
    answers: dict[str, bool | list[str]]
    home: str  # STATE_DIR/<key>

    def view(self) -> Replay:
        reads = {path: _read(os.path.join(self.home, "blobs", blob)) for path, blob in self.files.items()}
        return Replay(reads, self.answers)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _write(path: str, data: bytes) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def save(directory: str, entry: str, recording: Recording) -> Saved:
    """Save what loading ``entry`` read as its last good ruleset (OSError when it cannot)."""
    _require(directory)
    home = os.path.join(directory, key(entry))
    os.makedirs(os.path.join(home, "blobs"), exist_ok=True)
    files = {path: hashlib.sha256(data).hexdigest() for path, data in recording.reads.items()}
    body = {"files": dict(sorted(files.items())), "answers": dict(sorted(recording.answers.items()))}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    index = os.path.join(home, f"{digest}.json")
    if not os.path.exists(index):
        for path, blob in files.items():
            target = os.path.join(home, "blobs", blob)
            if not os.path.exists(target):
                _write(target, recording.reads[path])
        _write(index, json.dumps({"entry": entry, "saved_at": time.time(), **body}).encode())
    current = _pointer(home)
    if current != digest:
        _write(os.path.join(home, "good"), digest.encode())
        _prune(home, keep=digest)
    found = load(directory, entry)
    if found is None:
        raise OSError(f"{home}: the ruleset just saved cannot be read back")
    return found


def _require(directory: str) -> None:
    """The state directory is made by whoever installs modsec_py (the package), never here."""
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), directory)


def _pointer(home: str) -> str | None:
    try:
        return _read(os.path.join(home, "good")).decode().strip() or None
    except OSError:
        return None


def load(directory: str, entry: str) -> Saved | None:
    """The last good ruleset saved for ``entry``, or None."""
    home = os.path.join(directory, key(entry))
    digest = _pointer(home)
    if digest is None:
        return None
    try:
        data = json.loads(_read(os.path.join(home, f"{digest}.json")))
        return Saved(str(data["entry"]), digest, float(data["saved_at"]), dict(data["files"]),
                     dict(data["answers"]), home)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _prune(home: str, keep: str) -> None:
    """Keep the newest few saved rulesets (``keep`` among them) and the blobs they use."""
    indexes = sorted((name for name in os.listdir(home) if name.endswith(".json")),
                     key=lambda name: os.path.getmtime(os.path.join(home, name)), reverse=True)
    kept = [f"{keep}.json"] + [name for name in indexes if name != f"{keep}.json"][:_KEEP - 1]
    used: set[str] = set()
    for name in indexes:
        path = os.path.join(home, name)
        if name not in kept:
            os.unlink(path)
            continue
        try:
            used.update(json.loads(_read(path))["files"].values())
        except (OSError, ValueError, KeyError):
            pass
    for blob in os.listdir(os.path.join(home, "blobs")):
        if blob not in used and not blob.endswith(".tmp"):
            os.unlink(os.path.join(home, "blobs", blob))


# --------------------------------------------------------------------------- what each process serves

LIVE_CURRENT, LIVE_LAST_GOOD, LIVE_NONE = "current", "last-good", "none"


@dataclass(frozen=True)
class Live:
    """What one process serves for one entry file."""

    pid: int
    entry: str
    live: str  # LIVE_CURRENT, LIVE_LAST_GOOD or LIVE_NONE
    since: float
    digest: str | None = None
    saved_at: float | None = None
    error: str | None = None  # why the current files did not load
    failure_mode: str = "closed"  # with LIVE_NONE: closed (503) or open (uninspected)


def record_live(directory: str, live: Live) -> None:
    _require(directory)
    home = os.path.join(directory, key(live.entry), "live")
    os.makedirs(home, exist_ok=True)
    _write(os.path.join(home, f"{live.pid}.json"), json.dumps(live.__dict__).encode())


def read_live(directory: str) -> list[Live]:
    """What every running process reported (records of processes that are gone are removed)."""
    found: list[Live] = []
    try:
        keys = sorted(os.listdir(directory))
    except OSError:
        return found
    for name in keys:
        home = os.path.join(directory, name, "live")
        try:
            records = sorted(os.listdir(home))
        except OSError:
            continue
        for record in records:
            path = os.path.join(home, record)
            try:
                live = Live(**json.loads(_read(path)))
            except (OSError, ValueError, TypeError):
                continue
            if alive(live.pid):
                found.append(live)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
    return found

