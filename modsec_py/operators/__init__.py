"""modsec_py.operators: one module per ModSecurity 2.9.7 operator, registered on import.

``get(name)`` returns the implementation of an operator (case-insensitive), ``names()``
their v2 names; :mod:`modsec_py.operators.spec` holds v2's names and load-time checks.
"""

from modsec_py.operators import (  # noqa: F401  (each module registers its operators)
    begins_with,
    compare,
    contains,
    contains_word,
    detect_sqli,
    detect_xss,
    ends_with,
    fuzzy_hash,
    geo_lookup,
    gsb_lookup,
    inspect_file,
    ip_match,
    no_match,
    pm,
    rbl,
    rsub,
    rx,
    spec,
    streq,
    strmatch,
    unconditional_match,
    validate_byte_range,
    validate_dtd,
    validate_hash,
    validate_schema,
    validate_url_encoding,
    validate_utf8_encoding,
    verify_cc,
    verify_cpf,
    verify_ssn,
    within,
)
from modsec_py.operators._base import get, names

__all__ = ["get", "names", "spec"]
