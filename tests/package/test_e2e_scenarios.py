"""Issue #6's two end-to-end scenarios, with the installed packages and our commands only.

(a) the seed tutorial with CRS 2.2.9 (../shared/crs/v2.2.9); (b) Debian's modsecurity-crs
3.3.4 as installed, with one file disabled. Each: ``a2enmod security2_py``, the ``modsec-py``
commands, ``modsec-py configtest``, a real Apache on 127.0.0.1 built from the modules
``a2enmod`` enabled; then an attack is refused with 403 and logged, a benign request is
served, a broken rule file on a graceful restart leaves the site serving with the last good
rules (and logs the error with file:line), and ``apt purge`` leaves nothing of ours behind.
"""

from __future__ import annotations

import os
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from modsec_py.testing import apache
from tests.conftest import SHARED, require
from tests.package.conftest import APACHE, LIBRARY, Build, installed, run

pytestmark = pytest.mark.deb

MODSEC = Path("/etc/modsecurity")
AUDIT_LOG = Path("/var/log/modsec_py/modsec_audit.log")
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
           "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "Accept-Language": "en-US,en;q=0.5"}
SQLI = "/index.html?id=" + urllib.parse.quote("1' UNION SELECT password FROM users WHERE '1'='1")
PAGE = b"<html><body>protected by modsec_py</body></html>\n"


def modsec_py(*args: str, env: dict[str, str], check: bool = True) -> str:
    """The installed command, as an admin runs it; its output (stdout and stderr)."""
    done = run("/usr/bin/modsec-py", *args, env=env, check=check)
    return done.stdout + done.stderr


