"""The ``modsec-py`` command: a click group, one module per command, no logic of its own."""

from __future__ import annotations

import click

from modsec_py import __version__
from modsec_py.cli.configtest import configtest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="modsec-py")
def main() -> None:
    """modsec_py: a ModSecurity v2 compatible web application firewall for Apache."""


main.add_command(configtest)
