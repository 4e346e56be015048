"""Real Apache 2.4 instances running modsec_py through mod_wsgi: for the tests and ``make run``.

An instance has its own directory (configuration, pid file, logs, mod_wsgi sockets), listens
on 127.0.0.1 only, and loads mod_wsgi but never mod_security2, so every verdict it gives
comes from modsec_py. Apache's children run as ``www-data`` when started by root, and
Debian's python3 inside them must read the code: :func:`install_copy` puts a copy of the
package, the WSGI scripts and ``etc/modsecurity`` in a world-readable directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from modsec_py._util.processes import alive
from modsec_py.state.rulesets import STATE_ENV

APACHE = "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
MOD_WSGI = MODULES / "mod_wsgi.so"
CRS_SETUP = Path("/etc/modsecurity/crs/crs-setup.conf")
CRS_RULES = Path("/usr/share/modsecurity-crs/rules")
SOURCE = Path(__file__).resolve().parents[2]  # the project: modsec_py/, apache/, etc/
RUN_USER = "www-data"
BASE_MODULES = ("mpm_event", "authz_core", "authz_host", "mime", "alias", "env", "setenvif", "unique_id", "dir",
                "wsgi")


def missing() -> str | None:
    """Why real-Apache instances cannot run here, or None."""
    if not Path(APACHE).exists():
        return f"Apache 2.4 ({APACHE}, Debian package apache2) is not installed"
    if not MOD_WSGI.exists():
        return f"mod_wsgi ({MOD_WSGI}, Debian package libapache2-mod-wsgi-py3) is not installed"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_readable(path: Path) -> None:
    """a+rX on ``path`` and everything under it."""
    for item in [path, *path.rglob("*")]:
        mode = item.stat().st_mode
        extra = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
        if item.is_dir() or mode & stat.S_IXUSR:
            extra |= stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
        item.chmod(mode | extra)


def writable_by_server(path: Path) -> None:
    """Make ``path`` (a directory) writable by the user Apache's children run as."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam(RUN_USER)
        os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(0o755)


def make_home(prefix: str = "modsec_py-") -> Path:
    """A new world-readable directory under /tmp (pytest's own are private to their owner)."""
    home = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    home.chmod(0o755)
    return home


def install_copy(home: Path, source: Path = SOURCE) -> Path:
    """Copy the package, apache/ and etc/modsecurity/ into ``home`` (world-readable); returns ``home``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for target in ("python", "wsgi", "apache", "etc"):
        shutil.rmtree(home / target, ignore_errors=True)
    shutil.copytree(source / "modsec_py", home / "python" / "modsec_py", ignore=ignore)
    shutil.copytree(source / "apache" / "wsgi", home / "wsgi", ignore=ignore)
    shutil.copytree(source / "apache", home / "apache", ignore=ignore)
    shutil.copytree(source / "etc" / "modsecurity", home / "etc" / "modsecurity", ignore=ignore)
    make_readable(home)
    return home


def modsecurity_conf(home: Path, logs: Path, data: Path, engine: str = "On", extra: str = "") -> str:
    """Our modsecurity.conf-recommended with ``SecRuleEngine engine`` and paths under ``logs`` / ``data``."""
    text = (home / "etc" / "modsecurity" / "modsecurity.conf-recommended").read_text()
    text = text.replace("SecRuleEngine DetectionOnly", f"SecRuleEngine {engine}")
    text = text.replace("SecAuditLog /var/log/modsec_py/modsec_audit.log", f"SecAuditLog {logs}/modsec_audit.log")
    text = text.replace("SecTmpDir /tmp/", f"SecTmpDir {data}/")
    text = text.replace("SecDataDir /tmp/", f"SecDataDir {data}/")
    mapping = home / "etc" / "modsecurity" / "unicode.mapping"
    text = text.replace("SecUnicodeMapFile unicode.mapping", f"SecUnicodeMapFile {mapping}")
    return text + extra


def crs_entry(base: Path) -> str:
    """The SecLang lines that follow modsecurity.conf to load Debian's CRS 3.3.4 (as owasp-crs.load does)."""
    return (f"Include {base}\nInclude {CRS_SETUP}\n"
            "IncludeOptional /etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf\n"
            f"Include {CRS_RULES}/*.conf\n"
            "IncludeOptional /etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf\n")


