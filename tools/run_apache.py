"""`make run` / `make stop`: a real Apache on 127.0.0.1:8080 protecting modsec_py's demo application.

Apache 2.4 + mod_wsgi (Debian's packages) run modsec_py with our modsecurity.conf-recommended
(SecRuleEngine On) and Debian's CRS 3.3.4. Everything lives under /var/tmp/modsec_py-run (a
copy of the code that Apache's www-data user can read, the configuration, the logs), so the
clone itself may stay private. Usage: python3 tools/run_apache.py start|stop [--port N].
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modsec_py.testing import apache  # noqa: E402 (the project's own code, from this clone)

RUN = Path("/var/tmp/modsec_py-run")


def _instance(port: int) -> apache.ApacheInstance:
    return apache.ApacheInstance(root=RUN / "server", home=RUN, port=port, processes=2)


def _running() -> apache.ApacheInstance | None:
    config = RUN / "server" / "httpd.conf"
    if not config.exists():
        return None
    port = 8080
    for line in config.read_text().splitlines():
        if line.startswith("Listen 127.0.0.1:"):
            port = int(line.rsplit(":", 1)[1])
            break
    instance = _instance(port)
    return instance if instance.pid() is not None else None


def stop() -> None:
    instance = _running()
    if instance is None:
        print("modsec_py: no Apache from `make run` is running")
        return
    instance.stop()
    instance.pid_file.unlink(missing_ok=True)
    print(f"modsec_py: Apache on 127.0.0.1:{instance.port} stopped")


def start(port: int) -> int:
    reason = apache.missing()
    if reason is not None:
        print(f"modsec_py: {reason}", file=sys.stderr)
        return 1
    if _running() is not None:
        stop()
    RUN.mkdir(parents=True, exist_ok=True)
    RUN.chmod(0o755)
    apache.install_copy(RUN)
    instance = _instance(port)
    shutil.rmtree(instance.root / "run", ignore_errors=True)
    logs, data = instance.logs, instance.root / "data"
    seclang = RUN / "seclang"
    seclang.mkdir(exist_ok=True)
    (seclang / "modsecurity.conf").write_text(apache.modsecurity_conf(RUN, logs, data, "On"))
    entry = seclang / "security2.conf"
    entry.write_text("# The SecLang entry file of `make run`: modsecurity.conf (SecRuleEngine On) + CRS 3.3.4\n"
                     + apache.crs_entry(seclang / "modsecurity.conf"))
    site = (f"WSGIScriptAlias / {RUN}/wsgi/demo.wsgi process-group=modsec_py application-group=%{{GLOBAL}}\n"
            f"SetEnv MODSEC_PY_CONFIG {entry}\n"
            "WSGIChunkedRequest On\n")
    instance.write_config(site)
    apache.writable_by_server(logs)
    apache.writable_by_server(data)
    instance.check_syntax()
    instance.start()
    print(f"modsec_py: Apache (mod_wsgi + modsec_py + CRS 3.3.4, SecRuleEngine On) on {instance.url('/')}\n"
          f"  try:        curl -i '{instance.url('/?id=1%27%20OR%201=1--')}'   (403)\n"
          f"  error log:  {instance.error_log}\n"
          f"  audit log:  {logs / 'modsec_audit.log'}\n"
          f"  access log: {logs / 'access.log'}\n"
          f"  rules:      {entry}\n"
          "  stop with:  make stop")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    if args.command == "stop":
        stop()
        return 0
    return start(args.port)


if __name__ == "__main__":
    sys.exit(main())
