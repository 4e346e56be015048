"""C's number parsing, as ModSecurity 2 reads numbers (``strtol``/``atoi``/``atol``).

They take the longest valid prefix (``"12abc"`` is 12, ``"abc"`` is 0) and saturate on
overflow; reproducing that accepts exactly the values v2 accepts.
"""

from __future__ import annotations

LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)
_C_SPACE = " \t\n\v\f\r"


def c_integer(text: str, base: int = 10) -> int:
    """The number C's ``strto*`` functions read from ``text`` (base 8 or 10), before saturation.

    Leading white space, an optional sign, then the longest run of digits; 0 if there is none.
    """
    position, end = 0, len(text)
    while position < end and text[position] in _C_SPACE:
        position += 1
    negative = False
    if position < end and text[position] in "+-":
        negative = text[position] == "-"
        position += 1
    digits = "01234567" if base == 8 else "0123456789"
    start = position
    while position < end and text[position] in digits:
        position += 1
    if position == start:
        return 0
    value = int(text[start:position], base)
    return -value if negative else value


def strtol(text: str, base: int = 10) -> int:
    """glibc ``strtol(text, NULL, base)`` for base 8 or 10: a prefix parse that saturates."""
    return max(LONG_MIN, min(LONG_MAX, c_integer(text, base)))


def atol(text: str) -> int:
    """glibc ``atol``: ``strtol`` in base 10."""
    return strtol(text, 10)


def atoi(text: str) -> int:
    """glibc ``atoi``: ``strtol`` truncated to a 32-bit ``int``."""
    return (strtol(text, 10) + 2**31) % 2**32 - 2**31
