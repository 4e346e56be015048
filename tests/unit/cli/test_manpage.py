"""modsec-py(1): generated from the click tree, every visible command and option on the page."""

from __future__ import annotations

import shutil
import subprocess
import sys

import click
import pytest

from modsec_py.cli import main
from modsec_py.cli.manpage import commands, escape, render


def visible_options(command: click.Command) -> list[str]:
    flags = []
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            flags += param.opts + param.secondary_opts
    return flags


def test_every_command_has_a_section_with_all_its_options() -> None:
    page = render(date="2026-01-01")
    paths = [path for path, _ in commands(main)]
    assert ("modsec-py", "configtest") in paths and ("modsec-py", "crs", "enable") in paths
    sections = page.split('\n.SS "')
    for path, ctx in commands(main):
        if len(path) == 1:
            section = sections[0]
        else:
            heading = escape(" ".join(path))
            matching = [text for text in sections if text.startswith(heading + '"')]
            assert len(matching) == 1, f"no section for {' '.join(path)}"
            section = matching[0]
        for flag in [*visible_options(ctx.command), "--help"]:
            assert escape(flag) in section, f"{flag} of {' '.join(path)} missing"


def test_hidden_options_stay_off_the_page() -> None:
    hidden = [opt for _, ctx in commands(main) for param in ctx.command.params
              if isinstance(param, click.Option) and param.hidden for opt in param.opts]
    page = render(date="2026-01-01")
    assert all(escape(opt) + " " not in page and escape(opt) + "\\fR" not in page for opt in hidden)


def test_header_date_comes_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert render().startswith('.TH MODSEC\\-PY 1 "1970-01-01"')


def test_escape_protects_roff_control_characters() -> None:
    assert escape(".x\n'y\na-b\\c") == "\\&.x\n\\&'y\na\\-b\\ec"


def test_module_writes_the_page_and_man_renders_it_without_warnings(tmp_path) -> None:
    page = tmp_path / "modsec-py.1"
    with page.open("w") as out:
        subprocess.run([sys.executable, "-m", "modsec_py.cli.manpage"], stdout=out, check=True)
    text = page.read_text()
    assert text.startswith(".TH MODSEC\\-PY 1 ") and ".SH COMMANDS" in text
    if shutil.which("man") is None:
        pytest.skip("man is not installed")
    env = {"MANWIDTH": "100", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin", "MAN_KEEP_STDERR": "1"}
    shown = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", str(page)],
                           capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and shown.stderr == ""
    assert "modsec-py crs anomaly-scoring" in shown.stdout
