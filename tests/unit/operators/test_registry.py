"""Every operator ModSecurity 2.9.7 registers has an implementation, documented."""

from __future__ import annotations

import importlib
import pkgutil

import modsec_py.operators as package
from modsec_py import operators
from modsec_py.operators.spec import OPERATORS


def test_every_v2_operator_has_an_implementation() -> None:
    missing = [spec.name for spec in OPERATORS.values() if operators.get(spec.name) is None]
    assert missing == []


def test_names_are_v2s_and_lookup_ignores_case() -> None:
    assert set(operators.names()) == {spec.name for spec in OPERATORS.values()}
    assert operators.get("RX") is operators.get("rx")
    assert operators.get("IPMATCH") is operators.get("ipMatch")
    assert operators.get("rxGlobal") is None and operators.get("verifySVNR") is None


def test_every_module_is_imported_and_documented() -> None:
    listed = {name for _, name, _ in pkgutil.iter_modules(package.__path__) if not name.startswith("_")}
    listed.discard("libinjection")
    for name in listed:
        module = importlib.import_module(f"modsec_py.operators.{name}")
        assert module.__doc__, name
        assert hasattr(operators, name), f"operators/__init__.py does not import {name}"
    for spec in OPERATORS.values():
        assert operators.get(spec.name).__doc__ or operators.get(spec.name).__module__  # type: ignore[union-attr]


def test_fake_tx_implements_the_protocol() -> None:
    from modsec_py.operators._base import OperatorTx
    from modsec_py.testing.fake_tx import FakeTx

    wanted = {name for name in dir(OperatorTx) if not name.startswith("_")} | {"capturing"}
    tx = FakeTx()
    assert all(hasattr(tx, name) for name in wanted), wanted - set(dir(tx))
