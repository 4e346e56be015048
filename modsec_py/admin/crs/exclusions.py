"""CRS 3.x / 4.x: a rule file is disabled by removing its rules' ids, never by editing it.

Debian's modsecurity-crs loads every rule file itself (owasp-crs.load). ``disable`` writes
``SecRuleRemoveById`` over the file's ids (read with the project's loader) into a file of
its own, ``/etc/modsecurity/after-crs.d/modsec-py-disabled.conf``; ``enable`` takes them out
again. SecRuleRemoveById acts on the rules loaded before it, so the SecLang entry file
includes that directory after the CRS. A 3.x / 4.x tree that no package loads (no
``*.load`` file) is loaded by ``/etc/modsecurity/owasp-crs.conf``, which modsec-py writes
the way owasp-crs.load reads, with its setup files in ``/etc/modsecurity/owasp-crs/``.
"""

from __future__ import annotations

import fnmatch
import os

from modsec_py.admin.changes import Plan, Remove, WriteFile, read_text
from modsec_py.admin.crs.rulefiles import rule_ids
from modsec_py.admin.crs.tree import CrsTree
from modsec_py.admin.errors import AdminError
from modsec_py.admin.manifest import Manifest
from modsec_py.admin.root import APACHE_DIR, MODSEC_DIR, Root
from modsec_py.admin.textedit import scan, split_lines
from modsec_py.seclang.lexer import logical_lines, split_arguments, split_directive

AFTER_CRS_DIR = f"{MODSEC_DIR}/after-crs.d"
EXCLUSIONS = f"{AFTER_CRS_DIR}/modsec-py-disabled.conf"
MANAGED_LOAD = f"{MODSEC_DIR}/owasp-crs.conf"
MANAGED_DIR = f"{MODSEC_DIR}/owasp-crs"
MARK = "# disabled: "
IDS_PER_LINE = 8
# Files without which the CRS does not work: disabling them is allowed, with a warning.
ESSENTIAL = ("REQUEST-901-", "REQUEST-949-", "RESPONSE-959-", "RESPONSE-980-")
_HEADER = """\
# Managed by modsec-py (`modsec-py crs disable` / `crs enable`): OWASP CRS rule files switched off.
# SecRuleRemoveById removes the rules loaded before it: the SecLang entry file includes
# this directory after the CRS. Edits made here by hand are lost at the next change.
"""


def read_sections(path: str) -> dict[str, str]:
    """Rule file -> its section of the exclusion file (text from its ``# disabled:`` line)."""
    if not os.path.isfile(path):
        return {}
    sections: dict[str, str] = {}
    current = None
    for line in split_lines(read_text(path)):
        if line.startswith(MARK):
            current = line[len(MARK):].strip()
            sections[current] = ""
        if current is not None:
            sections[current] += line
    return sections


def section_ids(section: str) -> list[str]:
    ids: list[str] = []
    for line in logical_lines(section):
        name, rest = split_directive(line.text)
        if name.lower() == "secruleremovebyid":
            ids += split_arguments(rest)
    return ids


def render_section(rule_file: str, ids: list[str]) -> str:
    text = f"{MARK}{rule_file}\n"
    if not ids:
        return text + "# (no rule with an id in this file)\n\n"
    rows = [" ".join(ids[start:start + IDS_PER_LINE]) for start in range(0, len(ids), IDS_PER_LINE)]
    return text + "SecRuleRemoveById " + " \\\n    ".join(rows) + "\n\n"


def _render(sections: dict[str, str]) -> str | None:
    return _HEADER + "\n" + "".join(sections[key] for key in sorted(sections)) if sections else None


def managed_load_text(tree: CrsTree, root: Root) -> str:
    own = root(MANAGED_DIR)
    return (f"# Managed by modsec-py (`modsec-py crs enable rules`): loads the OWASP CRS in "
            f"{tree.path}\n# as Debian's owasp-crs.load does. `modsec-py crs disable rules` removes it.\n"
            f"IncludeOptional {own}/crs-setup.conf\n"
            f"IncludeOptional {own}/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf\n"
            f"Include {os.path.join(tree.path, 'rules')}/*.conf\n"
            f"IncludeOptional {own}/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf\n")


