"""verifyCC / verifyCPF / verifySSN: the search loop, the checks, captures and texts."""

from __future__ import annotations

from modsec_py.operators.verify_cc import luhn
from modsec_py.operators.verify_cpf import cpf_verify
from modsec_py.operators.verify_ssn import ssn_verify
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


def test_luhn() -> None:
    assert luhn(b"5484605089158216") and luhn(b"5484-6050-8915-8216") and luhn(b"4556324125126")
    assert not luhn(b"5484605089158217") and not luhn(b"") and not luhn(b"abc")


def test_cc_message_and_search_loop() -> None:
    pattern = r"\d{16}"
    assert run("verifyCC", pattern, b"id 1234567890123456 card 5484605089158216") == \
        'CC# match "\\d{16}" at ARGS:x. [offset "25"]'  # the first candidate fails Luhn, the search goes on
    assert run("verifyCC", pattern, b"1234567890123456") is None


def test_cc_captures_copy_the_whole_match() -> None:
    # Checked against Debian's 2.9.7: every TX:<i> below the group count is the whole match.
    tx = FakeTx(capturing=True)
    tx.tx["5"] = b"old"
    make("verifyCC", r"(\d{4})(\d{12})").evaluate(tx, b"5484605089158216")
    assert tx.tx == {"0": b"5484605089158216", "1": b"5484605089158216", "2": b"5484605089158216"}


def test_cc_multiline_pattern() -> None:
    assert run("verifyCC", r"^\d{16}$", b"x\n5484605089158216\ny") is not None  # PCRE_MULTILINE


def test_cpf() -> None:
    assert cpf_verify(b"010.817.514-60") and not cpf_verify(b"111.111.111-11") and not cpf_verify(b"010.817.514-61")
    assert run("verifyCPF", r"([0-9]{3}\.){2}[0-9]{3}-[0-9]{2}", b"cpf 010.817.514-60") == \
        'CPF# match "([0-9]{3}\\.){2}[0-9]{3}-[0-9]{2}" at ARGS:x. [offset "4"]'


def test_ssn() -> None:
    assert ssn_verify(b"574-57-8065")
    for bad in (b"800-57-8065", b"666-57-8065", b"000-57-8065", b"574-00-8065", b"574-57-0000", b"123-45-6789",
                b"111-11-1111", b"57-57-8065"):
        assert not ssn_verify(bad), bad
    assert run("verifySSN", r"\d{3}-?\d{2}-?\d{4}", b"ssn 574-57-8065") == \
        'SSN# match "\\d{3}-?\\d{2}-?\\d{4}" at ARGS:x. [offset "4"]'
