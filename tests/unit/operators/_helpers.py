"""Shared helpers: build an operator as the engine does and evaluate it on a fake transaction."""

from __future__ import annotations

from typing import Any

from modsec_py import operators
from modsec_py.config import EngineConfig
from modsec_py.operators._base import CompileContext, Operator
from modsec_py.testing.fake_tx import FakeTx


def make(name: str, argument: str = "", directory: str = "/tmp", config: EngineConfig | None = None,
         **kwargs: Any) -> Operator:
    cls = operators.get(name)
    assert cls is not None, name
    return cls(argument, CompileContext(directory, config), **kwargs)


def run(name: str, argument: str, value: bytes, *, var: str = "ARGS:x", tx: FakeTx | None = None,
        **kwargs: Any) -> str | None:
    """The match text, or None when the operator does not match."""
    op = make(name, argument, **kwargs)
    detail = op.evaluate(tx if tx is not None else FakeTx(), value)
    return None if detail is None else op.message(detail, var)
