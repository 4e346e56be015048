"""Every operator Debian's ModSecurity 2.9.7 registers, with v2's load-time checks.

The table copies ``msre_engine_register_default_operators`` (apache2/re_operators.c); names
keep v2's registered spelling (``ipmatch``, ``ipmatchFromFile``, ``ipmatchf``) and are
looked up case-insensitively. ``check(param, rule_file_dir)`` reproduces the operator's
``param_init`` with v2's messages; ``param`` is the text after the operator name (v2 has
already skipped the blanks before it). What v2 does not refuse is accepted here too:

* Only ``@rx`` and ``@validateHash`` postpone compiling a pattern that contains ``%{`` to run
  time; ``@verifyCC``/``@verifyCPF``/``@verifySSN``/``@gsbLookup`` compile it as written, and
  ``@pm``, ``@pmFromFile`` and ``@ipMatch*`` never expand macros.
* ``@validateDTD``/``@validateSchema`` load their file per request; ``@geoLookup`` and ``@rbl``
  take no load-time check; Debian builds without ssdeep, so ``@fuzzyHash`` accepts anything
  at load and fails at run time ("ModSecurity was not compiled with ssdeep support.").

Two refusals are modsec_py's own, both naming what cannot be loaded: Lua scripts
(``@inspectFile x.lua``) and ``https://`` lists, which v2 downloads while loading.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

from modsec_py._util import sources
from modsec_py._util.cnum import atoi
from modsec_py.errors import ItemArgumentError

__all__ = ["OPERATORS", "OperatorSpec", "check_pattern", "get_operator"]


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    name: str  # v2's registered spelling
    param_required: bool  # an empty argument is refused at load time
    check: Callable[[str, str], None] | None  # check(param, rule_file_dir)


_C_SPACE = " \t\n\v\f\r"
_C_SPACE_RUN = re.compile(f"[{_C_SPACE}]+")


def check_pattern(pattern: str) -> None:
    """Compile ``pattern`` as v2's PCRE would; refuse it with v2's message."""
    from modsec_py._util.pcre import PcreError, compile_pcre

    try:
        compile_pcre(pattern)
    except PcreError as error:
        offset = 0 if error.offset is None else error.offset
        raise ItemArgumentError(f"Error compiling pattern (offset {offset}): {error.message}") from None


def _check_pattern_unless_macro(param: str, _directory: str) -> None:
    if "%{" not in param:  # v2 compiles it per transaction, after macro expansion
        check_pattern(param)


def _check_pattern_always(param: str, _directory: str) -> None:
    check_pattern(param)


def _pm_content_error(text: str) -> str | None:
    """What parse_pm_content refuses: nothing left after blanks and one pair of quotes, or
    a backslash outside ``|hex|`` before anything but ``: ; \\ "``."""
    text = text.lstrip(_C_SPACE)
    if text[:1] == '"' and text[-1:] == '"':
        text = text[1:-1]
    if not text:
        return "Content length is 0."
    binary = escaped = False
    for char in text:
        if char == "|":
            binary = not binary
        elif not escaped and char == "\\":
            escaped = True
        elif binary:
            continue  # hex digits and anything else; an escape stays pending
        elif escaped:
            if char not in ':;\\"':
                return "Unsupported escape sequence."
            escaped = False
    return None


def _check_pm(param: str, _directory: str) -> None:
    if not param:
        raise ItemArgumentError("Missing parameter for operator 'pm'.")


def _check_strmatch(param: str, _directory: str) -> None:
    error = _pm_content_error(param)
    if error is not None:
        raise ItemArgumentError(error)


# -- files ---------------------------------------------------------------------------------

def _resolve(directory: str, path: str) -> str:
    """apr_filepath_merge against the rule file's directory (absolute paths are kept)."""
    if path.startswith("/"):
        return path
    merged = os.path.normpath(os.path.join(directory, path))
    return merged + "/" if path.endswith("/") and not merged.endswith("/") else merged


def _read(path: str, what: str) -> bytes:
    try:
        return sources.read(path)
    except IsADirectoryError as error:
        raise ItemArgumentError(f'Could not read "{path}" line 1: {error.strerror}') from None
    except OSError as error:
        raise ItemArgumentError(f'Could not open {what} "{path}": {error.strerror}') from None


