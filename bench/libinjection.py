"""Cost of one ``@detectSQLi`` / ``@detectXSS`` evaluation (modsec_py's libinjection port).

For benign short values, a benign 1 KB value, typical header values and attacks, prints microseconds per
call of the detection itself ("new": the verdict is computed) and of the public functions on a value seen
just before ("seen": their small verdict cache answers), each also as a ratio to a trivial baseline
measured in the same run (a Python function that takes the value and returns a constant), so figures
from different machines compare. Run from the project root:

    python3 bench/libinjection.py [--seconds S]
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modsec_py.operators.libinjection import detect_sqli, detect_xss, sqli, xss  # noqa: E402

BENIGN_1KB = (b"Dear team, thank you for the quick reply on order 10-2231. The parcel arrived on Tuesday, "
              b"well packed; one mug (blue, 350 ml) had a small chip. Could you send a replacement? "
              * 12)[:1024]
VALUES = {
    "john": b"john",
    "1234": b"1234",
    "email": b"john.doe@example.com",
    "benign 1 KB": BENIGN_1KB,
    "User-Agent": b"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Referer": b"https://www.example.com/search?q=blue+mug&page=2",
    "base64 cookie": b"dGhpcyBpcyBhIHNlc3Npb24gdG9rZW4=",
    "SQLi attack": b"1' UNION SELECT username, password FROM users-- -",
    "XSS attack": b"<img src=x onerror=alert(document.cookie)>",
}


def baseline(data: bytes) -> bool:
    return False


def per_call(function: Callable[[bytes], object], data: bytes, seconds: float) -> float:
    """Best-of-5 microseconds per call, the five runs taking about ``seconds`` together."""
    timer = timeit.Timer(lambda: function(data))
    number, taken = timer.autorange()
    number = max(1, int(number * seconds / 5 / taken))
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time spent per measurement")
    args = parser.parse_args()
    base = per_call(baseline, b"john", args.seconds)
    print(f"Python {sys.version.split()[0]}; baseline (call of a no-op function): {base:.3f} us; "
          "us per call (x baseline)")
    print(f"{'value':<15}{'bytes':>6}  {'detectSQLi new':>17}  {'seen':>13}  {'detectXSS new':>17}  {'seen':>13}")
    for name, data in VALUES.items():
        figures = [per_call(function, data, args.seconds)
                   for function in (sqli.is_sqli, detect_sqli, xss.detect_xss, detect_xss)]
        cells = "  ".join(f"{us:>{width}.2f} ({us / base:>4.0f})"
                          for us, width in zip(figures, (10, 6, 10, 6), strict=True))
        print(f"{name:<15}{len(data):>6}  {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
