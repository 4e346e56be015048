"""The CRS setup file: where it lives, its copy for editing, anomaly scoring, setup variables.

* 2.x: ``/etc/modsecurity/modsecurity_crs_10_setup.conf``, copied from the tree (the tutorial).
* Debian's 3.x package: ``/etc/modsecurity/crs/crs-setup.conf``, the package's own
  configuration file (owasp-crs.load includes it), edited in place like any conffile.
* Another 3.x / 4.x tree: ``/etc/modsecurity/owasp-crs/crs-setup.conf`` (see exclusions.py),
  with the tree's REQUEST-900 / RESPONSE-999 exclusion examples next to it.
"""

from __future__ import annotations

import difflib
import os
import re

from modsec_py.admin import textedit
from modsec_py.admin.changes import Plan, WriteFile, read_text
from modsec_py.admin.crs.exclusions import MANAGED_DIR
from modsec_py.admin.crs.links import SETUP_NAME
from modsec_py.admin.crs.tree import CrsTree
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import MODSEC_DIR, Root

PACKAGE_SETUP = f"{MODSEC_DIR}/crs/crs-setup.conf"
EXCLUSION_EXAMPLES = ("REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf", "RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf")
BLOCKING_RULE = "900004"  # CRS 2: setvar:tx.anomaly_score_blocking=on
_DISRUPTIVE = frozenset({"deny", "drop", "block", "redirect", "proxy", "allow", "pass", "pause", "status"})
_SETUP_VERSION = re.compile(r"^\s*setvar:tx\.crs_setup_version=(\d+)", re.IGNORECASE | re.MULTILINE)


def setup_path(tree: CrsTree, root: Root) -> str:
    if tree.major == 2:
        return root(f"{MODSEC_DIR}/{SETUP_NAME}")
    if not tree.packaged:
        return root(f"{MANAGED_DIR}/crs-setup.conf")
    for load in tree.load_files:
        for block in textedit.scan(textedit.split_lines(read_text(load))):
            if not block.commented and block.name.lower().startswith("include") and block.args \
                    and block.args[0].endswith("crs-setup.conf"):
                return root(block.args[0])
    return root(PACKAGE_SETUP)


def plan_copy(tree: CrsTree, root: Root, *, force: bool = False) -> Plan:
    """Copy the tree's setup file (or its example) where the CRS reads it; never over an existing one
    unless ``force``."""
    plan = Plan()
    target = setup_path(tree, root)
    sources = tree.setup_sources()
    copies = [(target, sources[0] if sources else None)]
    if tree.major > 2 and not tree.packaged:
        copies += [(os.path.join(root(MANAGED_DIR), name), os.path.join(tree.path, "rules", name + ".example"))
                   for name in EXCLUSION_EXAMPLES]
    for destination, source in copies:
        if os.path.exists(destination) and not force:
            owner = " (the modsecurity-crs package's configuration file)" if tree.packaged else ""
            plan.notes.append(f"{destination}{owner} exists and is kept as it is; edit it, or `modsec-py crs set`")
            continue
        if source is None or not os.path.isfile(source):
            if destination == target:
                hint = "; reinstall modsecurity-crs to restore it" if tree.packaged else ""
                raise AdminError(f"{tree.path} has no setup file to copy (crs-setup.conf[.example] / "
                                 f"{SETUP_NAME}[.example]){hint}")
            continue
        text = read_text(source)
        if os.path.exists(destination) and read_text(destination) == text:
            continue
        plan.ensure_directory(os.path.dirname(destination))
        plan.add(WriteFile(destination, text, f"copy of {source}"))
    plan.warnings += _version_mismatch(tree, target)
    return plan


def _version_mismatch(tree: CrsTree, setup: str) -> list[str]:
    if tree.major == 2 or not tree.version or not os.path.isfile(setup):
        return []
    match = _SETUP_VERSION.search(read_text(setup))
    expected = tree.version.replace(".", "")
    if match is None or match.group(1) == expected:
        return []
    return [f"{setup} is the setup of CRS version {match.group(1)}, the rules are {tree.version} ({expected}): "
            "`modsec-py crs setup --force` replaces it with the tree's"]


def _existing_setup(tree: CrsTree, root: Root) -> tuple[str, str]:
    path = setup_path(tree, root)
    if not os.path.isfile(path):
        raise AdminError(f"{path} not found: `modsec-py crs setup` copies the CRS setup file there first")
    return path, read_text(path)


# -- anomaly scoring --------------------------------------------------------------------------

def plan_anomaly_scoring(tree: CrsTree, root: Root, *, on: bool) -> Plan:
    path, text = _existing_setup(tree, root)
    new, said = anomaly_scoring(text, tree.major, on=on)
    plan = Plan()
    if new != text:
        plan.add(WriteFile(path, new, "; ".join(said)))
    return plan


def anomaly_scoring(text: str, major: int, *, on: bool) -> tuple[str, list[str]]:
    """The setup text in anomaly scoring mode (``on``) or self-contained mode, and what changed."""
    lines = textedit.split_lines(text)
    defaults = [block for block in textedit.scan(lines)
                if block.is_("SecDefaultAction") and not block.commented and not block.in_section]
    if not defaults:
        raise AdminError("the setup file has no active SecDefaultAction to change")
    said: list[str] = []
    for block in reversed(defaults):
        actions = block.actions
        if not on and _phase(actions) == "5":
            continue  # the logging phase cannot block
        wanted = _with_disruptive(actions, [("pass", None)] if on else
                                  [("deny", None)] + ([("status", "403")] if major > 2 else []))
        if wanted != actions:
            rendered = textedit.render_actions(wanted)
            said.insert(0, f"SecDefaultAction {block.args[0]} -> {rendered} (line {block.first + 1})")
            textedit.replace(lines, block, f"{block.name} {textedit.quote_argument(rendered, always=True)}")
    if major == 2:
        said += _blocking_rule(lines, on)
    return "".join(lines), said


