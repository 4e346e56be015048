"""t:normalisePathWin (alias normalizePathWin): normalisePath with backslashes as separators.

Backslashes become slashes as v2 meets them, which leaves one quirk: in a run of several
separators v2 copies the last one unconverted, so ``a\\\\\\b`` gives ``a\\b``.
"""

from __future__ import annotations

from modsec_py.transformations._cbytes import BACKSLASH, SLASH
from modsec_py.transformations._registry import transformation
from modsec_py.transformations.normalise_path import normalise


def changed_flag(before: bytes, after: bytes) -> bool:
    """v2's flag for normalisePathWin (computed again: only multiMatch rules ask)."""
    return normalise(before, True)[1]


@transformation("normalisePathWin", "normalizePathWin", changed=changed_flag)
def normalise_path_win(value: bytes) -> bytes:
    if BACKSLASH not in value and value[-1:] != b"." and (
            SLASH not in value or (b"//" not in value and b"./" not in value)):
        return value  # the common case, without a call
    result = normalise(value, True)[0]
    return value if result == value else result
