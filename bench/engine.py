"""Milliseconds per transaction through CRS 3.3.4, modsec_py next to libmodsecurity 3, in one run.

Both engines load the same configuration: Debian's ``modsecurity.conf-recommended`` (with
``SecRuleEngine On`` and the audit log off, so only rule work is measured), Debian's CRS 3.3.4
``crs-setup.conf`` and rules, at paranoia level 1 or 4. Each transaction goes through all five
phases (request line, headers, body, a small HTML response, logging). Cases: a benign browser
GET, a ~1 KB form POST, a ~1 KB JSON POST and a SQL injection GET (blocked in phase 2).

modsec_py runs in a child process per variant: ``accelerated`` (optional C accelerators such
as pyahocorasick importable) and ``pure`` (they are hidden, as on an install without them).
libmodsecurity (PyPI ``libmodsecurity``, a bench-only dependency) needs two configuration
tweaks to load CRS: no ``SecRequestBodyInMemoryLimit`` and, without a GeoIP database, rule
910100's ``@geoLookup`` replaced. The figure that matters is the ratio modsec_py /
libmodsecurity, measured in the same run. Run from the project root with either interpreter:

    python3 bench/engine.py [--seconds S] [--paranoia 1 4] [--profile CASE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CRS = Path("/usr/share/modsecurity-crs/rules")
CRS_SETUP = Path("/etc/modsecurity/crs/crs-setup.conf")
RECOMMENDED = PROJECT / ".tmp/modsec2/root/etc/modsecurity/modsecurity.conf-recommended"
UNICODE_MAPPING = RECOMMENDED.parent / "unicode.mapping"
VARIANTS = ("accelerated", "pure")
ACCELERATORS = ("ahocorasick", "hyperscan")

BROWSER_HEADERS = [
    ("Host", "localhost"),
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "en-US,en;q=0.5"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Connection", "keep-alive"),
    ("Cookie", "session=4f1d2c3b5a69788796a5b4c3d2e1f001; theme=dark"),
]
FORM = "&".join(f"field{i}=some+benign+text+value+number+{i}+with+words" for i in range(20)).encode()[:1024]
JSON_BODY = json.dumps({"user": {"name": "John Smith", "email": "john@example.com", "roles": ["reader", "writer"]},
                        "items": [{"id": i, "title": f"Item number {i}", "note": "plain benign text"}
                                  for i in range(12)]}).encode()[:1024]
if not JSON_BODY.endswith(b"}"):
    JSON_BODY = json.dumps({"items": [{"id": i, "title": f"Item number {i}"} for i in range(20)]}).encode()


def _case(uri: str, method: str = "GET", body: bytes = b"", content_type: str | None = None) -> dict:
    headers = list(BROWSER_HEADERS)
    if body:
        headers += [("Content-Type", content_type or ""), ("Content-Length", str(len(body)))]
    return {"uri": uri, "method": method, "headers": headers, "body": body}


CASES = {
    "benign GET": _case("/index.html?q=hello+world&page=2"),
    "form POST 1 KB": _case("/login", "POST", FORM, "application/x-www-form-urlencoded"),
    "JSON POST 1 KB": _case("/api/items", "POST", JSON_BODY, "application/json"),
    "attack GET": _case("/index.html?id=1%27%20OR%201=1--"),
}
RESPONSE_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "120")]
RESPONSE_BODY = b"<html><head><title>ok</title></head><body><p>Hello, this is a benign page.</p></body></html>"


# -- configuration ---------------------------------------------------------------------------
def write_config(directory: Path, paranoia: int, for_libmodsecurity: bool) -> Path:
    recommended = RECOMMENDED.read_text(encoding="latin-1")
    recommended = recommended.replace("SecRuleEngine DetectionOnly", "SecRuleEngine On")
    recommended = recommended.replace("SecAuditEngine RelevantOnly", "SecAuditEngine Off")
    recommended = recommended.replace("SecUnicodeMapFile unicode.mapping", f"SecUnicodeMapFile {UNICODE_MAPPING}")
    recommended = recommended.replace("/tmp/", f"{directory}/")
    rules = CRS
    if for_libmodsecurity:
        recommended = "\n".join(line for line in recommended.splitlines()
                                if not line.startswith("SecRequestBodyInMemoryLimit"))
        rules = directory / "rules"
        shutil.copytree(CRS, rules)
        reputation = rules / "REQUEST-910-IP-REPUTATION.conf"
        reputation.write_text(reputation.read_text(encoding="latin-1").replace('"@geoLookup"', '"@unconditionalMatch"'),
                              encoding="latin-1")
    (directory / "modsecurity.conf").write_text(recommended, encoding="latin-1")
    entry = directory / "entry.conf"
    entry.write_text(
        f"Include {directory}/modsecurity.conf\n"
        f'SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level={paranoia}"\n'
        f"Include {CRS_SETUP}\n"
        f"Include {rules}/*.conf\n")
    return entry


# -- the two engines -------------------------------------------------------------------------
def modsec_py_runner(entry: Path) -> Callable[[dict], object]:
    sys.path.insert(0, str(PROJECT))
    from modsec_py import WAF

    waf = WAF.from_files([str(entry)])

    def run(case: dict) -> object:
        tx = waf.new_transaction("127.0.0.1", 40000, "127.0.0.1", 80)
        tx.process_uri(case["uri"], case["method"], "HTTP/1.1")
        for name, value in case["headers"]:
            tx.add_request_header(name, value)
        if tx.process_request_headers() is None:
            if case["body"]:
                tx.append_request_body(case["body"])
            if tx.process_request_body() is None:
                for name, value in RESPONSE_HEADERS:
                    tx.add_response_header(name, value)
                if tx.process_response_headers(200, "HTTP/1.1") is None:
                    tx.append_response_body(RESPONSE_BODY)
                    tx.process_response_body()
        tx.process_logging()
        return tx.interruption

    return run


def libmodsecurity_runner(entry: Path) -> Callable[[dict], object]:
    import libmodsecurity

    engine = libmodsecurity.ModSecurity()
    engine.set_log_callback(lambda _line: None)  # else every logged match is printed to stderr
    rules = libmodsecurity.RulesSet()
    if rules.load_from_uri(str(entry)) < 0:
        raise RuntimeError(rules.get_parser_error())

    def run(case: dict) -> object:
        tx = libmodsecurity.Transaction(engine, rules)
        tx.process_connection("127.0.0.1", 40000, "127.0.0.1", 80)
        tx.process_uri(case["uri"], case["method"], "1.1")
        for name, value in case["headers"]:
            tx.add_request_header(name, value)
        tx.process_request_headers()
        interruption = tx.intervention()
        if interruption is None:
            if case["body"]:
                tx.append_request_body(case["body"])
            tx.process_request_body()
            interruption = tx.intervention()
        if interruption is None:
            for name, value in RESPONSE_HEADERS:
                tx.add_response_header(name, value)
            tx.process_response_headers(200, "HTTP/1.1")
            interruption = tx.intervention()
            if interruption is None:
                tx.append_response_body(RESPONSE_BODY)
                tx.process_response_body()
                interruption = tx.intervention()
        tx.process_logging()
        return interruption

    return run


# -- measuring -------------------------------------------------------------------------------
def per_transaction(run: Callable[[dict], object], case: dict, seconds: float) -> tuple[float, str]:
    """Milliseconds of CPU per transaction (best of 5 batches), and the verdict."""
    verdict = run(case)
    start = time.process_time()
    calls = 0
    while time.process_time() - start < 0.2:
        run(case)
        calls += 1
    batch = max(1, int(calls * seconds / 5 / 0.2))
    best = float("inf")
    for _ in range(5):
        begin = time.process_time()
        for _ in range(batch):
            run(case)
        best = min(best, (time.process_time() - begin) / batch)
    status = getattr(verdict, "status", None)
    return best * 1000, f"blocked {status}" if status and status != 200 else "passed"


def measure(engine: str, variant: str, paranoia: int, seconds: float) -> dict[str, list]:
    if variant == "pure":
        for name in ACCELERATORS:
            sys.modules[name] = None  # type: ignore[assignment]  # import fails, as without the package
    with tempfile.TemporaryDirectory() as temporary:
        entry = write_config(Path(temporary), paranoia, engine == "libmodsecurity")
        runner = modsec_py_runner(entry) if engine == "modsec_py" else libmodsecurity_runner(entry)
        return {name: list(per_transaction(runner, case, seconds)) for name, case in CASES.items()}


def child(engine: str, variant: str, paranoia: int, seconds: float) -> dict[str, list] | str:
    command = [sys.executable, __file__, "--child", engine, variant, str(paranoia), "--seconds", str(seconds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(done.stdout)


def profile(case_name: str, paranoia: int) -> None:
    import cProfile
    import pstats

    with tempfile.TemporaryDirectory() as temporary:
        run = modsec_py_runner(write_config(Path(temporary), paranoia, False))
        case = CASES[case_name]
        run(case)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(200):
            run(case)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="measuring time per case and engine")
    parser.add_argument("--paranoia", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "VARIANT", "PL"), help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="CASE", choices=sorted(CASES), help="cProfile modsec_py on one case")
    options = parser.parse_args()
    if options.child:
        engine, variant, paranoia = options.child
        print(json.dumps(measure(engine, variant, int(paranoia), options.seconds)))
        return 0
    for needed in (CRS, CRS_SETUP, RECOMMENDED):
        if not needed.exists():
            print(f"missing {needed} (make deps reference)", file=sys.stderr)
            return 2
    if options.profile:
        profile(options.profile, options.paranoia[0])
        return 0
    print(f"CRS 3.3.4, ms of CPU per transaction (best of 5 batches), python {sys.version.split()[0]}")
    for paranoia in options.paranoia:
        baseline = child("libmodsecurity", "-", paranoia, options.seconds)
        ours = {variant: child("modsec_py", variant, paranoia, options.seconds) for variant in VARIANTS}
        print(f"\nparanoia level {paranoia}")
        header = f"{'case':16} {'libmodsecurity':>16}" + "".join(f" {'modsec_py ' + v:>22} {'ratio':>6}"
                                                                  for v in VARIANTS)
        print(header)
        if isinstance(baseline, str):
            print(f"  libmodsecurity unavailable: {baseline}")
        for name in CASES:
            line = f"{name:16} "
            line += f"{'-':>16}" if isinstance(baseline, str) else f"{baseline[name][0]:9.3f} {baseline[name][1]:>6}"
            for variant in VARIANTS:
                result = ours[variant]
                if isinstance(result, str):
                    line += f" {'error: ' + result[:60]:>29}"
                    continue
                ratio = "" if isinstance(baseline, str) else f"{result[name][0] / baseline[name][0]:6.2f}"
                line += f" {result[name][0]:9.3f} {result[name][1]:>12} {ratio:>6}"
            print(line)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
