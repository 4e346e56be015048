"""Lookup data: SecGeoLookupDB, SecGsbLookupDB, SecHttpBlKey, SecUnicodeMapFile, SecUnicodeCodePage.

Arity and help text are v2.9.7's command table; validation and messages are its ``cmd_*``
handlers' (``apache2/apache2_config.c``, ``msc_geo.c``, ``msc_unicode.c``). Like v2, the
database and map files are opened when the directive is read, and a relative path is
taken relative to the directory of the configuration file that names it.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from modsec_py._util import sources
from modsec_py.config import GeoDbFormat
from modsec_py.seclang.directives._common import atol, config_relative, refuse, second, strerror
from modsec_py.seclang.directives._registry import Arity, DirectiveArgumentError, Support, directive

if TYPE_CHECKING:
    from modsec_py.seclang.loader import LoadState
    from modsec_py.seclang.model import Directive

MMDB_METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"
MMDB_METADATA_MAX_SIZE = 128 * 1024  # the marker lies in the last 128 KiB (MaxMind DB spec)
GEOIP_STRUCTURE_MARKER = b"\xff\xff\xff"
GEOIP_STRUCTURE_INFO_MAX_SIZE = 20  # how far from the end libGeoIP and v2 look for the marker


# -- geographical lookups ------------------------------------------------------------------------

def geo_db_format(path: str) -> GeoDbFormat | None:
    """The kind of geo database ``path`` holds, from its magic; None if neither (OSError: unreadable)."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        tail_size = min(size, MMDB_METADATA_MAX_SIZE)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    if MMDB_METADATA_MARKER in tail:
        return GeoDbFormat.MAXMIND_DB
    # v2's create_segments: a 0xFFFFFF delimiter starting 3..22 bytes before the end.
    base = size - tail_size
    for start in range(size - 3, max(size - 3 - GEOIP_STRUCTURE_INFO_MAX_SIZE, -1), -1):
        if tail[start - base:start - base + 3] == GEOIP_STRUCTURE_MARKER:
            return GeoDbFormat.GEOIP_LEGACY
    return None


@directive("SecGeoLookupDB", Arity.TAKE1, "database for geographical lookups module.")
def sec_geo_lookup_db(state: LoadState, d: Directive) -> None:
    path = config_relative(d, d.args[0])
    try:
        db_format = geo_db_format(path)
    except OSError as error:
        raise DirectiveArgumentError(f'Could not open geo database "{path}": {strerror(error)}') from None
    if db_format is None:
        raise DirectiveArgumentError(
            f'Geo database "{path}" is neither a GeoIP legacy database (.dat) nor a MaxMind DB (.mmdb)',
            notes=("ModSecurity 2.9 accepts any readable file here and then reads it as a GeoIP "
                   "country database",))
    state.config.geo_lookup_db = path
    state.config.geo_lookup_db_format = db_format


GSB_REASON = ("the Google Safe Browsing lookup (@gsbLookup, a local copy of Google's retired v2 list) is "
              "not implemented; remove the directive and the rules that use @gsbLookup")


@directive("SecGsbLookupDB", Arity.TAKE1, "database google safe browsing", support=Support.REFUSED,
           reason=GSB_REASON)
def sec_gsb_lookup_db(state: LoadState, d: Directive) -> None:
    raise refuse(d, GSB_REASON)


@directive("SecHttpBlKey", Arity.TAKE1, "httpBl access key")
def sec_http_bl_key(state: LoadState, d: Directive) -> None:
    state.config.http_bl_key = d.args[0]


# -- the Unicode map used by t:urlDecodeUni ------------------------------------------------------

@directive("SecUnicodeCodePage", Arity.TAKE1, "Unicode CodePage")
def sec_unicode_code_page(state: LoadState, d: Directive) -> None:
    # Like v2 it only selects the code page for a SecUnicodeMapFile read later.
    value = atol(d.args[0])
    if value <= 0:
        raise DirectiveArgumentError(f"ModSecurity: Invalid setting for SecUnicodeCodePage: {d.args[0]}")
    state.config.unicode_code_page = value


@directive("SecUnicodeMapFile", Arity.TAKE12, "Unicode Map file")
def sec_unicode_map_file(state: LoadState, d: Directive) -> None:
    code_page_text = second(d)
    if code_page_text is not None:
        code_page = atol(code_page_text)
        if code_page <= 0:
            raise DirectiveArgumentError(
                f"ModSecurity: Invalid setting for SecUnicodeMapFile: {code_page_text}")
        state.config.unicode_code_page = code_page
    path = config_relative(d, d.args[0])
    try:
        data = b"" if sources.isdir(path) else _read(path)  # v2 opens a directory and reads nothing
    except OSError as error:
        raise DirectiveArgumentError(f'Could not open unicode map file "{path}": {strerror(error)}') from None
    state.config.unicode_map_file = path
    state.config.unicode_map = parse_unicode_map(data, state.config.unicode_code_page)


def _read(path: str) -> bytes:
    return sources.read(path)


_SEPARATORS = re.compile(r"[ \t\n\r]+")
_HEX = re.compile(r"[ \t\n\v\f\r]*([+-]?)(?:0[xX])?([0-9a-fA-F]+)")


def parse_unicode_map(data: bytes, code_page: int) -> dict[int, int]:
    """v2's ``unicode_map_create``: the ``code:byte`` pairs of the section for ``code_page``.

    Tokens are separated by white space. The section starts at the first token whose
    ``atol`` equals the code page (so with code page 0, the first non-numeric token) and
    ends at the first token without ``:`` after a mapping. Four full stops are always mapped.
    """
    table = {0x3002: 0x2E, 0xFF61: 0x2E, 0xFF0E: 0x2E, 0x002E: 0x2E}
    text = data.split(b"\0", 1)[0].decode("latin-1")
    found = processing = False
    code = mapped = 0  # like v2, a value that does not scan keeps the previous one
    for token in _SEPARATORS.split(text):
        if not token:
            continue
        if atol(token) % 2**32 == code_page:
            found = True
        if found and ":" in token:
            processing = True
            code_text, _, mapped_text = token.lstrip(":").partition(":")  # apr_strtok(mapping, ":")
            if code_text:
                code = _scan_hex(code_text, code)
                mapped = _scan_hex(mapped_text, mapped)
                if 0 <= code <= 0xFFFF:
                    table[code] = mapped
        if processing and ":" not in token:
            break
    return table


def _scan_hex(text: str, previous: int) -> int:
    """C ``sscanf(text, "%x", &value)``: the new value, or ``previous`` when nothing scans."""
    match = _HEX.match(text)
    if match is None:
        return previous
    value = int(match.group(2), 16) % 2**32
    if match.group(1) == "-":
        value = -value % 2**32
    return value - 2**32 if value >= 2**31 else value