@dataclass
class ApacheInstance:
    """One Apache: ``root`` holds its configuration, pid file, logs and sockets."""

    root: Path
    home: Path  # the installed copy (python/, wsgi/, apache/, etc/)
    port: int = field(default_factory=free_port)
    extra_ports: list[int] = field(default_factory=list)
    processes: int = 1
    system: bool = False  # an installed modsec_py: the system's enabled modules and state directory

    @property
    def config(self) -> Path:
        return self.root / "httpd.conf"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def error_log(self) -> Path:
        return self.logs / "error.log"

    @property
    def state_dir(self) -> Path:
        """Where its processes keep the last good rulesets (``MODSEC_PY_STATE_DIR``)."""
        return self.root / "state"

    @property
    def pid_file(self) -> Path:
        return self.root / "run" / "httpd.pid"

    def url(self, path: str = "/", port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.port}{path}"

    def write_config(self, sites: str) -> Path:
        """The server configuration: base modules, modsec_py's security2_py.conf, then ``sites``."""
        for name in ("run", "logs", "data", "htdocs", "state"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        writable_by_server(self.logs)
        writable_by_server(self.state_dir)
        writable_by_server(self.root / "data")
        make_readable(self.root / "htdocs")
        user = f"User {RUN_USER}\nGroup {RUN_USER}\n" if os.geteuid() == 0 else ""
        listens = "".join(f"Listen 127.0.0.1:{port}\n" for port in (self.port, *self.extra_ports))
        modules = "".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so\n" for name in BASE_MODULES)
        self.config.write_text(
            f"ServerRoot {self.root}\nServerName localhost\n{listens}PidFile {self.pid_file}\n"
            f"DefaultRuntimeDir {self.root}/run\nMutex file:{self.root}/run default\n"
            f"ErrorLog {self.error_log}\nLogLevel notice\n{user}"
            f"{modules}"
            f"StartServers 1\nServerLimit {self.processes}\nThreadsPerChild 16\nThreadLimit 16\n"
            f"MaxRequestWorkers {16 * self.processes}\nMinSpareThreads 1\nMaxSpareThreads {16 * self.processes}\n"
            "MaxConnectionsPerChild 0\nKeepAlive On\nTimeout 60\n"
            "TypesConfig /etc/mime.types\n"
            f"LogFormat \"%h %l %u %t \\\"%r\\\" %>s %b %{{UNIQUE_ID}}e\" common\n"
            f"CustomLog {self.logs}/access.log common\n"
            f"DocumentRoot {self.root}/htdocs\n"
            "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
            f"<Directory {self.root}/htdocs>\n    Require all granted\n</Directory>\n"
            f"<Directory {self.home}/wsgi>\n    Require all granted\n</Directory>\n"
            f"<Directory {self.root}/wsgi>\n    Require all granted\n</Directory>\n"
            f"WSGISocketPrefix {self.root}/run/wsgi\n"
            f"Define MODSEC_PY_HOME {self.home}\n"
            f"Include {self.home}/apache/security2_py.conf\n"
            f"{sites}\n")
        return self.config

    def write_system_config(self, sites: str) -> Path:
        """An installed modsec_py's server: the modules ``a2enmod`` enabled in /etc/apache2, on our own
        loopback port, pid file and logs, with a document root of our own, then ``sites``."""
        for name in ("run", "logs", "htdocs"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        writable_by_server(self.logs)
        make_readable(self.root / "htdocs")
        user = f"User {RUN_USER}\nGroup {RUN_USER}\n" if os.geteuid() == 0 else ""
        self.config.write_text(
            f"ServerRoot /etc/apache2\nServerName localhost\nListen 127.0.0.1:{self.port}\n"
            f"PidFile {self.pid_file}\nDefaultRuntimeDir {self.root}/run\nMutex file:{self.root}/run default\n"
            f"ErrorLog {self.error_log}\nLogLevel notice\n{user}"
            "IncludeOptional mods-enabled/*.load\nIncludeOptional mods-enabled/*.conf\n"
            f"<IfModule mod_wsgi.c>\n    WSGISocketPrefix {self.root}/run/wsgi\n</IfModule>\n"
            "KeepAlive On\nTimeout 60\n"
            f"CustomLog {self.logs}/access.log \"%h %t \\\"%r\\\" %>s\"\n"
            f"DocumentRoot {self.root}/htdocs\n"
            "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
            f"<Directory {self.root}/htdocs>\n    Require all granted\n</Directory>\n"
            f"{sites}\n")
        return self.config

    def _apache(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "LANG": "C"}
        if self.system:  # what /etc/apache2/envvars gives the files in mods-enabled
            env.update(APACHE_RUN_USER=RUN_USER, APACHE_RUN_GROUP=RUN_USER, APACHE_RUN_DIR=f"{self.root}/run",
                       APACHE_PID_FILE=str(self.pid_file), APACHE_LOCK_DIR=f"{self.root}/run",
                       APACHE_LOG_DIR=str(self.logs))
        else:
            env[STATE_ENV] = str(self.state_dir)
        return subprocess.run([APACHE, "-f", str(self.config), *args], capture_output=True, text=True, env=env,
                              timeout=120, check=check)

    def check_syntax(self) -> str:
        """``apache2 -t``: its output (raises when the configuration is refused)."""
        run = self._apache("-t", check=False)
        if run.returncode != 0:
            raise RuntimeError(f"apache2 -t refused {self.config}:\n{run.stdout}{run.stderr}")
        return run.stdout + run.stderr

    def modules(self) -> set[str]:
        """The modules this configuration loads (``apache2 -t -D DUMP_MODULES``)."""
        run = self._apache("-t", "-D", "DUMP_MODULES")
        return {line.split()[0] for line in run.stdout.splitlines() if line.startswith(" ")}

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def start(self, wait: float = 60.0) -> None:
        self._apache("-k", "start")
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.pid() is not None and _accepts(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"Apache did not start; {self.error_log}:\n{self.read_error_log()}")

    def graceful(self) -> None:
        self._apache("-k", "graceful")

    def stop(self, wait: float = 30.0) -> None:
        pid = self.pid()
        if pid is None:
            return
        self._apache("-k", "stop", check=False)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.05)
        if alive(pid):  # our own parent only, by its pid
            os.kill(pid, 9)

    def read_error_log(self) -> str:
        try:
            return self.error_log.read_text(errors="replace")
        except OSError:
            return ""


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