def _phase(actions: list[tuple[str, str | None]]) -> str | None:
    return next((value for name, value in actions if name.lower() == "phase"), None)


def _with_disruptive(actions: list[tuple[str, str | None]],
                     disruptive: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """``actions`` with their disruptive action (and status) replaced by ``disruptive``, in place."""
    result: list[tuple[str, str | None]] = []
    placed = False
    for name, value in actions:
        if name.lower() not in _DISRUPTIVE:
            result.append((name, value))
        elif not placed and name.lower() != "status":
            result += disruptive
            placed = True
    return result if placed else result + disruptive


def _blocking_rule(lines: list[str], on: bool) -> list[str]:
    block = next((block for block in textedit.scan(lines) if block.action("id") == BLOCKING_RULE), None)
    if block is None:
        raise AdminError(f"the setup file has no rule {BLOCKING_RULE} (tx.anomaly_score_blocking): is it CRS 2's "
                         f"{SETUP_NAME}?")
    said = []
    if on and block.commented:
        textedit.uncomment(lines, block)
        said.append(f"rule {BLOCKING_RULE} uncommented (line {block.first + 1})")
    elif not on and not block.commented:
        textedit.comment(lines, block)
        said.append(f"rule {BLOCKING_RULE} commented out (line {block.first + 1})")
    if on:
        old = textedit.set_setvar(lines, block, "anomaly_score_blocking", "on")
        if old not in (None, "on"):
            said.append(f"tx.anomaly_score_blocking: {old} -> on")
    return said


# -- setup variables ----------------------------------------------------------------------------

def plan_set(tree: CrsTree, root: Root, assignments: list[str]) -> Plan:
    path, text = _existing_setup(tree, root)
    new, said = set_variables(text, [parse_assignment(item) for item in assignments])
    plan = Plan()
    if new != text:
        plan.add(WriteFile(path, new, "; ".join(said)))
    return plan


def parse_assignment(item: str) -> tuple[str, str | None]:
    """``NAME=VALUE`` (``tx.`` optional), or a rule id alone (uncomment that rule as it is)."""
    if item.isdigit():
        return item, None
    name, equals, value = item.partition("=")
    name = name.strip().lower().removeprefix("tx.")
    if not equals or not re.fullmatch(r"[a-z0-9_.-]+", name):
        raise AdminError(f"{item!r}: give NAME=VALUE (a setup variable, e.g. tx.dos_counter_threshold=100) or a "
                         "rule id")
    if any(char in value for char in "\"'\\\n"):
        raise AdminError(f"{item!r}: a value cannot hold quotes, backslashes or line breaks")
    return name, value


def set_variables(text: str, assignments: list[tuple[str, str | None]]) -> tuple[str, list[str]]:
    lines = textedit.split_lines(text)
    said: list[str] = []
    for name, value in assignments:
        blocks = textedit.scan(lines)
        block = _rule_block(blocks, name) if value is None else _variable_block(blocks, name)
        rule_id = block.action("id")
        parts = []
        if value is not None:
            old = textedit.set_setvar(lines, block, name, value)
            if old != value:
                parts.append(f"tx.{name}: {old} -> {value}")
        if block.commented:
            textedit.uncomment(lines, block)
            parts.append("uncommented")
        if parts:
            said.append(f"rule {rule_id} (line {block.first + 1}): " + ", ".join(parts))
    return "".join(lines), said


def _setup_rules(blocks: list[textedit.Block]) -> list[textedit.Block]:
    return [block for block in blocks if block.name.lower() in ("secaction", "secrule") and block.action("id")
            and not block.in_section]


def _rule_block(blocks: list[textedit.Block], rule_id: str) -> textedit.Block:
    found = [block for block in _setup_rules(blocks) if block.action("id") == rule_id]
    if not found:
        raise AdminError(f"the setup file has no rule {rule_id}")
    return next((block for block in found if not block.commented), found[0])


def _sets(block: textedit.Block) -> list[str]:
    return [value.split("=", 1)[0].lower().removeprefix("tx.") for key, value in block.actions
            if key.lower() == "setvar" and value and "=" in value and value.lower().startswith("tx.")]


def _variable_block(blocks: list[textedit.Block], name: str) -> textedit.Block:
    rules = _setup_rules(blocks)
    found = [block for block in rules if name in _sets(block)]
    active = [block for block in found if not block.commented]
    chosen = active if active else found
    if len(chosen) == 1:
        return chosen[0]
    if chosen:
        ids = ", ".join(block.action("id") or "?" for block in chosen)
        raise AdminError(f"tx.{name} is set by several rules ({ids}): edit the setup file by hand")
    known = sorted({variable for block in rules for variable in _sets(block)})
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join('tx.' + item for item in close)}?" if close else ""
    raise AdminError(f"no rule of the setup file sets tx.{name}{hint}")
