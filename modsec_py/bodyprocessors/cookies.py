"""Cookie parsing: ModSecurity 2.9.7's ``parse_cookies_v0`` / ``parse_cookies_v1`` (``msc_parsers.c``).

v2 parses every ``Cookie`` request header (``modsecurity.c``) into REQUEST_COOKIES, in
order, keeping duplicates; names and values are never url-decoded.

**Version 0** (SecCookieFormat 0, the default): the header is cut into tokens with
``apr_strtok`` (any run of separator bytes separates, empty tokens vanish). The separator
is SecCookiev0Separator when set; otherwise ``;``, or ``,`` when the header holds a comma
but no semicolon (v2 logs "Cookie v0 parser: Using comma as a separator. Semi-colon was not
identified!"). In a token, leading white space is skipped, the name runs to the first
``=`` and the value is the rest, untrimmed (``b = 2 `` is name ``b `` and value `` 2 ``); a
token without ``=`` is a cookie with an empty value; an empty name is dropped.

**Version 1** (SecCookieFormat 1): ``;`` and ``,`` both separate; names and unquoted values
are trimmed of white space; a value in double quotes is taken up to the next quote without
the quotes (``a="x;y"``); an attribute whose name starts with ``$`` after a cookie is
renamed ``$<cookie>_<attribute>`` (``a=1; $Path=/`` gives ``$a_Path``).

Example::

    >>> parse_cookies(b"a=1; b=2")
    [(b'a', b'1'), (b'b', b'2')]
    >>> parse_cookies(b'$Version=1; a="x;y"; $Path=/', version=1)
    [(b'$Version', b'1'), (b'a', b'x;y'), (b'$a_Path', b'/')]
"""

from __future__ import annotations

import re

from ._common import C_SPACE

_V0_TOKENS = {b";": re.compile(rb"[^;]+"), b",": re.compile(rb"[^,]+")}


def _v0_tokens(header: bytes, separators: bytes) -> list[bytes]:
    pattern = _V0_TOKENS.get(separators)
    if pattern is None:
        pattern = re.compile(b"[^" + re.escape(separators) + b"]+") if separators else re.compile(rb".+", re.S)
    return pattern.findall(header)


def v0_separator(header: bytes, configured: bytes | None = None) -> bytes:
    """The separator bytes v2 hands ``apr_strtok`` for a version 0 ``header``."""
    if configured is not None:
        return configured
    if b"," in header and b";" not in header:
        return b","
    return b";"


def parse_cookies_v0(header: bytes, separator: bytes | None = None) -> list[tuple[bytes, bytes]]:
    """Version 0 cookies of one header; ``separator`` is SecCookiev0Separator (None: v2's default)."""
    header = header.split(b"\0", 1)[0]  # v2 works on a C string
    cookies = []
    for token in _v0_tokens(header, v0_separator(header, separator)):
        token = token.lstrip(C_SPACE)
        name, _, value = token.partition(b"=")
        if name:
            cookies.append((name, value))
    return cookies


def parse_cookies_v1(header: bytes) -> list[tuple[bytes, bytes]]:
    """Version 1 cookies of one header, as v2's ``parse_cookies_v1`` reads them."""
    text = header.split(b"\0", 1)[0]
    end = len(text)
    position = 0
    cookies: list[tuple[bytes, bytes]] = []
    previous_name: bytes | None = None
    while position < end:
        while position < end and text[position] in C_SPACE:
            position += 1
        start = position
        while position < end and text[position] not in b"=;,":
            position += 1
        name = text[start:position]
        value = b""
        if position < end:
            if text[position] in b";,":
                position += 1
            else:
                position += 1  # over '='
                while position < end and text[position] in C_SPACE:
                    position += 1
                if position < end and text[position] == 0x22:  # '"'
                    position += 1
                    start = position
                    while position < end and text[position] != 0x22:
                        position += 1
                    value = text[start:position]
                    if position < end:
                        position += 1
                elif position < end:
                    start = position
                    while position < end and text[position] not in b",;":
                        position += 1
                    value = text[start:position].rstrip(C_SPACE)
                    if position < end:
                        position += 1
        name = name.rstrip(C_SPACE)
        if name:
            if name[:1] == b"$" and previous_name is not None:
                name = b"$" + previous_name + b"_" + name[1:]
            cookies.append((name, value))
            if name[:1] != b"$":
                previous_name = name
        while position < end and (text[position] in b",;" or text[position] in C_SPACE):
            position += 1
    return cookies


def parse_cookies(header: bytes, version: int = 0, v0_separator: bytes | None = None) -> list[tuple[bytes, bytes]]:
    """The cookies of one ``Cookie`` header value for SecCookieFormat ``version`` (0 or 1)."""
    if version == 1:
        return parse_cookies_v1(header)
    return parse_cookies_v0(header, v0_separator)
