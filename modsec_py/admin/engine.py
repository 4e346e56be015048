"""``modsec-py engine on|off|detection-only``: SecRuleEngine, for the server or for one site.

Without a site, the setting goes in /etc/modsecurity/modsecurity.conf. A site runs with the
settings of its own SecLang entry file, which its Apache configuration names with
``SetEnv MODSEC_PY_CONFIG /path/to/entry.conf``; ``--vhost`` takes either that entry file
or the Apache file that names it. A missing entry file is created: it includes the main
entry file, then sets SecRuleEngine, so the site differs from the server in that only.
"""

from __future__ import annotations

import glob
import os
import re

from modsec_py.admin import textedit
from modsec_py.admin.changes import Plan, WriteFile, read_text
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import MODSEC_DIR, Root
from modsec_py.admin.setup import MODSECURITY_CONF
from modsec_py.paths import ENTRY_ENV

MODES = {"on": "On", "off": "Off", "detection-only": "DetectionOnly"}
_SETENV = re.compile(r"^\s*SetEnv\s+" + ENTRY_ENV + r"\s+\"?([^\"\s]+)\"?", re.IGNORECASE | re.MULTILINE)
_APACHE_SECTION = re.compile(r"^\s*<\s*VirtualHost\b", re.IGNORECASE | re.MULTILINE)


def plan_engine(root: Root, mode: str, vhost: str | None = None) -> Plan:
    value = MODES[mode]
    if vhost is None:
        target = root(MODSECURITY_CONF)
        if not os.path.isfile(target):
            raise AdminError(f"{target} not found: run `modsec-py setup` first")
    else:
        target = site_entry(root, vhost)
    if not os.path.exists(target):
        return _new_site(root, target, value, named=vhost is not None and os.path.abspath(vhost) != target)
    text, said = textedit.set_directive(read_text(target), "SecRuleEngine", value)
    plan = Plan()
    if said:
        plan.add(WriteFile(target, text, "; ".join(said)))
    else:
        plan.notes.append(f"{target}: SecRuleEngine is already {value}")
    plan.warnings += _overridden(root, target, text, vhost is not None)
    return plan


def site_entry(root: Root, vhost: str) -> str:
    """The SecLang entry file ``vhost`` is, or names with SetEnv MODSEC_PY_CONFIG."""
    if not os.path.exists(vhost):
        return os.path.abspath(vhost)
    text = read_text(vhost)
    named = sorted(set(_SETENV.findall(text)))
    if len(named) > 1:
        raise AdminError(f"{vhost} names several SecLang entry files ({', '.join(named)}): give the one to change")
    if named:
        return root(named[0]) if os.path.isabs(named[0]) else os.path.join(os.path.dirname(vhost), named[0])
    if _APACHE_SECTION.search(text):
        raise AdminError(f"{vhost} is an Apache configuration that names no SecLang entry file: add "
                         f"`SetEnv {ENTRY_ENV} /etc/modsec_py/sites/NAME.conf` to the site and give that file")
    return os.path.abspath(vhost)


def _new_site(root: Root, target: str, value: str, *, named: bool) -> Plan:
    if not os.path.isdir(os.path.dirname(target)):
        raise AdminError(f"{os.path.dirname(target)} does not exist: create it, or give an existing entry file")
    main_entry = root.inner(root.entry_file())
    text = (f"# SecLang entry file of one site, created by `modsec-py engine --vhost`. The site's Apache\n"
            f"# configuration names it:  SetEnv {ENTRY_ENV} {root.inner(target)}\n"
            f"# It reads the server's configuration, then what this site does differently.\n"
            f"Include {main_entry}\n"
            f"SecRuleEngine {value}\n")
    plan = Plan()
    plan.add(WriteFile(target, text, f"includes {main_entry}, then SecRuleEngine {value}"))
    if not named:
        plan.notes.append(f"name it in the site's Apache configuration: SetEnv {ENTRY_ENV} {root.inner(target)}")
    return plan


def _overridden(root: Root, target: str, text: str, site: bool) -> list[str]:
    """Warn when a file read later may set SecRuleEngine again."""
    blocks = [block for block in textedit.scan(textedit.split_lines(text)) if not block.commented]
    last = max((block.first for block in blocks if block.is_("SecRuleEngine") and not block.in_section), default=-1)
    warnings = [f"{target}:{block.first + 1}: {block.name} {' '.join(block.args)} comes after SecRuleEngine and "
                "may set it again" for block in blocks
                if block.first > last and block.name.lower() in ("include", "includeoptional")]
    if not site:
        later = [path for path in sorted(glob.glob(os.path.join(root(MODSEC_DIR), "*.conf")))
                 if os.path.basename(path) > os.path.basename(target) and _sets_engine(path)]
        warnings += [f"{path} also sets SecRuleEngine and is read after {target}" for path in later]
    return warnings


def _sets_engine(path: str) -> bool:
    try:
        text = read_text(path)
    except AdminError:
        return False
    if "secruleengine" not in text.lower():
        return False
    return any(block.is_("SecRuleEngine") and not block.commented and not block.in_section
               for block in textedit.scan(textedit.split_lines(text)))
