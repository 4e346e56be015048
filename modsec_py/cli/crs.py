"""``modsec-py crs``: the OWASP Core Rule Set (list, enable, disable, setup, anomaly-scoring, set)."""

from __future__ import annotations

import click

from modsec_py.admin.crs import commands
from modsec_py.admin.root import Root
from modsec_py.cli._admin import admin_options, crs_dir_option, reported, root_option, run_plan


@click.group()
def crs() -> None:
    """The OWASP Core Rule Set: which rule files load, and its setup file.

    CRS 2.x (base_rules, optional_rules, experimental_rules, slr_rules): a file is enabled
    by a link in /etc/modsecurity, as in the seed tutorial. CRS 3.x / 4.x (rules/): Debian's
    modsecurity-crs loads every file itself; a disabled file's rules are removed with
    SecRuleRemoveById in /etc/modsecurity/after-crs.d/modsec-py-disabled.conf.
    """


@crs.command("list")
@click.argument("set_name", metavar="[SET]", required=False)
@crs_dir_option
@root_option
def list_(set_name: str | None, crs_dir: str | None, root: str) -> None:
    """The rule sets found and whether each file is enabled."""
    with reported():
        lines = commands.list_lines(Root(root), crs_dir, set_name)
    for line in lines:
        click.echo(line)


def _switch(enable: bool) -> click.Command:
    verb = "enable" if enable else "disable"

    @click.command(verb)
    @click.argument("set_name", metavar="SET")
    @click.argument("files", nargs=-1, metavar="[FILE]...")
    @crs_dir_option
    @admin_options
    def switch(set_name: str, files: tuple[str, ...], crs_dir: str | None, root: str, dry_run: bool) -> None:
        run_plan(lambda where: commands.plan_switch(where, crs_dir, set_name, files, enable=enable), root, dry_run)

    switch.help = (f"{verb.capitalize()} the FILEs of rule set SET (all of them when none is named).\n\n"
                   "CRS 2.x: links each file (and the .data files its rules read) into /etc/modsecurity, "
                   "or removes them. CRS 3.x / 4.x: "
                   + ("takes the files' SecRuleRemoveById exclusion out (and, for a tree no package "
                      "loads, writes /etc/modsecurity/owasp-crs.conf to load it)." if enable else
                      "removes each file's rules with SecRuleRemoveById over its ids; package files "
                      "are never edited.")
                   + " The combination is checked with the project's loader; what cannot load is reported.")
    return switch


crs.add_command(_switch(True))
crs.add_command(_switch(False))


@crs.command("setup")
@click.option("--force", is_flag=True, help="Replace an existing setup file with the CRS's own.")
@crs_dir_option
@admin_options
def setup(force: bool, crs_dir: str | None, root: str, dry_run: bool) -> None:
    """Copy the CRS setup file where it is read, for editing.

    CRS 2.x: modsecurity_crs_10_setup.conf[.example] to /etc/modsecurity. Debian's 3.x package
    already installs /etc/modsecurity/crs/crs-setup.conf (kept). Another 3.x / 4.x tree:
    crs-setup.conf[.example] and its exclusion examples to /etc/modsecurity/owasp-crs/.
    """
    run_plan(lambda where: commands.plan_setup(where, crs_dir, force=force), root, dry_run)


@crs.command("anomaly-scoring")
@click.argument("state", type=click.Choice(["on", "off"]))
@crs_dir_option
@admin_options
def anomaly_scoring(state: str, crs_dir: str | None, root: str, dry_run: bool) -> None:
    """Switch the CRS between anomaly scoring and self-contained mode, in its setup file.

    on: every active SecDefaultAction passes instead of denying (rules add to the anomaly
    score; the blocking rules deny once it reaches the threshold). CRS 2.x also uncomments
    rule 900004 (tx.anomaly_score_blocking=on), the seed tutorial's two edits. CRS 3.x /
    4.x score by default and block in REQUEST-949 / RESPONSE-959: there "on" restores
    "pass" in SecDefaultAction.

    off: self-contained mode, the first matching rule blocks: SecDefaultAction deny (CRS
    2.x, with rule 900004 commented out again) or deny,status:403 (CRS 3.x / 4.x; the
    logging phase 5 keeps pass).
    """
    run_plan(lambda where: commands.plan_anomaly_scoring(where, crs_dir, on=state == "on"), root, dry_run)


@crs.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="NAME=VALUE|RULE_ID...")
@crs_dir_option
@admin_options
def set_(assignments: tuple[str, ...], crs_dir: str | None, root: str, dry_run: bool) -> None:
    """Set variables of the CRS setup file, uncommenting their SecAction where needed.

    NAME is a tx variable that a rule of the setup file sets, with or without "tx.": e.g.
    tx.dos_counter_threshold=100 (CRS 2.x rule 900015, 3.x rule 900700),
    tx.brute_force_burst_time_slice=60 (CRS 2.x rule 900014), tx.paranoia_level=2 (3.x rule
    900000; tx.blocking_paranoia_level in 4.x). A rule id alone (e.g. 900015) uncomments
    that rule as it is.
    """
    run_plan(lambda where: commands.plan_set(where, crs_dir, list(assignments)), root, dry_run)


@crs.command("test")
@click.option("--rules", "rules", required=True, type=click.Path(exists=True, file_okay=False),
              help="Directory of CRS rule files (*.conf and their .data files).")
@click.option("--setup", "setup", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CRS setup file as shipped (crs-setup.conf or crs-setup.conf.example).")
@click.option("--tests", "tests", required=True, type=click.Path(exists=True, file_okay=False),
              help="Directory of ftw (CRS 3.x) or go-ftw (CRS 4.x) YAML test files.")
@click.option("--overrides", type=click.Path(exists=True, dir_okay=False),
              help="go-ftw overrides file (test_overrides:, as the CRS project's httpd-overrides.yaml).")
@click.option("--paranoia", type=click.IntRange(1, 4), default=4, show_default=True, help="Paranoia level.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write a JSON report here.")
@click.option("--include", help="Run only tests whose name matches this regex.")
@click.option("--exclude", help="Skip tests whose name matches this regex.")
@click.option("--keep", is_flag=True, help="Keep the test Apache's directory (configuration, logs).")
# Developer options (hidden): run the real ModSecurity 2.9.7 instead, for tools/diff_crs_modsec2.py.
@click.option("--engine", type=click.Choice(["modsec_py", "modsec2"]), default="modsec_py", hidden=True)
@click.option("--modsec2-module", type=click.Path(exists=True, dir_okay=False), hidden=True)
def test(rules: str, setup: str, tests: str, overrides: str | None, paranoia: int, json_out: str | None,
         include: str | None, exclude: str | None, keep: bool, engine: str, modsec2_module: str | None) -> None:
    """Run the CRS regression tests through a private real Apache running modsec_py.

    The Apache listens on a free loopback port with its own configuration and logs, and loads the
    setup file and the rules in the CRS project's test-target configuration (DetectionOnly, marker
    rule 999999; the settings for the CRS major version found). Prints each failure, then
    "N passed, M failed"; exits 0 only if every selected test passes.
    """
    from modsec_py.crstest import cli as crstest_cli

    raise SystemExit(crstest_cli.main(rules, setup, tests, overrides, paranoia, json_out, include, exclude, keep,
                                      engine, modsec2_module))
