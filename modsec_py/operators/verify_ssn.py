"""``@verifySSN``: a regex finds candidate US social security numbers, v2's rules confirm them.

Shares @verifyCC's search loop (:class:`modsec_py.operators.verify_cc.RegexVerifier`). v2's
``ssn_verify``: exactly 9 digits in the match (other bytes skipped); not all ascending by
one nor all equal; area, group and serial not zero; area below 740 and not 666.
Example: ``SecRule ARGS "@verifySSN \\d{3}-?\\d{2}-?\\d{4}" "id:1"``.
Match text: ``SSN# match "<pattern as written>" at <var>. [offset "<start of the match>"]``
"""

from __future__ import annotations

from modsec_py.operators._base import operator
from modsec_py.operators.verify_cc import RegexVerifier


def ssn_verify(number: bytes) -> bool:
    digits = [byte - 0x30 for byte in number if 0x30 <= byte <= 0x39]
    if len(digits) != 9:
        return False
    if all(digits[i] == digits[i + 1] - 1 for i in range(8)) or all(digits[i] == digits[i + 1] for i in range(8)):
        return False
    area = digits[0] * 100 + digits[1] * 10 + digits[2]
    group = digits[3] * 10 + digits[4]
    serial = digits[5] * 1000 + digits[6] * 100 + digits[7] * 10 + digits[8]
    return area != 0 and group != 0 and serial != 0 and area < 740 and area != 666


@operator("verifySSN")
class VerifySSN(RegexVerifier):
    label = "SSN#"
    verify = staticmethod(ssn_verify)
