"""eq/ge/gt/le/lt: both sides read with C's atoi, v2's texts."""

from __future__ import annotations

import pytest

from modsec_py.operators.compare import c_atoi
from modsec_py.testing.fake_tx import FakeTx
from tests.unit.operators._helpers import make, run


@pytest.mark.parametrize(("text", "number"), [
    (b"", 0), (b"12", 12), (b"  -7x", -7), (b"+3", 3), (b"abc", 0), (b"5\x009", 5), (b"0012", 12),
    (b"2147483648", -2147483648), (b"99999999999", 1215752191), (b"-99999999999999999999999", 0),
])
def test_c_atoi(text: bytes, number: int) -> None:
    assert c_atoi(text) == number


def test_messages_give_the_argument_as_a_number() -> None:
    assert run("ge", "5", b"7", var="TX:anomaly_score") == "Operator GE matched 5 at TX:anomaly_score."
    assert run("eq", "05x", b"5") == "Operator EQ matched 5 at ARGS:x."
    assert run("gt", "1", b"2") == "Operator GT matched 1 at ARGS:x."
    assert run("le", "1", b"1") == "Operator LE matched 1 at ARGS:x."
    assert run("lt", "1", b"0") == "Operator LT matched 1 at ARGS:x."
    assert run("lt", "1", b"1") is None


def test_macro_argument() -> None:
    op = make("ge", "%{tx.inbound_anomaly_score_threshold}")
    tx = FakeTx(macros={"TX.INBOUND_ANOMALY_SCORE_THRESHOLD": b"5"})
    assert op.message(op.evaluate(tx, b"5"), "TX:a") == "Operator GE matched 5 at TX:a."
    assert op.evaluate(tx, b"4") is None
    assert make("eq", "%{tx.missing}").evaluate(FakeTx(), b"0") is not None  # an empty expansion is 0
