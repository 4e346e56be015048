"""A CRS tree on disk: its layout, version, rule sets and files.

* 2.x: ``base_rules``, ``optional_rules``, ``experimental_rules``, ``slr_rules`` and
  ``modsecurity_crs_10_setup.conf[.example]``; rule files are enabled by linking them (and
  the ``.data`` files they read) into /etc/modsecurity, as the seed tutorial does.
* 3.x / 4.x: ``rules/`` and ``crs-setup.conf[.example]``. Debian's modsecurity-crs loads
  its rules itself through ``owasp-crs.load`` (a ``*.load`` file in the tree: ``packaged``).
"""

from __future__ import annotations

import difflib
import glob
import os
import re
from dataclasses import dataclass

from modsec_py.admin.errors import AdminError

CRS2_SETS = ("base_rules", "optional_rules", "experimental_rules", "slr_rules")
CRS3_SET = "rules"
_VERSION = re.compile(rb"ver\.(\d+\.\d+\.\d+)")


@dataclass(frozen=True, slots=True)
class CrsTree:
    path: str
    major: int  # 2, or 3 for the 3.x / 4.x layout
    version: str  # "2.2.9", "3.3.4", "4.28.0"; "" when no file says
    sets: dict[str, tuple[str, ...]]  # rule set -> its *.conf files, sorted
    load_files: tuple[str, ...]  # *.load files of a packaged tree

    @classmethod
    def find(cls, path: str) -> CrsTree:
        if not os.path.isdir(path):
            raise AdminError(f"no OWASP CRS at {path}: install it (apt install modsecurity-crs) or give "
                             "--crs-dir DIR")
        crs2 = [name for name in CRS2_SETS if os.path.isdir(os.path.join(path, name))]
        if crs2:
            sets = {name: _confs(os.path.join(path, name)) for name in crs2}
            return cls(path, 2, _version(path, sets), sets, ())
        if os.path.isdir(os.path.join(path, CRS3_SET)):
            sets = {CRS3_SET: _confs(os.path.join(path, CRS3_SET))}
            loads = tuple(sorted(glob.glob(os.path.join(path, "*.load"))))
            version = _version(path, sets)
            major = int(version.split(".")[0]) if version else 3
            return cls(path, major, version, sets, loads)
        raise AdminError(f"{path} holds no OWASP CRS rule sets (expected {', '.join(CRS2_SETS)} for CRS 2.x, "
                         f"or {CRS3_SET}/ for CRS 3.x / 4.x)")

    @property
    def packaged(self) -> bool:
        return bool(self.load_files)

    @property
    def title(self) -> str:
        return f"OWASP CRS {self.version or f'{self.major}.x'} in {self.path}"

    def file(self, set_name: str, name: str) -> str:
        return os.path.join(self.path, set_name, name)

    def select(self, set_name: str, names: tuple[str, ...] | list[str]) -> list[str]:
        """The files of ``set_name`` named (all of them when none is): refuses unknown names."""
        if set_name not in self.sets:
            raise AdminError(f"no rule set {set_name!r} in {self.path}; its sets: {', '.join(self.sets)}")
        files = self.sets[set_name]
        if not names:
            return list(files)
        chosen: list[str] = []
        for given in names:
            name = os.path.basename(given)
            name = name if name in files or name.endswith(".conf") else name + ".conf"
            if name not in files:
                close = difflib.get_close_matches(name, files, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]}?" if close else f" (`modsec-py crs list {set_name}` lists them)"
                raise AdminError(f"no rule file {given!r} in {set_name}{hint}")
            if name not in chosen:
                chosen.append(name)
        return chosen

    def setup_sources(self) -> list[str]:
        """The tree's setup file or its example, in the order to prefer."""
        base = "modsecurity_crs_10_setup.conf" if self.major == 2 else "crs-setup.conf"
        return [path for path in (os.path.join(self.path, base), os.path.join(self.path, base + ".example"))
                if os.path.isfile(path)]


def _confs(directory: str) -> tuple[str, ...]:
    return tuple(sorted(name for name in os.listdir(directory)
                        if name.endswith(".conf") and os.path.isfile(os.path.join(directory, name))))


def _version(path: str, sets: dict[str, tuple[str, ...]]) -> str:
    for set_name, files in sets.items():
        for name in files[:1]:
            try:
                with open(os.path.join(path, set_name, name), "rb") as handle:
                    match = _VERSION.search(handle.read(4096))
            except OSError:
                continue
            if match:
                return match.group(1).decode()
    return ""
