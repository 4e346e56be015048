"""Rule texts of part K (v2's ``rule->unparsed``) and per-<Location> audit logs."""

from __future__ import annotations

from pathlib import Path

from modsec_py.engine.waf import WAF
from modsec_py.logging.unparsed import unparsed
from tests.unit.logging import replay

RULES = """SecDefaultAction "phase:2,log,auditlog,pass,status:500,t:none"
SecRule ARGS "@rx a b" "id:1,phase:1,block,status:403,t:-none,t:lowercase,msg:'x y',logdata:'',setvar:tx.a=+1,chain"
    SecRule ARGS:b "!@rx ^c$" "t:none,chain,nolog"
        SecRule &ARGS "@eq 1"
SecAction "id:2,nolog,phase:1,pass,status:302"
SecRule REQUEST_URI "x" "id:3,deny,log"
"""


def rules() -> list:
    waf = WAF.from_directives(RULES)
    return waf.loaded.ruleset.rules


def test_texts_follow_v2s_merge_and_quoting() -> None:
    first, link, last, action, implicit = rules()
    assert unparsed(first) == ('SecRule "ARGS" "@rx a b" "phase:1,log,auditlog,status:403,t:none,id:1,block,'
                               "t:none,t:lowercase,msg:'x y',logdata:'',setvar:tx.a=+1,chain\"")
    assert unparsed(link) == 'SecRule "ARGS:b" "!@rx ^c$" "t:none,t:none,chain"'
    assert unparsed(last) == 'SecRule "&ARGS" "@eq 1" "t:none"'
    assert unparsed(action) == 'SecAction "phase:1,auditlog,status:302,t:none,id:2,nolog,pass"'
    assert unparsed(implicit) == 'SecRule "REQUEST_URI" "@rx x" "phase:2,auditlog,status:500,t:none,id:3,deny,log"'


def test_a_location_writes_its_own_audit_log(tmp_path: Path) -> None:
    waf = WAF.from_directives(f"""SecRuleEngine On
SecAuditEngine On
SecAuditLog {tmp_path}/main.log
<Location /shop>
    SecAuditLog {tmp_path}/shop.log
    SecAuditLogParts AFZ
</Location>
""")
    waf.logs.error_log.sink = None
    for path in ("/shop/cart", "/other"):
        tx = waf.new_transaction("1.1.1.1", 1, "2.2.2.2", 80)
        tx.process_uri(path)
        tx.process_request_headers()
        tx.process_logging()
    (shop,) = replay.native_entries((tmp_path / "shop.log").read_text())
    (main,) = replay.native_entries((tmp_path / "main.log").read_text())
    assert list(replay.sections(shop)) == ["A", "F", "Z"]
    assert replay.sections(main)["B"].startswith("GET /other ")