def get(server: apache.ApacheInstance, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": "localhost", **BROWSER, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def etc_restored() -> Iterator[None]:
    """/etc/modsecurity as it was: what the scenario's commands created there is the admin's, so purge
    leaves it (the scenario checks that), and the test removes it afterwards."""
    before = {path for path in MODSEC.rglob("*")} if MODSEC.exists() else set()
    existed = MODSEC.exists()
    try:
        yield
    finally:
        if MODSEC.exists():
            for path in sorted(MODSEC.rglob("*"), key=lambda item: len(item.parts), reverse=True):
                if path not in before:
                    if path.is_dir() and not path.is_symlink():
                        path.rmdir() if not any(path.iterdir()) else None
                    else:
                        path.unlink()
            if not existed and not any(MODSEC.iterdir()):
                MODSEC.rmdir()


@contextmanager
def crs_package(present: bool, env: dict[str, str]) -> Iterator[None]:
    """Debian's modsecurity-crs removed (the tutorial's machine has no CRS 3) or present, then as it was."""
    was = installed("modsecurity-crs")
    if was != present:
        run("apt-get", "remove" if not present else "install", "-y", "modsecurity-crs", env=env)
    try:
        yield
    finally:
        if installed("modsecurity-crs") != was:
            run("apt-get", "install" if was else "remove", "-y", "modsecurity-crs", env=env, check=False)


@contextmanager
def site() -> Iterator[apache.ApacheInstance]:
    root = apache.make_home("modsec_py-e2e-")
    server = apache.ApacheInstance(root=root, home=root, system=True)
    server.write_system_config("")
    (root / "htdocs" / "index.html").write_bytes(PAGE)
    apache.make_readable(root)
    server.check_syntax()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if os.environ.get("MODSEC_PY_KEEP_APACHE") != "1":
            import shutil

            shutil.rmtree(root, ignore_errors=True)


def poll(server: apache.ApacheInstance, done: Callable[[], bool]) -> bool:
    """Ask for the page until ``done()`` (fresh processes built their WAF) or two minutes pass."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(server, "/index.html")
        except OSError:
            pass
        if done():
            return True
        time.sleep(0.3)
    return False


def install(build: Build, env: dict[str, str]) -> list[str]:
    """apt install ./*.deb; returns every path the two packages shipped."""
    run("apt-get", "install", "-y", str(build.deb(LIBRARY)), str(build.deb(APACHE)), env=env)
    return [line for package in (LIBRARY, APACHE) for line in run("dpkg", "-L", package).stdout.splitlines()]


def protected_and_resilient(server: apache.ApacheInstance, env: dict[str, str], attack_ids: set[str]) -> None:
    """Attack refused and logged, benign served; a broken rule file on graceful restart changes neither."""
    assert get(server, "/index.html") == (200, PAGE)
    status, _ = get(server, SQLI)
    assert status == 403
    log = server.read_error_log()
    assert "ModSecurity: Access denied with code 403" in log
    assert any(f'[id "{rule}"]' in log for rule in attack_ids), log[-3000:]
    assert AUDIT_LOG.exists() and "UNION SELECT" in urllib.parse.unquote(AUDIT_LOG.read_text(errors="replace"))

    broken = MODSEC / "zz-broken.conf"
    broken.write_text('# a typo before a reload\nSecRule ARGS "@rx (" "id:1999,phase:1,deny"\n')
    refused = run("/usr/bin/modsec-py", "configtest", env=env, check=False)
    assert refused.returncode != 0 and f"{broken}:2" in refused.stdout + refused.stderr
    server.graceful()
    assert poll(server, lambda: "serves the last good ruleset" in server.read_error_log()), \
        server.read_error_log()[-3000:]
    assert f"{broken}:2" in server.read_error_log()
    assert get(server, "/index.html") == (200, PAGE)
    assert get(server, SQLI)[0] == 403
    status_text = modsec_py("status", env=env)
    assert "the last good ruleset saved" in status_text and f"{broken}:2" in status_text
    broken.unlink()
    modsec_py("configtest", env=env)


def purged(shipped: list[str], env: dict[str, str]) -> None:
    """apt purge: nothing the packages shipped or their scripts made; the admin's files stay."""
    run("a2dismod", "-q", "security2_py", env=env, check=False)
    run("apt-get", "purge", "-y", LIBRARY, APACHE, env=env)
    left = [path for path in shipped if os.path.lexists(path) and not os.path.isdir(path)]
    assert left == []
    for place in ("/var/lib/modsec-py", "/etc/modsec_py", "/usr/share/modsec_py", "/var/log/modsec_py",
                  "/usr/lib/python3/dist-packages/modsec_py"):
        assert not os.path.lexists(place), place
    mods = Path("/etc/apache2/mods-enabled")
    assert not list(mods.glob("security2_py.*"))
    assert [link for link in mods.iterdir() if link.is_symlink() and not link.exists()] == []
    assert (MODSEC / "modsecurity.conf").is_file()  # the admin's (made by modsec-py setup): left alone


def test_seed_tutorial_with_crs_2_2_9(build: Build, machine: dict[str, str]) -> None:
    crs = require(SHARED / "crs" / "v2.2.9", "CRS 2.2.9 (the tutorial's layout)")
    env = {**machine, "MODSEC_PY_CRS_DIR": str(crs)}
    with etc_restored(), crs_package(False, env):
        shipped = install(build, env)
        run("a2enmod", "-q", "security2_py", env=env)
        run("a2enmod", "-q", "headers", env=env)  # the tutorial's header tagging needs it, as for v2
        try:
            modsec_py("setup", env=env)
            modsec_py("engine", "on", env=env)
            modsec_py("crs", "enable", "base_rules", env=env)
            said = modsec_py("crs", "enable", "optional_rules", env=env)
            for line in said.splitlines():  # minus what cannot load, with the command the tool gives
                if "to leave it out: modsec-py " in line:
                    modsec_py(*line.split("to leave it out: modsec-py ", 1)[1].split(), env=env)
            modsec_py("crs", "enable", "experimental_rules", "modsecurity_crs_11_brute_force.conf",
                      "modsecurity_crs_11_dos_protection.conf", env=env)
            modsec_py("crs", "enable", "slr_rules", "modsecurity_crs_46_slr_et_sqli_attacks.conf", env=env)
            modsec_py("crs", "setup", env=env)
            modsec_py("crs", "anomaly-scoring", "on", env=env)
            modsec_py("crs", "set", "900014", "tx.brute_force_counter_threshold=5", env=env)
            modsec_py("crs", "set", "900015", "tx.dos_counter_threshold=50", env=env)
            listing = modsec_py("crs", "list", env=env)
            assert "modsecurity_crs_46_slr_et_sqli_attacks.conf" in listing
            modsec_py("configtest", env=env)
            with site() as server:
                protected_and_resilient(server, env, {"981176", "981247", "959073", "950001"})
        finally:
            run("a2dismod", "-q", "headers", env=env, check=False)
        purged(shipped, env)


def test_debian_crs_3_3_4_with_one_file_disabled(build: Build, machine: dict[str, str]) -> None:
    env = dict(machine)
    with etc_restored(), crs_package(True, env):
        shipped = install(build, env)
        run("a2enmod", "-q", "security2_py", env=env)
        modsec_py("setup", env=env)
        modsec_py("engine", "on", env=env)
        said = modsec_py("crs", "disable", "rules", "REQUEST-913-SCANNER-DETECTION.conf", env=env)
        assert "after-crs.d" in said
        modsec_py("configtest", env=env)
        with site() as server:
            # 913's rules are out: a scanner's User-Agent alone is no longer refused.
            assert get(server, "/index.html", {"User-Agent": "nikto"}) == (200, PAGE)
            assert '[id "913100"]' not in server.read_error_log()
            protected_and_resilient(server, env, {"942100", "949110"})
        purged(shipped, env)
