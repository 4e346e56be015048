"""Where a ruleset's files are read from: the live file system, or a saved copy of them.

The loader and the operators that read files at load time (``@pmFromFile``,
``@ipMatchFromFile``, ``SecUnicodeMapFile`` ...) go through :func:`read`, :func:`isdir`,
:func:`exists` and :func:`listdir`/:func:`glob` of this module. Normally they answer from the
file system; inside ``with using(view)`` they answer from ``view``: a :class:`Recording`
notes every answer while a ruleset loads, and a :class:`Replay` gives exactly those answers
again later (the last good ruleset, see :mod:`modsec_py.state.rulesets`), whatever the
files say by then. Geo databases are data, not rules, and are always read live.
"""

from __future__ import annotations

import errno
import glob as _glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Files:
    """The file system as it is."""

    def read(self, path: str) -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def listdir(self, directory: str) -> list[str]:
        return sorted(os.listdir(directory))

    def glob(self, pattern: str) -> list[str]:
        return sorted(_glob.glob(pattern))


class Recording(Files):
    """The file system, noting every answer (``reads``: contents; ``answers``: the rest)."""

    def __init__(self) -> None:
        self.reads: dict[str, bytes] = {}
        self.answers: dict[str, bool | list[str]] = {}

    def read(self, path: str) -> bytes:
        data = super().read(path)
        self.reads[path] = data
        return data

    def isdir(self, path: str) -> bool:
        answer = super().isdir(path)
        self.answers[f"isdir:{path}"] = answer
        return answer

    def exists(self, path: str) -> bool:
        answer = super().exists(path)
        self.answers[f"exists:{path}"] = answer
        return answer

    def listdir(self, directory: str) -> list[str]:
        answer = super().listdir(directory)
        self.answers[f"listdir:{directory}"] = answer
        return answer

    def glob(self, pattern: str) -> list[str]:
        answer = super().glob(pattern)
        self.answers[f"glob:{pattern}"] = answer
        return answer


class Replay(Files):
    """The answers a :class:`Recording` noted; anything it did not see does not exist."""

    def __init__(self, reads: dict[str, bytes], answers: dict[str, bool | list[str]]) -> None:
        self.reads = reads
        self.answers = answers

    def read(self, path: str) -> bytes:
        try:
            return self.reads[path]
        except KeyError:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path) from None

    def isdir(self, path: str) -> bool:
        return self.answers.get(f"isdir:{path}") is True

    def exists(self, path: str) -> bool:
        return path in self.reads or self.answers.get(f"exists:{path}") is True

    def listdir(self, directory: str) -> list[str]:
        answer = self.answers.get(f"listdir:{directory}")
        if not isinstance(answer, list):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), directory)
        return list(answer)

    def glob(self, pattern: str) -> list[str]:
        answer = self.answers.get(f"glob:{pattern}")
        return list(answer) if isinstance(answer, list) else []


_LIVE = Files()
_view: ContextVar[Files] = ContextVar("modsec_py_sources", default=_LIVE)


@contextmanager
def using(view: Files) -> Iterator[Files]:
    """Read through ``view`` inside the block (this thread / context only)."""
    token = _view.set(view)
    try:
        yield view
    finally:
        _view.reset(token)


def read(path: str) -> bytes:
    return _view.get().read(path)


def isdir(path: str) -> bool:
    return _view.get().isdir(path)


def exists(path: str) -> bool:
    return _view.get().exists(path)


def listdir(directory: str) -> list[str]:
    return _view.get().listdir(directory)


def glob(pattern: str) -> list[str]:
    return _view.get().glob(pattern)
