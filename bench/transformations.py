"""Transformation speed: microseconds per call, and the ratio to ``bytes.lower()`` on the same value.

CRS runs about 900 operator evaluations per request, most behind a transformation chain
(cached per value and chain within a transaction). This times the transformations CRS uses
most, called directly, and four CRS chains (a plain loop over the functions) on a benign
~1 KB value, a short one, and a 1 KB value full of encodings (the slow paths).
``bytes.lower()`` is timed in the same run as the baseline, so ratios compare across
machines. Run from the project root:

    python3 bench/transformations.py [--seconds S]
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modsec_py import transformations  # noqa: E402

SINGLE = ["urlDecodeUni", "htmlEntityDecode", "lowercase", "cmdLine", "removeWhitespace", "compressWhitespace",
          "replaceComments", "jsDecode", "cssDecode", "utf8toUnicode", "removeNulls", "normalizePathWin"]
CHAINS = {
    "XSS 941100": ["utf8toUnicode", "urlDecodeUni", "htmlEntityDecode", "jsDecode", "cssDecode", "removeNulls"],
    "RCE 932100": ["cmdLine"],
    "LFI 930100": ["utf8toUnicode", "urlDecodeUni", "normalizePathWin"],
    "SQLi 942100": ["utf8toUnicode", "urlDecodeUni", "removeNulls", "removeComments"],
}

SENTENCE = (b"Hello, I would like to ask about order 12345 placed on 2024-03-01: the parcel "
            b"(tracking AB-123-XY) has not arrived yet. Please reply to jane.doe@example.com "
            b"or see https://shop.example.com/orders/12345?view=full - thanks! ")
BENIGN = (SENTENCE * 6)[:1024]
SHORT = b"search term 42"
ENCODED = (b"%3Cscript%3Ealert(1)%3C/script%3E &lt;img src=x&gt; \\x41\\u0042 \\43 /*c*/ %u0041 "
           b"caf\xc3\xa9 ../../etc/passwd ") * 9
VALUES = {"benign 1 KB": BENIGN, "short": SHORT, "encoded 1 KB": ENCODED[:1024]}


def per_call(function: Callable[[bytes], bytes], value: bytes, seconds: float) -> float:
    """Microseconds per ``function(value)``: the best of five rounds of about ``seconds / 5`` each."""
    timer = timeit.Timer("function(value)", globals={"function": function, "value": value})
    number, elapsed = timer.autorange()  # at least 0.2 s
    number = max(1, int(number * seconds / 5 / elapsed))
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def chain(names: list[str]) -> Callable[[bytes], bytes]:
    functions = [transformations.get(name) for name in names]
    if len(functions) == 1 and functions[0] is not None:
        return functions[0]

    def run(value: bytes) -> bytes:
        for function in functions:
            value = function(value)  # type: ignore[misc]
        return value

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per measurement (five rounds)")
    seconds = parser.parse_args().seconds

    baseline = {label: per_call(bytes.lower, value, seconds) for label, value in VALUES.items()}  # type: ignore[arg-type]
    header = f"{'':28}" + "".join(f"{label:>26}" for label in VALUES)
    print(header)
    print(f"{'bytes.lower() (baseline)':28}" + "".join(f"{baseline[label]:>17.3f} us  1.0x" for label in VALUES))
    rows = [(f"t:{name}", chain([name])) for name in SINGLE]
    rows += [(f"chain {label}", chain(names)) for label, names in CHAINS.items()]
    for title, function in rows:
        cells = []
        for label, value in VALUES.items():
            micros = per_call(function, value, seconds)
            cells.append(f"{micros:>13.3f} us {micros / baseline[label]:>6.1f}x")
        print(f"{title:28}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()
