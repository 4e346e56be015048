"""apache/: the module files a2enmod reads, and the example virtual hosts, as Apache reads them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from modsec_py import WAF
from modsec_py.paths import BUNDLED_ENTRY
from modsec_py.testing import apache
from tests.conftest import PROJECT
from tests.integration.conftest import require_apache

APACHE_DIR = PROJECT / "apache"


def test_the_load_file_depends_on_mod_wsgi_and_loads_nothing_else() -> None:
    lines = (APACHE_DIR / "security2_py.load").read_text().splitlines()
    assert lines[0] == "# Depends: wsgi"
    assert all(line.startswith("#") or not line.strip() for line in lines)


@pytest.fixture
def scratch() -> Iterator[Path]:
    require_apache()
    root = apache.make_home("modsec_py-examples-")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("example", ["middleware.conf", "proxy.conf", "access.conf"])
def test_each_example_virtual_host_passes_apache_t(scratch: Path, example: str) -> None:
    home = apache.install_copy(scratch / "home")
    server = apache.ApacheInstance(root=scratch / "server", home=home)
    text = (APACHE_DIR / "examples" / example).read_text()
    text = text.replace("*:80", f"127.0.0.1:{server.port}").replace("Listen 127.0.0.1:8081", "")
    (scratch / example).write_text(text)
    server.write_config(f"Define APACHE_LOG_DIR {server.logs}\nInclude {scratch / example}\n")
    assert "Syntax OK" in server.check_syntax()
    assert "security2_module" not in server.modules()


@pytest.mark.parametrize("site", ["shop.conf", "blog.conf", "www.conf"])
def test_each_example_site_entry_file_loads(tmp_path: Path, site: str) -> None:
    text = (APACHE_DIR / "examples" / "sites" / site).read_text()
    text = text.replace("/etc/modsec_py/security2.conf", BUNDLED_ENTRY).replace("/var/log/modsec_py", str(tmp_path))
    for name in ("shop", "blog"):
        (tmp_path / name).mkdir()
    entry = tmp_path / site
    entry.write_text(text)
    waf = WAF.from_files([str(entry)])
    assert waf.config.rule_engine.value == ("DetectionOnly" if site == "blog.conf" else "On")
