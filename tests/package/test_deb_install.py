"""Install the packages on this machine with apt, use them, purge them, and leave the machine
as it was (also when an assertion fails). Needs root and apt; skips otherwise, except under
CI=true. One session at a time (a file lock); the system Apache is never (re)started: the
maintainer scripts' invoke-rc.d is a stub that only records its calls.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.package.conftest import (
    APACHE,
    DEBIAN_PATH,
    LIBRARY,
    LOGS,
    OURS,
    STATE,
    Build,
    contents,
    enabled,
    known_packages,
    module_state,
    run,
)

pytestmark = pytest.mark.deb

def crs_state() -> str:
    """What dpkg --verify says about Debian's CRS package (empty when untouched), and its setup file."""
    if not run("dpkg-query", "-W", "modsecurity-crs", check=False).stdout:
        return "not installed"
    setup = Path("/etc/modsecurity/crs/crs-setup.conf")
    return run("dpkg", "--verify", "modsecurity-crs", check=False).stdout + (
        setup.read_text() if setup.exists() else "")


def test_install_use_and_purge(build: Build, machine: dict[str, str], tmp_path: Path) -> None:
    env = machine
    crs_before = crs_state()
    cache_before = Path("/var/cache/modsecurity").exists()
    run("apt-get", "install", "-y", "--no-install-recommends", str(build.deb(LIBRARY)), str(build.deb(APACHE)),
        env=env)
    assert enabled("security2_py") == set()  # installing does not enable it

    # The command runs under Debian's python3, with the installed library and entry file.
    assert Path("/usr/bin/modsec-py").read_text().splitlines()[0] == "#!/usr/bin/python3"
    plain = {"PATH": DEBIAN_PATH, "LANG": "C.UTF-8"}
    assert "configtest" in run("/usr/bin/modsec-py", "--help", cwd="/", env=plain).stdout
    where = run("/usr/bin/python3", "-c", "import modsec_py, modsec_py.paths as p; print(modsec_py.__file__); "
                "print(p.default_entry())", cwd="/", env=plain).stdout.split()
    assert where == ["/usr/lib/python3/dist-packages/modsec_py/__init__.py", "/etc/modsec_py/security2.conf"]
    assert run("/usr/bin/modsec-py", "configtest", cwd="/", env=plain).stdout == "Syntax OK\n"
    for directory in ("/var/cache/modsecurity", "/var/lib/modsec-py/rulesets"):
        assert run("stat", "-c", "%U:%G %a", directory).stdout.strip() == "www-data:root 755", directory
    assert run("stat", "-c", "%U:%G %a", str(LOGS)).stdout.strip() == "www-data:adm 750"
    assert run("man", "-w", "modsec-py", env=plain).stdout.strip() == "/usr/share/man/man1/modsec-py.1.gz"
    if shutil.which("logrotate", path=DEBIAN_PATH):  # -d: checks and describes, rotates nothing
        rotate = run("logrotate", "-d", "/etc/logrotate.d/libapache2-mod-security2-py", env=plain)
        assert "error" not in (rotate.stdout + rotate.stderr).lower(), rotate.stderr

    # a2enmod / a2dismod, as the admin runs them; the configuration Apache then reads is valid.
    run("a2enmod", "-q", "security2_py")
    assert enabled("security2_py") == {"security2_py.load", "security2_py.conf"}
    assert "wsgi.load" in enabled("wsgi")
    run("apache2ctl", "-t", env=plain)
    run("a2dismod", "-q", "security2_py")
    assert enabled("security2_py") == set()

    # Purge while enabled: the maintainer scripts disable it. Files made with modsec-py stay, listed.
    run("a2enmod", "-q", "security2_py")
    admin_file = tmp_path / "made-with-modsec-py.conf"
    admin_file.write_text("# the admin's\n")
    (STATE / "created").write_text(f"# record\nfile\t{admin_file}\nfile\t{tmp_path}/gone.conf\n")
    shipped = {path for package in OURS for path, (mode, _) in contents(build.deb(package)).items()
               if not mode.startswith("d")}
    purged = run("apt-get", "purge", "-y", *OURS, env=env)
    assert f"  {admin_file}\n" in purged.stdout + purged.stderr
    assert "gone.conf" not in purged.stdout + purged.stderr
    assert admin_file.read_text() == "# the admin's\n"
    assert not (known_packages() & set(OURS))
    assert sorted(path for path in shipped if os.path.lexists(path)) == []
    assert enabled("security2_py") == set() and module_state("security2_py") == []
    for directory in ("/var/lib/modsec-py", "/var/log/modsec_py", "/etc/modsec_py", "/usr/share/modsec_py",
                      "/usr/lib/python3/dist-packages/modsec_py"):
        assert not os.path.lexists(directory), directory
    assert crs_state() == crs_before
    assert Path("/var/cache/modsecurity").exists() == cache_before  # removed when empty and ours alone
