"""etc/modsecurity/unicode.mapping is the generator's output, and SecUnicodeMapFile reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py._util import unicode_mapping
from modsec_py.seclang.directives.lookups import parse_unicode_map
from modsec_py.seclang.loader import load_files
from modsec_py.transformations import make_url_decode_uni

SHIPPED = Path(__file__).resolve().parents[2] / "etc" / "modsecurity" / "unicode.mapping"
PAGES = {page.number: page for page in unicode_mapping._PAGES if page.number is not None}
FULL_STOPS = parse_unicode_map(b"", 0)  # what v2 always maps, whatever the file says


def test_shipped_file_is_the_generators_output() -> None:
    assert SHIPPED.read_bytes() == unicode_mapping.render(), "run `make unicode-mapping`"


def test_every_numbered_section_has_mappings() -> None:
    # v2's parser reads from the first pair after the code page's number: an empty section
    # would make it read the next code page's pairs.
    for number, page in PAGES.items():
        assert unicode_mapping.mappings(page), number


# v2's parser takes the first token whose atol() is the code page: for 37 that is the pair
# "037e:3b" of an earlier section, with v2's own file as with ours.
@pytest.mark.parametrize("number", [number for number in unicode_mapping.CODE_PAGES if number != 37])
def test_v2s_parser_reads_each_section_as_generated(number: int) -> None:
    expected = {**FULL_STOPS, **unicode_mapping.mappings(PAGES[number])}
    assert parse_unicode_map(SHIPPED.read_bytes(), number) == expected


def test_parse_round_trips_render() -> None:
    sections = unicode_mapping.parse(unicode_mapping.render())
    assert list(sections) == list(unicode_mapping.CODE_PAGES)
    assert all(sections[number] == unicode_mapping.mappings(PAGES[number]) for number in sections)


def test_mappings_are_single_ascii_bytes_other_than_the_code_point() -> None:
    for page in PAGES.values():
        for code, byte in unicode_mapping.mappings(page).items():
            assert 0 < byte < 0x80 and byte != code and 0 < code <= 0xFFFF


def test_sec_unicode_map_file_and_url_decode_uni_use_the_shipped_file(tmp_path: Path) -> None:
    conf = tmp_path / "modsecurity.conf"
    conf.write_text(f"SecUnicodeMapFile {SHIPPED} 20127\n")
    config = load_files([str(conf)], immediate=True).config
    generated = unicode_mapping.mappings(PAGES[20127])
    assert config.unicode_code_page == 20127
    assert config.unicode_map == {**FULL_STOPS, **generated}
    decode = make_url_decode_uni(config.unicode_map, config.unicode_code_page)
    escaped = b"".join(b"%%u%04x" % code for code in sorted(generated))
    assert decode(escaped) == bytes(generated[code] for code in sorted(generated))
    # A code point the map does not know falls back to its low byte.
    unknown = next(code for code in range(0x4E00, 0x9FFF) if code not in config.unicode_map)
    assert decode(b"%%u%04X" % unknown) == bytes((unknown & 0xFF,))
