"""Generate ``unicode.mapping``, ModSecurity v2's Unicode map file (``SecUnicodeMapFile``).

Format (v2's ``unicode_map_create`` reads it): per code page a header line ``NUMBER (name)``,
then one line of ``uuuu:bb`` pairs (code point -> byte, hex) and a blank line; CRLF endings.

Provenance. v2's own file is the output of a Windows program: for each code page (the
headers are Windows' ``GetCPInfoEx`` names) and each UTF-16 code point it kept what
``WideCharToMultiByte`` with Windows' "best fit" gives when that is one byte in 0x01-0x7F,
not the code point itself and not the default character ``?``. For the ANSI code pages that
is Microsoft's WindowsBestFit tables (on unicode.org, with no licence of their own), which we
do not use. We compute the same kind of table from what we own:

- the code page: Python's ``codecs`` (T.61, which has no codec: ``_T61_PRIVATE``);
- best fit: Unicode compatibility decompositions (``unicodedata`` NFKD less combining marks)
  in the ranges Windows covers (``_DECOMPOSED``), and ``_LOOKALIKES``: the ASCII look-alikes
  Windows picks where Unicode has no decomposition, as ModSecurity v2's ``unicode.mapping``
  (Apache-2.0) records them;
- the IBM PC glyphs of bytes 0x01-0x1F and 0x7F (``_OEM_GLYPHS``) for the OEM code pages;
- per code page, which character families (``FAMILIES``: a few Unicode blocks each) its
  Windows table covers, and whether it is one of the narrower ISO-8859 / US-ASCII tables
  (``_PAGES``, read off v2's file).

US-ASCII (20127, the one modsecurity.conf-recommended selects), ISO 8859-1/-2, EBCDIC, T.61,
1257, 1258 and 874 come out as in v2's file. Windows' other tables differ per code page in
ways no rule gives (1252 writes U+2514 as ``+``, 1250 as ``L``); docs/DEVIATIONS.md lists
how far each is from v2's file (tests/conformance/test_unicode_mapping_v2.py measures it).

``python -m modsec_py._util.unicode_mapping [PATH]`` writes it (``make unicode-mapping``).
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Character families Windows' best-fit tables cover, each a few Unicode blocks; a code page
# covers some of them (``CodePage.families``).
FAMILIES: dict[str, tuple[tuple[int, int], ...]] = {
    "latin1-symbols": ((0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7)),
    "latin1-letters": ((0x00C0, 0x00D6), (0x00D8, 0x00F6), (0x00F8, 0x00FF)),
    "latin-extended": ((0x0100, 0x024F),),
    "modifiers": ((0x0250, 0x036F),),  # IPA, spacing modifier letters, combining marks
    "scripts": ((0x0370, 0x06FF),),  # Greek, Cyrillic, Armenian, Hebrew, Arabic
    "punctuation": ((0x2000, 0x206F),),
    "letterlike": ((0x2070, 0x214F),),  # super/subscripts, currency, letterlike symbols
    "arrows": ((0x2190, 0x21FF),),
    "math": ((0x2200, 0x23FF),),
    "box": ((0x2500, 0x257F),),
    "shapes": ((0x2580, 0x27BF),),  # blocks, geometric shapes, miscellaneous symbols, dingbats
    "cjk": ((0x3000, 0x303F),),
    "fullwidth": ((0xFF01, 0xFF5E),),
}
_DECOMPOSED = (  # where NFKD applies (Windows leaves U+2079, U+207A-207E and others alone)
    (0x00A0, 0x01F0), (0x037E, 0x037E), (0x2000, 0x2006), (0x2074, 0x2078), (0x207F, 0x2089),
    (0x2100, 0x2134), (0x3000, 0x3000), (0xFF01, 0xFF5E),
)
_NOT_DECOMPOSED = frozenset({0x017A, 0x017F, 0x01E0, 0x01E1})  # absent from Windows' tables

# ASCII look-alikes without a Unicode decomposition: target, then the code points (hex).
_LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("!", "00A1 01C3 203C"),
    ('"', "00A8 02BA 0308 030E 201C 201D 201E 301D 301E"),
    ("$", "00A4"),
    ("%", "066A 2030"),
    ("'", "02B9 02BC 02C8 02D9 2018 2019 2032"),
    ("(", "2320"),
    (")", "2321"),
    ("*", "2217"),
    ("+", "00B1 2020 2510 251C 2524 2534 253C 2552 2553 2555 2556 2557 2558 2559 255B 255C 256A 256B"
          " 256C 2640"),
    (",", "00B8 0327 201A"),
    ("-", "00AD 2010 2011 2013 2014 2194 2212 2500 2502 250C 2518 2554 255D 2564 2565 2567 2568 2569"
          " 2580 2584 2588 2591 2592 2593 25AC"),
    (".", "00B7 2022 2026"),
    ("/", "00B4 02CA 0301 2044 2215"),
    ("0", "2070 25CB 25D9 263C"),
    ("1", "00BC 00BD"),
    ("3", "00BE"),
    ("8", "221E"),
    (":", "0589 2236"),
    ("<", "00AB 2039 2190 226B 2329 25C4 3008"),
    ("=", "2261 2264 2265 2550"),
    (">", "00BB 203A 2192 232A 25BA 2642 3009 300B"),
    ("A", "00C6"),
    ("C", "00A9"),
    ("D", "00D0 0110 0189"),
    ("E", "2107"),
    ("F", "0191 03A6"),
    ("G", "01E4 0393"),
    ("H", "0126"),
    ("I", "0197"),
    ("L", "00A3 0141 221F 2514 255A"),
    ("N", "014A"),
    ("O", "00D8 0152 019F 03A9 20DD 2126 2205 263A 263B 3007"),
    ("P", "20A7 2118"),
    ("R", "00AE"),
    ("S", "01A9 03A3 2211"),
    ("T", "00DE 0166 01AE 0398 2122 252C 2566"),
    ("V", "2713"),
    ("X", "00D7"),
    ("Y", "00A5"),
    ("[", "301A"),
    ("\\", "2216"),
    ("]", "301B"),
    ("^", "02C4 02C6 02C7 02D8 0302 2191 2303 25B2"),
    ("_", "00AF 02CD 0331 0332 2017"),
    ("`", "02CB 0300 2035"),
    ("a", "00E6 03B1"),
    ("b", "0180"),
    ("c", "00A2"),
    ("d", "00F0 0111 03B4 266A 266B"),
    ("e", "03B5 212E"),
    ("f", "0192 0278 03C6"),
    ("g", "01E5 0261"),
    ("h", "0127 04BB"),
    ("i", "0131"),
    ("k", "0138"),
    ("l", "0142 019A"),
    ("n", "014B 2229"),
    ("o", "00F8 0153"),
    ("p", "03C0"),
    ("s", "03C3"),
    ("t", "00FE 0167 01AB 03C4"),
    ("v", "2193 221A"),
    ("z", "01B6"),
    ("|", "00A6 01C0 2195 21A8 2223 2758"),
    ("~", "02DC 0303 223C 2248"),
)
_LOOKALIKE = {int(code, 16): target for target, codes in _LOOKALIKES for code in codes.split()}
# The ISO-8859 / US-ASCII tables (``CodePage.iso``) leave these look-alikes out and add U+2122.
_NOT_ISO = frozenset(int(code, 16) for code in (
    "00A3 00A8 00AF 00B1 00B4 00BC 00BD 00BE 00D7 00DE 00F0 00FE 0138 014A 014B 01A9 01C0 01C3 0278 02C7"
    " 02CA 02D8 02D9 0301 0308 0327 2017 2020 2030 203C 2044").split())
_ISO_EXTRA = frozenset({0x2122})

# The IBM PC's glyphs for bytes 0x01-0x1F and 0x7F, which OEM code pages best-fit to.
_OEM_GLYPHS = dict(zip(
    (0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022, 0x25D8, 0x25CB, 0x25D9, 0x2642,
     0x2640, 0x266A, 0x266B, 0x263C, 0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC,
     0x21A8, 0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC, 0x2302),
    (*range(0x01, 0x20), 0x7F), strict=True,
))

# Windows' T.61 (20261): ASCII, except that these bytes stand for private-use code points.
_T61_PRIVATE = {0x5C: 0xF8DD, 0x5E: 0xF8DE, 0x60: 0xF8DF, 0x7B: 0xF8E0, 0x7D: 0xF8FC, 0x7E: 0xF8FD,
                0x7F: 0xF8FE}

# Byte 0x5C is the yen sign in Windows' Japanese code page and the won sign in its Korean one.
_DBCS_BACKSLASH = {932: 0x00A5, 949: 0x20A9}


@dataclass(frozen=True)
class CodePage:
    number: int | None  # None: v2's header has no number (and the section no mappings)
    name: str
    codec: str | None = None  # Python codec; None: no mappings
    families: str = ""  # space-separated FAMILIES best fit covers
    oem_glyphs: bool = False
    iso: bool = False  # the narrower look-alike set of the ISO-8859 and US-ASCII tables

    @property
    def header(self) -> str:
        return f"({self.name})" if self.number is None else f"{self.number:<5} ({self.name})"


# Families per code page, as Windows' tables (v2's file) cover them.
_LATIN1 = "latin1-symbols latin1-letters"
_ISO = "latin-extended modifiers punctuation fullwidth"
_OEM = f"{_LATIN1} latin-extended modifiers scripts punctuation letterlike math cjk"

# v2's code pages, in v2's order, with Windows' names.
_PAGES = (
    CodePage(None, "MAC - Roman"),
    CodePage(None, "MAC - Icelandic"),
    CodePage(1250, "ANSI - Central Europe", "cp1250", f"{_LATIN1} {_ISO} letterlike arrows shapes cjk"),
    CodePage(1251, "ANSI - Cyrillic", "cp1251", "latin1-letters latin-extended arrows box shapes fullwidth"),
    CodePage(1252, "ANSI - Latin I", "cp1252", f"{_ISO} scripts letterlike math box cjk"),
    CodePage(1253, "ANSI - Greek", "cp1253", "latin1-letters latin-extended arrows shapes fullwidth"),
    CodePage(1254, "ANSI - Turkish", "cp1254", f"{_ISO} letterlike arrows shapes cjk"),
    CodePage(1255, "ANSI - Hebrew", "cp1255", "fullwidth"),
    CodePage(1256, "ANSI - Arabic", "cp1256", "fullwidth"),  # v2: Arabic letters to random Latin
    CodePage(1257, "ANSI - Baltic", "cp1257", "fullwidth"),
    CodePage(1258, "ANSI/OEM - Viet Nam", "cp1258", "fullwidth"),
    CodePage(20127, "US-ASCII", "ascii", f"{_LATIN1} {_ISO}", iso=True),
    CodePage(20261, "T.61", "t61"),
    CodePage(20866, "Russian - KOI8", "koi8_r", "latin1-letters latin-extended", oem_glyphs=True),
    CodePage(28591, "ISO 8859-1 Latin I", "latin_1", _ISO, iso=True),
    CodePage(28592, "ISO 8859-2 Central Europe", "iso8859_2", f"{_LATIN1} {_ISO}", iso=True),
    CodePage(28605, "ISO 8859-15 Latin 9", "iso8859_15", _ISO, iso=True),
    CodePage(37, "IBM EBCDIC - U.S./Canada", "cp037", "fullwidth"),
    CodePage(437, "OEM - United States", "cp437", f"{_OEM} shapes fullwidth", oem_glyphs=True),
    CodePage(500, "IBM EBCDIC - International", "cp500", "fullwidth"),
    CodePage(850, "OEM - Multilingual Latin I", "cp850", f"{_OEM} shapes fullwidth", oem_glyphs=True),
    CodePage(860, "OEM - Portuguese", "cp860", _OEM, oem_glyphs=True),
    CodePage(861, "OEM - Icelandic", "cp861", _OEM, oem_glyphs=True),
    CodePage(863, "OEM - Canadian French", "cp863", _OEM, oem_glyphs=True),
    CodePage(865, "OEM - Nordic", "cp865", _OEM, oem_glyphs=True),
    CodePage(874, "ANSI/OEM - Thai", "cp874", "fullwidth", oem_glyphs=True),
    CodePage(932, "ANSI/OEM - Japanese Shift-JIS", "cp932", _LATIN1),
    CodePage(936, "ANSI/OEM - Simplified Chinese GBK", "gbk", "latin1-symbols"),
    CodePage(949, "ANSI/OEM - Korean", "cp949", "latin1-letters"),
    CodePage(950, "ANSI/OEM - Traditional Chinese Big5", "cp950", "latin1-letters"),
    CodePage(None, "UTF-7"),
    CodePage(None, "UTF-8"),
)
CODE_PAGES: tuple[int, ...] = tuple(page.number for page in _PAGES if page.number is not None)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _decomposed(code: int) -> str | None:
    """The one ASCII character NFKD leaves once combining marks go (spaces only for spaces)."""
    character = chr(code)
    base = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
    if len(base) != 1 or not base.isascii() or code == ord(base):
        return None
    if base.isspace() and unicodedata.category(character) != "Zs":
        return None  # spacing accents (U+00A8 ...) are not spaces to Windows
    return base


def _best_fit(code: int, families: frozenset[str], iso: bool) -> str | None:
    """The ASCII character Windows' best fit would write for ``code``, if its family is covered."""
    if iso and code in _ISO_EXTRA:
        return _LOOKALIKE[code]
    if not any(_in(code, FAMILIES[family]) for family in families) or iso and code in _NOT_ISO:
        return None
    if code in _LOOKALIKE:
        return _LOOKALIKE[code]
    if _in(code, _DECOMPOSED) and code not in _NOT_DECOMPOSED:
        return _decomposed(code)
    return None


