"""t:normalisePath (alias normalizePath): remove ``.`` and ``..`` segments and repeated slashes.

A port of v2's ``normalize_path_inplace``, quirks included:

- a relative path that climbs above its start keeps its ``..`` (``../../a`` stays), an
  absolute one stops at the root (``/../a`` gives ``/a``);
- any segment that *ends* in ``..`` counts as a back-reference (``a/b../c`` gives ``a/c``);
- a trailing slash is removed unless the input had one.

:func:`normalise` also serves normalisePathWin, which first turns backslashes into slashes.
"""

from __future__ import annotations

import re

from modsec_py.transformations._cbytes import BACKSLASH, DOT, SLASH
from modsec_py.transformations._registry import transformation

# Without a segment that is "." or ends in "..", and without backslashes on Windows, all
# v2 can do is merge repeated slashes. (Patterns with a literal prefix: re searches them fast.)
_DOUBLE_DOT_AT_SEGMENT_END = re.compile(rb"\.\.(?:/|\Z)")
_DOT_SEGMENT = re.compile(rb"/\.(?:/|\Z)")
_SLASHES = re.compile(rb"//+")
_SEPARATOR = {False: re.compile(rb"/"), True: re.compile(rb"[/\\]")}


def _has_dot_segment(value: bytes) -> bool:
    if b"./" not in value and value[-1:] != b".":
        return False
    return (value[:2] == b"./" or value == b"." or _DOT_SEGMENT.search(value) is not None
            or _DOUBLE_DOT_AT_SEGMENT_END.search(value) is not None)


def normalise(value: bytes, win: bool) -> tuple[bytes, bool]:
    """(normalised path, v2's "changed" flag); ``win`` also treats backslashes as separators."""
    if not value or ((not win or b"\\" not in value) and not _has_dot_segment(value)):
        return (_SLASHES.sub(b"/", value), True) if b"//" in value else (value, False)
    path = bytearray(value)
    end = len(path) - 1
    src = dst = 0
    changed = hitroot = done = False
    relative = not (path[0] == SLASH or (win and path[0] == BACKSLASH))
    trailing = path[end] == SLASH or (win and path[end] == BACKSLASH)
    separator = _SEPARATOR[win]

    while not done and src <= end and dst <= end:
        if win:  # v2 converts the current byte and the next one, nothing further
            if path[src] == BACKSLASH:
                path[src] = SLASH
                changed = True
            if src < end and path[src + 1] == BACKSLASH:
                path[src + 1] = SLASH
                changed = True

        if src < end and path[src] != SLASH and path[src + 1] != SLASH:
            # Inside a segment v2 just copies; do it up to the segment's last byte at once.
            following = separator.search(path, src + 1)
            count = (following.start() if following else end + 1) - 1 - src
            path[dst:dst + count] = path[src:src + count]
            dst += count
            src += count
            continue

        if src == end:
            done = True
        if done or path[src + 1] == SLASH:  # at the end of a segment: normalise it
            if not done and path[src] == SLASH:
                changed = True  # an empty segment; the copy below skips the extra slashes
            elif path[src] == DOT:
                if dst > 0 and path[dst - 1] == DOT:  # a back-reference
                    if not (relative and (hitroot or dst - 2 <= 0)):
                        dst -= 3  # remove it and the previous segment
                        while dst > 0 and path[dst] != SLASH:
                            dst -= 1
                        if dst <= 0:  # but do not go above the root
                            hitroot = True
                            dst = 1 if not relative and src == end else 0
                        if done:
                            break
                        src += 1
                        changed = True
                    else:
                        hitroot = True  # relative path above its start: keep the ".."
                elif dst == 0:  # a relative self-reference
                    changed = True
                    if done:
                        break
                    src += 1
                elif path[dst - 1] == SLASH:  # a self-reference
                    changed = True
                    if done:
                        break
                    dst -= 1
                    src += 1
            elif dst > 0:
                hitroot = False

        if path[src] == SLASH:  # skip to the last of several slashes
            first = src
            while src < end and (path[src + 1] == SLASH or (win and path[src + 1] == BACKSLASH)):
                src += 1
            if src != first:
                changed = True
            if relative and dst == 0:  # no leading slash for a relative path
                src += 1
                continue
        path[dst] = path[src]
        dst += 1
        src += 1

    if not trailing and dst > 0 and path[dst - 1] == SLASH:
        dst -= 1
    return bytes(path[:dst]), changed


def changed_flag(before: bytes, after: bytes) -> bool:
    """v2's flag for normalisePath (computed again: only multiMatch rules ask)."""
    return normalise(before, False)[1]


@transformation("normalisePath", "normalizePath", changed=changed_flag)
def normalise_path(value: bytes) -> bytes:
    if value[-1:] != b"." and (SLASH not in value or (b"//" not in value and b"./" not in value)):
        return value  # the common case, without a call
    result = normalise(value, False)[0]
    return value if result == value else result
