"""``modsec-py crs`` on the CRS 2.2.9 layout: the seed tutorial's links, setup file and edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modsec_py.admin.manifest import MANIFEST
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import load_files
from tests.conftest import require
from tests.unit.admin.conftest import RECOMMENDED, Invoke, links

SETUP = "modsecurity_crs_10_setup.conf"


@pytest.fixture
def crs(run: Invoke, crs2: Path) -> Invoke:
    """``crs("enable", "base_rules")``: a crs subcommand on CRS 2.2.9."""
    return lambda *args: run("crs", *args, "--crs-dir", str(crs2))


def load_enabled(root: Path) -> list[str]:
    """Load /etc/modsecurity/*.conf (links and setup; modsecurity.conf is not part of this) as Apache would."""
    paths = sorted(str(path) for path in (root / "etc" / "modsecurity").glob("modsecurity_crs_*.conf"))
    result = load_files(paths, immediate=False, conditions=Conditions.from_apache(str(root / "etc" / "apache2")))
    return [error.render() for error in result.errors]


def test_list_shows_every_set_and_file(crs: Invoke, modsec: Path) -> None:
    result = crs("list")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OWASP CRS 2.2.9 in ")
    assert f"setup: {modsec / SETUP} (missing: `modsec-py crs setup` copies it)" in result.stdout
    for set_name, count in (("base_rules", 15), ("optional_rules", 14), ("experimental_rules", 17), ("slr_rules", 7)):
        assert f"{set_name}: 0 of {count} enabled" in lines
    assert "  off  modsecurity_crs_41_sql_injection_attacks.conf" in lines
    only = crs("list", "slr_rules").stdout
    assert "slr_rules: 0 of 7 enabled" in only and "base_rules" not in only


def test_enable_links_the_files_and_the_data_they_read(crs: Invoke, crs2: Path, root: Path, modsec: Path) -> None:
    result = crs("enable", "base_rules")
    assert result.exit_code == 0, result.stderr
    made = links(modsec)
    assert len([name for name in made if name.endswith(".conf")]) == 15
    assert made["modsecurity_crs_41_sql_injection_attacks.conf"] == str(
        crs2 / "base_rules" / "modsecurity_crs_41_sql_injection_attacks.conf")
    assert sorted(name for name in made if name.endswith(".data")) == [
        "modsecurity_35_bad_robots.data", "modsecurity_35_scanners.data", "modsecurity_40_generic_attacks.data",
        "modsecurity_50_outbound.data"]  # not modsecurity_50_outbound_malware.data: no rule reads it
    assert "base_rules: 15 of 15 rule files enabled" in result.stdout and result.stderr == ""
    assert crs("enable", "base_rules").stdout.startswith("nothing to change")
    assert load_enabled(root) == []  # the data files are found next to the links, as v2 looks for them
    manifest = (root / MANIFEST.lstrip("/")).read_text()
    assert f"link\t/etc/modsecurity/modsecurity_35_scanners.data\t{crs2}/base_rules/" in manifest
    assert "  on   modsecurity_crs_20_protocol_violations.conf" in crs("list").stdout


def test_disable_removes_links_and_data_no_file_needs(crs: Invoke, root: Path, modsec: Path,
                                                      headers_enabled: None) -> None:
    crs("enable", "optional_rules", "modsecurity_crs_42_comment_spam.conf", "modsecurity_crs_10_ignore_static")
    assert "modsecurity_42_comment_spam.data" in links(modsec)
    result = crs("disable", "optional_rules", "modsecurity_crs_42_comment_spam")
    assert result.exit_code == 0, result.stderr
    data = modsec / "modsecurity_42_comment_spam.data"
    assert f"removed link {data} (no enabled rule file reads it)" in result.stdout
    assert set(links(modsec)) == {"modsecurity_crs_10_ignore_static.conf"}
    assert crs("disable", "optional_rules", "modsecurity_crs_42_comment_spam").stdout.startswith("nothing to change")
    crs("disable", "optional_rules")
    assert links(modsec) == {}
    assert "link\t" not in (root / MANIFEST.lstrip("/")).read_text()


def test_a_combination_that_cannot_load_is_reported_with_the_way_out(crs: Invoke, modsec: Path,
                                                                     headers_enabled: None) -> None:
    result = crs("enable", "optional_rules")
    assert result.exit_code == 0  # enabled as asked; the warning says what will not load
    assert "modsecurity_crs_16_session_hijacking.conf:51: SecRule: ModSecurity: Disruptive actions can only be " \
           "specified by chain starter rules." in result.stderr
    assert "the rule ending at line 49 carries `chain`" in result.stderr
    assert ("warning: modsecurity_crs_16_session_hijacking.conf: 1 error; to leave it out: "
            "modsec-py crs disable optional_rules modsecurity_crs_16_session_hijacking.conf") in result.stderr
    quiet = crs("disable", "optional_rules", "modsecurity_crs_16_session_hijacking.conf")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_all_slr_files_at_once_have_duplicate_ids(crs: Invoke, modsec: Path) -> None:
    result = crs("enable", "slr_rules")
    assert result.exit_code == 0
    assert "SecRule: ModSecurity: Found another rule with the same id" in result.stderr
    hint = "to leave it out: modsec-py crs disable slr_rules modsecurity_crs_46_slr_et_lfi_attacks.conf"
    assert hint in result.stderr
    assert "modsecurity_46_slr_et_wordpress.data" in links(modsec)
    crs("disable", "slr_rules")
    one = crs("enable", "slr_rules", "modsecurity_crs_46_slr_et_wordpress_attacks.conf")
    assert one.stderr == ""
    assert set(links(modsec)) == {"modsecurity_crs_46_slr_et_wordpress_attacks.conf",
                                  "modsecurity_46_slr_et_wordpress.data"}


def test_unknown_names_are_refused_and_nothing_changes(crs: Invoke, modsec: Path) -> None:
    result = crs("enable", "base_rule")
    assert result.exit_code == 1
    assert "no rule set 'base_rule'" in result.stderr and "its sets: base_rules, optional_rules" in result.stderr
    result = crs("enable", "base_rules", "modsecurity_crs_41_sql_injection.conf")
    assert result.exit_code == 1
    assert "did you mean modsecurity_crs_41_sql_injection_attacks.conf?" in result.stderr
    assert list(modsec.iterdir()) == []


def test_a_file_of_the_same_name_is_never_replaced(crs: Invoke, modsec: Path) -> None:
    mine = modsec / "modsecurity_crs_20_protocol_violations.conf"
    mine.write_text("# my own copy\n")
    result = crs("enable", "base_rules")
    assert result.exit_code == 1 and "exists and is not a link to" in result.stderr
    assert links(modsec) == {} and mine.read_text() == "# my own copy\n"
    assert "(" + str(mine) + " is another file)" in crs("list", "base_rules").stdout


def test_missing_crs_is_a_clear_error(run: Invoke, tmp_path: Path) -> None:
    result = run("crs", "list")  # the default: /usr/share/modsecurity-crs inside the (empty) root
    assert result.exit_code == 1
    assert "no OWASP CRS at" in result.stderr and "apt install modsecurity-crs" in result.stderr
    result = run("crs", "list", "--crs-dir", str(tmp_path))
    assert result.exit_code == 1 and "holds no OWASP CRS rule sets" in result.stderr


def test_setup_copies_the_example_once(crs: Invoke, crs2: Path, modsec: Path) -> None:
    result = crs("setup")
    assert result.exit_code == 0, result.stderr
    assert (modsec / SETUP).read_bytes() == (crs2 / f"{SETUP}.example").read_bytes()
    (modsec / SETUP).write_text("# edited\n")
    assert "exists and is kept as it is" in crs("setup").stdout
    assert (modsec / SETUP).read_text() == "# edited\n"
    assert crs("setup", "--force").exit_code == 0
    assert (modsec / SETUP).read_bytes() == (crs2 / f"{SETUP}.example").read_bytes()


def test_anomaly_scoring_makes_the_tutorials_two_edits(crs: Invoke, crs2: Path, modsec: Path) -> None:
    assert crs("anomaly-scoring", "on").exit_code == 1  # no setup file yet
    crs("setup")
    original = (crs2 / f"{SETUP}.example").read_text().splitlines()
    result = crs("anomaly-scoring", "on")
    assert result.exit_code == 0, result.stderr
    text = (modsec / SETUP).read_text()
    lines = text.splitlines()
    assert len(lines) == len(original)
    changed = [(number, line) for number, (line, old) in enumerate(zip(lines, original, strict=True), 1) if line != old]
    assert changed == [(66, 'SecDefaultAction "phase:1,pass,log"'), (67, 'SecDefaultAction "phase:2,pass,log"'),
                       (152, "SecAction \\")]
    assert crs("anomaly-scoring", "on").stdout.startswith("nothing to change")
    assert load_files([str(modsec / SETUP)], immediate=False).errors == []
    off = crs("anomaly-scoring", "off")
    assert off.exit_code == 0 and "rule 900004 commented out" in off.stdout
    text = (modsec / SETUP).read_text()
    assert 'SecDefaultAction "phase:2,deny,log"' in text and "\n#SecAction \\\n#  \"id:'900004'" in text


def test_set_uncomments_the_dos_and_brute_force_rules(crs: Invoke, modsec: Path) -> None:
    crs("setup")
    result = crs("set", "900015", "tx.brute_force_protected_urls=#/login.php# #/wp-login.php#",
                 "brute_force_counter_threshold=5")
    assert result.exit_code == 0, result.stderr
    text = (modsec / SETUP).read_text()
    assert "\nSecAction \\\n  \"id:'900015'" in text and "\nSecAction \\\n  \"id:'900014'" in text
    assert "setvar:'tx.brute_force_protected_urls=#/login.php# #/wp-login.php#'" in text
    assert "setvar:'tx.brute_force_counter_threshold=5'" in text
    assert "tx.brute_force_counter_threshold: 10 -> 5" in result.stdout
    assert load_files([str(modsec / SETUP)], immediate=False).errors == []
    assert crs("set", "tx.brute_force_counter_threshold=5").stdout.startswith("nothing to change")


def test_set_refuses_unknown_variables_and_unsafe_values(crs: Invoke) -> None:
    crs("setup")
    result = crs("set", "tx.dos_counter_treshold=1")
    assert result.exit_code == 1 and "did you mean tx.dos_counter_threshold" in result.stderr
    assert "a value cannot hold quotes" in crs("set", "tx.dos_block_timeout=1'").stderr
    assert "give NAME=VALUE" in crs("set", "dos_block_timeout").stderr
    assert "no rule 123" in crs("set", "123").stderr


def test_the_seed_tutorial_end_to_end(crs: Invoke, run: Invoke, root: Path, modsec: Path,
                                      headers_enabled: None) -> None:
    shutil.copy(require(RECOMMENDED, "etc/modsecurity/modsecurity.conf-recommended"), modsec)
    assert run("setup").exit_code == 0
    assert crs("enable", "base_rules").exit_code == 0
    assert crs("enable", "optional_rules").exit_code == 0
    assert crs("disable", "optional_rules", "modsecurity_crs_16_session_hijacking.conf").stderr == ""
    assert crs("enable", "experimental_rules", "modsecurity_crs_11_brute_force.conf",
               "modsecurity_crs_11_dos_protection.conf").stderr == ""
    assert crs("enable", "slr_rules", "modsecurity_crs_46_slr_et_wordpress_attacks.conf").stderr == ""
    assert crs("setup").exit_code == 0
    assert crs("anomaly-scoring", "on").exit_code == 0
    assert crs("set", "900014", "900015").exit_code == 0
    assert load_enabled(root) == []
    listed = crs("list").stdout
    assert "base_rules: 15 of 15 enabled" in listed and "optional_rules: 13 of 14 enabled" in listed
    assert "experimental_rules: 2 of 17 enabled" in listed and "slr_rules: 1 of 7 enabled" in listed
    created = run("created").stdout
    assert "file  /etc/modsecurity/modsecurity.conf\n" in created and f"file  /etc/modsecurity/{SETUP}\n" in created
    assert "[" not in created  # everything still as created
