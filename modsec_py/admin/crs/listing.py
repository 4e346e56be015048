"""``modsec-py crs list``: the rule sets of a tree, and whether each file is enabled."""

from __future__ import annotations

import os

from modsec_py.admin.changes import read_text
from modsec_py.admin.crs.exclusions import AFTER_CRS_DIR, MANAGED_LOAD, disabled_state, hooked
from modsec_py.admin.crs.links import present_links
from modsec_py.admin.crs.setupfile import setup_path
from modsec_py.admin.crs.tree import CrsTree
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import MODSEC_DIR, Root

State = tuple[bool, str]  # enabled, and a remark ("" when there is nothing to say)


def file_states(tree: CrsTree, root: Root) -> dict[str, dict[str, State]]:
    """Rule set -> file -> (enabled, remark)."""
    if tree.major == 2:
        return _states_crs2(tree, root)
    loaded = tree.packaged or _loads(root, tree)
    disabled = disabled_state(tree, root) if loaded else {}
    states: dict[str, dict[str, State]] = {}
    for set_name, files in tree.sets.items():
        states[set_name] = {}
        for name in files:
            path = tree.file(set_name, name)
            states[set_name][name] = ((False, "(the CRS is not loaded: `modsec-py crs enable rules`)") if not loaded
                                      else (False, disabled[path]) if path in disabled else (True, ""))
    return states


def _states_crs2(tree: CrsTree, root: Root) -> dict[str, dict[str, State]]:
    enabled = set(present_links(tree, root).values())
    states: dict[str, dict[str, State]] = {}
    for set_name, files in tree.sets.items():
        states[set_name] = {}
        for name in files:
            other = os.path.join(root(MODSEC_DIR), name)
            if (set_name, name) in enabled:
                states[set_name][name] = (True, "")
            else:
                states[set_name][name] = (False, f"({other} is another file)" if os.path.lexists(other) else "")
    return states


def _loads(root: Root, tree: CrsTree) -> bool:
    path = root(MANAGED_LOAD)
    return os.path.isfile(path) and os.path.join(tree.path, "rules") in read_text(path)


def render(tree: CrsTree, root: Root, only: str | None = None) -> list[str]:
    if only is not None and only not in tree.sets:
        raise AdminError(f"no rule set {only!r} in {tree.path}; its sets: {', '.join(tree.sets)}")
    if tree.major == 2:
        how = f"2.x layout: enabled files are linked into {root(MODSEC_DIR)}"
    elif tree.packaged:
        how = (f"loaded by the package ({', '.join(os.path.basename(p) for p in tree.load_files)}); "
               f"disabled files are excluded in {root(AFTER_CRS_DIR)}")
    else:
        how = f"loaded by {root(MANAGED_LOAD)} once enabled; disabled files are excluded in {root(AFTER_CRS_DIR)}"
    setup = setup_path(tree, root)
    lines = [tree.title, f"  {how}",
             f"  setup: {setup}" + ("" if os.path.isfile(setup) else " (missing: `modsec-py crs setup` copies it)")]
    if tree.major > 2 and not hooked(root):
        lines.append(f"  warning: {root.entry_file()} does not include {AFTER_CRS_DIR}/*.conf: "
                     "`crs disable` has no effect")
    for set_name, states in file_states(tree, root).items():
        if only is not None and set_name != only:
            continue
        on = sum(1 for enabled, _ in states.values() if enabled)
        lines.append(f"{set_name}: {on} of {len(states)} enabled")
        lines += [f"  {'on ' if enabled else 'off'}  {name}" + (f"  {remark}" if remark else "")
                  for name, (enabled, remark) in states.items()]
    return lines