def plan_exclusions(tree: CrsTree, root: Root, set_name: str, names: tuple[str, ...], *, enable: bool) -> Plan:
    chosen = tree.select(set_name, names)
    if not enable and not names and tree.packaged:
        raise AdminError(f"the modsecurity-crs package loads all of {tree.path} itself "
                         f"({', '.join(os.path.basename(p) for p in tree.load_files)}): disable files one by one, "
                         "set SecRuleEngine Off (`modsec-py engine off`), or remove the package")
    plan = Plan()
    if not tree.packaged and (enable or not names):
        _plan_managed_load(tree, root, plan, present=enable)
    path = root(EXCLUSIONS)
    sections = read_sections(path)
    wanted = dict(sections)
    for name in chosen:
        rule_file = tree.file(set_name, name)
        if enable or not names:  # enabling, or not loading the (unpackaged) tree at all
            wanted.pop(rule_file, None)
            continue
        wanted[rule_file] = render_section(rule_file, rule_ids(rule_file, root(APACHE_DIR)))
        if name.startswith(ESSENTIAL):
            plan.warnings.append(f"{name}: the CRS does not work as intended without this file")
    if wanted != sections:
        _plan_exclusion_file(root, plan, wanted)
    total = len(tree.sets[set_name])
    loaded = tree.packaged or enable or (bool(names) and os.path.exists(root(MANAGED_LOAD)))
    off = sum(1 for name in tree.sets[set_name] if tree.file(set_name, name) in wanted) if loaded else total
    plan.notes.append(f"{set_name}: {total - off} of {total} rule files enabled"
                      + ("" if loaded else f" (the CRS in {tree.path} is not loaded)"))
    if wanted and not hooked(root):
        plan.warnings.append(f"{root.entry_file()} does not include {AFTER_CRS_DIR}/*.conf: the exclusions have no "
                             f"effect until it does (add `IncludeOptional {AFTER_CRS_DIR}/*.conf` after the line "
                             "that loads the CRS)")
    return plan


def _plan_exclusion_file(root: Root, plan: Plan, wanted: dict[str, str]) -> None:
    path = root(EXCLUSIONS)
    text = _render(wanted)
    if text is None:
        plan.add(Remove(path, "no CRS rule file is disabled"))
        directory = root(AFTER_CRS_DIR)
        if os.listdir(directory) == [os.path.basename(path)] and Manifest(root).owns(directory):
            plan.add(Remove(directory, "empty, and modsec-py created it"))
        return
    plan.ensure_directory(root(AFTER_CRS_DIR))
    plan.add(WriteFile(path, text, f"{len(wanted)} rule file{'s' if len(wanted) != 1 else ''} disabled"))


def _plan_managed_load(tree: CrsTree, root: Root, plan: Plan, *, present: bool) -> None:
    path = root(MANAGED_LOAD)
    text = managed_load_text(tree, root)
    exists = os.path.exists(path)
    if present and (not exists or read_text(path) != text):
        if exists and not _managed(path):
            raise AdminError(f"{path} exists and was not written by modsec-py: move it away first")
        plan.add(WriteFile(path, text, f"loads the CRS in {tree.path}"))
        if not os.path.isfile(os.path.join(root(MANAGED_DIR), "crs-setup.conf")):
            plan.notes.append("the CRS needs its setup file: `modsec-py crs setup` copies it")
    elif not present and exists and _managed(path):
        plan.add(Remove(path, "the CRS is no longer loaded"))


def _managed(path: str) -> bool:
    return read_text(path).startswith("# Managed by modsec-py")


def hooked(root: Root) -> bool:
    """Whether the SecLang entry file includes the exclusion file."""
    entry = root.entry_file()
    try:
        text = read_text(entry)
    except AdminError:
        return False
    targets = (EXCLUSIONS, root(EXCLUSIONS))
    return any(block.name.lower() in ("include", "includeoptional") and block.args
               and any(_names(block.args[0], target) for target in targets)
               for block in scan(split_lines(text)) if not block.commented)


def _names(pattern: str, path: str) -> bool:
    """Whether an Include of ``pattern`` (a glob, a file or a directory) reads ``path``."""
    if any(char in pattern for char in "*?["):
        return fnmatch.fnmatch(path, pattern)
    return path == pattern or path.startswith(pattern.rstrip("/") + "/")


def disabled_state(tree: CrsTree, root: Root) -> dict[str, str]:
    """Disabled rule file -> a remark ("" when all is well)."""
    state: dict[str, str] = {}
    for rule_file, section in read_sections(root(EXCLUSIONS)).items():
        if not os.path.isfile(rule_file):
            state[rule_file] = "(the file no longer exists)"
            continue
        outdated = set(rule_ids(rule_file, root(APACHE_DIR))) - set(section_ids(section))
        state[rule_file] = "" if not outdated else (
            f"({len(outdated)} rule id(s) added since: run `modsec-py crs disable` for it again)")
    return state
