"""``@verifyCPF``: a regex finds candidate Brazilian CPF numbers, the check digits confirm them.

Shares @verifyCC's search loop (:class:`modsec_py.operators.verify_cc.RegexVerifier`). v2's
``cpf_verify``: the first 11 digits of the match (other bytes skipped, up to a NUL), none
of the 11 repeated-digit forms nor ``01234567890``, then the two mod-11 check digits.
Example: ``SecRule ARGS "@verifyCPF ([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}" "id:1"``.
Match text: ``CPF# match "<pattern as written>" at <var>. [offset "<start of the match>"]``
"""

from __future__ import annotations

from modsec_py.operators._base import cstr, operator
from modsec_py.operators.verify_cc import RegexVerifier

_BAD = {b"01234567890"} | {bytes([digit]) * 11 for digit in b"0123456789"}


def cpf_verify(number: bytes) -> bool:
    digits = bytes(byte for byte in cstr(number) if 0x30 <= byte <= 0x39)[:11]
    if len(digits) != 11 or digits in _BAD:
        return False
    values = [byte - 0x30 for byte in digits]
    total = sum(values[i] * (10 - i) for i in range(9))
    first = 0 if total % 11 < 2 else 11 - total % 11
    values[9] = first
    total = sum(values[i] * (11 - i) for i in range(10))
    second = 0 if total % 11 < 2 else 11 - total % 11
    return digits[9] - 0x30 == first and digits[10] - 0x30 == second


@operator("verifyCPF")
class VerifyCPF(RegexVerifier):
    label = "CPF#"
    verify = staticmethod(cpf_verify)
