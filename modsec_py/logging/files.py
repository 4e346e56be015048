"""Log files shared by every writer of a process, appended to without interleaving.

Apache opens v2's logs once, in the parent; modsec_py runs in several processes (mod_wsgi
daemons, Apache children), each opening the files itself, on first use. An entry is one
``write(2)`` on a descriptor opened with ``O_APPEND``, made under a thread lock and an
exclusive ``flock`` on the file (v2 serialises its serial audit log with a global mutex the
same way), so entries of concurrent processes and threads never mix.

A process keeps one descriptor per path, shared by its threads (the thread lock orders them;
``flock`` belongs to the open file, so it orders the processes). When the path is replaced
(logrotate), the next WAF built reopens it. ``|command`` runs a piped logger, one per process.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading

__all__ = ["LogFile", "create_entry_file", "log_file", "make_dirs"]

CREATE_MODE = 0o640  # v2's CREATEMODE for the files Apache opens (serial log, index, debug log)


class LogFile:
    """One append-only log (a file, or the stdin of a piped logger)."""

    def __init__(self, path: str, mode: int = CREATE_MODE) -> None:
        self.path = path
        self.mode = mode
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def is_pipe(self) -> bool:
        return self.path.startswith("|")

    def write(self, data: bytes) -> None:
        """Append ``data`` in one piece. Raises OSError when the log cannot be opened or written."""
        with self._lock:
            fd = self._fd if self._fd is not None else self._open()
            if self.is_pipe:
                _write_all(fd, data)
                return
            # flock: the whole file, no deadlock detection. POSIX record locks (lockf) on an O_APPEND
            # file lock from each writer's offset, and Linux then reports false EDEADLKs under load.
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                _write_all(fd, data)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _open(self) -> int:
        if self.is_pipe:
            self._process = subprocess.Popen(self.path[1:].strip(), shell=True, stdin=subprocess.PIPE)
            assert self._process.stdin is not None
            self._fd = self._process.stdin.fileno()
        else:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, self.mode)
            info = os.fstat(self._fd)
            self._identity = (info.st_dev, info.st_ino)
        return self._fd

    def reopen_if_replaced(self) -> None:
        """Close the descriptor when the path now names another file (the next write reopens)."""
        with self._lock:
            if self._fd is None or self.is_pipe:
                return
            try:
                info = os.stat(self.path)
                current: tuple[int, int] | None = (info.st_dev, info.st_ino)
            except OSError:
                current = None
            if current != self._identity:
                os.close(self._fd)
                self._fd = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


_files: dict[str, LogFile] = {}
_files_lock = threading.Lock()


def log_file(path: str, mode: int = CREATE_MODE) -> LogFile:
    """This process's :class:`LogFile` for ``path`` (one per path, shared by every WAF)."""
    with _files_lock:
        found = _files.get(path)
        if found is None:
            found = _files[path] = LogFile(path, mode)
    found.reopen_if_replaced()
    return found


def make_dirs(path: str, mode: int) -> None:
    """``apr_dir_make_recursive``: every missing directory of ``path`` created with ``mode``."""
    missing = []
    current = path
    while current and not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, mode)
        except FileExistsError:
            pass


def create_entry_file(path: str, data: bytes, dir_mode: int, file_mode: int) -> None:
    """Write one concurrent-log entry to its own new file, creating its directories."""
    make_dirs(os.path.dirname(path), dir_mode)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, file_mode)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)
