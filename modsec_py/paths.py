"""Where modsec_py finds its SecLang entry file."""

from __future__ import annotations

import os
from pathlib import Path

ENTRY_ENV = "MODSEC_PY_CONFIG"
SYSTEM_ENTRY = "/etc/modsec_py/security2.conf"
BUNDLED_ENTRY = str(Path(__file__).parent / "data" / "security2.conf")


def default_entry() -> str:
    """``$MODSEC_PY_CONFIG``, else the installed entry file, else the copy inside the package."""
    configured = os.environ.get(ENTRY_ENV)
    if configured:
        return configured
    return SYSTEM_ENTRY if os.path.exists(SYSTEM_ENTRY) else BUNDLED_ENTRY
