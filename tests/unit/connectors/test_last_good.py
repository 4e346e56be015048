"""A broken rule file never takes a site down: the last good ruleset, fail closed/open, status."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from modsec_py.cli import main
from modsec_py.connectors import registry
from modsec_py.connectors.wsgi import ModSecurityMiddleware
from modsec_py.state import rulesets
from tests.unit.connectors.wsgi_helpers import call, environ, errors

BLOCK = 'SecRuleEngine On\nSecRule ARGS:q "@pmFromFile words.data" "id:1,phase:1,deny,status:403"\n'


def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"served"]


@pytest.fixture
def site(tmp_path: Path) -> dict[str, Path]:
    rules = tmp_path / "rules"
    (rules / "conf.d").mkdir(parents=True)
    (rules / "conf.d" / "10-block.conf").write_text(BLOCK)
    (rules / "conf.d" / "words.data").write_text("evil\n")
    entry = rules / "entry.conf"
    entry.write_text(f"Include {rules}/conf.d/*.conf\n")
    state = tmp_path / "state"
    state.mkdir()
    yield {"entry": entry, "rules": rules, "state": state}
    registry.forget()


def request(site: dict[str, Path], query: str, **extra: Any) -> tuple[int, str]:
    env = environ("/", query, MODSEC_PY_STATE_DIR=str(site["state"]), **extra)
    return call(ModSecurityMiddleware(app, str(site["entry"])), env).code, errors(env)


def restart() -> None:
    registry.forget()  # what a graceful restart does: fresh processes


def test_a_broken_file_after_a_restart_keeps_the_last_good_rules(site: dict[str, Path]) -> None:
    assert request(site, "q=evil")[0] == 403
    # The admin changes the data file and adds a broken file that the Include glob now matches.
    (site["rules"] / "conf.d" / "words.data").write_text("other\n")
    (site["rules"] / "conf.d" / "20-broken.conf").write_text('SecRuleEngine On\nSecRule ARGS "@rx (" "id:2"\n')
    restart()
    status, log = request(site, "q=evil")
    assert status == 403  # the saved words.data, not the new one
    assert f"failed to load {os.path.realpath(site['entry'])}" in log
    assert "20-broken.conf:2" in log  # file:line of the error
    assert "serves the last good ruleset" in log
    assert request(site, "q=other")[0] == 200
    # Fixed: the files load again and replace the saved ruleset.
    (site["rules"] / "conf.d" / "20-broken.conf").unlink()
    restart()
    status, log = request(site, "q=other")
    assert status == 403 and "failed to load" not in log


def test_the_failure_is_logged_once_per_process(site: dict[str, Path]) -> None:
    request(site, "q=a")
    (site["entry"]).write_text("SecRuleEngine Sometimes\n")
    restart()
    assert "failed to load" in request(site, "q=a")[1]
    assert request(site, "q=a")[1] == ""


def test_no_good_ruleset_ever_fails_closed_or_open_as_configured(site: dict[str, Path]) -> None:
    site["entry"].write_text("SecRuleEngine Sometimes\n")
    status, log = request(site, "q=evil")
    assert status == 503 and "refused with 503" in log
    restart()
    status, log = request(site, "q=evil", MODSEC_PY_FAILURE_MODE="open")
    assert status == 200 and "UNINSPECTED" in log


def test_an_unwritable_state_dir_is_reported_and_the_site_still_served(site: dict[str, Path]) -> None:
    env = environ("/", "q=evil", MODSEC_PY_STATE_DIR=str(site["state"] / "missing"))
    assert call(ModSecurityMiddleware(app, str(site["entry"])), env).code == 403
    assert "cannot keep" in errors(env) and "MODSEC_PY_STATE_DIR" in errors(env)


def test_status_shows_what_each_process_serves(site: dict[str, Path]) -> None:
    runner = CliRunner()
    request(site, "q=a")
    result = runner.invoke(main, ["status", "--state-dir", str(site["state"])])
    assert result.exit_code == 0, result.output
    assert os.path.realpath(site["entry"]) in result.output
    assert f"process {os.getpid()}" in result.output and "the files as they are" in result.output
    site["entry"].write_text("Include /nowhere/at/all.conf\n")
    restart()
    request(site, "q=a")
    result = runner.invoke(main, ["status", "--state-dir", str(site["state"]), "--json"])
    data = json.loads(result.output)
    (mine,) = [live for live in data["processes"] if live["pid"] == os.getpid()]
    assert mine["live"] == rulesets.LIVE_LAST_GOOD and "/nowhere/at/all.conf" in mine["error"]
    assert data["last_good"][mine["entry"]]["files"] == 3


def test_status_forgets_processes_that_are_gone(site: dict[str, Path]) -> None:
    gone = rulesets.Live(pid=2 ** 22 + 12345, entry=str(site["entry"]), live="current", since=0.0)
    rulesets.record_live(str(site["state"]), gone)
    assert rulesets.read_live(str(site["state"])) == []
    result = CliRunner().invoke(main, ["status", "--state-dir", str(site["state"])])
    assert "no running modsec_py process" in result.output
