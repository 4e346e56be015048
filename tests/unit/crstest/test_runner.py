"""The pieces of ``modsec-py crs test`` that need no server: settings, markers, judging, selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py.crstest import target
from modsec_py.crstest.runner import LogReader, Response, Selection, TestResult, between_markers, judge_stage, summary
from modsec_py.testing.ftw import StageOutput


def test_settings_for_crs_3_set_paranoia_level_and_a_plain_marker() -> None:
    text = target.settings(3, paranoia=2)
    assert "setvar:tx.paranoia_level=2" in text and "blocking_paranoia_level" not in text
    assert "tx.combined_file_sizes=65535" in text and "arg_length" not in text
    assert 'id:999999,' in text and "ruleRemoveById" not in text


def test_settings_for_crs_4_add_limits_and_a_marker_removing_every_rule() -> None:
    text = target.settings(4)
    assert "setvar:tx.blocking_paranoia_level=4" in text
    for value in ("tx.arg_length=400", "tx.total_arg_length=6400", "tx.max_file_size=64100"):
        assert value in text
    assert "ctl:ruleRemoveById=1-999999" in text


def test_crs_major_from_the_setup_file_then_the_rules(tmp_path: Path) -> None:
    setup = tmp_path / "crs-setup.conf"
    setup.write_text('# setvar:tx.crs_setup_version=999\nSecAction "id:900990,setvar:tx.crs_setup_version=4280"\n')
    assert target.crs_major(setup, tmp_path) == 4
    setup.write_text("# nothing\n")
    (tmp_path / "REQUEST-901.conf").write_text("SecRule ... \"ver:'OWASP_CRS/3.3.4'\"\n")
    assert target.crs_major(setup, tmp_path) == 3
    (tmp_path / "REQUEST-901.conf").write_text("nothing\n")
    with pytest.raises(target.TargetError):
        target.crs_major(setup, tmp_path)


def line(unique_id: str, text: str) -> str:
    return f'[wsgi:error] ModSecurity: Warning. {text} [unique_id "{unique_id}"]'


def test_between_markers_skips_the_opening_marker_transaction() -> None:
    log = "\n".join([
        line("a", '[id "999999"] [msg "t-s"]'), line("a", '[id "920350"]'),
        line("b", '[id "942100"]'), line("b", '[id "949110"]'),
        line("c", '[id "999999"] [msg "t-e"]'), line("c", '[id "920350"]'),
    ])
    found = between_markers(log, "t-s", "t-e")
    assert found is not None and [item[-30:] for item in found] == [item[-30:] for item in
                                                                     log.splitlines()[2:4]]
    assert between_markers(log, "t-s", "u-e") is None
    assert between_markers(log, "u-s", "t-e") is None


def test_log_reader_returns_whole_new_lines(tmp_path: Path) -> None:
    path = tmp_path / "error.log"
    path.write_text("old\n")
    reader = LogReader(path)
    with path.open("a") as stream:
        stream.write("one\ntw")
    assert reader.read() == "one\n"
    with path.open("a") as stream:
        stream.write("o\n")
    assert reader.read() == "two\n"


def test_judge_stage_checks_status_error_response_and_log() -> None:
    ok = Response(b"HTTP/1.1 200 OK\r\n\r\nhello world", 200)
    assert judge_stage(StageOutput(status=(200,), log_contains='id "920100"'), ok, ['[id "920100"]']) == []
    assert judge_stage(StageOutput(status=(403,)), ok, []) == ["status 200, expected 403"]
    assert judge_stage(StageOutput(status=(403, 200)), ok, []) == []
    assert judge_stage(StageOutput(response_contains="hello"), ok, []) == []
    assert judge_stage(StageOutput(response_contains="bye"), ok, []) != []
    assert judge_stage(StageOutput(no_log_contains='id "920100"'), ok, ['[id "920100"]']) != []
    assert judge_stage(StageOutput(expect_ids=(1, 2)), ok, ['[id "1"]']) == ["expected id 2 not logged"]
    assert judge_stage(StageOutput(expect_error=True), ok, []) != []
    failed = Response(b"", None, "ConnectionResetError")
    assert judge_stage(StageOutput(expect_error=True), failed, []) == []
    assert judge_stage(StageOutput(status=(200,)), failed, []) != []


def test_selection_and_summary() -> None:
    selection = Selection(include="^920", exclude="-2$")
    assert selection.wants("920100-1") and not selection.wants("920100-2") and not selection.wants("930100-1")
    results = [TestResult("a", "f", True), TestResult("b", "f", False, "why")]
    assert summary(results) == "1 passed, 1 failed"


@pytest.mark.parametrize("retry, calls, passed", [(True, 2, True), (False, 1, False), (None, 1, False)])
def test_retry_once_sends_a_failing_stage_once_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    retry: bool | None, calls: int, passed: bool) -> None:
    from modsec_py.crstest import runner
    from modsec_py.testing import ftw

    retry_line = "" if retry is None else f"\n          retry_once: {str(retry).lower()}"
    (tmp_path / "900001.yaml").write_text(f"""---
meta: {{author: me, enabled: true, name: 900001.yaml}}
rule_id: 900001
tests:
  - test_id: 1
    stages:
      - input: {{dest_addr: 127.0.0.1, port: 80, uri: /, headers: {{Host: localhost}}}}
        output:
          log:
            expect_ids: [900001]{retry_line}
""")
    file = ftw.load(tmp_path / "900001.yaml")
    answers = [[], ['ModSecurity: Warning. [id "900001"]']]  # the log line arrives late the first time
    sent: list[int] = []

    def fake_stage_lines(server: object, log: object, send: object) -> tuple[Response, list[str], None]:
        sent.append(1)
        response = Response()
        response.status = 200
        return response, answers[len(sent) - 1], None

    monkeypatch.setattr(runner, "stage_lines", fake_stage_lines)
    result = runner.run_test(None, None, file, file.tests[0])  # type: ignore[arg-type]
    assert (len(sent), result.passed) == (calls, passed)
