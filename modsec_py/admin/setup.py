"""``modsec-py setup``: modsecurity.conf from modsecurity.conf-recommended, with the tutorial's advice.

The copy is made once: an existing modsecurity.conf is the admin's and stays as it is
unless ``force`` asks to start again from the recommended file. The advice: SecTmpDir and
SecDataDir in /var/cache/modsecurity (kept across reboots, writable by www-data, created
by the package), so persistent collections survive a reboot.
"""

from __future__ import annotations

import os

from modsec_py.admin import textedit
from modsec_py.admin.changes import Plan, WriteFile, read_text
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import CACHE_DIR, MODSEC_DIR, Root

RECOMMENDED = f"{MODSEC_DIR}/modsecurity.conf-recommended"
MODSECURITY_CONF = f"{MODSEC_DIR}/modsecurity.conf"
ADVICE = (("SecTmpDir", CACHE_DIR), ("SecDataDir", CACHE_DIR))


def plan_setup(root: Root, *, force: bool = False) -> Plan:
    plan = Plan()
    source, target = root(RECOMMENDED), root(MODSECURITY_CONF)
    if not os.path.isfile(source):
        raise AdminError(f"{source} not found: it comes with the modsec_py package (reinstall it)")
    if os.path.lexists(target) and not force:
        plan.notes.append(f"{target} exists and is kept as it is (--force starts again from "
                          f"{os.path.basename(source)})")
        return plan
    text = read_text(source)
    said: list[str] = []
    for name, value in ADVICE:
        text, changed = textedit.set_directive(text, name, value)
        said += changed
    if os.path.lexists(target) and read_text(target) == text:
        return plan
    plan.add(WriteFile(target, text, f"copy of {os.path.basename(source)}; " + "; ".join(said)))
    if not os.path.isdir(root(CACHE_DIR)):
        plan.warnings.append(f"{root(CACHE_DIR)} does not exist: the package creates it (owned by www-data); "
                             "create it writable by the web server's user only")
    plan.notes.append("SecRuleEngine stays DetectionOnly: check the logs for false positives, then "
                      "`modsec-py engine on`")
    return plan
