"""What the administration commands share: ``--root``, ``--dry-run``, ``--crs-dir``, and
printing a plan's report (or the error) without ever showing a traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from modsec_py.admin.changes import Plan
from modsec_py.admin.errors import AdminError
from modsec_py.admin.root import CRS_DIR, CRS_DIR_ENV, Root

F = TypeVar("F", bound=Callable[..., object])


def root_option(function: F) -> F:
    return click.option("--root", "root", default="/", show_default=True, metavar="DIR",
                        type=click.Path(file_okay=False, exists=True),
                        help="Act on the tree under DIR as if it were / (paths written name files as this "
                             "machine sees them).")(function)


def admin_options(function: F) -> F:
    function = click.option("--dry-run", "-n", is_flag=True, help="Print what would change; change nothing.")(
        function)
    return root_option(function)


def crs_dir_option(function: F) -> F:
    return click.option("--crs-dir", metavar="DIR",
                        help=f"Where the OWASP CRS is. Default: ${CRS_DIR_ENV}, else {CRS_DIR} (inside --root).")(
        function)


@contextmanager
def reported() -> Iterator[None]:
    """Turn every failure into one line on stderr and exit status 1 (2 for a bug)."""
    try:
        yield
    except AdminError as error:
        click.echo(f"modsec-py: {error}", err=True)
        raise SystemExit(1) from None
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"modsec-py: {where}{error.strerror or error}", err=True)
        raise SystemExit(1) from None
    except Exception as error:  # a bug, but still no traceback for the user
        click.echo(f"modsec-py: internal error ({type(error).__name__}: {error}); please report it", err=True)
        raise SystemExit(2) from None


def run_plan(build: Callable[[Root], Plan], root: str, dry_run: bool) -> None:
    """Build the plan, apply it (or not, with ``dry_run``), print the report and the warnings."""
    with reported():
        where = Root(root)
        plan = build(where)
        report = plan.apply(where, dry_run)
    for line in report:
        click.echo(line)
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