def _refuse_remote(location: str, operator: str) -> None:
    """v2 refuses http:// lists and downloads https:// ones while loading; modsec_py does not."""
    if len(location) > len("http://") and location.startswith("http://"):
        raise ItemArgumentError(
            f'HTTPS address or file path are expected for operator {operator} "{location}"')
    if len(location) > len("https://") and location.startswith("https://"):
        raise ItemArgumentError(
            f'Cannot load "{location}" for operator {operator}: modsec_py does not download '
            "lists while loading rules; download the file and give its path",
            notes=("ModSecurity 2.9.7 fetches it with curl at load time",),
        )


def _check_phrase_files(param: str, directory: str) -> None:
    if not param:
        raise ItemArgumentError("Missing parameter for operator 'pmFromFile'.")
    for name in _C_SPACE_RUN.split(param):
        if name:
            _refuse_remote(name, "pmFromFile")
            _read(_resolve(directory, name), "phrase file")


_IP_CHARS = re.compile(r"[0-9A-Fa-f./:]*")


def _ip_entry_ok(entry: str) -> bool:
    """TreeAddIP: inet_pton of the address and a CIDR mask of 1-31 (IPv4) or 1-127 (IPv6).

    v2 quirks kept: /32 and /128 (and /0) are refused; the mask is read with atoi(); an
    IPv4 mask may not contain '.', an IPv6 one no ':'; entries are cut at 31/127 chars.
    """
    if ":" not in entry:
        family, entry, bits, forbidden = socket.AF_INET, entry[:31], 31, "."
    else:
        family, entry, bits, forbidden = socket.AF_INET6, entry[:127], 127, ":"
    address, slash, mask = entry.partition("/")
    if slash and (forbidden in mask or not 1 <= atoi(mask) <= bits):
        return False
    try:
        socket.inet_pton(family, address)
    except (OSError, ValueError):
        return False
    return True


def _check_ip_list(param: str, _directory: str) -> None:
    # ip_tree_from_param: apr_strtok(param, ","); the message quotes param as strtok left it.
    first = len(param) - len(param.lstrip(","))
    cut = param.find(",", first)
    shown = param if cut < 0 else param[:cut]
    for entry in param.split(","):
        if entry and not _ip_entry_ok(entry):
            raise ItemArgumentError(f'Could not add entry "{entry}" from: {shown}.')


def _check_ip_file(param: str, directory: str) -> None:
    if not param:
        raise ItemArgumentError("Missing parameter for operator 'ipmatchFromFile'.")
    name = param.lstrip(_C_SPACE)  # one file name, spaces and all
    if not name:
        raise ItemArgumentError(f'Empty file specification for operator ipmatchFromFile "{name}"')
    _refuse_remote(name, "ipmatchFromFile")
    path = _resolve(directory, name)
    for number, line in enumerate(_read(path, "ipmatch file").decode("latin-1").split("\n"), 1):
        # Each line: blanks, then the longest run of hex digits, '.', '/', ':' (so '#...' is skipped).
        match = _IP_CHARS.match(line.lstrip(_C_SPACE))
        entry = match.group() if match else ""
        if entry and not _ip_entry_ok(entry):
            raise ItemArgumentError(
                f'Could not add entry "{entry}" in line {number} of file {path} to IP list')


def _check_inspect_file(param: str, directory: str) -> None:
    if not param.strip(_C_SPACE):
        raise ItemArgumentError("Operator @inspectFile requires parameter.")
    path = param if param.startswith("/") else os.path.join(directory, param)  # resolve_relative_path
    if len(param) > 4 and path.endswith(".lua"):
        raise ItemArgumentError(
            f'Cannot load Lua script "{path}" (@inspectFile): modsec_py does not run Lua scripts',
            notes=("ModSecurity 2.9.7 would compile it with its embedded Lua 5.1 interpreter",),
        )


# -- rsub, validateByteRange ---------------------------------------------------------------

