"""The ``modsec-py`` command: a click group, one module per command, no logic of its own."""

from __future__ import annotations

import click

from modsec_py import __version__
from modsec_py.cli.configtest import configtest
from modsec_py.cli.created import created
from modsec_py.cli.crs import crs
from modsec_py.cli.engine import engine
from modsec_py.cli.setup import setup
from modsec_py.cli.status import status


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modsec-py")
def main() -> None:
    """modsec_py: a ModSecurity v2 compatible web application firewall for Apache."""


main.add_command(configtest)
main.add_command(setup)
main.add_command(engine)
main.add_command(crs)
main.add_command(created)
main.add_command(status)
