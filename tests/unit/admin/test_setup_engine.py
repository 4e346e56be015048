"""``modsec-py setup``, ``engine``, ``created``; what every command shares (--dry-run, --root, errors)."""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

from modsec_py.admin.manifest import MANIFEST
from modsec_py.seclang.loader import load_files
from tests.conftest import require
from tests.unit.admin.conftest import RECOMMENDED, Invoke

SMALL = """\
# -- Rule engine --
# Start by only logging.
SecRuleEngine DetectionOnly

# -- Files --
SecTmpDir /tmp/
SecDataDir /tmp/
"""


@pytest.fixture
def recommended(modsec: Path) -> Path:
    path = modsec / "modsecurity.conf-recommended"
    path.write_text(SMALL)
    return path


def test_setup_copies_the_recommended_file_with_the_tutorials_advice(run: Invoke, modsec: Path,
                                                                     recommended: Path) -> None:
    result = run("setup")
    assert result.exit_code == 0, result.stderr
    conf = modsec / "modsecurity.conf"
    assert conf.read_text() == SMALL.replace("/tmp/", "/var/cache/modsecurity")
    assert f"created {conf}" in result.stdout and "SecTmpDir /tmp/ -> /var/cache/modsecurity" in result.stdout
    assert run("setup").stdout.startswith("nothing to change")


def test_setup_never_overwrites_without_force(run: Invoke, modsec: Path, recommended: Path) -> None:
    conf = modsec / "modsecurity.conf"
    conf.write_text("SecRuleEngine On\n")
    result = run("setup")
    assert result.exit_code == 0 and conf.read_text() == "SecRuleEngine On\n"
    assert "exists and is kept as it is (--force" in result.stdout
    assert run("setup", "--force").exit_code == 0
    assert conf.read_text() == SMALL.replace("/tmp/", "/var/cache/modsecurity")


def test_setup_with_the_real_recommended_file_still_loads(run: Invoke, modsec: Path) -> None:
    shutil.copy(require(RECOMMENDED, "etc/modsecurity/modsecurity.conf-recommended"), modsec)
    assert run("setup").exit_code == 0
    text = (modsec / "modsecurity.conf").read_text()
    assert "\nSecTmpDir /var/cache/modsecurity\n" in text and "\nSecDataDir /var/cache/modsecurity\n" in text
    original = RECOMMENDED.read_text().splitlines()
    changed = [line for line in text.splitlines() if line not in original]
    assert changed == ["SecTmpDir /var/cache/modsecurity", "SecDataDir /var/cache/modsecurity"]


def test_setup_without_the_recommended_file_says_so(run: Invoke) -> None:
    result = run("setup")
    assert result.exit_code == 1
    assert "modsecurity.conf-recommended not found" in result.stderr


def test_dry_run_changes_nothing_and_says_what_it_would(run: Invoke, root: Path, modsec: Path,
                                                        recommended: Path) -> None:
    result = run("setup", "--dry-run")
    assert result.exit_code == 0 and result.stdout.startswith(f"would create {modsec / 'modsecurity.conf'}")
    assert not (modsec / "modsecurity.conf").exists() and not (root / MANIFEST.lstrip("/")).exists()
    run("setup")
    dry = run("engine", "on", "-n")
    assert "would edit" in dry.stdout and "-SecRuleEngine DetectionOnly" in dry.stdout
    assert "+SecRuleEngine On" in dry.stdout
    assert "SecRuleEngine DetectionOnly" in (modsec / "modsecurity.conf").read_text()


def test_engine_changes_only_the_secruleengine_line(run: Invoke, modsec: Path, recommended: Path) -> None:
    run("setup")
    conf = modsec / "modsecurity.conf"
    before = conf.read_text()
    for mode, value in (("on", "On"), ("off", "Off"), ("detection-only", "DetectionOnly")):
        result = run("engine", mode)
        assert result.exit_code == 0, result.stderr
        assert conf.read_text() == before.replace("SecRuleEngine DetectionOnly", f"SecRuleEngine {value}")
    again = run("engine", "detection-only")
    assert again.stdout.startswith("nothing to change") and "already DetectionOnly" in again.stdout
    assert load_files([str(conf)], immediate=False).errors == []


def test_engine_needs_setup_first(run: Invoke) -> None:
    result = run("engine", "on")
    assert result.exit_code == 1 and "run `modsec-py setup` first" in result.stderr


