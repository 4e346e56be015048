"""``modsec-py created``: what modsec-py created (the manifest), and whether it is still there."""

from __future__ import annotations

import click

from modsec_py.admin.manifest import render
from modsec_py.admin.root import Root
from modsec_py.cli._admin import reported, root_option


@click.command()
@root_option
def created(root: str) -> None:
    """List the files, links and directories modsec-py created.

    The record is /var/lib/modsec-py/created (tab-separated: KIND, PATH, link target), which
    the package's purge reads. Files modsec-py only edited (an existing modsecurity.conf, a
    package's crs-setup.conf) are not listed.
    """
    with reported():
        lines = render(Root(root))
    for line in lines:
        click.echo(line)
