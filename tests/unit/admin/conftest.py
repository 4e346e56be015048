"""Fixtures for the administration commands: a CliRunner, a temporary root tree, the CRS trees.

The CRS trees are read in place (never copied into the repository); commands act on a
temporary ``--root`` and link to them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modsec_py.cli import main
from tests.conftest import PROJECT, SHARED, require

RECOMMENDED = PROJECT / "etc" / "modsecurity" / "modsecurity.conf-recommended"
DEBIAN_SETUP = Path("/etc/modsecurity/crs/crs-setup.conf")
Invoke = Callable[..., Result]


@pytest.fixture
def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes the streams unless told not to
    except TypeError:
        return CliRunner()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty system: /etc/modsecurity and /var/cache/modsecurity exist, nothing else."""
    tree = tmp_path / "root"
    (tree / "etc" / "modsecurity").mkdir(parents=True)
    (tree / "var" / "cache" / "modsecurity").mkdir(parents=True)
    return tree


@pytest.fixture
def modsec(root: Path) -> Path:
    return root / "etc" / "modsecurity"


@pytest.fixture
def run(runner: CliRunner, root: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """``run("crs", "list", ...)``: invoke modsec-py with ``--root`` (last, as a user may)."""
    monkeypatch.delenv("MODSEC_PY_CONFIG", raising=False)
    monkeypatch.delenv("MODSEC_PY_CRS_DIR", raising=False)

    def invoke(*args: str, root_dir: Path | None = None) -> Result:
        result = runner.invoke(main, [*args, "--root", str(root_dir or root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.stdout + result.stderr
        return result

    return invoke


@pytest.fixture
def crs2() -> Path:
    return require(SHARED / "crs" / "v2.2.9", "OWASP CRS 2.2.9 test data")


@pytest.fixture
def crs4() -> Path:
    return require(SHARED / "crs" / "v4.28.0", "OWASP CRS 4.28.0 test data")


@pytest.fixture
def debian_crs_root(root: Path, debian_crs: Path) -> Path:
    """The root with the package's /etc/modsecurity/crs/crs-setup.conf, as the package installs it."""
    setup = require(DEBIAN_SETUP, "modsecurity-crs's /etc/modsecurity/crs/crs-setup.conf")
    (root / "etc" / "modsecurity" / "crs").mkdir()
    shutil.copy(setup, root / "etc" / "modsecurity" / "crs" / "crs-setup.conf")
    return debian_crs


@pytest.fixture
def headers_enabled(root: Path) -> None:
    """`a2enmod headers` inside the root (optional_rules use RequestHeader / Header)."""
    mods = root / "etc" / "apache2" / "mods-enabled"
    mods.mkdir(parents=True)
    (mods / "headers.load").write_text("LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so\n")


def links(directory: Path) -> dict[str, str]:
    return {entry.name: os.readlink(entry) for entry in sorted(directory.iterdir()) if entry.is_symlink()}
