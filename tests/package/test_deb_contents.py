"""What the two Debian packages hold and declare (dpkg-deb -c / -f / -I), and lintian's verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.package.conftest import APACHE, DEBIAN_PATH, LIBRARY, Build, contents, field, relations, run

pytestmark = pytest.mark.deb

FILE = ("-rw-r--r--", "root/root")
DIR = ("drwxr-xr-x", "root/root")
DROP_IN = "/lib/systemd/system/apache2.service.d/modsec-py.conf"


def test_library_package_holds_the_library_the_command_and_its_man_page(build: Build) -> None:
    files = contents(build.deb(LIBRARY))
    site = "/usr/lib/python3/dist-packages/modsec_py"
    assert files["/usr/bin/modsec-py"] == ("-rwxr-xr-x", "root/root")
    assert files[f"{site}/__init__.py"] == FILE
    assert files[f"{site}/data/security2.conf"] == FILE
    assert files[f"{site}/cli/manpage.py"] == FILE
    assert files["/usr/share/man/man1/modsec-py.1.gz"] == FILE
    assert not [path for path in files if "/tests/" in path or "__pycache__" in path or "/python3." in path]


def test_apache_package_files_and_directories(build: Build) -> None:
    files = contents(build.deb(APACHE))
    for path in ("/etc/apache2/mods-available/security2_py.load", "/etc/apache2/mods-available/security2_py.conf",
                 "/etc/modsec_py/security2.conf", "/etc/modsecurity/modsecurity.conf-recommended",
                 "/etc/modsecurity/unicode.mapping", DROP_IN,
                 "/usr/share/doc/libapache2-mod-security2-py/README.Debian",
                 "/usr/share/doc/libapache2-mod-security2-py/examples/proxy.conf"):
        assert files.get(path) == FILE, path
    for script in (PROJECT / "apache/wsgi").glob("*.wsgi"):
        assert files.get(f"/usr/share/modsec_py/wsgi/{script.name}") == FILE, script.name
    # Owned by www-data in postinst (dpkg-statoverride respected), as the build runs without root.
    assert files["/var/cache/modsecurity"] == DIR
    assert files["/var/lib/modsec-py/rulesets"] == DIR
    assert files["/var/log/modsec_py"] == DIR
    assert files["/etc/logrotate.d/libapache2-mod-security2-py"] == FILE
    assert not [path for path in files if path.startswith("/usr/lib/python3")]


def test_shipped_texts_are_the_projects(build: Build, tmp_path: Path) -> None:
    run("dpkg-deb", "-x", str(build.deb(APACHE)), str(tmp_path))
    same = {"etc/modsec_py/security2.conf": "modsec_py/data/security2.conf",
            "etc/apache2/mods-available/security2_py.conf": "apache/security2_py.conf",
            "etc/apache2/mods-available/security2_py.load": "apache/security2_py.load",
            "etc/modsecurity/modsecurity.conf-recommended": "etc/modsecurity/modsecurity.conf-recommended"}
    for installed, source in same.items():
        assert (tmp_path / installed).read_bytes() == (PROJECT / source).read_bytes(), installed
    drop_in = (tmp_path / DROP_IN.lstrip("/")).read_text().splitlines()
    reload_lines = [line for line in drop_in if line.startswith("ExecReload=")]
    assert "[Service]" in drop_in
    assert reload_lines == ["ExecReload=", "ExecReload=/usr/bin/modsec-py configtest",
                            "ExecReload=/usr/sbin/apachectl graceful"]


def test_conffiles_are_the_files_in_etc(build: Build, tmp_path: Path) -> None:
    run("dpkg-deb", "-e", str(build.deb(APACHE)), str(tmp_path))
    conffiles = set((tmp_path / "conffiles").read_text().split())
    etc = {path for path, (mode, _) in contents(build.deb(APACHE)).items()
           if path.startswith("/etc/") and not mode.startswith("d")}
    assert conffiles == etc and "/etc/modsec_py/security2.conf" in conffiles


def test_relationships(build: Build) -> None:
    library, apache = build.deb(LIBRARY), build.deb(APACHE)
    assert {"python3-regex", "python3-pyparsing", "python3-click", "python3-lxml"} <= set(
        relations(field(library, "Depends")))
    assert relations(field(library, "Recommends")) == ["python3-ahocorasick"]
    depends = field(apache, "Depends")
    assert f"python3-modsec-py (= {build.version})" in depends
    assert {"libapache2-mod-wsgi-py3", "apache2-api-20120211"} <= set(relations(depends))
    assert field(apache, "Conflicts") == "libapache2-mod-security2"
    assert field(apache, "Replaces") == "libapache2-mod-security2"
    assert "modsecurity-crs" in relations(field(apache, "Suggests"))
    assert "-" not in build.version  # a native package: no Debian revision


def test_every_related_package_exists_in_debian(build: Build) -> None:
    if shutil.which("apt-cache", path=DEBIAN_PATH) is None:
        pytest.skip("apt-cache is not available")
    ours = {LIBRARY, APACHE}
    names = {name for deb in (build.deb(LIBRARY), build.deb(APACHE))
             for relation in ("Depends", "Recommends", "Suggests", "Conflicts")
             for name in relations(field(deb, relation))} - ours
    candidates = {}  # apt-cache policy: "name:" then "  Candidate: version"
    for line in run("apt-cache", "policy", *sorted(names)).stdout.splitlines():
        if not line.startswith(" ") and line.endswith(":"):
            name = line[:-1]
        elif line.strip().startswith("Candidate:"):
            candidates[name] = line.split(":", 1)[1].strip() != "(none)"
    providers = {}  # apt-cache showpkg: "Package: name" ... "Reverse Provides: " then one line each
    for block in run("apt-cache", "showpkg", *sorted(names)).stdout.split("Package: ")[1:]:
        providers[block.split("\n", 1)[0].strip()] = block.partition("Reverse Provides:")[2].strip() != ""
    # apache2-api-20120211 is virtual: apache2-bin provides it.
    missing = [name for name in sorted(names) if not (candidates.get(name) or providers.get(name))]
    assert missing == []


def test_maintainer_scripts_do_not_enable_but_do_disable_and_purge(build: Build, tmp_path: Path) -> None:
    run("dpkg-deb", "-e", str(build.deb(APACHE)), str(tmp_path))
    postinst, prerm, postrm = ((tmp_path / name).read_text() for name in ("postinst", "prerm", "postrm"))
    assert "enmod" not in postinst  # dh_apache2 --noenable: the admin runs a2enmod security2_py
    assert "apache2_invoke dismod" in prerm and "security2_py" in prerm
    assert "apache2_invoke dismod" in postrm
    assert "chown www-data:root" in postinst and "dpkg-statoverride" in postinst
    assert "chown www-data:adm /var/log/modsec_py" in postinst
    assert "rm -rf /var/lib/modsec-py /var/log/modsec_py" in postrm


def test_lintian_finds_no_errors(build: Build) -> None:
    if shutil.which("lintian", path=DEBIAN_PATH) is None:
        pytest.skip("lintian is not installed")
    report = run("lintian", "--fail-on", "error", "--pedantic", str(build.changes), check=False)
    assert report.returncode == 0, report.stdout + report.stderr
    assert not [line for line in report.stdout.splitlines() if line.startswith(("E:", "W:"))]
