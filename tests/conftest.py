"""Shared fixtures: where the read-only test data lives, and how its absence is handled.

Data under ../shared (and Debian's CRS package) is read in place. Without it a test skips
with the reason, except under CI=true, where missing data is a failure.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
DEBIAN_CRS = Path("/usr/share/modsecurity-crs")

# WAFs built in the test process keep their last good rulesets here, never in the system's
# /var/lib/modsec-py (the Apache instances of the tests get a directory of their own).
os.environ["MODSEC_PY_STATE_DIR"] = tempfile.mkdtemp(prefix="modsec_py-state-")


def require(path: Path, what: str) -> Path:
    """``path`` if it exists; otherwise skip (or fail under CI=true) naming ``what``."""
    if path.exists():
        return path
    message = f"{what} not found at {path}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: test data must be present)")
    pytest.skip(message)


@pytest.fixture
def shared() -> Path:
    return require(SHARED, "../shared test data")


@pytest.fixture
def debian_crs() -> Path:
    return require(DEBIAN_CRS / "rules", "Debian's modsecurity-crs package (CRS 3.3.4)").parent
