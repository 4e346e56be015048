"""Run ftw / go-ftw regression tests through a private real Apache running modsec_py.

One Apache (loopback, free port, own ServerRoot, pid file and logs; KeepAlive Off) runs the backend of
``backend.py`` behind the WSGI middleware in mod_wsgi's embedded mode (Apache's request record is passed: the
raw header table). Every stage is sent byte for byte over a raw socket, bracketed by marker requests
(``X-CRS-Test: <uuid>-s`` / ``-e``, logged by rule 999999); the stage's error-log lines are the lines between
the two marker lines, less the opening marker's own transaction. The server closes each connection after the
response, and only once the request, phase 5 included, is over, so reading to EOF means the lines are written.

Example::

    with TargetServer.start(rules, setup) as server:
        results = run(server, load_dir(tests), Selection(include="^9201"))
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modsec_py.crstest import engines, target
from modsec_py.testing import apache
from modsec_py.testing.crs_inprocess import judge
from modsec_py.testing.ftw import (
    GO_FTW,
    FtwError,
    FtwFile,
    FtwTest,
    Stage,
    StageOutput,
    expand_uris,
    marker_request,
    raw_request,
    test_name,
)
from modsec_py.testing.overrides import FORCE_FAIL, FORCE_PASS, IGNORE, Overrides

_ID = re.compile(r'\[id "(\d+)"\]')
_UNIQUE_ID = re.compile(r'\[unique_id "([^"]*)"\]')
_STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})")
NO_MARKERS = "the marker lines never appeared in the error log"


@dataclass
class Response:
    """What came back for one request: the raw bytes, the status (None: no HTTP response), an error."""

    raw: bytes = b""
    status: int | None = None
    error: str | None = None


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    file: str
    passed: bool
    reason: str = ""
    ids: list[int] = field(default_factory=list)
    status: list[int | None] = field(default_factory=list)
    stage_ids: list[list[int]] = field(default_factory=list)  # per request sent (a stage, or one of its URIs)
    forced: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Selection:
    """Which tests run: ``include`` / ``exclude`` are regexes searched in the test name."""

    include: str | None = None
    exclude: str | None = None

    def wants(self, name: str) -> bool:
        if self.include and not re.search(self.include, name):
            return False
        return not (self.exclude and re.search(self.exclude, name))


# ------------------------------------------------------------------------------------------------ server


@dataclass
class TargetServer:
    """A running Apache with the test target; ``host``/``port`` where to send requests."""

    instance: apache.ApacheInstance
    major: int
    root: Path
    home: Path
    host: str = "127.0.0.1"
    timeout: float = 10.0

    @property
    def port(self) -> int:
        return self.instance.port

    @classmethod
    @contextmanager
    def start(cls, rules: Path, setup: Path, paranoia: int = 4, keep: bool = False,
              timeout: float = 10.0, engine: str = engines.MODSEC_PY,
              modsec2_module: Path | None = None) -> Iterator[TargetServer]:
        """Build, start, and at the end stop and remove (unless ``keep``) a private Apache.

        ``engine``: ``modsec_py``, or ``modsec2`` for the real ModSecurity 2 (``modsec2_module``, else the
        default of :mod:`modsec_py.crstest.engines`) with the same entry file (differential testing)."""
        reason = apache.missing()
        if reason:
            raise target.TargetError(reason)
        try:
            module = engines.module_path(engine, modsec2_module)
        except engines.EngineError as error:
            raise target.TargetError(str(error)) from error
        rules, setup = Path(rules), Path(setup)
        if not rules.is_dir():
            raise target.TargetError(f"{rules} is not a directory of CRS rule files")
        major = target.crs_major(setup, rules)
        home = apache.install_copy(apache.make_home("modsec_py-crstest-home-"))
        root = apache.make_home("modsec_py-crstest-")
        instance = apache.ApacheInstance(root=root, home=home)
        try:
            sites = _prepare(instance, rules, setup, major, paranoia, engine, module)
            instance.write_config(sites)
            apache.make_readable(root)
            apache.writable_by_server(instance.logs)
            apache.writable_by_server(root / "data")
            instance.check_syntax()
            instance.start()
            server = cls(instance, major, root, home, timeout=timeout)
            server.warm_up()
            yield server
        finally:
            instance.stop()
            if not keep:
                shutil.rmtree(root, ignore_errors=True)
                shutil.rmtree(home, ignore_errors=True)

    def send(self, wire: bytes, timeout: float | None = None) -> Response:
        """Write ``wire`` on a new connection and read the answer to EOF (the server closes it)."""
        response = Response()
        chunks: list[bytes] = []
        try:
            with socket.create_connection((self.host, self.port), timeout=timeout or self.timeout) as sock:
                try:
                    sock.sendall(wire)
                except OSError as error:  # the server may answer (400) and close before all is written
                    response.error = f"sending: {error}"
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
        except OSError as error:
            response.error = f"{type(error).__name__}: {error}"
        response.raw = b"".join(chunks)
        found = _STATUS_LINE.match(response.raw)
        if found:
            response.status = int(found.group(1))
        elif response.error is None:
            response.error = "no HTTP response" if not response.raw else "not an HTTP response"
        return response

    def warm_up(self) -> None:
        """The first request builds the WAF (loads the rules): wait for it."""
        answer = self.send(marker_request("warm-up", GO_FTW), timeout=300)
        if answer.status is None:
            raise target.TargetError(f"the test target does not answer ({answer.error}); "
                                     f"{self.instance.error_log}:\n{self.instance.read_error_log()[-4000:]}")
        self.instance.read_error_log()  # (lines so far are nobody's)


def _prepare(instance: apache.ApacheInstance, rules: Path, setup: Path, major: int, paranoia: int,
             engine: str = engines.MODSEC_PY, module: Path | None = None) -> str:
    """Copy the rules and setup file (readable by the server's user), write the SecLang and the WSGI script."""
    root, home = instance.root, instance.home
    seclang = root / "seclang"
    seclang.mkdir(parents=True)
    shutil.copytree(rules, seclang / "rules", ignore=shutil.ignore_patterns("*.example"))
    shutil.copyfile(setup, seclang / "crs-setup.conf")
    (root / "data").mkdir(exist_ok=True)
    extra = target.MODSECURITY_EXTRA + (target.MODSECURITY_EXTRA_V4 if major >= 4 else "")
    modsecurity = seclang / "modsecurity.conf"
    modsecurity.write_text(apache.modsecurity_conf(home, instance.logs, root / "data", "DetectionOnly", extra))
    entry = seclang / "entry.conf"
    entry.write_text(target.entry_file(modsecurity, seclang / "crs-setup.conf", seclang / "rules", major,
                                       paranoia))
    wsgi = root / "wsgi"
    wsgi.mkdir()
    (wsgi / "backend.wsgi").write_text(engines.wsgi_script(engine, major))
    return f"""
KeepAlive Off
WSGIChunkedRequest On
WSGIScriptAlias / {wsgi}/backend.wsgi process-group=%{{GLOBAL}} application-group=%{{GLOBAL}}
{engines.apache_lines(engine, entry, module)}"""


# ----------------------------------------------------------------------------------------------- the log


class LogReader:
    """Reads what the error log gained since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def read(self) -> str:
        try:
            with self.path.open("rb") as stream:
                stream.seek(self.offset)
                data = stream.read()
        except OSError:
            return ""
        cut = data.rfind(b"\n") + 1  # whole lines only
        self.offset += cut
        return data[:cut].decode("utf-8", "replace")


def between_markers(text: str, start: str, end: str) -> list[str] | None:
    """The lines after the ``start`` marker's line and before the ``end`` marker's line, less the lines of the
    ``start`` marker's own transaction (same unique_id); None until the ``end`` line is there."""
    lines = text.splitlines()
    begin = next((index for index, line in enumerate(lines) if start in line), None)
    if begin is None:
        return None
    finish = next((index for index in range(begin + 1, len(lines)) if end in lines[index]), None)
    if finish is None:
        return None
    found = _UNIQUE_ID.search(lines[begin])
    own = found.group(1) if found else None
    return [line for line in lines[begin + 1:finish] if own is None or _unique_id(line) != own]


def _unique_id(line: str) -> str | None:
    found = _UNIQUE_ID.search(line)
    return found.group(1) if found else None


def _access_lines(server: TargetServer) -> int:
    try:
        with (server.instance.logs / "access.log").open("rb") as stream:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 16), b""))
    except OSError:
        return 0


