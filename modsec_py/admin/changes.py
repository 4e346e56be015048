"""A plan: the changes one command makes, described before (``--dry-run``) or while applied.

A change that finds the disk already as wanted is never planned, so an empty plan means
"nothing to change" and every command is idempotent.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field

from modsec_py.admin.errors import AdminError
from modsec_py.admin.manifest import Manifest
from modsec_py.admin.root import Root


@dataclass(slots=True)
class WriteFile:
    """Create ``path`` or replace its text; ``summary`` says what changed, in words."""

    path: str
    text: str
    summary: str = ""
    mode: int = 0o644

    def describe(self, dry_run: bool) -> list[str]:
        old = _read(self.path)
        verb = ("would create" if dry_run else "created") if old is None else ("would edit" if dry_run else "edited")
        lines = [f"{verb} {self.path}" + (f": {self.summary}" if self.summary else "")]
        if dry_run and old is not None:
            diff = difflib.unified_diff(old.splitlines(), self.text.splitlines(), self.path, self.path, n=1,
                                        lineterm="")
            lines += [f"    {line}" for line in diff]
        return lines

    def apply(self, manifest: Manifest) -> None:
        creating = not os.path.lexists(self.path)
        mode = self.mode if creating else os.stat(self.path).st_mode & 0o7777
        temporary = f"{self.path}.modsec-py-new"
        with open(temporary, "w", encoding="latin-1", newline="") as handle:
            handle.write(self.text)
        os.chmod(temporary, mode)
        os.replace(temporary, self.path)
        if creating:
            manifest.add("file", self.path)


@dataclass(slots=True)
class MakeLink:
    path: str
    target: str

    def describe(self, dry_run: bool) -> list[str]:
        return [f"{'would link' if dry_run else 'linked'} {self.path} -> {self.target}"]

    def apply(self, manifest: Manifest) -> None:
        os.symlink(self.target, self.path)
        manifest.add("link", self.path, self.target)


@dataclass(slots=True)
class MakeDir:
    path: str

    def describe(self, dry_run: bool) -> list[str]:
        return [f"{'would create directory' if dry_run else 'created directory'} {self.path}"]

    def apply(self, manifest: Manifest) -> None:
        os.makedirs(self.path, mode=0o755)
        manifest.add("dir", self.path)


@dataclass(slots=True)
class Remove:
    """Remove a link, a file or an empty directory (never a tree)."""

    path: str
    why: str = ""

    def describe(self, dry_run: bool) -> list[str]:
        kind = "link" if os.path.islink(self.path) else "directory" if os.path.isdir(self.path) else "file"
        return [f"{'would remove' if dry_run else 'removed'} {kind} {self.path}" + (f" ({self.why})" if self.why
                                                                                    else "")]

    def apply(self, manifest: Manifest) -> None:
        if os.path.isdir(self.path) and not os.path.islink(self.path):
            os.rmdir(self.path)
        else:
            os.unlink(self.path)
        manifest.remove(self.path)


Change = WriteFile | MakeLink | MakeDir | Remove


@dataclass(slots=True)
class Plan:
    """Changes in the order they apply, notes for the user, and warnings (printed to stderr)."""

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def extend(self, other: Plan) -> None:
        self.changes += other.changes
        self.notes += other.notes
        self.warnings += other.warnings

    def ensure_directory(self, path: str) -> None:
        """Plan the directories missing above ``path`` (a directory), outermost first."""
        missing: list[str] = []
        while not os.path.isdir(path) and not any(isinstance(c, MakeDir) and c.path == path for c in self.changes):
            if os.path.lexists(path):
                raise AdminError(f"{path} exists and is not a directory")
            missing.append(path)
            path = os.path.dirname(path)
        for directory in reversed(missing):
            self.add(MakeDir(directory))

    def describe(self, dry_run: bool) -> list[str]:
        """What changed (or would), then the notes; "nothing to change" for an empty plan."""
        lines = [line for change in self.changes for line in change.describe(dry_run)]
        return (lines or ["nothing to change"]) + self.notes

    def apply(self, root: Root, dry_run: bool) -> list[str]:
        """Carry the plan out (unless ``dry_run``) and return the report."""
        report = self.describe(dry_run)
        if dry_run or not self.changes:
            return report
        root.require_writer()
        manifest = Manifest(root)
        try:
            try:
                for change in self.changes:
                    change.apply(manifest)
            finally:
                manifest.save()
        except OSError as error:
            raise AdminError(f"cannot change {error.filename or '?'}: {error.strerror}") from None
        return report


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="latin-1", newline="") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError):
        return None


def read_text(path: str) -> str:
    """A configuration file's text (latin-1: every byte survives), or an AdminError saying why not."""
    try:
        with open(path, encoding="latin-1", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise AdminError(f"cannot read {path}: {error.strerror}") from None
