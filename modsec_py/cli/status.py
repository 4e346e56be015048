"""``modsec-py status``: which ruleset each running Apache process serves, and why."""

from __future__ import annotations

import json
import os

import click

from modsec_py.admin.root import Root
from modsec_py.cli._admin import reported, root_option
from modsec_py.state import rulesets
from modsec_py.state.rulesets import LIVE_CURRENT, LIVE_LAST_GOOD, Live, when


def _describe(live: Live) -> str:
    if live.live == LIVE_CURRENT:
        return "the files as they are (they loaded)"
    if live.live == LIVE_LAST_GOOD:
        return f"the last good ruleset saved {when(live.saved_at)}, because the files do not load"
    verdict = "refuses every request (503)" if live.failure_mode == "closed" else "passes requests UNINSPECTED"
    return f"NO ruleset: nothing ever loaded, so it {verdict}"


@click.command()
@root_option
@click.option("--state-dir", metavar="DIR", help=f"Where the processes record it. Default: "
              f"${rulesets.STATE_ENV}, else {rulesets.DEFAULT_STATE_DIR} (inside --root).")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
def status(root: str, state_dir: str | None, as_json: bool) -> None:
    """Show which ruleset the running Apache processes serve.

    A process that cannot load its entry file (a broken rule file before a graceful restart)
    keeps serving the last ruleset that loaded, saved on disk, and logs why on every start;
    this shows which processes do that and the error (file:line). Run `modsec-py
    configtest` before reloading to catch it earlier.
    """
    with reported():
        directory = state_dir or os.environ.get(rulesets.STATE_ENV) or Root(root)(rulesets.DEFAULT_STATE_DIR)
        processes = rulesets.read_live(directory)
        entries = sorted({live.entry for live in processes})
        saved = {entry: rulesets.load(directory, entry) for entry in entries}
    if as_json:
        click.echo(json.dumps({"state_dir": directory, "processes": [live.__dict__ for live in processes],
                               "last_good": {entry: found and {"digest": found.digest, "saved_at": found.saved_at,
                                                               "files": len(found.files)}
                                             for entry, found in saved.items()}}, indent=2))
        return
    if not processes:
        click.echo(f"no running modsec_py process has recorded its ruleset in {directory}")
        return
    for entry in entries:
        click.echo(entry)
        found = saved[entry]
        click.echo(f"  last good ruleset: {found.digest}, saved {when(found.saved_at)}, {len(found.files)} files"
                   if found else "  last good ruleset: none")
        for live in (live for live in processes if live.entry == entry):
            click.echo(f"  process {live.pid} (since {when(live.since)}): {_describe(live)}")
            for line in (live.error or "").splitlines() if live.live != LIVE_CURRENT else ():
                click.echo(f"    {line}")
