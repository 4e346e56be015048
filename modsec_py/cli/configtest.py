"""``modsec-py configtest``: check SecLang files the way ``apache2 -t`` checks ModSecurity's."""

from __future__ import annotations

import click

from modsec_py.paths import default_entry
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import DEFAULT_SERVER_ROOT, load_files


@click.command()
@click.option("--config", "configs", multiple=True, type=click.Path(dir_okay=False),
              help="SecLang entry file (repeatable). Default: what the Apache integration loads.")
@click.option("--define", "defines", multiple=True, metavar="NAME", help="Make <IfDefine NAME> true.")
@click.option("--server-root", default=DEFAULT_SERVER_ROOT, show_default=True,
              help="Apache's ServerRoot: enabled modules for <IfModule>, fallback for relative Includes.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def configtest(configs: tuple[str, ...], defines: tuple[str, ...], server_root: str, quiet: bool) -> None:
    """Report every error in the configuration (FILE:LINE: Directive: message); exit 1 if any."""
    entries = list(configs) or [default_entry()]
    result = load_files(entries, immediate=False, conditions=Conditions.from_apache(server_root, defines),
                        server_root=server_root)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {warning.render()}", err=True)
    for error in result.errors:
        click.echo(error.render(), err=True)
    if result.errors:
        count = len(result.errors)
        click.echo(f"{count} error{'s' if count != 1 else ''} in {len(result.files)} file(s)", err=True)
        raise SystemExit(1)
    click.echo("Syntax OK")
