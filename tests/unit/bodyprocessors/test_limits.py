"""Body limits and SecArgumentsLimit as Debian's 2.9.7 applies them; the processor registry."""

from __future__ import annotations

import pytest

from modsec_py.bodyprocessors import (
    JsonProcessor,
    MultipartParser,
    XmlProcessor,
    apply_arguments_limit,
    check_body_length,
    check_content_length,
    check_no_files_length,
    parse_arguments,
    processor_for,
    processor_name,
    unknown_processor_message,
    urlencoded_length,
    v2_knows_processor,
)
from modsec_py.config import BodyLimitAction, EngineConfig, RuleEngineMode

MODES = [(engine, action) for engine in (RuleEngineMode.ON, RuleEngineMode.DETECTION_ONLY)
         for action in (BodyLimitAction.REJECT, BodyLimitAction.PROCESS_PARTIAL)]


def config(engine: RuleEngineMode, action: BodyLimitAction) -> EngineConfig:
    return EngineConfig(rule_engine=engine, request_body_limit=100, request_body_no_files_limit=100,
                        request_body_limit_action=action)


@pytest.mark.parametrize(("engine", "action"), MODES)
def test_content_length_over_the_limit(engine: RuleEngineMode, action: BodyLimitAction) -> None:
    verdict = check_content_length(130, config(engine, action))
    assert verdict.exceeded
    if (engine, action) == (RuleEngineMode.ON, BodyLimitAction.REJECT):
        assert verdict.status == 413 and not verdict.inbound_data_error
        assert verdict.message == b"Request body (Content-Length) is larger than the configured limit (100). " \
                                  b"Deny with status (413)"
    else:
        assert verdict.status is None and verdict.inbound_data_error
        assert verdict.message == b"Request body (Content-Length) is larger than the configured limit (100)."
    assert not check_content_length(100, config(engine, action)).exceeded


@pytest.mark.parametrize(("engine", "action"), MODES)
def test_chunked_body_over_the_limit(engine: RuleEngineMode, action: BodyLimitAction) -> None:
    verdict = check_body_length(101, config(engine, action))
    rejects = (engine, action) == (RuleEngineMode.ON, BodyLimitAction.REJECT)
    assert verdict.status == (413 if rejects else None)
    assert not verdict.inbound_data_error  # measured: chunked bodies never set INBOUND_DATA_ERROR


@pytest.mark.parametrize(("engine", "action"), MODES)
def test_no_files_limit_is_413_in_every_mode(engine: RuleEngineMode, action: BodyLimitAction) -> None:
    verdict = check_no_files_length(101, config(engine, action))
    assert verdict.status == 413
    assert verdict.message == b"Request body no files data length is larger than the configured limit (100)."
    assert check_no_files_length(100, config(engine, action)).status is None


def test_process_partial_cuts_urlencoded_only() -> None:
    body = b"&".join(b"a%d=xxxxxxxx" for _ in range(12)).replace(b"%d", b"0")
    cut = urlencoded_length(len(body), config(RuleEngineMode.ON, BodyLimitAction.PROCESS_PARTIAL))
    assert cut == 100
    arguments = parse_arguments(body[:cut]).arguments
    assert len(arguments) == 9 and arguments[-1] == (b"a0", b"x")  # as 2.9.7: the 9th argument cut short


def test_no_files_length_counts_headers_and_fields_not_files() -> None:
    parser = MultipartParser(b"multipart/form-data; boundary=XX")
    head_a = b'Content-Disposition: form-data; name="a"\r\n'
    head_f = b'Content-Disposition: form-data; name="f"; filename="f"\r\n'
    parser.feed(b"--XX\r\n" + head_a + b"\r\n" + b"y" * 60 + b"\r\n--XX\r\n" + head_f + b"\r\n" + b"z" * 200
                + b"\r\n--XX--\r\n")
    result = parser.finish()
    assert result.no_files_length == len(head_a) + 2 + 60 + len(head_f) + 2


def test_arguments_limit() -> None:
    assert apply_arguments_limit(3, [(b"d", b"4"), (b"e", b"5"), (b"f", b"6")], 4) == ([(b"d", b"4")], True)
    assert apply_arguments_limit(0, [(b"a", b"1")], 4) == ([(b"a", b"1")], False)
    assert apply_arguments_limit(5, [(b"a", b"1")], 4) == ([], True)


def test_registry_is_case_insensitive_v2_is_not() -> None:
    assert processor_for("multipart") is MultipartParser
    assert processor_for("Json") is JsonProcessor and processor_for("XML") is XmlProcessor
    assert processor_for("URLENCODED") is None and processor_name("urlencoded") == "URLENCODED"
    assert processor_name("yaml") is None and processor_for("yaml") is None
    assert v2_knows_processor("JSON") and not v2_knows_processor("json")
    assert unknown_processor_message(b"json") == b"Unknown request body processor: json"
