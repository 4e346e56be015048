"""``modsec-py crs`` on the 3.x / 4.x layout: Debian's package (exclusions) and an unpackaged tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py.admin.crs.exclusions import EXCLUSIONS, hooked, section_ids
from modsec_py.admin.crs.rulefiles import rule_ids
from modsec_py.admin.root import Root
from modsec_py.paths import BUNDLED_ENTRY
from modsec_py.seclang.loader import load_files, load_text
from tests.unit.admin.conftest import Invoke

SCANNER = "REQUEST-913-SCANNER-DETECTION.conf"


@pytest.fixture
def deb(run: Invoke, debian_crs_root: Path) -> Invoke:
    """``deb("disable", "rules", FILE)``: a crs subcommand on Debian's modsecurity-crs, as installed."""
    return lambda *args: run("crs", *args, "--crs-dir", str(debian_crs_root))


@pytest.fixture
def crs4_run(run: Invoke, crs4: Path) -> Invoke:
    return lambda *args: run("crs", *args, "--crs-dir", str(crs4))


def exclusions(root: Path) -> Path:
    return root / EXCLUSIONS.lstrip("/")


def test_list_says_the_package_loads_every_file(deb: Invoke, modsec: Path) -> None:
    result = deb("list")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OWASP CRS 3.3.4 in ")
    assert "loaded by the package (owasp-crs.load)" in result.stdout
    assert f"setup: {modsec / 'crs' / 'crs-setup.conf'}\n" in result.stdout
    assert f"  on   {SCANNER}\n" in result.stdout and "warning" not in result.stdout


def test_disable_excludes_the_files_ids_after_the_crs(deb: Invoke, root: Path, debian_crs_root: Path) -> None:
    result = deb("disable", "rules", SCANNER.removesuffix(".conf"))
    assert result.exit_code == 0, result.stderr
    rule_file = debian_crs_root / "rules" / SCANNER
    text = exclusions(root).read_text()
    assert f"# disabled: {rule_file}\nSecRuleRemoveById 913011 " in text
    ids = section_ids(text)
    assert ids == rule_ids(str(rule_file), "/nonexistent") and "913100" in ids
    assert not any(item.startswith("END-") for item in ids)  # markers have no id to remove
    assert deb("disable", "rules", SCANNER).stdout.startswith("nothing to change")
    assert f"  off  {SCANNER}\n" in deb("list").stdout
    # What the entry file does: the CRS (as owasp-crs.load orders it), then the exclusions.
    loaded = load_text(f"Include {root}/etc/modsecurity/crs/crs-setup.conf\n"
                       f"Include {debian_crs_root}/rules/*.conf\n"
                       f"IncludeOptional {exclusions(root).parent}/*.conf\n", immediate=False)
    assert loaded.errors == []
    remaining = {rule.id for rule in loaded.ruleset.starters()}
    assert "920100" in remaining and not remaining & set(ids)


