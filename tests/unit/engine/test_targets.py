"""Target resolution: negations folded into earlier targets, key regexes, per-phase caching of request data."""

from __future__ import annotations

from modsec_py import WAF


def matched_names(rules: str, uri: str = "/?a=evil&b=evil&c1=evil&c2=evil&a=evil", body: bytes = b"") -> list[str]:
    waf = WAF.from_directives("SecRuleEngine On\nSecRequestBodyAccess On\n" + rules)
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri(uri, "POST" if body else "GET", "HTTP/1.1")
    tx.add_request_header("Host", "localhost")
    if body:
        tx.add_request_header("Content-Type", "application/x-www-form-urlencoded")
        tx.add_request_header("Content-Length", str(len(body)))
    tx.process_request_headers()
    tx.append_request_body(body)
    tx.process_request_body()
    tx.process_logging()
    return [f"{match.rule_id}:{match.logdata}" for match in tx.matched_rules if match.log]


def rule(targets: str, rule_id: int = 1, phase: int = 1) -> str:
    return (f'SecRule {targets} "@contains evil" '
            f'"id:{rule_id},phase:{phase},pass,log,multiMatch,logdata:%{{MATCHED_VAR_NAME}}"\n')


def test_negations_unset_earlier_members_only() -> None:
    assert matched_names(rule("ARGS|!ARGS:a|!ARGS:/^c/")) == ["1:ARGS:b"]
    # A negation written before the target removes nothing (v2 unsets what the table holds so far).
    assert matched_names(rule("!ARGS:b|ARGS_GET")) == [
        "1:ARGS_GET:a", "1:ARGS_GET:b", "1:ARGS_GET:c1", "1:ARGS_GET:c2", "1:ARGS_GET:a"]
    # Only the same variable's members go; key comparison is case-insensitive.
    assert matched_names(rule("ARGS_GET|ARGS|!ARGS:A|!ARGS_GET:/./")) == [
        "1:ARGS:b", "1:ARGS:c1", "1:ARGS:c2"]


def test_counting_targets_are_not_negated() -> None:
    rules = 'SecRule &ARGS|!ARGS:a "@eq 5" "id:2,phase:1,pass,log,logdata:%{MATCHED_VAR_NAME}"\n'
    assert matched_names(rules) == ["2:&ARGS"]


def test_filtered_request_data_is_fresh_in_each_phase() -> None:
    rules = rule("ARGS|!ARGS:a", 1, 1) + rule("ARGS|!ARGS:a", 2, 2) + rule("ARGS:/^z/", 3, 1) + rule("ARGS:/^z/", 4, 2)
    assert matched_names(rules, "/?a=evil&b=evil", b"z1=evil&a=evil") == [
        "1:ARGS:b", "2:ARGS:b", "2:ARGS:z1", "4:ARGS:z1"]


def test_run_time_target_exclusion_on_the_fast_path() -> None:
    rules = ('SecAction "id:9,phase:1,pass,nolog,ctl:ruleRemoveTargetById=1;ARGS:b"\n' + rule("ARGS|!ARGS:a"))
    assert matched_names(rules, "/?a=evil&b=evil&c=evil") == ["1:ARGS:c"]


def test_multi_match_follows_v2s_changed_flag() -> None:
    # cmdLine's rval is always 1: v2 checks the unchanged value again; lowercase changes nothing here.
    assert matched_names(rule("ARGS:b").replace("multiMatch", "multiMatch,t:lowercase"), "/?b=evil") == ["1:ARGS:b"]
    assert matched_names(rule("ARGS:b").replace("multiMatch", "multiMatch,t:cmdLine"), "/?b=evil") == [
        "1:ARGS:b", "1:ARGS:b"]


def matches(rules: str, uri: str) -> list[tuple[str, str, str]]:
    """(id, MATCHED_VAR_NAME, alert message) of each logged match."""
    waf = WAF.from_directives("SecRuleEngine On\n" + rules)
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri(uri, "GET", "HTTP/1.1")
    tx.add_request_header("Host", "localhost")
    tx.process_request_headers()
    tx.process_logging()
    return [(match.rule_id, match.matched_var_name, match.message) for match in tx.matched_rules if match.log]


def test_member_names_are_log_escaped_as_v2_generates_them() -> None:
    # v2 names ARGS_NAMES:test\x00 (log_escape_nq_ex of the key): a NUL never reaches the error log raw.
    found = matches('SecRule ARGS_NAMES "@validateByteRange 1-255" "id:1,phase:1,pass,log"\n', "/?test%00=1")
    assert found == [("1", "ARGS_NAMES:test\\x00",
                      "Found 1 byte(s) in ARGS_NAMES:test\\x00 outside range: 1-255.")]
    found = matches('SecRule ARGS "@streq x" "id:2,phase:1,pass,log"\n', "/?%C3%A9%5C=x")
    assert [name for _, name, _ in found] == ["ARGS:\\xc3\\xa9\\\\"]


def test_matched_vars_members_are_named_by_the_matched_name_escaped_again() -> None:
    # As CRS 942440's chained rule shows in v2: against "ARGS_NAMES:test\\x00" (no MATCHED_VARS: prefix).
    rules = ('SecRule ARGS_NAMES "@rx test" "id:3,phase:1,pass,log,chain"\n'
             'SecRule MATCHED_VARS "@rx test" "t:none"\n')
    assert [name for _, name, _ in matches(rules, "/?test=2")] == ["ARGS_NAMES:test"]
    assert [name for _, name, _ in matches(rules, "/?test%00=1")] == ["ARGS_NAMES:test\\\\x00"]
