"""Operator evaluation cost: microseconds per ``evaluate`` and the ratio to a trivial baseline.

The baseline is ``@noMatch``'s ``evaluate`` (a method call that does nothing), timed in the
same run, so the ratios carry across machines (a Raspberry Pi is slower in µs, not in ratio).
Cases: ``@rx`` with CRS 3.3.4's longest SQLi pattern (or an inline CRS-sized one), ``@pm``
with a few hundred CRS phrases on both matching backends (the stdlib trie regex and, when
installed, pyahocorasick), and ``@eq``; on a short benign value, a 1 KB benign value, and a
matching value. Run from the project root with either interpreter:

    python3 bench/operators.py [--seconds S]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from modsec_py import operators  # noqa: E402
from modsec_py._util import aho_corasick  # noqa: E402
from modsec_py.operators._base import CompileContext  # noqa: E402
from modsec_py.testing.fake_tx import FakeTx  # noqa: E402

CRS_SQLI = Path("/usr/share/modsecurity-crs/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf")
CRS_DATA = PROJECT.parent / "shared/crs/v4.28.0/rules/lfi-os-files.data"
INLINE_PATTERN = (  # CRS 3.3.4 942160-style, used when Debian's CRS is not installed
    r"(?i:sleep\(\s*?\d*?\s*?\)|benchmark\(.*?\,.*?\))|(?i:(?:select|;)\s+(?:benchmark|if|sleep)\s*?\(\s*?\(?\s*?\w+)"
    r"|(?i:\b(?:(?:s(?:ys(?:(?:date|time)stamp|utc_date|date)|ession_user|ubstr(?:ing)?)|c(?:ur(?:rent_(?:"
    r"date|time|user)|date|time)|onvert)|ascii|char|concat|left|mid|length|lower|upper|ucase|lcase))\s*?\()"
)
SHORT = b"hello world 12345"
LONG = b"".join(b"field%d=some benign value with words and 12345 numbers&" % i for i in range(18))[:1024]


def crs_pattern() -> tuple[str, str]:
    if CRS_SQLI.exists():
        text = CRS_SQLI.read_text(encoding="latin-1").replace("\\\n", "")
        found = [m.group(1).replace('\\"', '"').replace("\\\\", "\\")
                 for m in re.finditer(r'"@rx ((?:[^"\\]|\\.)*)"', text)]
        if found:
            longest = max(found, key=len)
            return longest, f"CRS 3.3.4 942xxx, {len(longest)} chars"
    return INLINE_PATTERN, f"inline CRS-sized, {len(INLINE_PATTERN)} chars"


def phrases() -> list[str]:
    if CRS_DATA.exists():
        lines = [line.strip() for line in CRS_DATA.read_text(encoding="latin-1").splitlines()]
        return [line for line in lines if len(line) > 1 and not line.startswith("#")][:300]
    return [f"/etc/file{i:03d}.conf" for i in range(300)]


def per_call(function, value: bytes, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Microseconds per call: the best of 5 batches sized to take about ``seconds`` together."""
    tx = FakeTx()
    function(tx, value)
    calls = 1
    while True:
        started = time.perf_counter()
        for _ in range(calls):
            function(tx, value)
        elapsed = time.perf_counter() - started
        if elapsed > seconds / 10:
            break
        calls *= 2
    best = elapsed
    for _ in range(4):
        started = time.perf_counter()
        for _ in range(calls):
            function(tx, value)
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per measurement (default 0.5)")
    seconds = parser.parse_args().seconds
    context = CompileContext("/")
    pattern, pattern_label = crs_pattern()
    phrase_list = phrases()
    pm_argument = " ".join(phrase_list)
    matching_phrase = phrase_list[len(phrase_list) // 2].encode("latin-1")

    cases = [("baseline (@noMatch)", operators.get("noMatch")("", context), [SHORT, LONG])]
    cases.append((f"@rx ({pattern_label})", operators.get("rx")(pattern, context),
                  [SHORT, LONG, b"1 AND sleep(5)"]))
    backends = ["re"] + (["pyahocorasick"] if aho_corasick.HAVE_PYAHOCORASICK else [])
    for backend in backends:
        op = operators.get("pm")(pm_argument, context, backend=backend)  # type: ignore[call-arg]
        cases.append((f"@pm {len(phrase_list)} phrases, {backend}", op, [SHORT, LONG, b"x=" + matching_phrase]))
    cases.append(("@eq 5", operators.get("eq")("5", context), [b"5", b"12345", b"abc"]))

    print(f"Python {sys.version.split()[0]}, regex {__import__('regex').__version__}, "
          f"pyahocorasick {'yes' if aho_corasick.HAVE_PYAHOCORASICK else 'no'}")
    baseline = per_call(cases[0][1].evaluate, SHORT, seconds)
    print(f"{'operator':44s} {'value':>12s} {'µs/eval':>9s} {'x baseline':>11s}")
    for label, op, values in cases:
        for value in values:
            micro = per_call(op.evaluate, value, seconds)
            shown = f"{len(value)} B" + (" match" if op.evaluate(FakeTx(), value) is not None else "")
            print(f"{label:44s} {shown:>12s} {micro:9.3f} {micro / baseline:11.1f}")


if __name__ == "__main__":
    main()
