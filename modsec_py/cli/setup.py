"""``modsec-py setup``: the server's ModSecurity configuration, from the recommended one."""

from __future__ import annotations

import click

from modsec_py.admin.setup import plan_setup
from modsec_py.cli._admin import admin_options, run_plan


@click.command()
@click.option("--force", is_flag=True, help="Replace an existing modsecurity.conf.")
@admin_options
def setup(force: bool, root: str, dry_run: bool) -> None:
    """Copy /etc/modsecurity/modsecurity.conf-recommended to modsecurity.conf.

    Applies the seed tutorial's advice: SecTmpDir and SecDataDir in /var/cache/modsecurity,
    which survives reboots. SecRuleEngine stays DetectionOnly. An existing modsecurity.conf
    is kept unless --force is given.
    """
    run_plan(lambda where: plan_setup(where, force=force), root, dry_run)
