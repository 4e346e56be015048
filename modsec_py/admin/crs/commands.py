"""What the ``modsec-py crs`` commands call: one function each, from a CRS directory."""

from __future__ import annotations

from modsec_py.admin.changes import Plan
from modsec_py.admin.crs import listing, setupfile
from modsec_py.admin.crs.exclusions import plan_exclusions
from modsec_py.admin.crs.links import plan_links
from modsec_py.admin.crs.tree import CrsTree
from modsec_py.admin.root import Root


def list_lines(root: Root, crs_dir: str | None, only: str | None = None) -> list[str]:
    return listing.render(CrsTree.find(root.crs_dir(crs_dir)), root, only)


def plan_switch(root: Root, crs_dir: str | None, set_name: str, names: tuple[str, ...], *, enable: bool) -> Plan:
    tree = CrsTree.find(root.crs_dir(crs_dir))
    switch = plan_links if tree.major == 2 else plan_exclusions
    return switch(tree, root, set_name, names, enable=enable)


def plan_setup(root: Root, crs_dir: str | None, *, force: bool = False) -> Plan:
    return setupfile.plan_copy(CrsTree.find(root.crs_dir(crs_dir)), root, force=force)


def plan_anomaly_scoring(root: Root, crs_dir: str | None, *, on: bool) -> Plan:
    return setupfile.plan_anomaly_scoring(CrsTree.find(root.crs_dir(crs_dir)), root, on=on)


def plan_set(root: Root, crs_dir: str | None, assignments: list[str]) -> Plan:
    return setupfile.plan_set(CrsTree.find(root.crs_dir(crs_dir)), root, assignments)