def test_engine_warns_when_a_later_file_sets_the_engine_again(run: Invoke, modsec: Path, recommended: Path) -> None:
    run("setup")
    (modsec / "zz-local.conf").write_text("SecRuleEngine Off\n")
    result = run("engine", "on")
    assert result.exit_code == 0
    assert f"{modsec / 'zz-local.conf'} also sets SecRuleEngine" in result.stderr


def test_engine_vhost_follows_setenv_and_creates_the_sites_entry_file(run: Invoke, root: Path) -> None:
    (root / "etc" / "modsec_py" / "sites").mkdir(parents=True)
    vhost = root / "etc" / "apache2" / "sites-available" / "shop.conf"
    vhost.parent.mkdir(parents=True)
    vhost.write_text("<VirtualHost *:80>\n    SetEnv MODSEC_PY_CONFIG /etc/modsec_py/sites/shop.conf\n</VirtualHost>\n")
    result = run("engine", "on", "--vhost", str(vhost))
    entry = root / "etc" / "modsec_py" / "sites" / "shop.conf"
    assert result.exit_code == 0, result.stderr
    lines = [line for line in entry.read_text().splitlines() if not line.startswith("#")]
    assert lines[0].startswith("Include /") and lines[0].endswith("security2.conf") and lines[1] == "SecRuleEngine On"
    assert run("engine", "detection-only", "--vhost", str(vhost)).exit_code == 0
    assert entry.read_text().endswith("SecRuleEngine DetectionOnly\n")
    assert "file\t/etc/modsec_py/sites/shop.conf" in (root / MANIFEST.lstrip("/")).read_text()


def test_engine_vhost_edits_an_entry_file_in_place(run: Invoke, tmp_path: Path) -> None:
    entry = tmp_path / "site.conf"
    entry.write_text("<IfModule security2_module>\n\t# the server's settings\n\tInclude /etc/modsec_py/security2.conf\n"
                     "</IfModule>\n<Location /admin>\n\tSecRuleEngine Off\n</Location>\n")
    result = run("engine", "on", "--vhost", str(entry))
    assert result.exit_code == 0, result.stderr
    assert entry.read_text() == ("<IfModule security2_module>\n\t# the server's settings\n\tInclude "
                                 "/etc/modsec_py/security2.conf\n\tSecRuleEngine On\n</IfModule>\n<Location /admin>\n"
                                 "\tSecRuleEngine Off\n</Location>\n")


def test_engine_vhost_refuses_apache_files_that_name_no_or_several_entry_files(run: Invoke, tmp_path: Path) -> None:
    vhost = tmp_path / "v.conf"
    vhost.write_text("<VirtualHost *:80>\n</VirtualHost>\n")
    result = run("engine", "on", "--vhost", str(vhost))
    assert result.exit_code == 1 and "names no SecLang entry file" in result.stderr
    vhost.write_text("SetEnv MODSEC_PY_CONFIG /a.conf\nSetEnv MODSEC_PY_CONFIG /b.conf\n")
    result = run("engine", "on", "--vhost", str(vhost))
    assert result.exit_code == 1 and "several SecLang entry files (/a.conf, /b.conf)" in result.stderr


def test_writing_to_the_real_system_needs_root(run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    entry = tmp_path / "site.conf"  # a path given on the command line: planning works on the real /
    result = run("engine", "on", "--vhost", str(entry), root_dir=Path("/"))
    assert result.exit_code == 1 and "run it as root" in result.stderr
    assert not entry.exists()
    assert run("engine", "on", "--vhost", str(entry), "--dry-run", root_dir=Path("/")).exit_code == 0


def test_created_lists_what_modsec_py_created_and_what_became_of_it(run: Invoke, modsec: Path,
                                                                    recommended: Path) -> None:
    assert run("created").stdout == "modsec-py has created nothing\n"
    run("setup")
    assert run("created").stdout == "file  /etc/modsecurity/modsecurity.conf\n"
    (modsec / "modsecurity.conf").unlink()
    assert run("created").stdout == "file  /etc/modsecurity/modsecurity.conf  [missing]\n"


def test_an_unexpected_failure_is_one_line_not_a_traceback(run: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("modsec_py.cli.setup"), "plan_setup", broken)
    result = run("setup")
    assert result.exit_code == 2
    assert result.stderr == "modsec-py: internal error (RuntimeError: boom); please report it\n"
