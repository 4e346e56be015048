"""Byte-level facts of v2's C helpers that several transformations share.

ModSecurity 2 runs in Apache's "C" locale: ``isspace``, ``isxdigit``, ``tolower`` and friends
are ASCII-only, and ``NBSP`` is byte 0xA0.
"""

from __future__ import annotations

C_SPACE = b" \t\n\v\f\r"  # isspace() in the C locale (what bytes.strip() removes too)
NBSP = 0xA0

# Byte values, for membership tests: ``PERCENT in value`` (an int) is several times faster than
# ``b"%" in value``, which has to acquire a buffer. Fast paths use these.
NUL, TAB, NEWLINE, VTAB, FORMFEED, CR = 0x00, 0x09, 0x0A, 0x0B, 0x0C, 0x0D
SPACE, HASH, PERCENT, AMPERSAND, LEFT_PARENTHESIS = 0x20, 0x23, 0x25, 0x26, 0x28
PLUS, DASH, DOT, SLASH = 0x2B, 0x2D, 0x2E, 0x2F
STAR, ZERO, EQUALS, BACKSLASH = 0x2A, 0x30, 0x3D, 0x5C


def x2c(high: int, low: int) -> int:
    """v2's ``x2c``: two hex digits to a byte, in ``unsigned char`` arithmetic (garbage in, garbage out)."""
    digit = (((high & 0xDF) - 0x41 + 10) if high >= 0x41 else (high - 0x30)) & 0xFF
    digit = (digit * 16) & 0xFF
    return (digit + (((low & 0xDF) - 0x41 + 10) if low >= 0x41 else (low - 0x30))) & 0xFF


def full_width(first_two: bytes, low_byte: int) -> int:
    """The byte v2 keeps from ``%uHHLL``/``\\uHHLL``: ``LL``, plus 0x20 for full-width ASCII (U+FF01-U+FF5E)."""
    if 0 < low_byte < 0x5F and first_two in (b"ff", b"fF", b"Ff", b"FF"):
        return low_byte + 0x20
    return low_byte
