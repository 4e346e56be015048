"""What ``<IfModule>`` and ``<IfDefine>`` test, since Apache is not the one reading our files.

* ``security2_module`` / ``mod_security2.c`` (and our own ``security2_py_module``) are
  loaded: modsec_py stands in for ModSecurity.
* Any other module is loaded when Apache would load it: compiled into Debian's apache2, or
  enabled by a ``LoadModule`` line in ``<server_root>/mods-enabled/*.load``. A module can be
  named by its identifier (``headers_module``) or its source file (``mod_headers.c``).
* ``<IfDefine NAME>`` is true only for names given explicitly (``configtest --define``, or
  the ``MODSEC_PY_DEFINES`` environment variable as a comma-separated list).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

STAND_IN_MODULES = frozenset({"security2_module", "mod_security2.c", "security2_py_module"})
# `apache2 -l` on Debian 12.
BUILT_IN_MODULES = frozenset({
    "core.c", "mod_so.c", "mod_watchdog.c", "http_core.c", "mod_log_config.c", "mod_logio.c",
    "mod_version.c", "mod_unixd.c",
    "core_module", "so_module", "watchdog_module", "http_module", "log_config_module", "logio_module",
    "version_module", "unixd_module",
})
_LOAD_MODULE = re.compile(r"^\s*LoadModule\s+(\S+)\s+(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(slots=True)
class Conditions:
    modules: frozenset[str] = field(default_factory=frozenset)
    defines: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_apache(cls, server_root: str = "/etc/apache2", defines: tuple[str, ...] = ()) -> Conditions:
        """Modules enabled in ``server_root``'s mods-enabled, plus the built-in ones."""
        modules: set[str] = set(STAND_IN_MODULES | BUILT_IN_MODULES)
        for load_file in sorted(glob.glob(os.path.join(server_root, "mods-enabled", "*.load"))):
            try:
                with open(load_file, encoding="latin-1") as handle:
                    text = handle.read()
            except OSError:
                continue
            for identifier, path in _LOAD_MODULE.findall(text):
                modules.add(identifier)
                stem = os.path.splitext(os.path.basename(path))[0]
                modules.update({f"{stem}.c", stem})
        env_defines = [name for name in os.environ.get("MODSEC_PY_DEFINES", "").split(",") if name]
        return cls(frozenset(modules), frozenset((*defines, *env_defines)))

    def if_module(self, argument: str) -> bool:
        negated = argument.startswith("!")
        name = argument[1:] if negated else argument
        return (name in self.modules or name in STAND_IN_MODULES) != negated

    def if_define(self, argument: str) -> bool:
        negated = argument.startswith("!")
        name = argument[1:] if negated else argument
        return (name in self.defines) != negated

    @staticmethod
    def if_file(argument: str, server_root: str) -> bool:
        negated = argument.startswith("!")
        name = argument[1:] if negated else argument
        path = name if os.path.isabs(name) else os.path.join(server_root, name)
        return os.path.exists(path) != negated
