"""``modsec-py configtest``: output, exit codes, warnings on stderr, the default entry file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modsec_py.cli import main
from modsec_py.paths import BUNDLED_ENTRY, ENTRY_ENV, default_entry


@pytest.fixture
def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes the streams unless told not to
    except TypeError:
        return CliRunner()


def test_clean_configuration_says_syntax_ok(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "ok.conf"
    rules.write_text('SecRuleEngine On\nSecRule ARGS "@rx x" "id:1,phase:2,deny"\n')
    result = runner.invoke(main, ["configtest", "--config", str(rules)])
    assert result.exit_code == 0
    assert result.stdout == "Syntax OK\n"


def test_every_error_is_reported_with_its_place(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "inner.conf").write_text('SecRule ARGS "@rx x" "id:1,pass,foobar"\n')
    rules = tmp_path / "main.conf"
    rules.write_text("SecRuleEngine Sometimes\nInclude inner.conf\nSecFooBar\n")
    result = runner.invoke(main, ["configtest", "--config", str(rules)])
    assert result.exit_code == 1
    assert "Syntax OK" not in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == f"{rules}:1: SecRuleEngine: ModSecurity: Invalid value for SecRuleEngine: Sometimes"
    assert lines[1] == f"{tmp_path}/inner.conf:1: SecRule: Error parsing actions: Unknown action: foobar"
    assert lines[2] == f"  included from {rules}:2"
    assert lines[3].startswith(f"{rules}:3: SecFooBar: Invalid command 'SecFooBar'")
    assert lines[-1] == "3 errors in 2 file(s)"


def test_warnings_go_to_stderr_and_do_not_fail(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "warn.conf"
    rules.write_text("SecStatusEngine On\n")
    result = runner.invoke(main, ["configtest", "--config", str(rules)])
    assert result.exit_code == 0 and result.stdout == "Syntax OK\n"
    assert result.stderr.startswith(f"warning: {rules}:1: SecStatusEngine: SecStatusEngine has no effect")
    quiet = runner.invoke(main, ["configtest", "-q", "--config", str(rules)])
    assert quiet.stderr == ""


def test_define_turns_on_ifdefine(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "d.conf"
    rules.write_text("<IfDefine STRICT>\nSecFooBar\n</IfDefine>\n")
    assert runner.invoke(main, ["configtest", "--config", str(rules)]).exit_code == 0
    assert runner.invoke(main, ["configtest", "--define", "STRICT", "--config", str(rules)]).exit_code == 1


def test_default_entry_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENTRY_ENV, str(tmp_path / "x.conf"))
    assert default_entry() == str(tmp_path / "x.conf")
    monkeypatch.delenv(ENTRY_ENV)
    assert default_entry() in ("/etc/modsec_py/security2.conf", BUNDLED_ENTRY)
    text = Path(BUNDLED_ENTRY).read_text()
    for line in ("SecDataDir /var/cache/modsecurity", "IncludeOptional /etc/modsecurity/*.conf",
                 "IncludeOptional /usr/share/modsecurity-crs/*.load"):
        assert line in text


def test_without_config_checks_the_default_entry(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    entry = tmp_path / "entry.conf"
    entry.write_text("SecFooBar\n")
    monkeypatch.setenv(ENTRY_ENV, str(entry))
    result = runner.invoke(main, ["configtest"])
    assert result.exit_code == 1 and result.stderr.startswith(f"{entry}:1: SecFooBar:")


def test_python_dash_m_is_the_same_cli(tmp_path: Path) -> None:
    rules = tmp_path / "ok.conf"
    rules.write_text('SecAction "id:1,pass,nolog"\n')
    run = subprocess.run([sys.executable, "-m", "modsec_py", "configtest", "--config", str(rules)],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[3])
    assert (run.returncode, run.stdout) == (0, "Syntax OK\n")
    setup_cfg = (Path(__file__).resolve().parents[3] / "setup.cfg").read_text()
    assert "modsec-py = modsec_py.cli:main" in setup_cfg
