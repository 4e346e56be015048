"""Helpers the engine-directive handlers share: v2's path rules and value checks.

Numbers are read with C's rules (:mod:`modsec_py._util.cnum`), so exactly the values v2
accepts are accepted.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

from modsec_py._util.cnum import LONG_MAX, LONG_MIN, atoi, atol, c_integer, strtol  # noqa: F401  (re-exported)
from modsec_py.seclang.directives._registry import DirectiveArgumentError

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

DEFAULT_SERVER_ROOT = "/etc/apache2"  # Debian's Apache ServerRoot
def positive_long(text: str, message: str) -> int:
    """v2's limit check: ``strtol`` > 0 and not saturated, else ``message``."""
    value = strtol(text, 10)
    if value in (LONG_MAX, LONG_MIN) or value <= 0:
        raise DirectiveArgumentError(message)
    return value


def octal_mode(text: str, message: str) -> int:
    """v2's permission-mode check: ``strtol(text, 8)`` in 1..07777, else ``message``."""
    mode = strtol(text, 8)
    if mode in (LONG_MAX, LONG_MIN) or mode <= 0 or mode > 0o7777:
        raise DirectiveArgumentError(message)
    return mode


def on_off(text: str, message: str) -> bool:
    """A TAKE1 On/Off value (case-insensitive) as v2's handlers check it, else ``message``."""
    lowered = text.lower()
    if lowered == "on":
        return True
    if lowered == "off":
        return False
    raise DirectiveArgumentError(message)


def flag(d: Directive) -> bool:
    """The value of an Apache FLAG directive (Apache has already checked it is On or Off)."""
    return d.args[0].lower() == "on"


def second(d: Directive) -> str | None:
    """The optional second argument of a TAKE12 directive; Apache passes an empty one as absent."""
    return d.args[1] if len(d.args) > 1 and d.args[1] else None


def server_root(state: LoadState) -> str:
    """Apache's ServerRoot for this load (Debian's ``/etc/apache2`` unless the loader says)."""
    return getattr(state, "server_root", None) or DEFAULT_SERVER_ROOT


def server_root_relative(state: LoadState, path: str) -> str:
    """Apache's ``ap_server_root_relative``: join to ServerRoot, fold ``.``/``..``/``//``.

    A trailing ``/`` is kept, as APR keeps it.
    """
    joined = os.path.normpath(os.path.join(server_root(state), path))
    if joined.startswith("//"):  # POSIX normpath keeps a leading "//"; APR does not
        joined = "/" + joined.lstrip("/")
    if path.endswith("/") and not joined.endswith("/"):
        joined += "/"
    return joined


def config_relative(d: Directive, path: str) -> str:
    """v2's ``resolve_relative_path``: a relative path is put after the config file's directory.

    v2 only concatenates (no folding of ``..``), so neither do we.
    """
    if path.startswith("/"):
        return path
    return f"{d.directory}/{path}"


def appendable(path: str) -> bool:
    """Whether v2's ``apr_file_open(path, WRITE|APPEND|CREATE)`` would succeed, without creating it."""
    if os.path.isdir(path):
        return False
    if os.path.exists(path):
        return os.access(path, os.W_OK)
    parent = os.path.dirname(path) or "."
    return os.path.isdir(parent) and os.access(parent, os.W_OK | os.X_OK)


def chdir_error(path: str) -> OSError | None:
    """The error ``chdir(path)`` would give, found without changing directory."""
    try:
        os.stat(path)
    except OSError as error:
        return error
    if not os.path.isdir(path):
        return OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    if not os.access(path, os.X_OK):
        return OSError(errno.EACCES, os.strerror(errno.EACCES))
    return None


def strerror(error: OSError) -> str:
    """The text APR's ``apr_strerror`` prints for ``error`` (the C library's ``strerror``)."""
    if error.errno is not None:
        return os.strerror(error.errno)
    return error.strerror or str(error)


def refuse(d: Directive, reason: str) -> DirectiveArgumentError:
    """The error for a directive value modsec_py does not support (``raise refuse(d, ...)``)."""
    written = " ".join(d.args)
    return DirectiveArgumentError(f"{d.name} {written} is not supported by modsec_py: {reason}")
