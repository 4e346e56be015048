"""libinjection's XSS detector (port of libinjection_xss.c as bundled by ModSecurity 2.9.7).

The input is tokenized as HTML5 five times: as page text, and as if it started inside an unquoted,
single-, double- and back-quoted attribute value. It is XSS when a token is a doctype, a black-listed tag,
an event handler or other black-listed attribute with a value, a URL attribute whose value starts with a
dangerous scheme, or a comment that IE would treat as markup.

Copyright (c) 2012-2016, Nick Galbreath (libinjection, BSD 3-Clause); see LICENSE.libinjection.
"""

from __future__ import annotations

from .html5 import (
    ATTR_NAME,
    ATTR_VALUE,
    DATA_STATE,
    DOCTYPE,
    TAG_COMMENT,
    TAG_NAME_OPEN,
    VALUE_BACK_QUOTE,
    VALUE_DOUBLE_QUOTE,
    VALUE_NO_QUOTE,
    VALUE_SINGLE_QUOTE,
    H5State,
)

# attribute_t
TYPE_NONE = 0
TYPE_BLACK = 1  # ban always
TYPE_ATTR_URL = 2  # value is a URL
TYPE_STYLE = 3
TYPE_ATTR_INDIRECT = 4  # attribute *name* is given in the value (SVG attributeName)

_BLACK_ATTRS = {
    b"ACTION": TYPE_ATTR_URL, b"ATTRIBUTENAME": TYPE_ATTR_INDIRECT, b"BY": TYPE_ATTR_URL,
    b"BACKGROUND": TYPE_ATTR_URL, b"DATAFORMATAS": TYPE_BLACK, b"DATASRC": TYPE_BLACK, b"DYNSRC": TYPE_ATTR_URL,
    b"FILTER": TYPE_STYLE, b"FORMACTION": TYPE_ATTR_URL, b"FOLDER": TYPE_ATTR_URL, b"FROM": TYPE_ATTR_URL,
    b"HANDLER": TYPE_ATTR_URL, b"HREF": TYPE_ATTR_URL, b"LOWSRC": TYPE_ATTR_URL, b"POSTER": TYPE_ATTR_URL,
    b"SRC": TYPE_ATTR_URL, b"STYLE": TYPE_STYLE, b"TO": TYPE_ATTR_URL, b"VALUES": TYPE_ATTR_URL,
    b"XLINK:HREF": TYPE_ATTR_URL,
}
_BLACK_TAGS = frozenset((
    b"APPLET", b"BASE", b"COMMENT", b"EMBED", b"FRAME", b"FRAMESET", b"HANDLER", b"IFRAME", b"IMPORT", b"ISINDEX",
    b"LINK", b"LISTENER", b"META", b"NOSCRIPT", b"OBJECT", b"SCRIPT", b"STYLE", b"VMLFRAME", b"XML", b"XSS",
))
_BLACK_URLS = (b"DATA", b"VIEW-SOURCE", b"JAVA", b"VBSCRIPT")  # JAVA covers JAVASCRIPT
_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}

# Prefilter for inputs without '<': upper-cases letters and turns every byte that ends an attribute name
# (white space, NUL, '/', '>') into a space, leaving '=' alone.
_NAME_VIEW = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz\t\n\v\f\r\x00/>", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ" + b" " * 8)
_EXACT_ATTRS = tuple(_BLACK_ATTRS)


def _nul_free_upper(s: bytes) -> bytes:
    """cstrcasecmp_with_null() compares the user bytes upper-cased with every NUL skipped."""
    return (s.replace(b"\x00", b"") if 0 in s else s).upper()


def is_black_tag(s: bytes) -> bool:
    if len(s) < 3:
        return False
    if _nul_free_upper(s) in _BLACK_TAGS:
        return True
    head = s[:3].upper()
    return head == b"SVG" or head == b"XSL"  # anything SVG or XSL(T)


def is_black_attr(s: bytes) -> int:
    if len(s) < 2:
        return TYPE_NONE
    if len(s) >= 5:
        if s[:2].upper() == b"ON":  # JavaScript on* handlers
            return TYPE_BLACK
        head = s[:5].upper()
        if head == b"XMLNS" or head == b"XLINK":  # can create arbitrary tags
            return TYPE_BLACK
    return _BLACK_ATTRS.get(_nul_free_upper(s), TYPE_NONE)


