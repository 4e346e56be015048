"""Settings the connector reads from a transaction beyond the documented calls.

The connector does what v2's Apache glue does around the engine (how much of a body to
read, which response MIME types are buffered, backend compression; the engine decides what
the body limits mean); these values live
in the WAF's configuration and in the transaction's rule-engine mode (``ctl:ruleEngine``).
Reading them is kept here, in one place, so the engine can offer them as API later.
"""

from __future__ import annotations

from typing import Any


def _config(tx: Any) -> Any:
    """The configuration that applies to the request (its ``<Location>`` section's, if any)."""
    return getattr(tx, "config", None) or tx.waf.config


def _value(item: Any) -> str:
    return str(getattr(item, "value", item))


def engine_mode(tx: Any) -> str:
    """``On``, ``Off`` or ``DetectionOnly`` for this transaction (after any ``ctl:ruleEngine``)."""
    return _value(getattr(tx, "mode", None) or _config(tx).rule_engine)


def request_limit_refuses(tx: Any) -> bool:
    """SecRequestBodyLimitAction Reject with the engine On: a body over the limit gets 413."""
    return engine_mode(tx) == "On" and _value(_config(tx).request_body_limit_action) == "Reject"


def mime_type_inspected(tx: Any, content_type: str | None) -> bool:
    """v2's test: the type before ``;``, lower-cased (``null`` when there is none), is listed."""
    if content_type is None:
        mime = "null"
    else:
        mime = content_type.split(";", 1)[0].strip().lower()
    return mime in _config(tx).response_body_mime_types


def disable_backend_compression(tx: Any) -> bool:
    """SecDisableBackendCompression: hide Accept-Encoding and TE from the backend."""
    return bool(getattr(_config(tx), "disable_backend_compression", False))


def unique_id(tx: Any) -> str:
    """The transaction's UNIQUE_ID (the engine makes one when mod_unique_id gave none)."""
    data = getattr(tx, "data", None)
    value = getattr(data, "unique_id", b"") if data is not None else b""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")


def in_memory_limit(tx: Any) -> int:
    """SecRequestBodyInMemoryLimit: how much of a request body the connector keeps in memory."""
    return int(getattr(_config(tx), "request_body_in_memory_limit", 131072))
