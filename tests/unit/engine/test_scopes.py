"""<Location> / <LocationMatch> sections: their settings and rules apply to the paths they match."""

from __future__ import annotations

import pytest

from modsec_py import WAF

CONFIG = """
SecRuleEngine DetectionOnly
SecRule ARGS:a "@streq x" "id:1,phase:1,deny,status:403"
SecRule ARGS:b "@streq y" "id:2,phase:1,deny,status:403"
<Location /shop>
  SecRuleEngine On
  SecRuleRemoveById 2
  SecRule ARGS:c "@streq z" "id:3,phase:1,deny,status:418"
</Location>
<LocationMatch ^/admin/.*\\.php$>
  SecRuleEngine On
  SecRuleInheritance Off
  SecRule ARGS:c "@streq z" "id:4,phase:1,deny,status:401"
</LocationMatch>
"""


def verdict(waf: WAF, uri: str) -> int | None:
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri(uri, "GET", "HTTP/1.1")
    tx.add_request_header("Host", "localhost")
    interruption = tx.process_request_headers()
    tx.process_logging()
    return None if interruption is None else interruption.status


@pytest.fixture(scope="module")
def waf() -> WAF:
    return WAF.from_directives(CONFIG)


@pytest.mark.parametrize(("uri", "status"), [
    ("/?a=x", None),  # DetectionOnly outside the sections
    ("/shop?a=x", 403),  # inherited rule, engine On
    ("/shop/cart?b=y", None),  # rule 2 removed in /shop
    ("/shop/cart?c=z", 418),  # the section's own rule
    ("/shopping?a=x", None),  # not a whole path segment: outside /shop
    ("/sh%6Fp/x?a=x", 403),  # the decoded path decides
    ("/admin/index.php?c=z", 401),
    ("/admin/index.php?a=x", None),  # SecRuleInheritance Off: no server rules
    ("/admin/index.html?c=z", None),
])
def test_location_sections(waf: WAF, uri: str, status: int | None) -> None:
    assert verdict(waf, uri) == status


def test_matched_rules_name_the_section_rule(waf: WAF) -> None:
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri("/shop/x?c=z", "GET", "HTTP/1.1")
    tx.process_request_headers()
    assert tx.scope is not None and tx.scope.path == "/shop"
    assert [match.rule_id for match in tx.matched_rules] == ["3"]
