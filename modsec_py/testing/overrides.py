"""go-ftw overrides: platform overrides (``test_overrides:``) and a go-ftw config's ``testoverride:``.

A platform overrides file (the CRS project's ``tests/regression/httpd-overrides.yaml`` reads as is)::

    version: "v0.0.0"
    meta: {engine: "ModSecurity v2", platform: "httpd", annotations: [{purpose: "CRS test suite"}]}
    test_overrides:
      - rule_id: 920360
        test_ids: [1]
        reason: Requires ARG_NAME_LENGTH to be set to an appropriately low value
        output: {status: 200, log: {no_expect_ids: [920360]}}

An override's ``output`` *replaces* the stage's whole output (go-ftw ``basicApplyPlatformOverrides``) for the
listed tests and stages (none listed: all, as the schema documents; go-ftw's own loop applies an override
without ``test_ids`` to no test). A go-ftw config (``.ftw.yaml``, the CRS ``ftw-modsec2-apache.yaml``) adds
``testoverride: {input: ..., ignore: ..., forcepass: ..., forcefail: ...}``: input fields replacing every
stage's, and test-name regexes (unanchored, like Go's ``MatchString``) whose tests are not checked.

Example::

    overrides = load_overrides("httpd-overrides.yaml")
    output = overrides.apply(stage.output, rule_id=920360, test_id=1, stage_index=0)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modsec_py.testing.ftw import (
    GO_FTW,
    FtwError,
    FtwTest,
    Stage,
    StageInput,
    StageOutput,
    canonical_header_name,
    parse_output,
)

# go-ftw's result for a test a forced list names, in the order it checks them
IGNORE, FORCE_FAIL, FORCE_PASS = "ignore", "forcefail", "forcepass"


@dataclass(frozen=True)
class TestOverride:
    """One ``test_overrides`` entry. Empty ``test_ids`` / ``stage_ids`` mean every test / stage."""

    __test__ = False  # not a pytest test class

    rule_id: int
    test_ids: tuple[int, ...]
    stage_ids: tuple[int, ...]
    reason: str
    output: StageOutput
    retry_once: bool | None = None

    def matches(self, rule_id: int | None, test_id: int | None, stage_index: int | None = None) -> bool:
        """Whether this override applies to that stage (``stage_index`` None: to some stage of the test)."""
        if rule_id != self.rule_id:
            return False
        if self.test_ids and test_id not in self.test_ids:
            return False
        return stage_index is None or not self.stage_ids or stage_index in self.stage_ids


@dataclass(frozen=True)
class InputOverrides:
    """``testoverride.input``: fields replacing every stage's (None: keep the stage's)."""

    dest_addr: str | None = None
    port: int | None = None
    protocol: str | None = None
    uri: str | None = None
    version: str | None = None
    method: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    data: str | None = None
    save_cookie: bool | None = None
    stop_magic: bool | None = None
    autocomplete_headers: bool | None = None
    encoded_request: str | None = None
    override_empty_host_header: bool | None = None

    def apply(self, stage_input: StageInput) -> StageInput:
        """go-ftw's ApplyInputOverrides: simple fields replaced, ``Host`` set to ``dest_addr`` when asked and
        absent, each override header replacing every header of its name (and moving to the end)."""
        changes: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("dest_addr", "port", "protocol", "uri", "version", "method", "save_cookie", "encoded_request")
            if getattr(self, name) is not None
        }
        if self.data is not None:
            changes["data"] = self.data.encode("utf-8", "surrogatepass")
        headers = list(stage_input.headers)
        if stage_input.runner == GO_FTW and stage_input.sort_headers is not False:
            headers.sort(key=lambda pair: pair[0])  # the order go-ftw built from the map, before Set
        replaced = False
        if self.dest_addr is not None and self.override_empty_host_header:
            if not any(canonical_header_name(name) == "Host" for name, _ in headers):
                headers = _set_header(headers, "Host", self.dest_addr)
                replaced = True
        for name, value in self.headers:
            headers = _set_header(headers, name, value)
            replaced = True
        if replaced:
            changes["headers"] = tuple(headers)
            changes["sort_headers"] = False
        if self.autocomplete_headers is not None or self.stop_magic is not None:
            autocomplete = (self.autocomplete_headers if self.autocomplete_headers is not None
                            else not self.stop_magic)
            changes["autocomplete_headers"] = autocomplete
            changes["stop_magic"] = not autocomplete
        return dataclasses.replace(stage_input, **changes) if changes else stage_input


@dataclass(frozen=True)
class Overrides:
    """A platform overrides file and/or a go-ftw config's ``testoverride``; ``settings`` keeps the config's
    other keys (``logfile``, ``mode``, ``maxmarkerloglines``, ``logmarkerheadername``, ...)."""

    path: Path | None = None
    version: str | None = None
    engine: str | None = None
    platform: str | None = None
    annotations: tuple[tuple[str, str], ...] = ()
    test_overrides: tuple[TestOverride, ...] = ()
    input: InputOverrides = InputOverrides()
    ignore: tuple[tuple[str, str], ...] = ()
    force_pass: tuple[tuple[str, str], ...] = ()
    force_fail: tuple[tuple[str, str], ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def for_test(self, rule_id: int | None, test_id: int | None) -> tuple[TestOverride, ...]:
        """The overrides touching some stage of that test, in file order."""
        return tuple(entry for entry in self.test_overrides if entry.matches(rule_id, test_id))

    def apply(self, output: StageOutput, rule_id: int | None, test_id: int | None,
              stage_index: int = 0) -> StageOutput:
        """The stage's output after the overrides (the last matching one wins, as each replaces the output)."""
        for entry in self.test_overrides:
            if entry.matches(rule_id, test_id, stage_index):
                output = entry.output
                if entry.retry_once is not None:
                    output = dataclasses.replace(output, retry_once=entry.retry_once)
        return output

    def apply_to_test(self, test: FtwTest) -> FtwTest:
        """``test`` with every stage's output overridden and ``testoverride.input`` applied."""
        stages = tuple(
            Stage(self.input.apply(stage.input), self.apply(stage.output, test.rule_id, test.test_id, index),
                  stage.description)
            for index, stage in enumerate(test.stages)
        )
        return dataclasses.replace(test, stages=stages)

    def forced(self, name: str) -> tuple[str, str] | None:
        """(``IGNORE`` | ``FORCE_FAIL`` | ``FORCE_PASS``, reason) for a test name a list matches, else None."""
        for kind, entries in ((IGNORE, self.ignore), (FORCE_FAIL, self.force_fail), (FORCE_PASS, self.force_pass)):
            for pattern, reason in entries:
                if re.search(pattern, name):
                    return kind, reason
        return None


