"""Request body processors: microseconds per parse, as ratios against a trivial baseline.

Three bodies of the size CRS sees on ordinary requests: a ~1 KB form (URLENCODED), a ~1 KB
JSON document and a small multipart upload (two fields and a 600-byte file). The baseline,
measured in the same run, is ``bytes.split(b"&")`` on the form body: the least any parser
must do. Figures are the best of several repeats (``timeit``). Run from the project root:

    python3 bench/bodies.py [--number N]
"""

from __future__ import annotations

import argparse
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from modsec_py.bodyprocessors import JsonProcessor, MultipartParser, parse_arguments  # noqa: E402

FORM = b"&".join(b"field%02d=value+%02d%%20with%%2Fsome%%3Dencoding" % (i, i) for i in range(22))
JSON = (b'{"user":{"id":12345,"name":"J\\u00f6rg M\\u00fcller","email":"jm@example.org","roles":["admin","ops"],'
        b'"active":true,"manager":null},"items":['
        + b",".join(b'{"sku":"SKU-%04d","qty":%d,"price":%d.95,"tags":["a","b"]}' % (i, i, i) for i in range(10))
        + b'],"note":"Lorem ipsum dolor sit amet, consectetur adipiscing elit."}')
BOUNDARY = b"----WebKitFormBoundary7MA4YWxkTrZu0gW"
MULTIPART_CT = b"multipart/form-data; boundary=" + BOUNDARY
MULTIPART = (
    b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="title"\r\n\r\nHoliday pictures\r\n'
    b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="album"\r\n\r\n2024\r\n'
    b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n" + b"line of text in the uploaded file\n" * 18 + b"\r\n"
    b"--" + BOUNDARY + b"--\r\n"
)


def baseline() -> None:
    FORM.split(b"&")


def form() -> None:
    parse_arguments(FORM)


def json() -> None:
    processor = JsonProcessor()
    processor.feed(JSON)
    processor.finish()


def multipart() -> None:
    parser = MultipartParser(MULTIPART_CT)
    parser.feed(MULTIPART)
    parser.finish()


def best(function: object, number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6  # type: ignore[arg-type]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--number", type=int, default=2000)
    number = options.parse_args().number
    base = best(baseline, number)
    print(f"baseline  bytes.split on the form  {base:8.2f} us   1.0x")
    for name, size, function in (("form", len(FORM), form), ("json", len(JSON), json),
                                 ("multipart", len(MULTIPART), multipart)):
        micro = best(function, number)
        print(f"{name:9} {size:5d} bytes              {micro:8.2f} us {micro / base:6.1f}x")


if __name__ == "__main__":
    main()