def _encoder(page: CodePage) -> Callable[[str], bytes | None]:
    """The code page's round-trip encoding of one character, or None."""
    if page.codec == "t61":
        table = {chr(byte): bytes((byte,)) for byte in range(0x80) if byte not in _T61_PRIVATE}
        table.update((chr(code), bytes((byte,))) for byte, code in _T61_PRIVATE.items())
        return table.get
    codec = page.codec or "ascii"

    def encode(character: str) -> bytes | None:
        try:
            return character.encode(codec)
        except UnicodeEncodeError:
            return None

    return encode


def mappings(page: CodePage) -> dict[int, int]:
    """v2's section for ``page``: code point -> byte 0x01-0x7F, where that is not the code point."""
    return dict(_mappings(page))


@functools.cache
def _mappings(page: CodePage) -> tuple[tuple[int, int], ...]:
    if page.codec is None:
        return ()
    encode = _encoder(page)
    default = encode("?")
    backslash = _DBCS_BACKSLASH.get(page.number or 0)
    families = frozenset(page.families.split())
    table: dict[int, int] = {}
    for code in range(1, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        encoded = encode(chr(code))
        if encoded is None:
            if page.oem_glyphs and code in _OEM_GLYPHS:
                encoded = bytes((_OEM_GLYPHS[code],))
            elif code == backslash:
                encoded = b"\\"
            else:
                target = _best_fit(code, families, page.iso)
                encoded = encode(target) if target else None
        if encoded is None or len(encoded) != 1 or encoded == default and code != ord("?"):
            continue  # no mapping, a double-byte one, or Windows' "used the default character"
        byte = encoded[0]
        if 0 < byte < 0x80 and byte != code:
            table[code] = byte
    return tuple(table.items())


@functools.cache
def render() -> bytes:
    """The whole file, as v2 ships it (CRLF; a trailing space after the last pair)."""
    lines: list[str] = []
    for page in _PAGES:
        pairs = "".join(f"{code:04x}:{byte:02x} " for code, byte in sorted(mappings(page).items()))
        lines += [page.header, pairs, ""]
    return "".join(line + "\r\n" for line in lines).encode("ascii")


def parse(data: bytes) -> dict[int, dict[int, int]]:
    """A file of this format back into code page -> mappings (numbered sections only)."""
    sections: dict[int, dict[int, int]] = {}
    lines = data.decode("latin-1").splitlines()
    for header, body in zip(lines, [*lines[1:], ""], strict=True):
        number = header.split(" ", 1)[0]
        if number.isdigit() and "(" in header:
            pairs = (pair.split(":") for pair in body.split() if ":" in pair)
            sections[int(number)] = {int(code, 16): int(byte, 16) for code, byte in pairs}
    return sections


def main(argv: list[str]) -> int:
    data = render()
    if argv:
        with open(argv[0], "wb") as handle:
            handle.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