def load_overrides(path: str | Path) -> Overrides:
    """Read a platform overrides file or a go-ftw config (or one holding both)."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FtwError(f"{path}: {error}") from error
    return parse_overrides(document or {}, path)


def parse_overrides(document: Mapping[str, Any], path: Path | None = None) -> Overrides:
    """The ``Overrides`` of an already parsed document."""
    if not isinstance(document, Mapping):
        raise FtwError(f"{path}: an overrides file is a mapping")
    platform = document.get("platformoverrides")
    source = platform if isinstance(platform, Mapping) else document
    meta = source.get("meta") or {}
    entries = tuple(_test_override(entry, index) for index, entry in enumerate(source.get("test_overrides") or ()))
    test_override = document.get("testoverride") or {}
    known = {"version", "meta", "test_overrides", "testoverride", "platformoverrides"}
    return Overrides(
        path=path,
        version=_text(source.get("version")),
        engine=_text(meta.get("engine")),
        platform=_text(meta.get("platform")),
        annotations=_pairs(meta.get("annotations")),
        test_overrides=entries,
        input=_input_overrides(test_override.get("input") or {}),
        ignore=_pairs(test_override.get("ignore")),
        force_pass=_pairs(test_override.get("forcepass")),
        force_fail=_pairs(test_override.get("forcefail")),
        settings={key: value for key, value in document.items() if key not in known},
    )


def _test_override(entry: Any, index: int) -> TestOverride:
    if not isinstance(entry, Mapping) or "rule_id" not in entry:
        raise FtwError(f"test_overrides[{index}] needs a rule_id")
    return TestOverride(
        rule_id=int(entry["rule_id"]),
        test_ids=_ints(entry.get("test_ids")),
        stage_ids=_ints(entry.get("stage_ids")),
        reason=str(entry.get("reason") or ""),
        output=parse_output(entry.get("output") or {}),
        retry_once=None if entry.get("retry_once") is None else bool(entry["retry_once"]),
    )


def _input_overrides(source: Mapping[str, Any]) -> InputOverrides:
    def boolean(key: str) -> bool | None:
        return None if source.get(key) is None else bool(source[key])

    return InputOverrides(
        dest_addr=_text(source.get("dest_addr")),
        port=None if source.get("port") is None else int(source["port"]),
        protocol=_text(source.get("protocol")),
        uri=_text(source.get("uri")),
        version=_text(source.get("version")),
        method=_text(source.get("method")),
        headers=_pairs(source.get("headers")),
        data=_text(source.get("data")),
        save_cookie=boolean("save_cookie"),
        stop_magic=boolean("stop_magic"),
        autocomplete_headers=boolean("autocomplete_headers"),
        encoded_request=_text(source.get("encoded_request")),
        override_empty_host_header=boolean("override_empty_host_header"),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _ints(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    return tuple(int(item) for item in (value if isinstance(value, list) else [value]))


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    """A map, or a list of maps (the CRS files write ``annotations`` that way), as (key, value) pairs."""
    items: list[tuple[str, str]] = []
    for mapping in value if isinstance(value, list) else [value or {}]:
        if not isinstance(mapping, Mapping):
            raise FtwError(f"expected a mapping, got {mapping!r}")
        items.extend((str(key), "" if item is None else str(item)) for key, item in mapping.items())
    return tuple(items)


def _set_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """go-ftw Header.Set: drop every header of the same canonical name, append the new one."""
    wanted = canonical_header_name(name)
    return [pair for pair in headers if canonical_header_name(pair[0]) != wanted] + [(name, value)]
