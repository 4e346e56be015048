"""The Debian packages, built once per test session (tools/build-deb.sh into a temporary
directory, so two sessions never share a build), or taken from dist/ (`make deb`) when they
are newer than every file that goes into them. Without the build tools the tests skip,
except under CI=true, where they fail.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT

LIBRARY = "python3-modsec-py"
APACHE = "libapache2-mod-security2-py"
PACKAGED = ("modsec_py", "apache", "etc", "debian", "setup.cfg", "pyproject.toml")  # what the build reads
DEBIAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the package tests must run)")
    pytest.skip(reason)


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run with Debian's PATH; on failure the output is in the assertion message."""
    kwargs.setdefault("env", {"PATH": DEBIAN_PATH, "LANG": "C.UTF-8"})
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if check:
        assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@dataclass(frozen=True)
class Build:
    directory: Path
    version: str

    def deb(self, package: str) -> Path:
        return self.directory / f"{package}_{self.version}_all.deb"

    @property
    def changes(self) -> Path | None:
        found = sorted(self.directory.glob(f"modsec-py_{self.version}_*.changes"))
        return found[0] if found else None

    def complete(self) -> bool:
        return self.deb(LIBRARY).exists() and self.deb(APACHE).exists() and self.changes is not None

    def built_at(self) -> float:
        return min(path.stat().st_mtime for path in (self.deb(LIBRARY), self.deb(APACHE), self.changes))


def sources_changed_at() -> float:
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PACKAGED,
                 cwd=PROJECT).stdout.split("\0")
    return max((PROJECT / name).stat().st_mtime for name in listed if name and (PROJECT / name).exists())


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    for tool in ("git", "dpkg-buildpackage", "dpkg-parsechangelog", "dh", "dh_apache2", "pybuild"):
        if shutil.which(tool, path=DEBIAN_PATH) is None:
            unavailable(f"{tool} is not installed (make deps installs the packaging tools)")
    version = run("dpkg-parsechangelog", "-l", str(PROJECT / "debian/changelog"), "-S", "Version").stdout.strip()
    dist = Build(PROJECT / "dist", version)
    if dist.complete() and dist.built_at() > sources_changed_at():
        return dist
    fresh = Build(tmp_path_factory.mktemp("deb"), version)
    run("sh", str(PROJECT / "tools/build-deb.sh"), str(fresh.directory), cwd=PROJECT)
    assert fresh.complete(), sorted(path.name for path in fresh.directory.iterdir())
    return fresh


def contents(deb: Path) -> dict[str, tuple[str, str]]:
    """``{path: (mode, owner)}`` of ``dpkg-deb -c``, paths absolute without a trailing slash."""
    listed = {}
    for line in run("dpkg-deb", "-c", str(deb)).stdout.splitlines():
        fields = line.split(None, 5)
        path = fields[5].split(" -> ")[0].lstrip(".").rstrip("/") or "/"
        listed[path] = (fields[0], fields[1])
    return listed


def field(deb: Path, name: str) -> str:
    return run("dpkg-deb", "-f", str(deb), name).stdout.strip()


def relations(value: str) -> list[str]:
    """The package names of a relationship field (every alternative, no versions or :any)."""
    names = []
    for alternative in value.replace("|", ",").split(","):
        name = alternative.strip().split(" ")[0].split("(")[0].split(":")[0]
        if name:
            names.append(name)
    return names


# ---------------------------------------------------------------- installing on this machine

LOCK = "/run/lock/modsec-py-deb-install.lock"
MODS = Path("/etc/apache2/mods-enabled")
STATE = Path("/var/lib/modsec-py")
LOGS = Path("/var/log/modsec_py")
OURS = (LIBRARY, APACHE)


def installed(package: str) -> bool:
    return run("dpkg-query", "-W", "-f=${Status}", package, check=False).stdout == "install ok installed"


def known_packages() -> set[str]:
    """Every package dpkg knows (installed or with configuration files left)."""
    return set(run("dpkg-query", "-W", "-f=${Package}\\n").stdout.split())


def enabled(module: str) -> set[str]:
    return {path.name for path in MODS.glob(f"{module}.*")}


def module_state(module: str) -> list[str]:
    return sorted(str(path) for path in Path("/var/lib/apache2").glob(f"*/*/{module}"))


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Root and apt, the lock, and the machine restored afterwards; yields apt-get's environment."""
    if os.geteuid() != 0 or shutil.which("apt-get", path=DEBIAN_PATH) is None:
        unavailable("the install test needs root and apt-get")
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for package in (*OURS, "libapache2-mod-security2"):
            if installed(package):
                unavailable(f"{package} is installed on this machine; the test would replace it")
        if Path("/etc/modsec_py").exists():
            unavailable("/etc/modsec_py exists (an earlier installation's files); not touching it")
        stub = tmp_path / "stub"
        stub.mkdir()
        (stub / "invoke-rc.d").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/invoke-rc.d.calls\nexit 0\n')
        (stub / "invoke-rc.d").chmod(0o755)
        env = {"PATH": f"{stub}:{DEBIAN_PATH}", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
        before = known_packages()
        wsgi_before = enabled("wsgi")
        cache_before = Path("/var/cache/modsecurity").exists()
        # Another modsec_py on this machine (a developer's Apache) may keep rulesets and logs there.
        backups = {place: tmp_path / f"backup{index}" for index, place in enumerate((STATE, LOGS))}
        for place, backup in backups.items():
            if place.exists():
                shutil.move(place, backup)
        try:
            yield env
        finally:
            if enabled("security2_py"):
                run("a2dismod", "-q", "security2_py", check=False)
            if any(installed(package) for package in OURS) or known_packages() & set(OURS):
                run("apt-get", "purge", "-y", *OURS, check=False, env=env)
            added = sorted(known_packages() - before)
            if added:  # dependencies apt installed for the test
                run("apt-get", "purge", "-y", *added, check=False, env=env)
            if wsgi_before and not enabled("wsgi"):
                run("a2enmod", "-q", "wsgi", check=False)
            elif not wsgi_before and enabled("wsgi"):
                run("a2dismod", "-q", "wsgi", check=False)
            if not cache_before and Path("/var/cache/modsecurity").is_dir():
                shutil.rmtree("/var/cache/modsecurity", ignore_errors=True)
            for place, backup in backups.items():
                if backup.exists() and place.exists():
                    shutil.copytree(backup, place, dirs_exist_ok=True, symlinks=True)
                elif backup.exists():
                    shutil.move(backup, place)