def stage_lines(server: TargetServer, log: LogReader, send: Callable[[], Response],
                wait: float = 10.0) -> tuple[Response, list[str], str | None]:
    """Marker, the stage's request (``send``), marker; then the stage's error-log lines.

    When the stage got no whole response (the client gave up: a body never sent), the server may still be
    busy with it: the closing marker waits for its access-log line (written after both engines' phase 5)."""
    token = uuid.uuid4().hex
    start, end = f"{token}-s", f"{token}-e"
    text = log.read()
    served = _access_lines(server)
    server.send(marker_request(start, GO_FTW))
    response = send()
    if response.error is not None:
        deadline = time.monotonic() + wait
        while _access_lines(server) < served + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    server.send(marker_request(end, GO_FTW))
    deadline = time.monotonic() + wait
    while True:
        text += log.read()
        lines = between_markers(text, start, end)
        if lines is not None:
            return response, lines, None
        if time.monotonic() > deadline:
            return response, [], NO_MARKERS
        time.sleep(0.01)


# ------------------------------------------------------------------------------------------------ judging


def judge_stage(output: StageOutput, response: Response, lines: list[str]) -> list[str]:
    """Why a stage fails (empty: it passes): status, expect_error, response_contains, the log checks."""
    problems: list[str] = []
    if output.expect_error:
        if response.error is None:
            problems.append(f"expected an error, got status {response.status}")
    elif response.error is not None and response.status is None:
        problems.append(f"request failed: {response.error}")
    if output.status and response.status not in output.status:
        wanted = output.status[0] if len(output.status) == 1 else list(output.status)
        problems.append(f"status {response.status}, expected {wanted}")
    if output.response_contains:
        text = response.raw.decode("latin-1")
        if not re.search(output.response_contains, text):
            problems.append(f"response does not match {output.response_contains!r}")
    problems += judge(Stage(None, output), lines)  # type: ignore[arg-type]
    return problems


