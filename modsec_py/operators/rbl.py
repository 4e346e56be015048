"""``@rbl``: a DNS blocklist lookup of the value under the argument's zone.

A value that C's ``sscanf("%d.%d.%d.%d")`` reads as four numbers is an IPv4 address and is
looked up reversed (``4.3.2.1.<zone>``); for a zone containing ``httpbl.org`` the
SecHttpBlKey comes first (``<key>.4.3.2.1.dnsbl.httpbl.org``), and without a key v2 fails
the rule ("RBL httpBl called but no key defined: set SecHttpBlKey"). Anything else is
looked up as ``<value>.<zone>``. (With ``capture``, the variable's name in TX:0 comes from
the transaction's optional ``variable_name`` attribute.) The lookup resolving (any address) is a match; the text
then depends on the zone (uribl.com and spamhaus.org list types from the answer's last
byte, httpBL's days / threat score / visitor type). With ``capture``, TX:0 is that text.
Example: ``SecRule REMOTE_ADDR "@rbl sbl-xbl.spamhaus.org" "id:1"``.
Match text e.g. ``RBL lookup of 4.3.2.1.sbl-xbl.spamhaus.org succeeded at REMOTE_ADDR.``
"""

from __future__ import annotations

import socket

from modsec_py.operators._base import CompileContext, Operator, OperatorError, OperatorTx, cstr, log_escape_nq, operator

_URIBL = {2: " (BLACK)", 4: " (GREY)", 8: " (RED)", 14: " (BLACK,GREY,RED)", 255: " (DNS IS BLOCKED)"}
_SPAMHAUS = {2: " (Static UBE sources)", 3: " (Static UBE sources)", 4: " (Illegal 3rd party exploits)",
             5: " (Illegal 3rd party exploits)", 6: " (Illegal 3rd party exploits)",
             7: " (Illegal 3rd party exploits)", 10: " (Delivering unauthenticated SMTP email)",
             11: " (Delivering unauthenticated SMTP email)"}
_HTTPBL_TYPES = ("Search Engine", "Suspicious IP", "Harvester IP", "Suspicious harvester IP", "Comment spammer IP",
                 "Suspicious comment spammer IP", "Harvester and comment spammer IP",
                 "Suspicious harvester comment spammer IP")
_C_SPACE = b" \t\n\v\f\r"


def resolve(name: str) -> bytes | None:
    """The first address ``name`` resolves to (4 bytes for IPv4, 16 for IPv6), or None.

    v2: ``apr_sockaddr_info_get(APR_UNSPEC)``. Module-level so tests can replace it.
    """
    try:
        infos = socket.getaddrinfo(name, None)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    family, _type, _proto, _name, address = infos[0]
    return socket.inet_pton(family, address[0])


def _sscanf_int(text: bytes, i: int) -> tuple[int, int] | None:
    """C's ``%d``: blanks, a sign, digits (a 32-bit int); None when no digit follows."""
    while i < len(text) and text[i] in _C_SPACE:
        i += 1
    start = i
    if i < len(text) and text[i] in b"+-":
        i += 1
    digits = i
    while i < len(text) and 0x30 <= text[i] <= 0x39:
        i += 1
    if i == digits:
        return None
    number = int(text[start:i])
    return (number + 2**31) % 2**32 - 2**31, i


def dotted_quad(text: bytes) -> tuple[int, int, int, int] | None:
    """``sscanf(text, "%d.%d.%d.%d")`` returning 4."""
    numbers = []
    i = 0
    for part in range(4):
        if part and not text.startswith(b".", i):
            return None
        i += 1 if part else 0
        read = _sscanf_int(text, i)
        if read is None:
            return None
        number, i = read
        numbers.append(number)
    return numbers[0], numbers[1], numbers[2], numbers[3]


@operator("rbl")
class Rbl(Operator):
    __slots__ = ("_http_bl_key",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._http_bl_key = None if ctx.config is None else ctx.config.http_bl_key

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        zone = self.argument
        target = cstr(value)
        quad = dotted_quad(target)
        if quad is not None:
            h0, h1, h2, h3 = quad
            if "httpbl.org" in zone:
                if self._http_bl_key is None:
                    message = "RBL httpBl called but no key defined: set SecHttpBlKey"
                    tx.debug(4, message)
                    raise OperatorError(message)
                name = f"{self._http_bl_key}.{h3}.{h2}.{h1}.{h0}.{zone}"
            else:
                name = f"{h3}.{h2}.{h1}.{h0}.{zone}"
        else:
            name = f"{target.decode('latin-1')}.{zone}"
        answer = resolve(name)
        shown = log_escape_nq(name.encode("latin-1", "replace"))
        if answer is None:
            tx.debug(5, f"RBL lookup of {shown} failed.")
            return None
        # v2 reads sin_addr as a little-endian int and keeps its top byte: the last octet
        # (for an IPv6 answer, 0: the bytes of sin6_flowinfo).
        last = answer[3] if len(answer) == 4 else 0
        if "uribl.com" in zone:
            detail = (shown, _URIBL.get(last, " (WHITE)"))
        elif "spamhaus.org" in zone:
            detail = (shown, _SPAMHAUS.get(last, ""))
        elif "httpbl.org" in zone:
            first, days, score, kind = answer[:4]
            if len(answer) != 4 or first != 127:
                detail = (shown, None)
            else:
                visitor = _HTTPBL_TYPES[kind] if kind < len(_HTTPBL_TYPES) else " "
                detail = (shown, f". {visitor}: {days} days since last activity, threat score {score}")
        else:
            detail = (shown, "")
        if tx.capturing:  # v2: TX:0 = the match text, which names the variable
            text = self.message(detail, getattr(tx, "variable_name", ""))
            tx.set_capture(0, text.encode("latin-1", "replace"))
        return detail

    def message(self, detail: object, var_name: str) -> str:
        shown, tail = detail  # type: ignore[misc]
        if tail is None:
            return f"RBL lookup of {shown} failed: bad response"
        if tail.startswith("."):
            return f"RBL lookup of {shown} succeeded at {var_name}{tail}"
        return f"RBL lookup of {shown} succeeded at {var_name}{tail}."
