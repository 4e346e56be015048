"""The one exception administration commands raise for problems the user can act on."""

from __future__ import annotations


class AdminError(Exception):
    """A refusal or a problem, worded for the user; the CLI prints it without a traceback."""
