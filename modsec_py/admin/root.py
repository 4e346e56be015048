"""Where things are: the well-known paths, taken inside ``--root DIR`` (``/`` by default).

Paths read from configuration files (``/etc/modsecurity/...``) are inside the root; paths
given on the command line (``--crs-dir``, ``--vhost``) are files on this machine, used as given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from modsec_py.admin.errors import AdminError
from modsec_py.paths import BUNDLED_ENTRY, ENTRY_ENV, SYSTEM_ENTRY

MODSEC_DIR = "/etc/modsecurity"
CRS_DIR = "/usr/share/modsecurity-crs"
CACHE_DIR = "/var/cache/modsecurity"
STATE_DIR = "/var/lib/modsec-py"
APACHE_DIR = "/etc/apache2"
CRS_DIR_ENV = "MODSEC_PY_CRS_DIR"


@dataclass(frozen=True, slots=True)
class Root:
    """A file system tree taken as ``/``."""

    path: str = "/"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", os.path.abspath(self.path))

    @property
    def is_system(self) -> bool:
        return self.path == "/"

    def __call__(self, inner: str) -> str:
        """The path on this machine of ``inner``, an absolute path inside the root."""
        return inner if self.is_system else os.path.join(self.path, inner.lstrip("/"))

    def inner(self, path: str) -> str:
        """``path`` (on this machine) as seen from inside the root, when it lies there."""
        path = os.path.abspath(path)
        if self.is_system or not path.startswith(self.path + os.sep):
            return path
        return path[len(self.path):]

    def require_writer(self) -> None:
        """Refuse to change the real system unless running as root."""
        if self.is_system and os.geteuid() != 0:
            raise AdminError("this changes files of the system: run it as root (sudo modsec-py ...); "
                             "--dry-run shows what it would change, --root DIR acts on another tree")

    def entry_file(self) -> str:
        """The SecLang entry file the Apache integration reads (see modsec_py.paths)."""
        configured = os.environ.get(ENTRY_ENV)
        if configured:
            return configured
        system = self(SYSTEM_ENTRY)
        return system if os.path.exists(system) else BUNDLED_ENTRY

    def crs_dir(self, given: str | None) -> str:
        """``--crs-dir`` as given, else ``$MODSEC_PY_CRS_DIR``, else Debian's place inside the root."""
        chosen = given or os.environ.get(CRS_DIR_ENV)
        return os.path.abspath(chosen) if chosen else self(CRS_DIR)