def test_the_bundled_entry_file_includes_the_exclusions_after_the_crs(root: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODSEC_PY_CONFIG", raising=False)
    assert Root(str(root)).entry_file() == BUNDLED_ENTRY and hooked(Root(str(root)))
    text = Path(BUNDLED_ENTRY).read_text()
    assert text.index("/usr/share/modsecurity-crs/*.load") < text.index("/etc/modsecurity/after-crs.d/*.conf")


def test_an_entry_file_without_the_hook_is_a_warning(deb: Invoke, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    entry = tmp_path / "entry.conf"
    entry.write_text("IncludeOptional /usr/share/modsecurity-crs/*.load\n")
    monkeypatch.setenv("MODSEC_PY_CONFIG", str(entry))
    result = deb("disable", "rules", SCANNER)
    assert result.exit_code == 0
    assert f"{entry} does not include /etc/modsecurity/after-crs.d/*.conf" in result.stderr


def test_enable_takes_the_exclusion_out_and_tidies_up(deb: Invoke, root: Path) -> None:
    deb("disable", "rules", SCANNER, "REQUEST-942-APPLICATION-ATTACK-SQLI.conf")
    result = deb("enable", "rules", SCANNER)
    assert result.exit_code == 0 and "rules: 31 of 32 rule files enabled" in result.stdout
    assert SCANNER not in exclusions(root).read_text()
    result = deb("enable", "rules")
    assert "removed directory" in result.stdout and not exclusions(root).parent.exists()
    assert deb("enable", "rules").stdout.startswith("nothing to change")


def test_the_package_tree_cannot_be_disabled_as_a_whole(deb: Invoke, root: Path) -> None:
    result = deb("disable", "rules")
    assert result.exit_code == 1 and "loads all of" in result.stderr and "disable files one by one" in result.stderr
    assert not exclusions(root).exists()


def test_disabling_an_essential_file_warns(deb: Invoke) -> None:
    result = deb("disable", "rules", "REQUEST-949-BLOCKING-EVALUATION.conf")
    assert result.exit_code == 0 and "does not work as intended without this file" in result.stderr


def test_an_outdated_exclusion_is_listed(deb: Invoke, root: Path) -> None:
    deb("disable", "rules", SCANNER)
    path = exclusions(root)
    path.write_text(path.read_text().replace("913011 ", ""))
    assert "rule id(s) added since: run `modsec-py crs disable`" in deb("list").stdout
    assert "913011" in deb("disable", "rules", SCANNER).stdout + path.read_text()


def test_setup_keeps_the_packages_file_and_set_edits_it(deb: Invoke, modsec: Path) -> None:
    setup = modsec / "crs" / "crs-setup.conf"
    before = setup.read_text()
    result = deb("setup")
    assert result.exit_code == 0 and "the modsecurity-crs package's configuration file" in result.stdout
    assert setup.read_text() == before
    result = deb("set", "tx.dos_counter_threshold=50", "paranoia_level=2")
    assert result.exit_code == 0, result.stderr
    assert "rule 900700 (line 755): tx.dos_counter_threshold: 100 -> 50, uncommented" in result.stdout
    text = setup.read_text()
    assert "\nSecAction \\\n \"id:900700,\\\n" in text and "setvar:'tx.dos_counter_threshold=50'" in text
    assert load_files([str(setup)], immediate=False).errors == []


def test_anomaly_scoring_off_and_on_in_crs3(deb: Invoke, modsec: Path) -> None:
    setup = modsec / "crs" / "crs-setup.conf"
    before = setup.read_text()
    assert deb("anomaly-scoring", "on").stdout.startswith("nothing to change")  # the CRS 3 default
    result = deb("anomaly-scoring", "off")
    assert result.exit_code == 0, result.stderr
    assert 'SecDefaultAction "phase:2,log,auditlog,deny,status:403"\n' in setup.read_text()
    assert load_files([str(setup)], immediate=False).errors == []
    deb("anomaly-scoring", "on")
    assert setup.read_text() == before


def test_an_unpackaged_tree_is_loaded_by_a_file_of_ours(crs4_run: Invoke, crs4: Path, root: Path,
                                                        modsec: Path) -> None:
    listed = crs4_run("list").stdout
    assert listed.startswith("OWASP CRS 4.28.0 in ") and "rules: 0 of 27 enabled" in listed
    result = crs4_run("enable", "rules")
    assert result.exit_code == 0, result.stderr
    load = modsec / "owasp-crs.conf"
    assert f"Include {crs4}/rules/*.conf\n" in load.read_text()
    assert "`modsec-py crs setup` copies it" in result.stdout
    assert crs4_run("setup").exit_code == 0
    own = modsec / "owasp-crs"
    assert sorted(path.name for path in own.iterdir()) == [
        "REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf", "RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf", "crs-setup.conf"]
    assert load_files([str(load)], immediate=False).errors == []
    crs4_run("disable", "rules", "REQUEST-922-MULTIPART-ATTACK.conf")
    listed = crs4_run("list").stdout
    assert "rules: 26 of 27 enabled" in listed and "  off  REQUEST-922-MULTIPART-ATTACK.conf\n" in listed
    result = crs4_run("disable", "rules")
    assert f"removed file {load}" in result.stdout and not exclusions(root).exists()
    assert "(the CRS in" in result.stdout and "is not loaded)" in result.stdout
    assert own.exists()  # the admin's settings stay


def test_anomaly_scoring_off_in_crs4_leaves_the_logging_phase_passing(crs4_run: Invoke, modsec: Path) -> None:
    crs4_run("setup")
    result = crs4_run("anomaly-scoring", "off")
    assert result.exit_code == 0, result.stderr
    text = (modsec / "owasp-crs" / "crs-setup.conf").read_text()
    assert 'SecDefaultAction "phase:4,log,auditlog,deny,status:403"' in text
    assert 'SecDefaultAction "phase:5,log,auditlog,pass"' in text
    assert load_files([str(modsec / "owasp-crs" / "crs-setup.conf")], immediate=False).errors == []


def test_a_setup_of_another_version_is_a_warning(crs4_run: Invoke, modsec: Path, debian_crs_root: Path) -> None:
    (modsec / "owasp-crs").mkdir()
    (modsec / "owasp-crs" / "crs-setup.conf").write_bytes((modsec / "crs" / "crs-setup.conf").read_bytes())
    result = crs4_run("setup")
    assert "is the setup of CRS version 334, the rules are 4.28.0" in result.stderr
