"""URLENCODED: ModSecurity 2.9.7's ``parse_arguments`` (``msc_parsers.c``), for QUERY_STRING and bodies.

v2 splits the input on the argument separator (SecArgumentSeparator, one byte, ``&`` by
default), splits each piece at its first ``=`` and url-decodes name and value with its own
non-strict decoder (``urldecode_nonstrict_inplace_ex``, ``msc_util.c``):

- ``+`` becomes a space, ``%hh`` (two hex digits, either case) becomes the byte;
- any other ``%`` is kept as it is and counted as invalid (``%zz``, ``%4`` at the end,
  ``%u0041``): one or more invalid encodings set URLENCODED_ERROR (the query string's as well
  as the body's, ``modsecurity.c`` / ``msc_reqbody.c``);
- a piece without ``=`` is an argument with an empty value, an empty piece between two
  separators an argument with an empty name and value (``a&&b`` gives ``a``, ``""``, ``b``);
  a separator at the very end adds nothing (``a&`` is one argument), a lone ``=`` is one
  argument with an empty name;
- ``;`` is not a separator unless configured (``a=1;b=2`` is one argument ``a``).

Values are bytes; NUL bytes (``%00``) survive. The engine applies SecArgumentsLimit with
:func:`modsec_py.bodyprocessors.limits.apply_arguments_limit` (v2 checks it in
``add_argument``, per argument, against the GET and POST arguments together).

Example::

    >>> parse_arguments(b"a=1&b=%zz&c")
    ParsedArguments(arguments=[(b'a', b'1'), (b'b', b'%zz'), (b'c', b'')], invalid_count=1)
"""

from __future__ import annotations

from dataclasses import dataclass

_HEX = b"0123456789abcdefABCDEF"
_HEX_PAIRS = {bytes((high, low)): bytes((int(bytes((high, low)), 16),)) for high in _HEX for low in _HEX}


def url_decode_nonstrict(data: bytes) -> tuple[bytes, int]:
    """v2's ``urldecode_nonstrict_inplace_ex``: the decoded bytes and the number of invalid ``%``.

    Example: ``url_decode_nonstrict(b"a+%41%zz")`` is ``(b"a A%zz", 1)``.
    """
    if b"%" not in data:
        return (data.replace(b"+", b" ") if b"+" in data else data), 0
    pieces = data.split(b"%")
    out = [pieces[0].replace(b"+", b" ")]
    invalid = 0
    for piece in pieces[1:]:
        decoded = _HEX_PAIRS.get(piece[:2])
        if decoded is None:
            invalid += 1
            out.append(b"%")
            out.append(piece.replace(b"+", b" "))
        else:
            out.append(decoded)
            out.append(piece[2:].replace(b"+", b" "))
    return b"".join(out), invalid


@dataclass(slots=True)
class ParsedArguments:
    """What ``parse_arguments`` gives back.

    ``arguments``: (name, value) pairs in order, url-decoded. ``invalid_count``: how many
    invalid ``%`` encodings were seen (URLENCODED_ERROR is set when it is not 0).
    """

    arguments: list[tuple[bytes, bytes]]
    invalid_count: int

    @property
    def urlencoded_error(self) -> bool:
        """Whether v2 sets URLENCODED_ERROR for this input."""
        return self.invalid_count != 0


def parse_arguments(data: bytes, separator: bytes = b"&") -> ParsedArguments:
    """Split and decode ``data`` as v2's ``parse_arguments`` does.

    Arguments:
        data: the raw query string (without ``?``) or request body.
        separator: SecArgumentSeparator, one byte.

    Example: ``parse_arguments(b"a=1;b=2", b";").arguments`` is ``[(b"a", b"1"), (b"b", b"2")]``.
    """
    if not data:
        return ParsedArguments([], 0)
    pieces = data.split(separator)
    if not pieces[-1]:
        pieces.pop()  # v2's loop ends at the separator: nothing follows it
    arguments: list[tuple[bytes, bytes]] = []
    invalid = 0
    for piece in pieces:
        name, equals, value = piece.partition(b"=")
        if b"%" in name or b"+" in name:
            name, bad = url_decode_nonstrict(name)
            invalid += bad
        if equals and (b"%" in value or b"+" in value):
            value, bad = url_decode_nonstrict(value)
            invalid += bad
        arguments.append((name, value))
    return ParsedArguments(arguments, invalid)
