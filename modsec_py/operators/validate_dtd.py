"""``@validateDTD``: validate the request's XML document against a DTD file.

Needs the XML body processor's document (:meth:`OperatorTx.xml_document`). As in v2, the
file is loaded when the rule runs (here: parsed again only when it changed), from the
argument as written (v2 does not resolve it against the rule file), and the operator
*matches when validation fails*:

* no document: operator error "XML document tree could not be found for DTD validation.";
* REQBODY_ERROR set: match, "XML: DTD validation could not proceed due to previous
  processing errors.";
* the DTD does not load: operator error "XML: Failed to load DTD: <file>";
* invalid: match, "XML: DTD validation failed." (libxml2's messages go to the debug log at
  level 3, as v2's error callback sends them).

Example: ``SecRule XML "@validateDTD /etc/modsecurity/order.dtd" "id:1,phase:2,deny"``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from modsec_py.operators._base import CompileContext, Operator, OperatorError, OperatorTx, operator

_CACHE: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
_LOCK = threading.Lock()


def load_cached(kind: str, path: str, loader: Callable[[str], Any]) -> Any:
    """``loader(path)``, reused while the file's size and modification time stay the same."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        cached = _CACHE.get((kind, path))
        if cached is not None and cached[0] == stamp:
            return cached[1]
    loaded = loader(path)
    with _LOCK:
        _CACHE[(kind, path)] = (stamp, loaded)
    return loaded


def _load_dtd(path: str) -> Any:
    from lxml import etree

    return etree.DTD(path)


def log_errors(tx: OperatorTx, validator: Any) -> None:
    for entry in getattr(validator, "error_log", ()):
        tx.debug(3, str(entry.message))


@operator("validateDTD")
class ValidateDTD(Operator):
    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        document = tx.xml_document()
        if document is None:
            raise OperatorError("XML document tree could not be found for DTD validation.")
        if tx.request_body_error():
            return ("XML: DTD validation could not proceed due to previous processing errors.",)
        try:
            dtd = load_cached("dtd", self.argument, _load_dtd)
        except Exception:  # OSError, lxml's DTDParseError
            raise OperatorError(f"XML: Failed to load DTD: {self.argument}") from None
        if not dtd.validate(document):
            log_errors(tx, dtd)
            return ("XML: DTD validation failed.",)
        tx.debug(4, f"XML: Successfully validated payload against DTD: {self.argument}")
        return None

    def message(self, detail: object, var_name: str) -> str:
        return detail[0]  # type: ignore[index,no-any-return]