def run_test(server: TargetServer, log: LogReader, file: FtwFile, test: FtwTest,
             overrides: Overrides | None = None) -> TestResult:
    name = test_name(file, test)
    result = TestResult(name, str(file.path), True)
    forced = overrides.forced(name) if overrides else None
    if overrides:
        test = overrides.apply_to_test(test)
    problems: list[str] = []
    ids: set[int] = set()
    for index, stage in enumerate(test.stages):
        for stage_input in expand_uris(stage.input):
            try:
                wire = raw_request(stage_input)
            except FtwError as error:
                problems.append(f"stage {index + 1}: cannot build the request: {error}")
                continue
            attempts = 2 if stage.output.retry_once else 1  # go-ftw: send once more before failing
            for _attempt in range(attempts):
                response, lines, trouble = stage_lines(server, log, lambda wire=wire: server.send(wire))
                failures = ([trouble] if trouble else []) + judge_stage(stage.output, response, lines)
                if not failures:
                    break
            result.status.append(response.status)
            logged = {int(found) for line in lines for found in _ID.findall(line) if int(found) != target.MARKER_ID}
            result.stage_ids.append(sorted(logged))
            ids.update(logged)
            problems += [f"stage {index + 1}: {problem}" for problem in failures]
    result.ids = sorted(ids)
    result.passed = not problems
    result.reason = "; ".join(problems)
    if forced:
        kind, why = forced
        result.forced = kind
        result.passed = kind != FORCE_FAIL if kind != IGNORE else True
        if kind in (IGNORE, FORCE_PASS):
            result.reason = f"{kind}: {why}" + (f" ({result.reason})" if result.reason else "")
    return result


def selected(files: Iterable[FtwFile], selection: Selection) -> list[tuple[FtwFile, FtwTest]]:
    return [(file, test) for file in files if file.enabled for test in file.tests
            if test.enabled and selection.wants(test_name(file, test))]


def run(server: TargetServer, files: Iterable[FtwFile], selection: Selection = Selection(),
        overrides: Overrides | None = None,
        progress: Callable[[TestResult], None] | None = None) -> list[TestResult]:
    log = LogReader(server.instance.error_log)
    results = []
    for file, test in selected(files, selection):
        result = run_test(server, log, file, test, overrides)
        results.append(result)
        if progress:
            progress(result)
    return results


def summary(results: list[TestResult]) -> str:
    passed = sum(result.passed for result in results)
    return f"{passed} passed, {len(results) - passed} failed"


def write_report(path: Path, results: list[TestResult], seconds: float, major: int) -> None:
    passed = sum(result.passed for result in results)
    report = {"crs_major": major, "passed": passed, "failed": len(results) - passed, "seconds": round(seconds, 1),
              "tests": [result.as_json() for result in results]}
    path.write_text(json.dumps(report, indent=1) + "\n")


def keep_requested() -> bool:
    return os.environ.get("MODSEC_PY_KEEP_APACHE") == "1"
