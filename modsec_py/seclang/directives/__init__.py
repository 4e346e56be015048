"""Every SecLang directive, one module per family; importing this package registers them all."""

from modsec_py.seclang.directives import (  # noqa: F401
    audit,
    bodies,
    connections,
    debug,
    engine,
    lookups,
    misc,
    rules,
    storage,
)
