"""htmlEntityDecode: numeric and named entities, with and without a semicolon."""

from __future__ import annotations

import pytest

from tests.unit.transformations import assert_transforms

CASES = [
    (b"", b"", False),
    (b"no entities", b"no entities", False),
    (b"&lt;&gt;&quot;&amp;&nbsp;", b'<>"&\xa0', True),
    (b"&LT;&Amp;&NBSP", b"<&\xa0", True),  # names are case-insensitive, ";" optional
    (b"&ltx;", b"&ltx;", False),  # the name is the whole alphanumeric run
    (b"&lt1", b"&lt1", False),
    (b"&apos;&copy;&foo", b"&apos;&copy;&foo", False),  # only five names are known
    (b"&#65;&#x41;&#X41&#0065", b"AAAA", True),
    (b"&#x4a4b;", b"K", True),  # the number modulo 256
    (b"&#321;", b"A", True),
    (b"&#99999999999999999999999;", b"\xff", True),  # strtol saturates at LONG_MAX
    (b"&#x7fffffffffffffff1;", b"\xff", True),
    (b"&#0;&#x0", b"\x00\x00", True),
    (b"&#;&#x;&#xg;&#a", b"&#;&#x;&#xg;&#a", False),  # no digits: kept
    (b"&#", b"&#", False),
    (b"&#x", b"&#x", False),
    (b"&", b"&", False),
    (b"&&lt;", b"&<", True),
    (b"&#65a&#x41g", b"AaAg", True),
    (b"&#65;;", b"A;", True),  # only one ";" belongs to the entity
    (b"& lt;", b"& lt;", False),
]


@pytest.mark.parametrize(("value", "output", "changed"), CASES)
def test_html_entity_decode(value: bytes, output: bytes, changed: bool) -> None:
    assert_transforms("htmlEntityDecode", value, output, changed)