def _decode_char_at(s: bytes, i: int, length: int) -> tuple[int, int]:
    """html_decode_char_at(): (character, bytes consumed) at s[i], an entity decoded; bytes past the end of
    the input read as NUL (the C input is NUL-terminated and reads up to 3 bytes past ``length``)."""
    n = len(s)
    c = s[i]
    if c != 0x26 or length < 2:  # '&'
        return c, 1
    if (s[i + 1] if i + 1 < n else 0) != 0x23:  # '#': named entities are left alone
        return 0x26, 1
    c2 = s[i + 2] if i + 2 < n else 0
    if c2 == 0x78 or c2 == 0x58:  # &#x
        digit = _HEX.get(s[i + 3] if i + 3 < n else 0)
        if digit is None:
            return 0x26, 1
        val = digit
        k = 4
        while k < length:
            c = s[i + k]
            if c == 0x3B:
                return val, k + 1
            digit = _HEX.get(c)
            if digit is None:
                return val, k
            val = val * 16 + digit
            if val > 0x1000FF:
                return 0x26, 1
            k += 1
        return val, k
    if not 0x30 <= c2 <= 0x39:
        return 0x26, 1
    val = c2 - 0x30
    k = 3
    while k < length:
        c = s[i + k]
        if c == 0x3B:
            return val, k + 1
        if not 0x30 <= c <= 0x39:
            return val, k
        val = val * 10 + c - 0x30
        if val > 0x1000FF:
            return 0x26, 1
        k += 1
    return val, k


def _htmlencode_startswith(prefix: bytes, s: bytes, i: int, length: int) -> bool:
    """Does the HTML-encoded s[i:i+length] start with ``prefix`` (upper case)? Leading white space and
    control characters, and NUL and LF anywhere, are ignored."""
    j = 0
    first = True
    while length > 0:
        if j == len(prefix):
            return True
        cb, consumed = _decode_char_at(s, i, length)
        i += consumed
        length -= consumed
        if first and cb <= 32:
            continue
        first = False
        if cb == 0 or cb == 10:
            continue
        if 0x61 <= cb <= 0x7A:
            cb -= 0x20
        if prefix[j] != cb & 0xFF:  # compared as (char) cb
            return False
        j += 1
    return j == len(prefix)


def is_black_url(s: bytes, start: int, length: int) -> bool:
    # skip white space, control and high-bit bytes (signed char <= 32, or >= 127)
    while length > 0 and (s[start] <= 32 or s[start] >= 127):
        start += 1
        length -= 1
    for prefix in _BLACK_URLS:
        if _htmlencode_startswith(prefix, s, start, length):
            return True
    return False


def is_xss(s: bytes, flags: int) -> bool:
    """libinjection_is_xss(): XSS when tokenized from the state ``flags``."""
    hs = H5State(s, flags)
    attr = TYPE_NONE
    while hs.state(hs):
        kind = hs.type
        if kind == ATTR_VALUE:
            if attr != TYPE_NONE:
                if attr == TYPE_BLACK or attr == TYPE_STYLE:
                    return True
                if attr == TYPE_ATTR_URL:
                    if is_black_url(s, hs.start, hs.length):
                        return True
                elif is_black_attr(s[hs.start:hs.start + hs.length]) != TYPE_NONE:  # TYPE_ATTR_INDIRECT
                    return True
                attr = TYPE_NONE
            continue
        attr = TYPE_NONE
        if kind == TAG_NAME_OPEN:
            if is_black_tag(s[hs.start:hs.start + hs.length]):
                return True
        elif kind == ATTR_NAME:
            attr = is_black_attr(s[hs.start:hs.start + hs.length])
        elif kind == DOCTYPE:
            return True
        elif kind == TAG_COMMENT:
            token = s[hs.start:hs.start + hs.length]
            if b"`" in token:  # IE: '`' ends a tag
                return True
            if len(token) > 3:
                if token[:1] == b"[" and token[1:3].upper() == b"IF":  # IE conditional comment
                    return True
                if token[:3].upper() == b"XML":
                    return True
            if len(token) > 5:
                head = token[:6].upper()
                if head == b"IMPORT" or head == b"ENTITY":  # IE <?import, XML entity definition
                    return True
    return False


def _black_attr_may_have_value(s: bytes) -> bool:
    """Whether a black-listed attribute name could be followed by '=' (so by a value) somewhere in ``s``.

    A necessary condition, checked per '=': the name token ends right before it (white space between
    allowed) and lies within the run of name characters there, so that run ends with a black-listed name,
    or holds "ON" with three more characters, "XMLNS" or "XLINK".
    """
    view = s.translate(_NAME_VIEW)
    i = view.find(b"=")
    while i != -1:
        end = i
        while end and view[end - 1] == 0x20:
            end -= 1
        name = view[max(view.rfind(b" ", 0, end), view.rfind(b"=", 0, end)) + 1:end]
        if (name.endswith(_EXACT_ATTRS) or name.find(b"ON", 0, len(name) - 3) != -1
                or b"XMLNS" in name or b"XLINK" in name):
            return True
        i = view.find(b"=", i + 1)
    return False


def detect_xss(s: bytes) -> bool:
    """libinjection_xss(): XSS in any of the five starting contexts."""
    if 0x3C not in s:
        # Without '<' there is no tag, comment or doctype: only a black-listed attribute with a value
        # (after '=') can be XSS.
        if 0x3D not in s or not _black_attr_may_have_value(s):
            return False
    return (is_xss(s, DATA_STATE) or is_xss(s, VALUE_NO_QUOTE) or is_xss(s, VALUE_SINGLE_QUOTE)
            or is_xss(s, VALUE_DOUBLE_QUOTE) or is_xss(s, VALUE_BACK_QUOTE))
