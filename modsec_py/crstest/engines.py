"""Which WAF the ``crs test`` target runs: modsec_py (the product) or the real ModSecurity 2.9.7 (reference).

Both engines get the same SecLang entry file and the same backend application under mod_wsgi's embedded mode:

- ``modsec_py``: the backend wrapped in :class:`~modsec_py.connectors.wsgi.ModSecurityMiddleware`, which reads the
  entry file named by ``SetEnv MODSEC_PY_CONFIG``;
- ``modsec2`` (developer option, for differential testing): Apache loads ``mod_security2.so`` (Debian's 2.9.7,
  unpacked by ``tools/fetch-modsec2.sh``) and ``Include``\\ s the entry file; the backend runs bare.
"""

from __future__ import annotations

from pathlib import Path

from modsec_py.testing import apache

MODSEC_PY = "modsec_py"
MODSEC2 = "modsec2"
ENGINES = (MODSEC_PY, MODSEC2)
# Where tools/fetch-modsec2.sh unpacks Debian's libapache2-mod-security2 (a developer checkout).
DEFAULT_MODSEC2_MODULE = apache.SOURCE / ".tmp" / "modsec2" / "root" / "usr/lib/apache2/modules/mod_security2.so"

_WSGI_MODSEC_PY = """from modsec_py.connectors.wsgi import ModSecurityMiddleware
from modsec_py.crstest.backend import app_for

application = ModSecurityMiddleware(app_for({major}))
"""
_WSGI_BARE = """from modsec_py.crstest.backend import app_for

application = app_for({major})
"""


class EngineError(ValueError):
    """An unknown engine, or the reference module is missing."""


def wsgi_script(engine: str, major: int) -> str:
    """The backend's WSGI script: with the middleware (modsec_py) or bare (modsec2)."""
    return (_WSGI_MODSEC_PY if engine == MODSEC_PY else _WSGI_BARE).format(major=major)


def apache_lines(engine: str, entry: Path, module: Path | None = None) -> str:
    """The Apache lines that put the engine in front of the backend, reading ``entry``."""
    if engine == MODSEC_PY:
        return f"<Location />\n    SetEnv MODSEC_PY_CONFIG {entry}\n</Location>\n"
    path = module_path(engine, module)
    # mod_unique_id is one of apache.BASE_MODULES (v2 needs it).
    return f"LoadModule security2_module {path}\nInclude {entry}\n"


def module_path(engine: str, module: Path | None = None) -> Path:
    """Check ``engine``; for modsec2 the module file (``module`` or the default) that must exist."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    path = Path(module) if module else DEFAULT_MODSEC2_MODULE
    if engine == MODSEC2 and not path.is_file():
        raise EngineError(f"ModSecurity 2 module not found at {path} (run tools/fetch-modsec2.sh)")
    return path
