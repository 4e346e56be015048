"""``modsec-py engine``: SecRuleEngine for the server or for one site."""

from __future__ import annotations

import click

from modsec_py.admin.engine import MODES, plan_engine
from modsec_py.cli._admin import admin_options, run_plan


@click.command()
@click.argument("mode", type=click.Choice(list(MODES)))
@click.option("--vhost", metavar="FILE", type=click.Path(dir_okay=False),
              help="A site's SecLang entry file, or the Apache file that names it with "
                   "SetEnv MODSEC_PY_CONFIG (created, including the server's entry file, if missing).")
@admin_options
def engine(mode: str, vhost: str | None, root: str, dry_run: bool) -> None:
    """Set SecRuleEngine On, Off or DetectionOnly, keeping comments and layout.

    Without --vhost: in /etc/modsecurity/modsecurity.conf (see `modsec-py setup`). With it:
    in the site's own SecLang entry file, after what that file includes.
    """
    run_plan(lambda where: plan_engine(where, mode, vhost), root, dry_run)
