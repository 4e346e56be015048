"""Ask the real ModSecurity 2.9.7 (Debian's, unpacked by tools/fetch-modsec2.sh) for its verdict.

Used only to compare configtest's verdicts with ``apache2 -t``; no test serves traffic
through it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import PROJECT, require

MODSEC2 = PROJECT / ".tmp" / "modsec2" / "root"
MODULE = MODSEC2 / "usr/lib/apache2/modules/mod_security2.so"
RECOMMENDED = MODSEC2 / "etc/modsecurity/modsecurity.conf-recommended"
_SYNTAX_ERROR = re.compile(r"Syntax error on line (\d+) of (.+?):\s")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    file: str = ""
    line: int = 0
    message: str = ""


def require_modsec2() -> None:
    require(MODULE, "ModSecurity 2.9.7 reference (run tools/fetch-modsec2.sh)")
    if shutil.which("apache2") is None and not Path("/usr/sbin/apache2").exists():
        require(Path("/usr/sbin/apache2"), "apache2")


def modsec2_verdict(rules_file: Path, workdir: Path) -> Verdict:
    """``apache2 -t`` with ModSecurity 2.9.7 loading ``rules_file`` (and mod_headers)."""
    require_modsec2()
    modules = "/usr/lib/apache2/modules"
    conf = workdir / "modsec2-httpd.conf"
    conf.write_text(
        "ServerRoot /etc/apache2\n"
        "ServerName 127.0.0.1\n"
        f"PidFile {workdir}/modsec2.pid\n"
        "Listen 127.0.0.1:1\n"
        f"ErrorLog {workdir}/modsec2-error.log\n"
        f"LoadModule mpm_event_module {modules}/mod_mpm_event.so\n"
        f"LoadModule authz_core_module {modules}/mod_authz_core.so\n"
        f"LoadModule headers_module {modules}/mod_headers.so\n"
        f"LoadModule unique_id_module {modules}/mod_unique_id.so\n"
        f"LoadModule security2_module {MODULE}\n"
        f"Include {rules_file}\n"
    )
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    env = {**os.environ, "LANG": "C"}
    run = subprocess.run([apache, "-f", str(conf), "-t"], capture_output=True, text=True, env=env, timeout=120)
    output = run.stdout + run.stderr
    if run.returncode == 0:
        return Verdict(True)
    matches = list(_SYNTAX_ERROR.finditer(output))  # nested Includes: the innermost is the cause
    if not matches:
        pytest.fail(f"unexpected apache2 -t output: {output}")
    last = matches[-1]
    message = output[last.end():].strip().splitlines()[0].replace("\\\\", "\\")  # Apache doubles backslashes
    return Verdict(False, last.group(2), int(last.group(1)), message)
