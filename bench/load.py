"""Loading CRS 3.3.4: modsec_py's configtest against ``apache2 -t`` with ModSecurity 2.9.7.

Both run in the same session on the same files (Debian's modsecurity.conf-recommended,
crs-setup.conf and the CRS 3.3.4 rules); figures are medians of wall-clock time over
whole processes, reported with their ratio. Run from the project root:

    python3 bench/load.py [--runs N]

Needs ``make deps reference`` (Apache, Debian's CRS, the unpacked ModSecurity 2.9.7).
"""

from __future__ import annotations

import argparse
import glob
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
MODSEC2 = PROJECT / ".tmp/modsec2/root"
MODULES = "/usr/lib/apache2/modules"


def rules_file(directory: Path) -> Path:
    entry = directory / "crs.conf"
    files = [MODSEC2 / "etc/modsecurity/modsecurity.conf-recommended", "/etc/modsecurity/crs/crs-setup.conf",
             *sorted(glob.glob("/usr/share/modsecurity-crs/rules/*.conf"))]
    entry.write_text("".join(f"Include {path}\n" for path in files))
    return entry


def httpd_conf(directory: Path, rules: Path | None) -> Path:
    conf = directory / ("httpd-modsec.conf" if rules else "httpd-plain.conf")
    lines = ["ServerRoot /etc/apache2", "ServerName 127.0.0.1", f"PidFile {directory}/pid", "Listen 127.0.0.1:1",
             f"ErrorLog {directory}/error.log", f"LoadModule mpm_event_module {MODULES}/mod_mpm_event.so",
             f"LoadModule authz_core_module {MODULES}/mod_authz_core.so"]
    if rules:
        lines += [f"LoadModule unique_id_module {MODULES}/mod_unique_id.so",
                  f"LoadModule security2_module {MODSEC2}/usr/lib/apache2/modules/mod_security2.so",
                  f"Include {rules}"]
    conf.write_text("\n".join(lines) + "\n")
    return conf


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=PROJECT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process_load(rules: Path, runs: int) -> float:
    sys.path.insert(0, str(PROJECT))
    import regex

    from modsec_py._util.pcre import compile_pcre
    from modsec_py.seclang.loader import load_files

    times = []
    for _ in range(runs):
        compile_pcre.cache_clear()
        regex.purge()  # cold: no compiled pattern is reused between runs
        start = time.perf_counter()
        result = load_files([str(rules)], immediate=False)
        times.append(time.perf_counter() - start)
        assert not result.errors, result.errors
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        rules = rules_file(directory)
        ours = median_seconds(["/usr/bin/python3", "-m", "modsec_py", "configtest", "-q", "--config", str(rules)], runs)
        loader = in_process_load(rules, runs)
        v2 = median_seconds(["apache2", "-f", str(httpd_conf(directory, rules)), "-t"], runs)
        plain = median_seconds(["apache2", "-f", str(httpd_conf(directory, None)), "-t"], runs)
    print(f"CRS 3.3.4, median of {runs} runs")
    print(f"  modsec-py configtest (whole process, Debian python3): {ours * 1000:7.1f} ms")
    print(f"  modsec_py loader alone, in process, cold regexes:    {loader * 1000:7.1f} ms")
    print(f"  apache2 -t with ModSecurity 2.9.7:                    {v2 * 1000:7.1f} ms")
    print(f"  apache2 -t without ModSecurity:                       {plain * 1000:7.1f} ms")
    print(f"  ratio configtest / apache2 -t with ModSecurity:       {ours / v2:7.2f}")


if __name__ == "__main__":
    main()
