"""Real Apache 2.4 + mod_wsgi instances running modsec_py, for the integration tests.

One instance per test session (its own ServerRoot, pid file, logs, loopback ports), stopped
at teardown. It never loads mod_security2: every verdict comes from modsec_py. Without
apache2 or mod_wsgi the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from modsec_py.testing import apache
from tests.conftest import DEBIAN_CRS


def require_apache() -> None:
    reason = apache.missing()
    if reason is None and not (DEBIAN_CRS / "rules").exists():
        reason = f"Debian's modsecurity-crs (CRS 3.3.4) is not installed at {DEBIAN_CRS}"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the integration tests must run)")
    pytest.skip(reason)


@dataclass
class Site:
    """The test server: the instance and the ports of its two virtual hosts."""

    server: apache.ApacheInstance
    upstream_port: int
    seclang: Path

    def url(self, path: str) -> str:
        return self.server.url(path)

    def upstream(self, path: str) -> str:
        return self.server.url(path, self.upstream_port)


# Small rule sets for what the connectors themselves do (limits, actions, phase 5).
RULES = """SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecRequestBodyLimit 2000
SecResponseBodyLimit 3000
SecResponseBodyLimitAction Reject
SecRule ARGS:act "@streq drop" "id:10,phase:1,drop,log,msg:'drop it'"
SecRule ARGS:act "@streq redirect" "id:11,phase:1,redirect:http://example.com/away,log,msg:'redirect it'"
SecRule ARGS:act "@streq deny" "id:12,phase:2,deny,status:406,log,msg:'deny it'"
SecRule REQUEST_HEADERS_NAMES "@streq x-lower-case" "id:13,phase:1,deny,status:409"
SecRule &REQUEST_HEADERS:Proxy "@gt 0" "id:14,phase:1,deny,status:410"
SecRule REQUEST_HEADERS:X_Filename|REQUEST_HEADERS:X.Filename "@streq evil.php" "id:15,phase:1,deny,status:412"
SecRule RESPONSE_STATUS "@rx ^" "id:50,phase:5,pass,log,msg:'phase 5 saw %{RESPONSE_STATUS}'"
"""


RELOAD_BEFORE = 'SecRuleEngine On\nSecRule ARGS:v "@streq old" "id:20,phase:1,deny,status:403"\n'
RELOAD_AFTER = 'SecRuleEngine On\nSecRule ARGS:v "@streq new" "id:21,phase:1,deny,status:403"\n'


def _seclang(home: Path, root: Path) -> Path:
    seclang = root / "seclang"
    seclang.mkdir()
    (seclang / "rules.conf").write_text(RULES)
    (seclang / "reload.conf").write_text(RELOAD_BEFORE)
    logs, data = root / "logs", root / "data"
    for engine, name in (("On", "on"), ("DetectionOnly", "detect")):
        base = seclang / f"modsecurity-{name}.conf"
        base.write_text(apache.modsecurity_conf(home, logs, data, engine))
        (seclang / f"crs-{name}.conf").write_text(apache.crs_entry(base))
    return seclang


def _sites(home: Path, root: Path, seclang: Path, upstream_port: int) -> str:
    wsgi = root / "wsgi"
    wsgi.mkdir()
    (wsgi / "plain.wsgi").write_text("from modsec_py.connectors.demo import demo_app as application\n")
    (wsgi / "access-on.wsgi").write_text(
        "from modsec_py.connectors.access import make_allow_access\n"
        f"allow_access = make_allow_access({str(seclang / 'crs-on.conf')!r})\n")
    static = root / "htdocs" / "static"
    static.mkdir(parents=True)
    (static / "page.html").write_bytes(b"<html><body>static page</body></html>\n")
    on, detect = seclang / "crs-on.conf", seclang / "crs-detect.conf"
    group = "process-group=modsec_py application-group=%{GLOBAL}"
    return f"""
# mod_wsgi answers 411 to chunked request bodies unless told otherwise
WSGIChunkedRequest On
WSGIScriptAlias /mw {home}/wsgi/demo.wsgi {group}
<Location /mw>
    SetEnv MODSEC_PY_CONFIG {on}
</Location>
WSGIScriptAlias /embedded {home}/wsgi/demo.wsgi process-group=%{{GLOBAL}} application-group=%{{GLOBAL}}
<Location /embedded>
    SetEnv MODSEC_PY_CONFIG {on}
</Location>
WSGIScriptAlias /detect {home}/wsgi/demo.wsgi {group}
<Location /detect>
    SetEnv MODSEC_PY_CONFIG {detect}
</Location>
WSGIScriptAlias /rules {home}/wsgi/demo.wsgi {group}
<Location /rules>
    SetEnv MODSEC_PY_CONFIG {seclang}/rules.conf
</Location>
WSGIScriptAlias /embedded-rules {home}/wsgi/demo.wsgi process-group=%{{GLOBAL}} application-group=%{{GLOBAL}}
<Location /embedded-rules>
    SetEnv MODSEC_PY_CONFIG {seclang}/rules.conf
</Location>
WSGIDaemonProcess reload processes=1 threads=4 python-path={home}/python
WSGIScriptAlias /reload {home}/wsgi/demo.wsgi process-group=reload application-group=%{{GLOBAL}}
<Location /reload>
    SetEnv MODSEC_PY_CONFIG {seclang}/reload.conf
</Location>
WSGIScriptAlias /proxy {home}/wsgi/proxy.wsgi {group}
<Location /proxy>
    SetEnv MODSEC_PY_CONFIG {on}
    SetEnv MODSEC_PY_UPSTREAM http://127.0.0.1:{upstream_port}/backend
</Location>
<Location /static>
    WSGIAccessScript {wsgi}/access-on.wsgi
</Location>
WSGIDaemonProcess upstream processes=1 threads=8 python-path={home}/python
<VirtualHost 127.0.0.1:{upstream_port}>
    WSGIScriptAlias /backend {wsgi}/plain.wsgi process-group=upstream application-group=%{{GLOBAL}}
</VirtualHost>
"""


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    require_apache()
    home = apache.install_copy(apache.make_home("modsec_py-home-"))
    root = apache.make_home("modsec_py-apache-")
    upstream_port = apache.free_port()
    server = apache.ApacheInstance(root=root, home=home, extra_ports=[upstream_port])
    seclang = _seclang(home, root)
    server.write_config(_sites(home, root, seclang, upstream_port))
    apache.make_readable(root)
    apache.writable_by_server(server.logs)
    server.check_syntax()
    server.start()
    try:
        yield Site(server, upstream_port, seclang)
    finally:
        server.stop()
        if os.environ.get("MODSEC_PY_KEEP_APACHE") != "1":
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(home, ignore_errors=True)


@contextmanager
def running(instance: apache.ApacheInstance, root: Path, home: Path) -> Iterator[apache.ApacheInstance]:
    """Start a configured instance, stop it afterwards and remove its trees (unless MODSEC_PY_KEEP_APACHE=1)."""
    apache.make_readable(root)
    apache.writable_by_server(instance.logs)
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()
        if os.environ.get("MODSEC_PY_KEEP_APACHE") != "1":
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(home, ignore_errors=True)
