"""modsec-py(1), written from the click command tree: ``python3 -m modsec_py.cli.manpage > modsec-py.1``.

Every visible command and option gets its help text, so the page cannot drift from ``--help``.
The date is ``$SOURCE_DATE_EPOCH``'s when set (reproducible package builds).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator

import click

from modsec_py import __version__
from modsec_py.cli import main

PROG = "modsec-py"

_FILES = (
    ("/etc/modsec_py/security2.conf", "The SecLang entry file the Apache integration and configtest read."),
    ("/etc/modsecurity/modsecurity.conf", "The server's ModSecurity configuration (see setup)."),
    ("/usr/share/modsecurity-crs", "The OWASP Core Rule Set (Debian's modsecurity-crs)."),
    ("/var/lib/modsec-py/created", "What modsec-py created (see created)."),
)
_ENVIRONMENT = (
    ("MODSEC_PY_CONFIG", "The SecLang entry file, instead of /etc/modsec_py/security2.conf."),
    ("MODSEC_PY_DEFINES", "Comma-separated names that make <IfDefine NAME> true."),
    ("MODSEC_PY_CRS_DIR", "Where the OWASP CRS is, instead of /usr/share/modsecurity-crs."),
)


def escape(text: str) -> str:
    """Text safe in a roff line: backslashes, hyphens, and control characters at a line start."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line for line in text.splitlines())


def commands(command: click.Command, name: str = PROG,
             parent: click.Context | None = None) -> Iterator[tuple[tuple[str, ...], click.Context]]:
    """``(path, context)`` for the command and each visible subcommand, depth first, sorted by name.

    Contexts are chained as when the command runs, so settings such as ``-h`` are inherited."""
    ctx = click.Context(command, info_name=name, parent=parent, **command.context_settings)
    yield tuple(ctx.command_path.split()), ctx
    if isinstance(command, click.Group):
        for sub_name in sorted(command.commands):
            sub = command.commands[sub_name]
            if not sub.hidden:
                yield from commands(sub, sub_name, ctx)


def _usage(ctx: click.Context) -> str:
    return " ".join(ctx.command.collect_usage_pieces(ctx))


def _options(ctx: click.Context) -> list[str]:
    lines = []
    for param in ctx.command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:  # arguments and hidden options
            continue
        flags, help_text = record
        lines += [".TP", f"\\fB{escape(flags)}\\fR", escape(help_text or "")]
    return lines


def _help(command: click.Command) -> list[str]:
    paragraphs = (command.help or "").strip().split("\n\n")
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append(".PP")
        lines.append(escape(" ".join(paragraph.split())))
    return lines


def render(group: click.Command = main, date: str | None = None) -> str:
    """The whole page, in roff (man macros)."""
    if date is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
        date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    (_, top), *subcommands = commands(group)
    lines = [
        f'.TH MODSEC\\-PY 1 "{date}" "{PROG} {__version__}" "User Commands"',
        ".SH NAME",
        f"{PROG} \\- check and administer modsec_py, a ModSecurity v2 compatible WAF for Apache",
        ".SH SYNOPSIS",
        f"\\fB{PROG}\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...",
        ".SH DESCRIPTION",
        *_help(group),
        ".SH OPTIONS",
        *_options(top),
        ".SH COMMANDS",
    ]
    for path, ctx in subcommands:
        name = escape(" ".join(path))
        lines += [f'.SS "{name}"', f"\\fB{name}\\fR {escape(_usage(ctx))}", ".PP", *_help(ctx.command)]
        options = _options(ctx)
        if options:
            lines += [".PP", "Options:", ".RS", *options, ".RE"]
    lines.append(".SH FILES")
    for name, text in _FILES:
        lines += [".TP", f"\\fI{escape(name)}\\fR", escape(text)]
    lines.append(".SH ENVIRONMENT")
    for name, text in _ENVIRONMENT:
        lines += [".TP", f"\\fB{name}\\fR", escape(text)]
    lines += [".SH EXIT STATUS", "0 on success; 1 when the configuration has errors or a command fails.",
              ".SH SEE ALSO", "\\fBa2enmod\\fR(8), \\fBapache2ctl\\fR(8)", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
