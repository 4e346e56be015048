"""CRS 2.x: a rule file is enabled by a link in /etc/modsecurity, as the seed tutorial's loops
make them, and so is each ``.data`` file an enabled rule reads (rules look for their data
next to the file Apache read them from: the link). A data link goes when no enabled file
needs it. The combination is loaded with the project's loader before anything changes.
"""

from __future__ import annotations

import os

from modsec_py.admin.changes import MakeLink, Plan, Remove
from modsec_py.admin.crs.rulefiles import describe_errors, files_with_errors, load
from modsec_py.admin.crs.tree import CrsTree
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import APACHE_DIR, MODSEC_DIR, Root

SETUP_NAME = "modsecurity_crs_10_setup.conf"
Source = tuple[str, str]  # (rule set, file name)


def present_links(tree: CrsTree, root: Root) -> dict[str, Source]:
    """Links in /etc/modsecurity to files of the tree: link name -> (set, file)."""
    directory = root(MODSEC_DIR)
    files = {os.path.realpath(os.path.join(tree.path, set_name, name)): (set_name, name)
             for set_name in tree.sets for name in os.listdir(os.path.join(tree.path, set_name))}
    found: dict[str, Source] = {}
    for entry in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        path = os.path.join(directory, entry)
        if os.path.islink(path) and os.path.realpath(path) in files:
            found[entry] = files[os.path.realpath(path)]
    return found


def plan_links(tree: CrsTree, root: Root, set_name: str, names: tuple[str, ...], *, enable: bool) -> Plan:
    chosen = tree.select(set_name, names)
    directory = root(MODSEC_DIR)
    if not os.path.isdir(directory):
        raise AdminError(f"{directory} does not exist: is the modsec_py package installed?")
    links = present_links(tree, root)
    enabled = {link: source for link, source in links.items() if link.endswith(".conf")}
    plan = Plan()
    for name in chosen:
        source, path = (set_name, name), os.path.join(directory, name)
        mine = [link for link, where in enabled.items() if where == source]
        if enable and not mine:
            if os.path.lexists(path):
                raise AdminError(f"{path} exists and is not a link to {tree.file(*source)}: move it away first")
            plan.add(MakeLink(path, tree.file(*source)))
            enabled[name] = source
        elif not enable:
            for link in mine:
                plan.add(Remove(os.path.join(directory, link)))
                del enabled[link]
            if not mine and os.path.lexists(path):
                plan.notes.append(f"{path} is not a link to {tree.file(*source)}: left alone")
    _plan_data(tree, root, plan, enabled, links)
    on = sum(1 for source in enabled.values() if source[0] == set_name)
    plan.notes.append(f"{set_name}: {on} of {len(tree.sets[set_name])} rule files enabled")
    if enabled and not os.path.exists(os.path.join(directory, SETUP_NAME)):
        plan.notes.append(f"the CRS reads its settings from {os.path.join(directory, SETUP_NAME)}: "
                          "`modsec-py crs setup` copies it")
    return plan


def _plan_data(tree: CrsTree, root: Root, plan: Plan, enabled: dict[str, Source], links: dict[str, Source]) -> None:
    """Load the enabled combination (warn if it cannot load); link the data it reads, unlink the rest."""
    directory = root(MODSEC_DIR)
    setup = os.path.join(directory, SETUP_NAME)
    order = sorted([*enabled, *([SETUP_NAME] if os.path.isfile(setup) else [])])
    paths = [setup if link == SETUP_NAME else tree.file(*enabled[link]) for link in order]
    loaded = load(paths, root(APACHE_DIR)) if enabled else None
    needed: dict[str, str] = {}
    for path in paths if loaded is not None else []:
        for name in sorted(loaded.data.get(path, ())):
            candidate = os.path.join(os.path.dirname(path), name)
            if os.path.isfile(candidate):
                needed.setdefault(name, candidate)
    data_links = {link: source for link, source in links.items() if link.endswith(".data")}
    for name, source in sorted(needed.items()):
        path = os.path.join(directory, name)
        if name in data_links and os.path.realpath(tree.file(*data_links[name])) == os.path.realpath(source):
            continue
        if os.path.lexists(path):
            plan.warnings.append(f"{path} exists and is not a link to {source}: the rules read it instead")
            continue
        plan.add(MakeLink(path, source))
    for link in sorted(set(data_links) - set(needed)):
        plan.add(Remove(os.path.join(directory, link), "no enabled rule file reads it"))
    if loaded is not None and loaded.errors:
        plan.warnings += describe_errors(loaded.errors, "the enabled CRS rule files")
        by_name = {name: set_name for set_name, name in enabled.values()}
        for name, count in sorted(files_with_errors(loaded.errors).items()):
            if name in by_name:
                plan.warnings.append(f"{name}: {count} error{'s' if count != 1 else ''}; to leave it out: "
                                     f"modsec-py crs disable {by_name[name]} {name}")

