"""What the SecLang reader produces: directives with their place in the source."""

from __future__ import annotations

from dataclasses import dataclass

from modsec_py.errors import SourceLocation


@dataclass(frozen=True, slots=True)
class Directive:
    """One logical configuration line, split into arguments the way Apache splits them.

    ``location`` is the first physical line (what we report); ``include_chain``
    lists the Include directives, outermost first, that led to this file.
    """

    name: str
    args: tuple[str, ...]
    location: SourceLocation
    include_chain: tuple[SourceLocation, ...] = ()
    last_line: int = 0  # the last physical line: where Apache, and so ModSecurity, places it

    @property
    def directory(self) -> str:
        """The directory of the file holding this directive (relative paths resolve here)."""
        import os.path

        return os.path.dirname(os.path.abspath(self.location.file))
