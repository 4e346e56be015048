"""The CRS project's test-target configuration, built around a CRS setup file as shipped.

CRS CI runs its regression tests against ModSecurity in DetectionOnly at paranoia level 4, with a marker rule
(999999) that logs the ``X-CRS-Test`` header so the runner can find each request's lines in the error log
(``../shared/reference/crs-test-target-v3.3.4`` and ``-v4.28.0``). CRS 4.x sets ``blocking_paranoia_level`` and
argument length limits instead, and its marker rule also removes every other rule from the marker request.

``settings(major, paranoia)`` is what this module adds after the setup file; ``crs_major(setup, rules)`` finds
the CRS major version (``tx.crs_setup_version`` of the setup file, else ``ver:'OWASP_CRS/N...'`` of the rules).
"""

from __future__ import annotations

import re
from pathlib import Path

from modsec_py.errors import ModsecError

MARKER_ID = 999999
# ids of the settings this module adds (after the setup file, whose own SecActions use 900000-900999)
_SETTINGS_ID = 999990

# What the CRS test target adds to the recommended modsecurity.conf (both majors).
MODSECURITY_EXTRA = """
# --- CRS test target (modsec-py crs test)
SecRuleEngine DetectionOnly
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain text/html text/xml application/json
SecPcreMatchLimit 100000
SecPcreMatchLimitRecursion 100000
"""
MODSECURITY_EXTRA_V4 = """SecRule REQUEST_HEADERS:Content-Type "^application/[a-z0-9.-]+[+]json" \\
    "id:'200006',phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
"""


class TargetError(ModsecError):
    """The rules or setup file cannot make a CRS test target."""


def crs_major(setup: Path, rules: Path) -> int:
    """The CRS major version: ``tx.crs_setup_version=NNN`` in ``setup``, else the rules' ``OWASP_CRS/N``."""
    try:
        text = setup.read_text(errors="replace")
    except OSError as error:
        raise TargetError(f"cannot read the setup file {setup}: {error}") from error
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        found = re.search(r"crs_setup_version=(\d)", line)
        if found:
            return int(found.group(1))
    for path in sorted(rules.glob("*.conf")):
        found = re.search(r"OWASP_CRS/(\d+)\.", path.read_text(errors="replace"))
        if found:
            return int(found.group(1))
    raise TargetError(f"cannot tell the CRS version from {setup} or {rules}/*.conf")


def settings(major: int, paranoia: int = 4) -> str:
    """The test-target SecLang that follows the setup file: paranoia, thresholds, limits, the marker rule."""
    ids = iter(range(_SETTINGS_ID, MARKER_ID))
    level = "blocking_paranoia_level" if major >= 4 else "paranoia_level"
    values = [f"tx.{level}={paranoia}", "tx.inbound_anomaly_score_threshold=5",
              "tx.outbound_anomaly_score_threshold=4"]
    if major >= 4:
        values += ["tx.arg_length=400", "tx.total_arg_length=6400", "tx.max_file_size=64100"]
    values.append("tx.combined_file_sizes=65535")
    lines = ["# --- CRS test target (modsec-py crs test)"]
    lines += [f'SecAction "id:{next(ids)},phase:1,nolog,pass,t:none,setvar:{value}"' for value in values]
    remove = ",ctl:ruleRemoveById=1-999999" if major >= 4 else ""
    lines.append(f'SecRule REQUEST_HEADERS:X-CRS-Test "@rx ^.*$" '
                 f"\"id:{MARKER_ID},phase:1,pass,t:none,log,msg:'%{{MATCHED_VAR}}'{remove}\"")
    return "\n".join(lines) + "\n"


def entry_file(modsecurity: Path, setup: Path, rules: Path, major: int, paranoia: int = 4) -> str:
    """The SecLang entry file: modsecurity.conf, the setup file, the test-target settings, the rules."""
    return (f"Include {modsecurity}\nInclude {setup}\n{settings(major, paranoia)}"
            f"Include {rules}/*.conf\n")
