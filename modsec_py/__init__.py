"""modsec_py: a ModSecurity v2 compatible web application firewall for Apache, in Python.

Public API (what connectors and users call): ``WAF``, ``Transaction``, ``Interruption``,
``MatchedRule``, ``ConfigError``. Imported lazily so that ``import modsec_py`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["WAF", "ConfigError", "ConfigErrors", "Interruption", "MatchedRule", "Transaction"]

if TYPE_CHECKING:
    from modsec_py.engine.results import Interruption, MatchedRule
    from modsec_py.engine.transaction import Transaction
    from modsec_py.engine.waf import WAF
    from modsec_py.errors import ConfigError, ConfigErrors

_WHERE = {
    "WAF": "modsec_py.engine.waf",
    "Transaction": "modsec_py.engine.transaction",
    "Interruption": "modsec_py.engine.results",
    "MatchedRule": "modsec_py.engine.results",
    "ConfigError": "modsec_py.errors",
    "ConfigErrors": "modsec_py.errors",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'modsec_py' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
