"""The CRS regression tests as requests: ftw YAML (CRS 3.x) and go-ftw YAML (CRS 4.x).

``load`` reads one test file into frozen dataclasses, keeping what the file says (both formats normalised
into the same shape); ``raw_request`` rebuilds the exact bytes the project's runner writes on the socket for
a stage, and ``request_parts`` splits those same bytes for an in-process transaction.

Two runners, two behaviours (``StageInput.runner`` records the file's, a ``runner=`` argument overrides it):

- ``"ftw"`` is the Python ftw 1.3 (``ftw/ruleset.py`` ``Input`` + ``ftw/http.py`` ``build_request``) that CRS 3.x
  ran: headers in file order, ``Content-Type: application/x-www-form-urlencoded`` and ``Content-Length``
  (counted in characters) appended unless ``stop_magic``, urlencoded data re-encoded through
  ``parse_qsl``/``urlencode``, data encoded with the ``charset=`` of ``Content-Type``, no ``Connection`` header,
  ``raw_request`` put through ``unicode_escape`` (so non-ASCII becomes mojibake), ``encoded_request`` sent as is.
- ``"go-ftw"`` (CRS 4.x): headers sorted by name (they come from a YAML map), ``data`` evaluated as a Go
  template, and with ``autocomplete_headers`` (default) ``Content-Type`` (when data), ``Connection: close`` and
  ``Content-Length`` (when data or a POST/PUT/PATCH/DELETE-like method) appended; urlencoded data is escaped
  pair by pair with Go's ``url.QueryEscape`` unless it already holds ``%`` or ``+``; a multipart body has every
  LF turned into CRLF.

Example::

    test_file = load("tests/REQUEST-920-PROTOCOL-ENFORCEMENT/920330.yaml")
    stage = test_file.tests[0].stages[0]
    wire = raw_request(stage.input)          # b"GET / HTTP/1.1\\r\\nUser-Agent: \\r\\nHost: localhost\\r\\n\\r\\n"
    parts = request_parts(stage.input)       # RequestParts(method=b"GET", uri=b"/", ...)
    stage.output.expects(920330)             # True: log_contains is 'id "920330"'
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import encodings.aliases
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import yaml

from modsec_py.errors import ModsecError

FTW = "ftw"
GO_FTW = "go-ftw"
RUNNERS = (FTW, GO_FTW)

# The marker the CRS test setups log (rule 999999 echoes the header value); go-ftw's default name.
LOG_MARKER_HEADER = "X-CRS-Test"

_FTW_INPUT_KEYS = frozenset({
    "raw_request", "encoded_request", "protocol", "dest_addr", "port", "method", "uri", "version", "headers",
    "data", "save_cookie", "stop_magic",
})
_GO_FTW_INPUT_KEYS = frozenset({
    "dest_addr", "port", "protocol", "uri", "uris", "follow_redirect", "version", "method", "headers", "data",
    "encoded_data", "save_cookie", "stop_magic", "autocomplete_headers", "encoded_request", "raw_request",
    "virtual_host_mode", "response",
})
_OUTPUT_KEYS = frozenset({
    "status", "response_contains", "log_contains", "no_log_contains", "log", "expect_error", "retry_once",
    "isolated",
})


class FtwError(ModsecError):
    """A test file or stage the runner itself would refuse (or crash on)."""


class UnparsableRequest(FtwError):
    """The bytes of a stage cannot be split into request line, headers and body (a server answers 400)."""


class UnsupportedTemplate(FtwError):
    """A go-ftw ``data`` template uses Go template features this module does not evaluate."""


# --------------------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class StageInput:
    """What a stage sends. ``None`` means "absent in the file" (the runner's default applies).

    ``headers`` keeps the file's order (a YAML map: a repeated name keeps its first place and its last value);
    values are what the runner sends: ``str()`` of PyYAML's value for ftw, the YAML scalar's text for go-ftw.
    ``data`` is the body as written (a list of lines joined with CRLF), UTF-8, before any runner magic.
    ``autocomplete_headers`` / ``stop_magic`` are the effective (opposite) flags. ``sort_headers`` is None for
    the runner's own order, or forces one (overrides that move headers set it to False).
    """

    runner: str = GO_FTW
    dest_addr: str | None = None
    port: int | None = None
    protocol: str | None = None
    method: str | None = None
    uri: str | None = None
    version: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    data: bytes | None = None
    encoded_request: str | None = None
    raw_request: str | None = None
    encoded_data: str | None = None
    autocomplete_headers: bool = True
    stop_magic: bool = False
    save_cookie: bool = False
    virtual_host_mode: bool = False
    follow_redirect: bool = False
    uris: tuple[str, ...] = ()
    response: Mapping[str, Any] | None = field(default=None, compare=False)
    sort_headers: bool | None = None

    @property
    def effective_dest_addr(self) -> str:
        return "localhost" if self.dest_addr is None else self.dest_addr

    @property
    def effective_port(self) -> int:
        return 80 if self.port is None else self.port

    @property
    def effective_protocol(self) -> str:
        return "http" if self.protocol is None else self.protocol

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class StageOutput:
    """What a stage expects, field for field as in the file (``status`` always a tuple).

    ``expect_ids``/``no_expect_ids`` are None when absent (go-ftw uses ``log_contains`` only when
    ``expect_ids`` is absent, and an empty list is not absent).
    """

    status: tuple[int, ...] | None = None
    log_contains: str | None = None
    no_log_contains: str | None = None
    expect_ids: tuple[int, ...] | None = None
    no_expect_ids: tuple[int, ...] | None = None
    match_regex: str | None = None
    no_match_regex: str | None = None
    response_contains: str | None = None
    expect_error: bool | None = None
    retry_once: bool | None = None
    isolated: bool = False

    @property
    def log_regex(self) -> str | None:
        """The regex the log must match: ``match_regex``, else ``log_contains`` (as go-ftw post-processes it)."""
        if self.match_regex:
            return self.match_regex
        return self.log_contains if self.log_contains and self.expect_ids is None else None

    @property
    def no_log_regex(self) -> str | None:
        """The regex the log must not match: ``no_match_regex``, else ``no_log_contains``."""
        if self.no_match_regex:
            return self.no_match_regex
        return self.no_log_contains if self.no_log_contains and self.no_expect_ids is None else None

    def expects(self, rule_id: int) -> bool:
        """Whether the stage requires rule ``rule_id`` in the log (``expect_ids``, or a log regex that
        matches ModSecurity's ``[id "N"]``; e.g. ``log_contains: 'id "920330"'``)."""
        return rule_id in (self.expect_ids or ()) or _regex_names_id(self.log_regex, rule_id)

    def forbids(self, rule_id: int) -> bool:
        """Whether the stage requires rule ``rule_id`` absent from the log (``no_expect_ids`` or a
        negative log regex matching ``[id "N"]``; ``no_log_contains: 'id:921140'`` forbids nothing)."""
        return rule_id in (self.no_expect_ids or ()) or _regex_names_id(self.no_log_regex, rule_id)

    @property
    def expected_ids(self) -> frozenset[int]:
        """Every rule id this stage ``expects`` (ids written in the regexes included)."""
        found = set(self.expect_ids or ())
        found.update(rule_id for rule_id in _ids_in(self.log_regex) if self.expects(rule_id))
        return frozenset(found)

    @property
    def forbidden_ids(self) -> frozenset[int]:
        """Every rule id this stage ``forbids``."""
        found = set(self.no_expect_ids or ())
        found.update(rule_id for rule_id in _ids_in(self.no_log_regex) if self.forbids(rule_id))
        return frozenset(found)

    @property
    def checks_log(self) -> bool:
        return bool(self.log_regex or self.no_log_regex or self.expect_ids or self.no_expect_ids or self.isolated)


@dataclass(frozen=True)
class Stage:
    input: StageInput
    output: StageOutput
    description: str | None = None


@dataclass(frozen=True)
class FtwTest:
    """One test: ``title`` is ftw's ``test_title`` (None in go-ftw files without it), ``test_id`` go-ftw's
    (for ftw, the title's number when it is one)."""

    title: str | None
    test_id: int | None
    rule_id: int | None
    description: str | None
    stages: tuple[Stage, ...]
    enabled: bool = True
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FtwFile:
    """One YAML file. ``format`` is the runner its layout belongs to; ``quirks`` lists what was odd in it."""

    path: Path
    meta: Mapping[str, Any] = field(compare=False)
    rule_id: int | None
    tests: tuple[FtwTest, ...]
    format: str = FTW
    enabled: bool = True
    quirks: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestParts:
    """A request split for an in-process transaction API; ``body`` is every byte after the header block."""

    method: bytes
    uri: bytes
    version: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        """The first value of header ``name`` (ASCII case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_length(self) -> int | None:
        """The declared ``Content-Length`` when it is a plain decimal number, else None."""
        value = self.header(b"content-length")
        return int(value) if value is not None and value.isdigit() else None


# ------------------------------------------------------------------------------------------------ loading


def load(path: str | Path, runner: str | None = None) -> FtwFile:
    """Read one ftw (3.x: ``test_title``, ``stages: [{stage: ...}]``) or go-ftw (4.x: ``rule_id``,
    ``test_id``) test file. ``runner`` forces the behaviour recorded in each ``StageInput``."""
    path = Path(path)
    quirks: list[str] = []
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        text = raw_bytes.decode("latin-1")
        quirks.append("not UTF-8: read as latin-1 (ftw and go-ftw would refuse the file)")
    typed, raw, duplicates = _parse_yaml(text, path)
    quirks.extend(
        f"line {line}: duplicate key {key!r}, the last value wins (as in PyYAML and ftw; go-ftw refuses it)"
        for key, line in duplicates
    )
    if not isinstance(typed, dict) or not isinstance(typed.get("tests"), list):
        raise FtwError(f"{path}: not an ftw test file (no 'tests' list)")
    file_format = _file_format(typed)
    stage_runner = runner or file_format
    if stage_runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r}; expected one of {RUNNERS}")
    meta = typed.get("meta") if isinstance(typed.get("meta"), dict) else {}
    enabled = meta.get("enabled", True) is not False
    if "enabled" not in meta and file_format == FTW:
        quirks.append("meta.enabled missing (ftw requires it); taken as true")
    if file_format == FTW and meta.get("name") not in (None, path.name):
        quirks.append(f"meta.name is {meta.get('name')!r}, not the file name")
    rule_id = _int_or_none(typed.get("rule_id")) or _rule_id_from_name(path.name)
    tests = tuple(
        _test(typed_test, raw_test, index, file_format, stage_runner, rule_id, enabled, quirks)
        for index, (typed_test, raw_test) in enumerate(zip(typed["tests"], raw["tests"], strict=True))
    )
    seen: set[str] = set()
    for test in tests:
        name = test.title if file_format == FTW else f"{test.rule_id}-{test.test_id}"
        if name in seen:
            quirks.append(f"test name {name!r} used twice")
        seen.add(str(name))
    return FtwFile(path, meta, rule_id, tests, file_format, enabled, tuple(quirks))


def load_dir(directory: str | Path, runner: str | None = None) -> list[FtwFile]:
    """Every ``*.yaml``/``*.yml`` file under ``directory`` (recursive), sorted by path."""
    root = Path(directory)
    paths = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [load(path, runner) for path in paths]


def test_name(file: FtwFile, test: FtwTest) -> str:
    """The id the CRS project reports: ``test_title`` for ftw files, ``<rule_id>-<test_id>`` for go-ftw."""
    if file.format == FTW and test.title is not None:
        return test.title
    return f"{test.rule_id}-{test.test_id}"


test_name.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported by one


def iter_stages(files: Iterable[FtwFile]) -> Iterator[tuple[FtwFile, FtwTest, int, Stage]]:
    """(file, test, stage index, stage) for every stage of every file."""
    for test_file in files:
        for test in test_file.tests:
            for index, stage in enumerate(test.stages):
                yield test_file, test, index, stage


def expand_uris(stage_input: StageInput) -> list[StageInput]:
    """go-ftw's ``uris``: one input per URI (``uri`` is ignored then); otherwise the input itself."""
    if not stage_input.uris:
        return [stage_input]
    return [dataclasses.replace(stage_input, uri=uri, uris=()) for uri in stage_input.uris]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present
    """SafeLoader that records duplicate mapping keys instead of silently dropping them."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[Any, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    self.duplicates.append((key, key_node.start_mark.line + 1))
                seen.add(key)
            except TypeError:  # unhashable key: the constructor reports it
                pass
        return super().construct_mapping(node, deep=deep)


def _parse_yaml(text: str, path: Path) -> tuple[Any, Any, list[tuple[Any, int]]]:
    """The document twice from one parse: PyYAML's typed values (what ftw sees) and every scalar's text
    (what go-ftw's yaml.v3 puts in a string field)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        typed = loader.construct_document(node) if node is not None else None
        return typed, _raw_tree(node), loader.duplicates
    except yaml.YAMLError as error:
        raise FtwError(f"{path}: {error}") from error
    finally:
        loader.dispose()


def _raw_tree(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, yaml.MappingNode):
        return {_raw_key(key): _raw_tree(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_raw_tree(item) for item in node.value]
    return node.value


def _raw_key(node: yaml.Node) -> Any:
    return node.value if isinstance(node, yaml.ScalarNode) else id(node)


def _file_format(document: Mapping[str, Any]) -> str:
    for test in document["tests"]:
        for stage in (test.get("stages") or () if isinstance(test, dict) else ()):
            if isinstance(stage, dict) and "stage" in stage:
                return FTW
    tests = [test for test in document["tests"] if isinstance(test, dict)]
    return GO_FTW if "rule_id" in document or any("test_id" in test for test in tests) else FTW


def _rule_id_from_name(name: str) -> int | None:
    found = re.search(r"\d+", name)
    return int(found.group()) if found else None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _test(
    typed: Any, raw: Any, index: int, file_format: str, runner: str, rule_id: int | None, enabled: bool,
    quirks: list[str],
) -> FtwTest:
    if not isinstance(typed, dict):
        raise FtwError(f"test #{index + 1} is not a mapping")
    title = None if typed.get("test_title") is None else str(typed["test_title"])
    where = title or f"test #{index + 1}"
    if file_format == FTW:
        if title is None:
            raise FtwError(f"{where}: ftw needs test_title")
        suffix = title.partition("-")[2]
        test_id = int(suffix) if suffix.isdigit() else None
        test_rule_id = rule_id if rule_id is not None else _rule_id_from_name(title)
    else:
        test_id = _int_or_none(typed.get("test_id")) or index + 1
        test_rule_id = rule_id
    stages = []
    typed_stages, raw_stages = typed.get("stages") or [], raw.get("stages") or []
    for number, (typed_stage, raw_stage) in enumerate(zip(typed_stages, raw_stages, strict=True)):
        if isinstance(typed_stage, dict) and "stage" in typed_stage:
            typed_stage, raw_stage = typed_stage["stage"], raw_stage["stage"]
        if not isinstance(typed_stage, dict):
            raise FtwError(f"{where}: stage {number} is not a mapping")
        stages.append(_stage(typed_stage, raw_stage, file_format, runner, f"{where} stage {number}", quirks))
    tags = tuple(str(tag) for tag in typed.get("tags") or ())
    test_enabled = enabled and typed.get("enabled", True) is not False
    description = None if typed.get("desc") is None else str(typed["desc"])
    return FtwTest(title, test_id, test_rule_id, description, tuple(stages), test_enabled, tags)


def _stage(typed: dict[str, Any], raw: dict[str, Any], file_format: str, runner: str, where: str,
           quirks: list[str]) -> Stage:
    typed_input = typed.get("input") or {}
    raw_input = raw.get("input") or {}
    typed_output = typed.get("output")
    if not isinstance(typed_input, dict) or not (typed_output is None or isinstance(typed_output, dict)):
        raise FtwError(f"{where}: input and output must be mappings")
    allowed = _FTW_INPUT_KEYS if file_format == FTW else _GO_FTW_INPUT_KEYS
    unknown = sorted(str(key) for key in typed_input if key not in allowed)
    if unknown:
        quirks.append(f"{where}: unknown input keys {unknown} ({file_format} would refuse them)")
    output = parse_output(typed_output or {})
    for key in ("log_contains", "no_log_contains"):
        pattern = getattr(output, key)
        named = list(_ids_in(pattern))
        if named and not any(_regex_names_id(pattern, rule_id) for rule_id in named):
            quirks.append(f"{where}: {key} {pattern!r} matches no ModSecurity [id \"N\"] (a vacuous check)")
    if file_format == GO_FTW and isinstance(typed_input.get("data"), list):
        quirks.append(f"{where}: data is a list (go-ftw refuses it); joined with CRLF as ftw does")
    if file_format == FTW and not (output.status or output.log_contains or output.no_log_contains
                                   or output.response_contains or output.expect_error):
        quirks.append(f"{where}: no status, log_contains, no_log_contains, response_contains or expect_error "
                      "(ftw refuses such an output)")
    description = None if typed.get("description") is None else str(typed["description"])
    return Stage(_stage_input(typed_input, raw_input, runner), output, description)


def _stage_input(typed: dict[str, Any], raw: dict[str, Any], runner: str) -> StageInput:
    def text(key: str) -> str | None:
        value = typed.get(key)
        if value is None:
            return None
        if runner == GO_FTW and isinstance(raw.get(key), str):
            return raw[key]
        return str(value)

    headers: list[tuple[str, str]] = []
    typed_headers = typed.get("headers") or {}
    raw_headers = raw.get("headers") or {}
    if isinstance(typed_headers, dict):
        raw_pairs = list(raw_headers.items()) if isinstance(raw_headers, dict) else []
        use_raw = runner == GO_FTW and len(raw_pairs) == len(typed_headers)
        for position, (name, value) in enumerate(typed_headers.items()):
            if use_raw:
                raw_name, raw_value = raw_pairs[position]
                headers.append((str(raw_name), "" if value is None else str(raw_value)))
            else:
                headers.append((str(name), str(value)))
    elif isinstance(typed_headers, list):  # a list of single-pair maps or [name, value] pairs
        for item in typed_headers:
            pairs = item.items() if isinstance(item, dict) else [tuple(item)]
            headers.extend((str(name), "" if value is None else str(value)) for name, value in pairs)
    data = _data(typed.get("data"), raw.get("data"), runner)
    if runner == FTW:
        # ftw tests ``stop_magic is False``: anything but a literal false stops the magic
        stop_magic = typed.get("stop_magic", False) is not False
        autocomplete = not stop_magic
    else:
        autocomplete, stop_magic = _go_autocomplete(typed.get("autocomplete_headers"), typed.get("stop_magic"))
    response = typed.get("response")
    return StageInput(
        runner=runner,
        dest_addr=text("dest_addr"),
        port=_int_or_none(typed.get("port")),
        protocol=text("protocol"),
        method=text("method"),
        uri=text("uri"),
        version=text("version"),
        headers=tuple(headers),
        data=data,
        encoded_request=text("encoded_request"),
        raw_request=text("raw_request"),
        encoded_data=text("encoded_data"),
        autocomplete_headers=autocomplete,
        stop_magic=stop_magic,
        save_cookie=bool(typed.get("save_cookie")),
        virtual_host_mode=bool(typed.get("virtual_host_mode")),
        follow_redirect=bool(typed.get("follow_redirect")),
        uris=tuple(str(uri) for uri in typed.get("uris") or ()),
        response=response if isinstance(response, dict) else None,
    )


def _data(typed: Any, raw: Any, runner: str) -> bytes | None:
    if typed is None:
        return None
    if isinstance(typed, list):  # ftw joins a list of lines with CRLF (go-ftw's schema has no list form)
        text = "\r\n".join(str(line) for line in (raw if runner == GO_FTW else typed))
    elif runner == GO_FTW and isinstance(raw, str):
        text = raw
    else:
        text = str(typed)
    return text.encode("utf-8", "surrogatepass")


def _go_autocomplete(autocomplete: Any, stop_magic: Any) -> tuple[bool, bool]:
    """go-ftw's postProcessAutocompleteHeaders: ``autocomplete_headers`` wins, else ``not stop_magic``."""
    if autocomplete is not None:
        final = bool(autocomplete)
    elif stop_magic is not None:
        final = not stop_magic
    else:
        final = True
    return final, not final


def parse_output(typed: Mapping[str, Any]) -> StageOutput:
    """A stage's ``output`` mapping (either format; go-ftw's ``log:`` block included)."""
    try:
        return _parse_output(typed)
    except (TypeError, ValueError) as error:
        raise FtwError(f"malformed output {dict(typed)!r}: {error}") from error


def _parse_output(typed: Mapping[str, Any]) -> StageOutput:
    status = typed.get("status")
    if status is None:
        statuses = None
    elif isinstance(status, list):
        statuses = tuple(int(code) for code in status)
    else:
        statuses = (int(status),)
    log = typed.get("log") or {}
    if not isinstance(log, dict):
        raise FtwError(f"output.log must be a mapping, not {log!r}")

    def ids(key: str) -> tuple[int, ...] | None:
        value = log.get(key)
        if value is None:
            return None
        return tuple(int(item) for item in (value if isinstance(value, list) else [value]))

    def text(source: Mapping[str, Any], key: str) -> str | None:
        value = source.get(key)
        return None if value is None else str(value)

    return StageOutput(
        status=statuses,
        log_contains=text(typed, "log_contains"),
        no_log_contains=text(typed, "no_log_contains"),
        expect_ids=ids("expect_ids"),
        no_expect_ids=ids("no_expect_ids"),
        match_regex=text(log, "match_regex"),
        no_match_regex=text(log, "no_match_regex"),
        response_contains=text(typed, "response_contains"),
        expect_error=None if typed.get("expect_error") is None else bool(typed["expect_error"]),
        retry_once=None if typed.get("retry_once") is None else bool(typed["retry_once"]),
        isolated=bool(typed.get("isolated")),
    )


def _regex_names_id(pattern: str | None, rule_id: int) -> bool:
    if not pattern:
        return False
    try:
        return re.search(pattern, f'[id "{rule_id}"]') is not None
    except re.error:
        return False


def _ids_in(pattern: str | None) -> Iterator[int]:
    for digits in re.findall(r"\d+", pattern or ""):
        yield int(digits)


# ------------------------------------------------------------------------------------------------ the wire


def raw_request(stage_input: StageInput, runner: str | None = None) -> bytes:
    """The exact bytes the runner (``runner``, else the stage's) writes on the socket for this stage."""
    chosen = runner or stage_input.runner
    if chosen == FTW:
        return _ftw_request(stage_input)
    if chosen == GO_FTW:
        return _go_ftw_request(stage_input)
    raise ValueError(f"unknown runner {chosen!r}; expected one of {RUNNERS}")


def marker_request(marker: str, runner: str = GO_FTW, host: str = "localhost",
                   header_name: str = LOG_MARKER_HEADER) -> bytes:
    """The request a runner sends to mark the log around a stage (the WAF logs the header's value).

    go-ftw (runner/run.go buildMarkerRequest) sends one before and one after every stage with
    ``marker = f"{uuid}-s"`` / ``f"{uuid}-e"``; ``host`` is the stage's Host header in ``virtual_host_mode``.
    The CRS 3.x-era ``CRS_Tests.py`` that used markers (``mark_and_flush_log``) sent the ftw request here.
    """
    if runner == FTW:
        headers = (("Host", host), ("User-Agent", "CRS"), ("Accept", "*/*"), (header_name, marker))
        return raw_request(StageInput(runner=FTW, version="HTTP/1.0", headers=headers))
    headers = (("Accept", "*/*"), ("User-Agent", "go-ftw test agent"), ("Host", host), (header_name, marker))
    return raw_request(StageInput(runner=GO_FTW, method="GET", uri="/status/200", version="HTTP/1.1",
                                  headers=headers, sort_headers=False), runner)


def request_parts(stage_input: StageInput, runner: str | None = None) -> RequestParts:
    """``raw_request``'s bytes split into request line, headers and body (see ``parse_request``)."""
    return parse_request(raw_request(stage_input, runner))


def parse_request(wire: bytes) -> RequestParts:
    """Split raw request bytes the lenient way HTTP servers read them.

    Lines end in LF with an optional CR; empty lines before the request line are skipped; the method runs
    to the first space and the version starts after the last one (a request line with one space is HTTP/0.9:
    empty version); header values lose surrounding spaces and tabs; a folded line (leading space or tab)
    continues the previous value. Raises ``UnparsableRequest`` when the request line or a header cannot be
    split, or the header block never ends.
    """
    position = 0
    while True:
        line, position = _next_line(wire, position)
        if line is None:
            raise UnparsableRequest("no complete request line")
        if line:
            break
    words = line.split(b" ")
    if len(words) < 2 or not words[0]:
        raise UnparsableRequest(f"malformed request line {line!r}")
    method = words[0]
    if len(words) == 2:
        uri, version = words[1], b""
    else:
        uri, version = b" ".join(words[1:-1]), words[-1]
    headers: list[tuple[bytes, bytes]] = []
    while True:
        line, position = _next_line(wire, position)
        if line is None:
            raise UnparsableRequest("header section does not end with an empty line")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not headers:
                raise UnparsableRequest(f"continuation line before any header: {line!r}")
            name, value = headers[-1]
            headers[-1] = (name, (value + b" " + line.strip(b" \t")).strip(b" \t"))
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name:
            raise UnparsableRequest(f"malformed header line {line!r}")
        headers.append((name, value.strip(b" \t")))
    return RequestParts(method, uri, version, headers, wire[position:])


def _next_line(wire: bytes, position: int) -> tuple[bytes | None, int]:
    end = wire.find(b"\n", position)
    if end < 0:
        return None, position
    line = wire[position:end]
    return (line[:-1] if line.endswith(b"\r") else line), end + 1


# ftw 1.3 (ftw/http.py HttpUA.build_request; defaults and data magic from ftw/ruleset.py Input)

_CHARSET = re.compile(r"\;\s{0,1}?charset\=(.*?)(?:$|\;|\s)")
_CODEC_NAMES = frozenset(encodings.aliases.aliases) | frozenset(encodings.aliases.aliases.values())


def _ftw_request(stage_input: StageInput) -> bytes:
    if stage_input.raw_request is not None and stage_input.encoded_request is not None:
        raise FtwError("Cannot specify both raw and encoded modes")
    if stage_input.encoded_request is not None:
        try:
            return base64.b64decode(stage_input.encoded_request)
        except (binascii.Error, ValueError) as error:
            raise FtwError(f"encoded_request is not base64: {error}") from error
    if stage_input.raw_request is not None:
        # ftw: raw.encode('utf-8').decode('unicode_escape'), sent UTF-8 encoded (non-ASCII -> mojibake)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                unescaped = stage_input.raw_request.encode("utf-8", "surrogatepass").decode("unicode_escape")
            return unescaped.encode("utf-8")
        except UnicodeError as error:
            raise FtwError(f"raw_request cannot be unescaped: {error}") from error
    headers = dict(stage_input.headers)
    data = "" if stage_input.data is None else stage_input.data.decode("utf-8", "surrogatepass")
    magic = not stage_input.stop_magic
    if data != "":  # Input.__init__
        if "Content-Type" not in headers and magic:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if headers.get("Content-Type") == "application/x-www-form-urlencoded" and magic and unquote(data) == data:
            pairs = parse_qsl(data, keep_blank_values=False, strict_parsing=False, separator="&")
            if pairs:
                data = urlencode(pairs)
        if "Content-Length" not in headers and magic:
            headers["Content-Length"] = str(len(data))  # characters, not bytes
    method = "GET" if stage_input.method is None else stage_input.method
    uri = "/" if stage_input.uri is None else stage_input.uri
    version = "HTTP/1.1" if stage_input.version is None else stage_input.version
    # the same chain of replacements as ftw, placeholders inside values included
    request = "#method# #uri##version#\r\n#headers#\r\n#data#"
    request = request.replace("#method#", method)
    request = request.replace("#uri#", uri + " ")
    request = request.replace("#version#", version)
    request = request.replace("#headers#", "".join(f"{name}: {value}\r\n" for name, value in headers.items()))
    if data != "":
        encoding = "utf-8"
        if "Content-Type" in headers and magic:
            found = _CHARSET.search(headers["Content-Type"])
            if found:
                choice = found.group(1).replace("-", "_").lower()
                if choice in _CODEC_NAMES:
                    encoding = choice
        try:
            data = data.encode(encoding, "strict").decode("utf-8")  # ftw: ensure_str(data_bytes)
        except (UnicodeError, LookupError) as error:
            raise FtwError(f"ftw cannot encode the data as {encoding}: {error}") from error
    try:
        return request.replace("#data#", data).encode("utf-8", "strict")
    except UnicodeError as error:
        raise FtwError(f"ftw cannot encode the request: {error}") from error


# go-ftw (ftwhttp/request.go BuildRequest, runner/run.go getRequestFromTest, test/data.go GetData)

_GO_BODY_METHODS = re.compile(r"\APOST|PUT|PATCH|DELETE\Z")  # Go's `^POST|PUT|PATCH|DELETE$`, searched


def _go_ftw_request(stage_input: StageInput) -> bytes:
    if stage_input.encoded_request:
        return _go_base64(stage_input.encoded_request, "encoded_request")
    if stage_input.raw_request:  # go-ftw before 1.0 sent raw_request verbatim; later versions dropped it
        return stage_input.raw_request.encode("utf-8", "surrogatepass")
    method = "GET" if stage_input.method is None else stage_input.method
    uri = "/" if stage_input.uri is None else stage_input.uri
    version = "HTTP/1.1" if stage_input.version is None else stage_input.version
    headers = list(stage_input.headers)
    if stage_input.sort_headers is not False:  # a YAML map: NewHeaderFromMap sorts the names
        headers.sort(key=lambda pair: pair[0])
    data = go_ftw_data(stage_input)
    autocomplete = stage_input.autocomplete_headers
    if data and autocomplete:
        if not _go_has(headers, "Content-Type"):
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        data = _go_encode_form(headers, data)
    content_types = [value for name, value in headers if canonical_header_name(name) == "Content-Type"]
    if data is not None and any("multipart/form-data;" in value.lower() for value in content_types):
        data = data.replace(b"\n", b"\r\n")
    if autocomplete:
        if not _go_has(headers, "Connection"):
            headers.append(("Connection", "close"))
        if not _go_has(headers, "Content-Length") and (data or _GO_BODY_METHODS.search(method)):
            headers.append(("Content-Length", str(len(data or b""))))
    head = f"{method} {uri} {version}\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    return head.encode("utf-8", "surrogatepass") + (data or b"")


def go_ftw_data(stage_input: StageInput) -> bytes | None:
    """go-ftw's body before autocompletion: ``data`` evaluated as a Go template (a template Go cannot parse
    or execute gives no body at all), else ``encoded_data`` decoded."""
    if stage_input.data is not None:
        text = stage_input.data.decode("utf-8", "surrogatepass")
        if "{{" not in text:
            return stage_input.data
        try:
            return go_template(text).encode("utf-8", "surrogateescape")
        except _TemplateError:
            return None
    if stage_input.encoded_data is not None:
        try:
            return _go_base64(stage_input.encoded_data, "encoded_data")
        except FtwError:
            return None
    return None


def _go_base64(text: str, what: str) -> bytes:
    """Go's base64.StdEncoding.DecodeString: padding required, only CR and LF ignored."""
    try:
        return base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError) as error:
        raise FtwError(f"{what} is not base64: {error}") from error


_TOKEN_CHARS = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def canonical_header_name(name: str) -> str:
    """go-ftw's header identity, net/textproto.CanonicalMIMEHeaderKey: ``content-TYPE`` -> ``Content-Type``
    (a name with a byte that is not a token character is left alone)."""
    raw = name.encode("utf-8", "surrogatepass")
    if not raw or any(byte not in _TOKEN_CHARS for byte in raw):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _go_has(headers: list[tuple[str, str]], name: str) -> bool:
    wanted = canonical_header_name(name)
    return any(canonical_header_name(key) == wanted for key, _ in headers)


def _go_encode_form(headers: list[tuple[str, str]], data: bytes) -> bytes:
    """encodeDataParameters: ``key=value`` pairs escaped with url.QueryEscape when the data has nothing
    QueryUnescape would change (no ``%`` and no ``+``)."""
    urlencoded = any(
        canonical_header_name(name) == "Content-Type" and value.casefold() == "application/x-www-form-urlencoded"
        for name, value in headers
    )
    if not urlencoded or b"%" in data or b"+" in data:
        return data
    escaped: list[bytes] = []
    for token in data.split(b"&"):
        key, equals, value = token.partition(b"=")
        escaped.append(_go_query_escape(key) + b"=" + _go_query_escape(value) if equals else _go_query_escape(token))
    if data.endswith(b"&"):  # Go's loop stops when nothing remains after the last '&'
        escaped.pop()
        return b"&".join(escaped) if escaped else b""
    return b"&".join(escaped)


_GO_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def _go_query_escape(value: bytes) -> bytes:
    """url.QueryEscape: unreserved bytes kept, space to '+', everything else %XX (upper case)."""
    return b"".join(
        bytes([byte]) if byte in _GO_UNRESERVED else b"+" if byte == 0x20 else b"%%%02X" % byte for byte in value
    )


# ------------------------------------------------------------------------- Go text/template (go-ftw data)


class _TemplateError(Exception):
    """Go's text/template would fail to parse or execute (go-ftw then sends no body)."""


_SPACE = " \t\r\n"
_KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"})


def go_template(source: str) -> str:
    """Evaluate ``source`` as go-ftw does (Go text/template with sprig, nil data) for a subset: text,
    comments, trim markers, string/raw/char/number/bool literals, pipelines, parentheses and the
    functions in ``_FUNCTIONS``. Raises ``UnsupportedTemplate`` beyond that, ``_TemplateError`` where Go fails.
    """
    out: list[str] = []
    position = 0
    trim_next = False
    while True:
        start = source.find("{{", position)
        text = source[position:] if start < 0 else source[position:start]
        if trim_next:
            text = text.lstrip(_SPACE)
        if start < 0:
            out.append(text)
            return "".join(out)
        cursor = start + 2
        if source[cursor:cursor + 1] == "-" and source[cursor + 1:cursor + 2] in tuple(_SPACE):
            text = text.rstrip(_SPACE)
            cursor += 2
        out.append(text)
        if source.startswith("/*", cursor):
            end = source.find("*/", cursor + 2)
            if end < 0:
                raise _TemplateError("unclosed comment")
            cursor = end + 2
            trim_next, cursor = _close_action(source, cursor, comment=True)
            position = cursor
            continue
        tokens, cursor, trim_next = _lex_action(source, cursor)
        out.append(_format_value(_evaluate(tokens)))
        position = cursor


def _close_action(source: str, cursor: int, comment: bool = False) -> tuple[bool, int]:
    if source.startswith("}}", cursor):
        return False, cursor + 2
    if source[cursor:cursor + 1] in tuple(_SPACE):
        rest = cursor
        while source[rest:rest + 1] in tuple(_SPACE) and rest < len(source):
            rest += 1
        if source.startswith("-}}", rest):
            return True, rest + 3
        if comment:
            raise _TemplateError("comment ends before closing delimiter")
    raise _TemplateError("unclosed action")


_Token = tuple[str, Any]  # (kind, value): str, int, bool, ident, pipe, open, close


def _lex_action(source: str, cursor: int) -> tuple[list[_Token], int, bool]:
    tokens: list[_Token] = []
    while True:
        if cursor >= len(source):
            raise _TemplateError("unclosed action")
        char = source[cursor]
        if char in _SPACE:
            rest = cursor
            while rest < len(source) and source[rest] in _SPACE:
                rest += 1
            if source.startswith("-}}", rest):
                return tokens, rest + 3, True
            cursor = rest
            continue
        if source.startswith("}}", cursor):
            return tokens, cursor + 2, False
        if char == '"':
            end = cursor + 1
            while end < len(source) and source[end] != '"':
                if source[end] == "\n":
                    raise _TemplateError("unterminated quoted string")
                end += 2 if source[end] == "\\" else 1
            if end >= len(source):
                raise _TemplateError("unterminated quoted string")
            tokens.append(("str", _go_unquote(source[cursor + 1:end])))
            cursor = end + 1
        elif char == "`":
            end = source.find("`", cursor + 1)
            if end < 0:
                raise _TemplateError("unterminated raw quoted string")
            tokens.append(("str", source[cursor + 1:end].replace("\r", "")))
            cursor = end + 1
        elif char == "'":
            end = cursor + 1
            while end < len(source) and source[end] != "'":
                end += 2 if source[end] == "\\" else 1
            value = _go_unquote(source[cursor + 1:end]) if end < len(source) else ""
            if len(value) != 1:
                raise _TemplateError("malformed character constant")
            tokens.append(("int", ord(value)))
            cursor = end + 1
        elif char.isdigit() or (char in "+-" and source[cursor + 1:cursor + 2].isdigit()):
            found = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]+)").match(source, cursor)
            assert found is not None
            end = found.end()
            if end < len(source) and (source[end].isalnum() or source[end] in "._"):
                raise UnsupportedTemplate(f"number {source[cursor:end + 1]!r}... in a go-ftw template")
            tokens.append(("int", int(found.group().replace("_", ""), 0)))
            cursor = end
        elif char.isalpha() or char == "_":
            found = re.compile(r"\w+").match(source, cursor)
            assert found is not None
            word = found.group()
            if word in ("true", "false"):
                tokens.append(("bool", word == "true"))
            elif word == "nil" or word in _KEYWORDS:
                raise UnsupportedTemplate(f"{word!r} in a go-ftw template")
            else:
                tokens.append(("ident", word))
            cursor = found.end()
        elif char == "|":
            tokens.append(("pipe", char))
            cursor += 1
        elif char == "(":
            tokens.append(("open", char))
            cursor += 1
        elif char == ")":
            tokens.append(("close", char))
            cursor += 1
        elif char in ".$:=,":
            raise UnsupportedTemplate(f"{char!r} (fields, variables) in a go-ftw template")
        else:
            raise _TemplateError(f"unrecognized character in action: {char!r}")


def _go_unquote(body: str) -> str:
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"',
              "'": "'"}
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = body[index + 1:index + 2]
        if code in simple:
            out.append(simple[code])
            index += 2
        elif code in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[code]
            digits = body[index + 2:index + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise _TemplateError("invalid escape in string")
            out.append(chr(int(digits, 16)) if code != "x" else _go_byte(int(digits, 16)))
            index += 2 + width
        elif code.isdigit():
            digits = body[index + 1:index + 4]
            if len(digits) != 3 or not all(c in "01234567" for c in digits):
                raise _TemplateError("invalid escape in string")
            if int(digits, 8) > 255:
                raise _TemplateError("octal escape value > 255")
            out.append(_go_byte(int(digits, 8)))
            index += 4
        else:
            raise _TemplateError("invalid escape in string")
    return "".join(out)


def _go_byte(value: int) -> str:
    """A byte escape of a Go string: bytes >= 0x80 stay raw bytes (a surrogate escape here)."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def _evaluate(tokens: list[_Token]) -> Any:
    if not tokens:
        raise _TemplateError("missing value for command")
    value, rest = _pipeline(tokens)
    if rest:
        raise _TemplateError(f"unexpected {rest[0][1]!r} in operand")
    return value


def _pipeline(tokens: list[_Token]) -> tuple[Any, list[_Token]]:
    value, tokens = _command(tokens, None, first=True)
    while tokens and tokens[0][0] == "pipe":
        value, tokens = _command(tokens[1:], value, first=False)
    return value, tokens


def _command(tokens: list[_Token], piped: Any, first: bool) -> tuple[Any, list[_Token]]:
    operands: list[_Token | tuple[str, Any]] = []
    while tokens and tokens[0][0] not in ("pipe", "close"):
        kind, value = tokens[0]
        if kind == "open":
            inner, rest = _pipeline(tokens[1:])
            if not rest or rest[0][0] != "close":
                raise _TemplateError("unclosed left paren")
            operands.append(("value", inner))
            tokens = rest[1:]
        else:
            operands.append((kind, value))
            tokens = tokens[1:]
    if not operands:
        raise _TemplateError("missing command")
    head_kind, head = operands[0]
    if head_kind == "ident":
        function = _FUNCTIONS.get(head)
        if function is None:
            raise UnsupportedTemplate(f"function {head!r} in a go-ftw template")
        arguments = [_operand(operand) for operand in operands[1:]]
        if not first:
            arguments.append(piped)
        return function(*arguments), tokens
    if len(operands) > 1 or not first:
        raise _TemplateError("can't give argument to non-function")
    return _operand(operands[0]), tokens


def _operand(operand: tuple[str, Any]) -> Any:
    kind, value = operand
    if kind == "ident":
        function = _FUNCTIONS.get(value)
        if function is None:
            raise UnsupportedTemplate(f"function {value!r} in a go-ftw template")
        return function()
    return value


def _format_value(value: Any) -> str:
    """fmt.Sprint of one value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sprint(*values: Any) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out = ""
    for index, value in enumerate(values):
        if index and not isinstance(value, str) and not isinstance(values[index - 1], str):
            out += " "
        out += _format_value(value)
    return out


def _typed(*kinds: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        def checked(*arguments: Any) -> Any:
            if len(arguments) != len(kinds):
                raise _TemplateError(f"wrong number of args: want {len(kinds)} got {len(arguments)}")
            for argument, kind in zip(arguments, kinds, strict=True):
                if not isinstance(argument, kind) or (kind is int and isinstance(argument, bool)):
                    raise _TemplateError(f"wrong type for value; expected {kind.__name__}")
            return function(*arguments)
        return checked
    return wrap


def _printf(template: Any, *values: Any) -> str:
    if not isinstance(template, str):
        raise _TemplateError("wrong type for value; expected string")
    pending = list(values)

    def verb(found: re.Match[str]) -> str:
        if found.group() == "%%":
            return "%"
        if found.group() not in ("%s", "%v", "%d"):
            raise UnsupportedTemplate(f"printf verb {found.group()!r} in a go-ftw template")
        if not pending:
            return f"%!{found.group()[-1]}(MISSING)"
        value = pending.pop(0)
        if found.group() == "%d" and not (isinstance(value, int) and not isinstance(value, bool)):
            raise UnsupportedTemplate(f"printf %d of {value!r} in a go-ftw template")
        return _format_value(value)

    result = re.sub(r"%[-+# 0-9.*\[\]]*[a-zA-Z%]?", verb, template)
    if pending:
        raise UnsupportedTemplate("printf with extra arguments in a go-ftw template")
    return result


def _b64dec(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError) as error:
        return f"illegal base64 data: {error}"


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    # sprig
    "repeat": _typed(int, str)(lambda count, text: text * max(count, 0)),
    "upper": _typed(str)(str.upper),
    "lower": _typed(str)(str.lower),
    "trim": _typed(str)(lambda text: text.strip(" \t\r\n\v\f")),
    "trimAll": _typed(str, str)(lambda cut, text: text.strip(cut)),
    "replace": _typed(str, str, str)(lambda old, new, text: text.replace(old, new)),
    "cat": lambda *values: " ".join(_format_value(v) for v in values if v is not None),
    "b64enc": _typed(str)(lambda text: base64.b64encode(text.encode("utf-8", "surrogateescape")).decode("ascii")),
    "b64dec": _typed(str)(_b64dec),
    # text/template builtins
    "print": _sprint,
    "println": lambda *values: " ".join(_format_value(v) for v in values) + "\n",
    "printf": _printf,
    "urlquery": lambda *values: _go_query_escape(_sprint(*values).encode("utf-8", "surrogateescape")).decode("ascii"),
}
