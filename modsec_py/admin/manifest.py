"""The record of what modsec-py created: ``/var/lib/modsec-py/created`` inside the root.

One entry a line, tab-separated, so that a shell script (the package's purge) can read it
without Python: ``KIND<TAB>PATH`` or ``link<TAB>PATH<TAB>TARGET``; KIND is ``file``,
``link`` or ``dir``; PATH is as seen inside the root. Lines starting with ``#`` are comments.
Files modsec-py only edits (an admin's modsecurity.conf) are not listed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from modsec_py.admin.root import STATE_DIR, Root

MANIFEST = f"{STATE_DIR}/created"
_HEADER = ("# What modsec-py created (KIND<TAB>PATH[<TAB>LINK TARGET]); `modsec-py created` lists it.\n"
           "# Maintained by modsec-py: do not edit.\n")


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str  # file, link or dir
    path: str  # inside the root
    target: str = ""  # a link's target, as written in the link

    def line(self) -> str:
        return "\t".join((self.kind, self.path, self.target) if self.kind == "link" else (self.kind, self.path))


class Manifest:
    """The entries, in the order they were created; ``save`` writes them back."""

    def __init__(self, root: Root) -> None:
        self.root = root
        self.file = root(MANIFEST)
        self.entries: list[Entry] = read_entries(self.file)

    def add(self, kind: str, host_path: str, target: str = "") -> None:
        inner = self.root.inner(host_path)
        self.entries = [entry for entry in self.entries if entry.path != inner]
        self.entries.append(Entry(kind, inner, target))

    def remove(self, host_path: str) -> None:
        inner = self.root.inner(host_path)
        self.entries = [entry for entry in self.entries if entry.path != inner]

    def owns(self, host_path: str) -> bool:
        inner = self.root.inner(host_path)
        return any(entry.path == inner for entry in self.entries)

    def save(self) -> None:
        os.makedirs(os.path.dirname(self.file), exist_ok=True)
        text = _HEADER + "".join(entry.line() + "\n" for entry in self.entries)
        temporary = self.file + ".new"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, self.file)


def read_entries(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 2:
            entries.append(Entry(fields[0], fields[1], fields[2] if len(fields) > 2 else ""))
    return entries


def status(root: Root, entry: Entry) -> str:
    """``present``, ``missing``, or what changed since modsec-py created it."""
    path = root(entry.path)
    if entry.kind == "link":
        if not os.path.islink(path):
            return "missing" if not os.path.lexists(path) else "replaced (no longer a link)"
        return "present" if os.readlink(path) == entry.target else f"changed (now -> {os.readlink(path)})"
    if not os.path.lexists(path):
        return "missing"
    is_right_kind = os.path.isdir(path) if entry.kind == "dir" else os.path.isfile(path)
    return "present" if is_right_kind and not os.path.islink(path) else "replaced"


def render(root: Root) -> list[str]:
    """One line per entry, with what happened to it since when it is no longer as created."""
    lines = []
    for entry in read_entries(root(MANIFEST)):
        state = status(root, entry)
        lines.append(f"{entry.kind:4}  {entry.path}" + (f" -> {entry.target}" if entry.target else "")
                     + ("" if state == "present" else f"  [{state}]"))
    return lines or ["modsec-py has created nothing"]