def _scan_to_delimiter(text: list[str], i: int, delimiter: str) -> int:
    """v2's loop: index of the char before the first unescaped delimiter, or of the NUL."""
    if text[i] == delimiter:
        return i
    while text[i] != "\0":
        if text[i] == delimiter and text[i - 1] != "\\":
            return i - 1
        i += 1
    return i


def _check_rsub(param: str, _directory: str) -> None:
    if param[:1].lower() != "s":
        raise ItemArgumentError("Error rsub operator format, must be s/ pattern")
    text = [*param, "\0", "\0", "\0"]  # NUL-terminated, with room for v2's overruns
    delimiter = text[1]
    replacement: str | None = None
    if delimiter != "\0":
        i = _scan_to_delimiter(text, 2, delimiter)
        if text[i] != "\0":
            text[i + 1] = "\0"
            start = i = i + 2
            i = _scan_to_delimiter(text, i, delimiter)
            if text[i] != "\0":
                text[i + 1] = "\0"
            replacement = "".join(text[start:text.index("\0", start)])
    if replacement is None:
        raise ItemArgumentError("Error rsub operator format - must be s/regex/str/[flags]")
    # param_remove_escape() turns "\/" into "/", then parse_pm_content() must accept it.
    if _pm_content_error(replacement.replace("\\/", "/")) is not None:
        raise ItemArgumentError("Error rsub operator parsing input data")
    # Unknown flags only set a message v2 ignores; the regex itself is never checked at load.


def _check_byte_range(param: str, _directory: str) -> None:
    for item in param.split(","):
        if not item:
            continue
        dash = item.find("-")
        if dash < 0:
            value = atoi(item)
            if not 0 <= value <= 255:
                raise ItemArgumentError(f"Invalid range value: {value}")
            continue
        start, end = atoi(item), atoi(item[dash + 1:])
        if not 0 <= start <= 255:
            raise ItemArgumentError(f"Invalid range start value: {start}")
        if not 0 <= end <= 255:
            raise ItemArgumentError(f"Invalid range end value: {end}")
        if start > end:
            raise ItemArgumentError(f"Invalid range: {start}-{end}")


# -- the table -----------------------------------------------------------------------------

# name, argument required, check: v2's registration order.
_REGISTRATIONS: tuple[tuple[str, bool, Callable[[str, str], None] | None], ...] = (
    ("unconditionalMatch", False, None),
    ("noMatch", False, None),
    ("ipmatch", False, _check_ip_list),  # "@ipMatch" (an empty list loads)
    ("ipmatchFromFile", True, _check_ip_file),
    ("ipmatchf", True, _check_ip_file),
    ("rsub", True, _check_rsub),
    ("rx", False, _check_pattern_unless_macro),
    ("validateHash", False, _check_pattern_unless_macro),
    ("pm", True, _check_pm),
    ("pmFromFile", True, _check_phrase_files),
    ("pmf", True, _check_phrase_files),
    ("within", False, None),
    ("contains", False, None),
    ("containsWord", False, None),
    ("detectSQLi", False, None),
    ("detectXSS", False, None),
    ("streq", False, None),
    ("beginsWith", False, None),
    ("endsWith", False, None),
    ("strmatch", True, _check_strmatch),
    ("validateDTD", False, None),
    ("validateSchema", False, None),
    ("verifyCC", False, _check_pattern_always),
    ("verifyCPF", False, _check_pattern_always),
    ("verifySSN", False, _check_pattern_always),
    ("geoLookup", False, None),
    ("gsbLookup", False, _check_pattern_always),
    ("rbl", False, None),
    ("inspectFile", True, _check_inspect_file),
    ("fuzzyHash", False, None),
    ("validateByteRange", False, _check_byte_range),
    ("validateUrlEncoding", False, None),
    ("validateUtf8Encoding", False, None),
    ("eq", False, None),
    ("gt", False, None),
    ("lt", False, None),
    ("le", False, None),
    ("ge", False, None),
)

OPERATORS: dict[str, OperatorSpec] = {entry[0].lower(): OperatorSpec(*entry) for entry in _REGISTRATIONS}


def get_operator(name: str) -> OperatorSpec | None:
    """The operator called ``name`` (case-insensitive, as v2's apr_table lookup), or None."""
    return OPERATORS.get(name.lower()) if name.isascii() else None
