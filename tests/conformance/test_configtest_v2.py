"""configtest accepts what ModSecurity 2.9.7 accepts and refuses what it refuses, at the same place.

Every case states the expected verdict itself, and, where Debian's ModSecurity 2.9.7 is
available (always under CI), the same file also goes through ``apache2 -t`` with
mod_security2 loaded and both verdicts are compared.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import pytest

from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import LoadResult, load_files
from tests.conftest import SHARED, require
from tests.reference import RECOMMENDED, Verdict, modsec2_verdict

CONDITIONS = Conditions(frozenset({"headers_module", "mod_headers.c", "unique_id_module", "mod_unique_id.c"}))


def ours(entry: Path) -> LoadResult:
    return load_files([str(entry)], immediate=False, conditions=CONDITIONS)


@dataclass(frozen=True)
class Broken:
    name: str
    text: str
    line: int
    message: str  # what we say (contains v2's wording unless v2_wording is False)
    v2_wording: bool = True


BROKEN = [
    Broken("chain_disruptive_in_chained_rule",
           'SecRule ARGS "@rx foo" "id:1001,phase:2,deny,log,chain"\n    SecRule ARGS "@rx bar" "deny"\n', 2,
           "ModSecurity: Disruptive actions can only be specified by chain starter rules."),
    Broken("unknown_operator", 'SecRule ARGS "@foobar x" "id:1002,phase:2,pass,log"\n', 1,
           "Error creating rule: Failed to resolve operator: foobar"),
    Broken("missing_id", 'SecRule ARGS "@rx x" "phase:2,pass,log"\n', 1,
           "ModSecurity: No action id present within the rule"),
    Broken("duplicate_id", 'SecRule ARGS "@rx x" "id:1004,phase:2,pass,log"\n'
                           'SecRule ARGS "@rx y" "id:1004,phase:2,pass,log"\n', 2,
           "ModSecurity: Found another rule with the same id"),
    Broken("unknown_action", 'SecRule ARGS "@rx x" "id:1005,phase:2,pass,foobar"\n', 1,
           "Error parsing actions: Unknown action: foobar"),
    Broken("unknown_variable", 'SecRule FOOBAR "@rx x" "id:1006,phase:2,pass,log"\n', 1,
           "Error creating rule: Unknown variable: FOOBAR"),
    Broken("unknown_transformation", 'SecRule ARGS "@rx x" "id:1007,phase:2,pass,t:foobar"\n', 1,
           "Error parsing actions: Invalid transformation function: foobar"),
    Broken("bad_regex", 'SecRule ARGS "@rx (unclosed" "id:1008,phase:2,pass,log"\n', 1,
           "Error creating rule: Error compiling pattern (offset 9): missing", False),
    Broken("bad_phase", 'SecRule ARGS "@rx x" "id:1009,phase:7,pass,log"\n', 1, "Invalid phase 7", False),
    Broken("unknown_directive", "SecFooBar On\n", 1,
           "Invalid command 'SecFooBar', perhaps misspelled or defined by a module not included in the "
           "server configuration"),
    Broken("missing_quote", 'SecRule ARGS "@rx x "id:1010,phase:2,pass,log"\n', 1,
           'Error parsing actions: Unknown action: log"'),
    Broken("logging_phase_deny", 'SecRule ARGS "@rx x" "id:1012,phase:5,deny"\n', 1,
           "ModSecurity: Disruptive actions cannot be specified in the logging phase."),
    Broken("default_action_without_phase", 'SecDefaultAction "deny,log"\n', 1,
           "ModSecurity: SecDefaultAction must specify a phase."),
    Broken("default_action_without_disruptive", 'SecDefaultAction "phase:2,log"\n', 1,
           "ModSecurity: SecDefaultAction must specify a disruptive action."),
    Broken("rule_without_actions", 'SecRule ARGS "@rx x"\n', 1, "ModSecurity: Rules must have at least id action"),
    Broken("id_zero", 'SecRule ARGS "@rx x" "id:0,pass"\n', 1,
           "Error parsing actions: ModSecurity: Invalid value for action ID: 0"),
    Broken("metadata_in_chain", 'SecRule ARGS "@rx x" "id:1,chain"\nSecRule ARGS "@rx y" "msg:x"\n', 2,
           "ModSecurity: Metadata actions (id, rev, msg, tag, severity, ver, accuracy, maturity, logdata)"),
    Broken("phase_in_chain", 'SecRule ARGS "@rx x" "id:1,chain"\nSecRule ARGS "@rx y" "phase:2"\n', 2,
           "ModSecurity: Execution phases can only be specified by chain starter rules."),
    Broken("pass_in_chain", 'SecRule ARGS "@rx x" "id:1,chain"\nSecRule ARGS "@rx y" "pass"\n', 2,
           "ModSecurity: Disruptive actions can only be specified by chain starter rules."),
    Broken("arity", 'SecRule ARGS "@rx x" "id:1,pass" extra\n', 1,
           "SecRule takes two or three arguments, rule target, operator and optional action list"),
    Broken("bad_engine_value", "SecRuleEngine Sometimes\n", 1,
           "ModSecurity: Invalid value for SecRuleEngine: Sometimes"),
    Broken("count_tx_without_key", 'SecRule &TX "@eq 0" "id:1,pass"\n', 1,
           "Error creating rule: Missing mandatory parameter for variable &TX."),
    Broken("env_regex_key", 'SecRule ENV:/x/ "@eq 0" "id:1,pass"\n', 1,
           "Error creating rule: Regular expressions not supported in ENV."),
    Broken("invalid_quoted_pair", r'''SecRule ARGS "@rx x" "id:1,pass,msg:'a\d'"''' + "\n", 1,
           "Error parsing actions: Invalid quoted pair at position"),
]

VALID = [
    'SecRule ARGS "@rx x" "id:1011,phase:2,pass,log"\n',
    'SecRule ARGS "@rx x" "id:1,chain"\nSecRule ARGS "@rx y" "block,tag:x,status:403,t:none"\n',
    'SecRule ARGS "@rx x" "id:1,phase:5,block"\nSecRule ARGS "@rx x" "id:2,phase:5,allow:request"\n',
    'SecRule ARGS "@rx x" "id:1,skipAfter:NOWHERE"\nSecMarker A\nSecMarker A\n',
    'SecRule ARGS "@rx x" "id:6 , pass , log"\n# comment \\\nSecFooBar\n',
    'SecRule ARGS:\'/^(a|b)$/\'|!ARGS:x|&TX:y "@rx x" "id:1,pass,msg:\'a, b\\\'c\',t:-lowercase"\n',
    'SecRule REQUEST_HEADERS:User-Agent "!@pm a b c" "id:2,phase:1,pass,t:none,t:lowercase"\n',
]


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_broken_file_is_refused_at_the_same_place(tmp_path: Path, case: Broken) -> None:
    rules = tmp_path / f"bad_{case.name}.conf"
    rules.write_text(case.text)
    result = ours(rules)
    assert result.errors, f"{case.name}: accepted"
    first = result.errors[0]
    assert first.location is not None
    assert (first.location.file, first.location.line) == (str(rules), case.line)
    assert case.message in first.message
    reference = modsec2_verdict(rules, tmp_path)
    assert not reference.ok and (reference.file, reference.line) == (str(rules), case.line)
    if case.v2_wording:
        assert reference.message in first.message or reference.message.rstrip(".") in first.message


@pytest.mark.parametrize("text", VALID)
def test_valid_file_is_accepted_by_both(tmp_path: Path, text: str) -> None:
    rules = tmp_path / "ok.conf"
    rules.write_text(text)
    result = ours(rules)
    assert result.errors == [], [error.render() for error in result.errors]
    assert modsec2_verdict(rules, tmp_path) == Verdict(True)


def test_three_errors_are_all_reported(tmp_path: Path) -> None:
    rules = tmp_path / "three.conf"
    rules.write_text('SecRule ARGS "@foobar x" "id:1,pass"\nSecRuleEngine Sometimes\n'
                     'SecRule ARGS "@rx x" "id:2,pass,t:nope"\n')
    result = ours(rules)
    assert [(error.location.line if error.location else 0) for error in result.errors] == [1, 2, 3]


def test_chain_explanation_names_the_rule_that_opened_it(tmp_path: Path) -> None:
    rules = tmp_path / "chain.conf"
    rules.write_text('SecRule ARGS "@rx a" "id:1,phase:2,pass,chain"\n  SecRule ARGS "@rx b" "chain"\n\n'
                     'SecRule ARGS "@rx c" "id:2,phase:2,pass"\n')
    [error] = ours(rules).errors
    assert error.location is not None and error.location.line == 4
    assert "the rule ending at line 2 carries `chain`" in error.notes[0]
    assert "rule id 1 starts at line 1" in error.notes[0]


# -- whole rule sets --------------------------------------------------------------------

def entry_including(tmp_path: Path, files: list[str]) -> Path:
    entry = tmp_path / "entry.conf"
    entry.write_text("".join(f"Include {name}\n" for name in files))
    return entry


def crs229(*parts: str) -> list[str]:
    root = require(SHARED / "crs" / "v2.2.9", "CRS 2.2.9 test data")
    return sorted(glob.glob(str(root.joinpath(*parts))))


LUA_FILES = ("modsecurity_crs_40_appsensor_detection_point_2.1_request_exception.conf",
             "modsecurity_crs_48_bayes_analysis.conf", "modsecurity_crs_55_response_profiling.conf",
             "modsecurity_crs_56_pvi_checks.conf", "modsecurity_crs_61_ip_forensics.conf")


def crs229_accepted_set() -> list[str]:
    excluded = {"modsecurity_crs_16_session_hijacking.conf", "modsecurity_crs_11_proxy_abuse.conf", *LUA_FILES}
    files = crs229("modsecurity_crs_10_setup.conf.example")
    for directory in ("base_rules", "optional_rules", "experimental_rules"):
        files += [path for path in crs229(directory, "*.conf") if Path(path).name not in excluded]
    return files + crs229("slr_rules", "modsecurity_crs_46_slr_et_wordpress_attacks.conf")


def assert_both_accept(tmp_path: Path, files: list[str]) -> LoadResult:
    entry = entry_including(tmp_path, files)
    result = ours(entry)
    assert result.errors == [], "\n".join(error.render() for error in result.errors)
    assert modsec2_verdict(entry, tmp_path) == Verdict(True)
    return result


def test_debian_recommended_and_crs_3_3_4_are_accepted(tmp_path: Path, debian_crs: Path) -> None:
    recommended = require(RECOMMENDED, "Debian's modsecurity.conf-recommended (tools/fetch-modsec2.sh)")
    result = assert_both_accept(tmp_path, [str(recommended), "/etc/modsecurity/crs/crs-setup.conf",
                                           *sorted(glob.glob(str(debian_crs / "rules" / "*.conf")))])
    assert sum(1 for _ in result.ruleset.starters()) > 500


def test_duplicate_of_a_crs_id_names_the_crs_rule(tmp_path: Path, debian_crs: Path) -> None:
    mine = tmp_path / "bad_duplicate_id_with_crs.conf"
    mine.write_text('SecRule ARGS "@rx x" "id:942100,phase:2,pass,log"\n')
    entry = entry_including(tmp_path, ["/etc/modsecurity/crs/crs-setup.conf",
                                       *sorted(glob.glob(str(debian_crs / "rules" / "*.conf"))), str(mine)])
    [error] = ours(entry).errors
    assert error.location is not None and (error.location.file, error.location.line) == (str(mine), 1)
    assert error.message == "ModSecurity: Found another rule with the same id"
    assert "REQUEST-942-APPLICATION-ATTACK-SQLI.conf" in error.notes[0]
    reference = modsec2_verdict(entry, tmp_path)
    assert (reference.ok, reference.file, reference.line) == (False, str(mine), 1)


def test_crs_4_28_0_is_accepted(tmp_path: Path) -> None:
    root = require(SHARED / "crs" / "v4.28.0", "CRS 4.28.0 test data")
    assert_both_accept(tmp_path, [str(root / "crs-setup.conf.example"),
                                  *sorted(glob.glob(str(root / "rules" / "*.conf")))])


def test_crs_2_2_9_tutorial_set_is_accepted(tmp_path: Path) -> None:
    result = assert_both_accept(tmp_path, crs229_accepted_set())
    assert any(d.name == "RequestHeader" for d in result.connector_directives)


def test_crs_2_2_9_session_hijacking_is_refused_at_line_51_with_the_reason(tmp_path: Path) -> None:
    [path] = crs229("optional_rules", "modsecurity_crs_16_session_hijacking.conf")
    entry = entry_including(tmp_path, [*crs229("modsecurity_crs_10_setup.conf.example"), path])
    errors = ours(entry).errors
    assert [(error.location.file, error.location.line) for error in errors if error.location] == [(path, 51)]
    assert errors[0].message == "ModSecurity: Disruptive actions can only be specified by chain starter rules."
    assert errors[0].notes[0].startswith("the rule ending at line 49 carries `chain`")
    reference = modsec2_verdict(entry, tmp_path)
    assert (reference.ok, reference.file, reference.line) == (False, path, 51)


def test_crs_2_2_9_all_slr_files_at_once_have_duplicate_ids(tmp_path: Path) -> None:
    entry = entry_including(tmp_path, crs229("slr_rules", "*.conf"))
    errors = ours(entry).errors
    assert errors and all(error.message == "ModSecurity: Found another rule with the same id" for error in errors)
    first = errors[0]
    assert first.location is not None and first.notes and "is already used by the rule at" in first.notes[0]
    reference = modsec2_verdict(entry, tmp_path)
    assert (reference.ok, reference.file, reference.line) == (False, first.location.file, first.location.line)


def test_crs_2_2_9_proxy_abuse_geo_database_cannot_be_opened(tmp_path: Path) -> None:
    [path] = crs229("experimental_rules", "modsecurity_crs_11_proxy_abuse.conf")
    errors = ours(entry_including(tmp_path, [path])).errors
    assert len(errors) == 1 and errors[0].directive == "SecGeoLookupDb"
    assert "/usr/local/apache/conf/modsec/GeoLiteCity.dat" in errors[0].message
    assert not modsec2_verdict(entry_including(tmp_path, [path]), tmp_path).ok


@pytest.mark.parametrize("name", LUA_FILES)
def test_crs_2_2_9_lua_files_are_refused_naming_the_script(tmp_path: Path, name: str) -> None:
    [path] = crs229("experimental_rules", name)
    entry = entry_including(tmp_path, [*crs229("modsecurity_crs_10_setup.conf.example"), path])
    errors = ours(entry).errors
    assert errors, "accepted"
    assert "modsec_py does not run Lua scripts" in errors[0].message and '.lua"' in errors[0].message
    reference = modsec2_verdict(entry, tmp_path)
    assert not reference.ok
    assert errors[0].location is not None and errors[0].location.line == reference.line
