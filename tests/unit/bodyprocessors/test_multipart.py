"""The multipart parser: every flag v2.9.7 raises, its messages, and real browser bodies.

Each flag case is a minimal raw body; :data:`FLAG_CASES` and :data:`ERROR_CASES` were run
through Debian's ModSecurity 2.9.7 and give the same ARGS, FILES*, MULTIPART_* and
REQBODY_ERROR_MSG there. Cases named after a v2 regression test port it
(tests/regression/misc/00-multipart-parser.t, target/10-variable-multipart_strict_error.t).
"""

from __future__ import annotations

import os
from dataclasses import fields

import pytest

from modsec_py.bodyprocessors.multipart import MultipartFlags, MultipartParser, MultipartResult, TempFileSpool

CT = b"multipart/form-data; boundary=XX"
PART_A = b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
END = b"--XX--\r\n"
FLAG_NAMES = [field.name for field in fields(MultipartFlags)]


def parse(body: bytes, content_type: bytes = CT, chunk: int | None = None, **options: object) -> MultipartResult:
    parser = MultipartParser(content_type, **options)  # type: ignore[arg-type]
    step = chunk or max(len(body), 1)
    for start in range(0, len(body), step):
        parser.feed(body[start:start + step])
    return parser.finish()


def summary(result: MultipartResult) -> tuple:
    return (result.error, result.flags, result.arguments, result.multipart_name, result.multipart_filename,
            result.no_files_length, [(p.kind, p.name, p.filename, p.headers, p.header_lines, p.value, p.size,
                                      p.length, p.offset) for p in result.parts])


def raised(result: MultipartResult) -> set[str]:
    return {name for name in FLAG_NAMES if getattr(result.flags, name)}


# -- real browser bodies ----------------------------------------------------------------------------

FIREFOX_CT = b"multipart/form-data; boundary=---------------------------9051914041544843365972754266"
FIREFOX = (
    b"-----------------------------9051914041544843365972754266\r\n"
    b'Content-Disposition: form-data; name="text"\r\n\r\n'
    b"text default\r\n"
    b"-----------------------------9051914041544843365972754266\r\n"
    b'Content-Disposition: form-data; name="file1"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"Content of a.txt.\n\r\n"
    b"-----------------------------9051914041544843365972754266\r\n"
    b'Content-Disposition: form-data; name="file2"; filename="a.html"\r\n'
    b"Content-Type: text/html\r\n\r\n"
    b"<!DOCTYPE html><title>Content of a.html.</title>\n\r\n"
    b"-----------------------------9051914041544843365972754266--\r\n"
)
CHROME_CT = b"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"
CHROME = (
    b"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    b'Content-Disposition: form-data; name="user"\r\n\r\n'
    b"\xc3\xa9l\xc3\xa8ve\r\n"
    b"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    b'Content-Disposition: form-data; name="empty"\r\n\r\n'
    b"\r\n"
    b"------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
    b'Content-Disposition: form-data; name="upload"; filename=""\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
    b"\r\n"
    b"------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n"
)
CURL_CT = b"multipart/form-data; boundary=------------------------d74496d66958873e"
CURL = (
    b"--------------------------d74496d66958873e\r\n"
    b'Content-Disposition: form-data; name="person"\r\n\r\n'
    b"anonymous\r\n"
    b"--------------------------d74496d66958873e\r\n"
    b'Content-Disposition: form-data; name="secret"; filename="file.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
    b"\x00\x01\r\n\xff--not-a-boundary\r\n\r\n"
    b"--------------------------d74496d66958873e--\r\n"
)


def test_firefox_body_is_clean() -> None:
    result = parse(FIREFOX, FIREFOX_CT)
    assert result.error is None and raised(result) == {"crlf_line"}
    assert result.arguments == [(b"text", b"text default")]
    assert [(f.name, f.filename, f.size, f.content_type) for f in result.files] == [
        (b"file1", b"a.txt", 18, b"text/plain"), (b"file2", b"a.html", 49, b"text/html")]
    assert result.files_combined_size == 67
    assert result.parts[1].header_lines == [b'Content-Disposition: form-data; name="file1"; filename="a.txt"',
                                            b"Content-Type: text/plain"]
    assert (result.multipart_name, result.multipart_filename) == (b"file2", b"a.html")


def test_chrome_body_empty_field_and_empty_file() -> None:
    result = parse(CHROME, CHROME_CT)
    assert result.error is None and not result.flags.strict_error
    assert result.arguments == [(b"user", b"\xc3\xa9l\xc3\xa8ve"), (b"empty", b"")]
    assert [(f.name, f.filename, f.size) for f in result.files] == [(b"upload", b"", 0)]


def test_curl_binary_file_with_boundary_lookalike() -> None:
    result = parse(CURL, CURL_CT)
    assert result.error is None and not result.flags.strict_error
    assert not result.flags.unmatched_boundary  # "--not-a-boundary" is not --<boundary>
    assert result.files[0].size == len(b"\x00\x01\r\n\xff--not-a-boundary\r\n")


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 4096])
def test_chunking_does_not_matter_before_the_end(chunk: int) -> None:
    assert summary(parse(FIREFOX, FIREFOX_CT, chunk=chunk)) == summary(parse(FIREFOX, FIREFOX_CT))


# -- one flag at a time --------------------------------------------------------------------------

FLAG_CASES = [
    pytest.param(CT, PART_A + END, set(), id="clean"),
    pytest.param(b'multipart/form-data; boundary="XX"', PART_A + END, {"boundary_quoted"}, id="boundary-quoted"),
    pytest.param(b"multipart/form-data; boundary =XX", PART_A + END, {"boundary_whitespace"}, id="boundary-ws-name"),
    pytest.param(b"multipart/form-data; boundary= XX", PART_A.replace(b"--XX", b"-- XX") + b"-- XX--\r\n",
                 {"boundary_whitespace"}, id="boundary-ws-value-kept-in-boundary"),
    pytest.param(CT, b"preamble\r\n" + PART_A + END, {"data_before"}, id="data-before"),
    pytest.param(CT, PART_A + END + b"epilogue", {"data_after"}, id="data-after"),
    pytest.param(CT, PART_A + b"--XX--\r\n\r\n", {"data_after"}, id="data-after-even-crlf"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\n1\r\n' + END,
                 {"header_folding"}, id="header-folding"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data;\r\n\x0bname="a"\r\n\r\n1\r\n' + END,
                 {"header_folding", "invalid_header_folding"}, id="invalid-header-folding"),
    pytest.param(CT, PART_A.replace(b"\r\n", b"\n") + b"--XX--\n", {"lf_line"}, id="lf-line"),
    pytest.param(CT, PART_A.replace(b"name=\"a\"\r\n", b"name=\"a\"\n") + END, {"lf_line", "crlf_line"},
                 id="crlf-lf-lines"),
    pytest.param(b"multipart/form-data boundary=XX", PART_A + END, {"missing_semicolon"}, id="missing-semicolon"),
    pytest.param(CT, PART_A.replace(b'"a"', b"'a'") + END, {"invalid_quoting"}, id="invalid-quoting-single"),
    pytest.param(CT, PART_A.replace(b'"a"', b'"o\'k"') + END, set(), id="single-quote-inside-double-ok-2.9.6"),
    pytest.param(CT, PART_A.replace(b'"a"', b"o'k") + END, {"invalid_quoting"}, id="single-quote-unquoted"),
    pytest.param(CT, PART_A + b'--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\n--XX--',
                 {"invalid_part"}, id="invalid-part-final-boundary-where-data-starts"),
    pytest.param(CT, PART_A.replace(b"1\r\n", b"1 --XX 2\r\n") + END, {"unmatched_boundary"},
                 id="unmatched-boundary-inside-line"),
    pytest.param(CT, PART_A.replace(b"1\r\n", b"--YY\r\n") + END, {"unmatched_boundary"},
                 id="unmatched-boundary-other-dashes"),
    pytest.param(CT, PART_A.replace(b"1\r\n", b"--\r\n") + END, {"unmatched_boundary"},
                 id="unmatched-boundary-lone-dashes"),
    pytest.param(CT, PART_A + b"--XX--", set(), id="final-boundary-without-crlf"),
]


@pytest.mark.parametrize(("content_type", "body", "flags"), FLAG_CASES)
def test_each_flag(content_type: bytes, body: bytes, flags: set[str]) -> None:
    result = parse(body, content_type)
    assert result.error is None
    assert raised(result) - {"crlf_line"} == flags - {"crlf_line"}
    assert result.flags.strict_error is bool(flags - {"crlf_line", "unmatched_boundary"})
    assert result.flags.crlf_lf_lines is ({"lf_line", "crlf_line"} <= raised(result))


def test_invalid_part_keeps_the_boundary_line_as_data() -> None:
    # CVE-2022-48279 fix: the line is no boundary, so the final boundary is missing
    result = parse(PART_A + b'--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\n--XX\r\nx\r\n' + END)
    assert result.flags.invalid_part
    assert result.arguments == [(b"a", b"1"), (b"b", b"--XX\r\nx")]


def test_data_in_a_later_chunk_is_flagged_data_before() -> None:
    parser = MultipartParser(CT)
    parser.feed(PART_A + END)
    parser.feed(b"later")
    result = parser.finish()
    assert result.flags.data_before and not result.flags.data_after


def test_file_limit_exceeded_when_files_are_extracted() -> None:
    body = (b'--XX\r\nContent-Disposition: form-data; name="f1"; filename="1"\r\n\r\nx\r\n'
            b'--XX\r\nContent-Disposition: form-data; name="f2"; filename="2"\r\n\r\ny\r\n' + END)
    assert not parse(body, upload_file_limit=1).flags.file_limit_exceeded  # not extracted: not counted
    result = parse(body, upload_file_limit=1, extract_files=True)
    assert result.flags.file_limit_exceeded and result.flags.strict_error
    assert result.error is None
    assert result.files_combined_size == 2


def test_file_limit_counts_the_last_allowed_file_too() -> None:
    # v2 checks the count on every data line: with limit 1, the first file's second line trips it
    body = b'--XX\r\nContent-Disposition: form-data; name="f"; filename="1"\r\n\r\nx\r\ny\r\n' + END
    assert parse(body, upload_file_limit=1, extract_files=True).flags.file_limit_exceeded
    assert not parse(body, upload_file_limit=2, extract_files=True).flags.file_limit_exceeded


def test_files_go_to_the_sink(tmp_path: os.PathLike[str]) -> None:
    spool = TempFileSpool(str(tmp_path), "TXID", 0o640)
    result = parse(CURL, CURL_CT, extract_files=True, file_sink_factory=spool)
    [stored] = result.files
    assert stored.tmp_file_name == spool.created[0]
    assert os.path.basename(stored.tmp_file_name).split("-")[2:4] == ["TXID", "file"]
    with open(stored.tmp_file_name, "rb") as handle:
        assert handle.read() == b"\x00\x01\r\n\xff--not-a-boundary\r\n"
    assert os.stat(stored.tmp_file_name).st_mode & 0o777 == 0o640


def test_sink_failure_is_v2s_error() -> None:
    def failing(_part: object) -> object:
        raise OSError(13, "denied", "/nope/x-file-XXXXXX")

    result = parse(CURL, CURL_CT, extract_files=True, file_sink_factory=failing)  # type: ignore[arg-type]
    assert result.error is not None
    assert result.error.message == b"Multipart parsing error: Multipart: Failed to create file: /nope/x-file-XXXXXX"


def test_part_headers_and_names() -> None:
    body = (b'--XX\r\nContent-Disposition: form-data; name="a"\r\nX-Foo: bar\r\n baz\r\n\r\n1\r\n'
            b'--XX\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\n'
            b"hello\nworld\r\n--XX--\r\n")
    result = parse(body)
    assert [part.header_lines for part in result.parts] == [
        [b'Content-Disposition: form-data; name="a"', b"X-Foo: bar baz"],
        [b'Content-Disposition: form-data; name="f"; filename="x.txt"', b"Content-Type: text/plain"]]
    assert result.parts[0].header(b"x-foo") == b"bar baz"
    assert result.files[0].size == 11
    assert raised(result) == {"header_folding", "lf_line", "crlf_line"}


# -- errors -------------------------------------------------------------------------------------------

ERROR_CASES = [
    pytest.param(b"multipart/form-data; boundary=XX; charset=utf-8", PART_A + END,
                 b"Multipart: Invalid boundary in C-T (characters).", False, id="ct-characters"),
    pytest.param(b"multipart/form-data", PART_A + END, b"Multipart: Boundary not found in C-T.", False,
                 id="ct-no-boundary"),
    pytest.param(b"multipart/form-data; Boundary=XX", PART_A + END,
                 b"Multipart: Invalid boundary in C-T (case sensitivity).", False, id="ct-case"),
    pytest.param(b'multipart/form-data; boundary="XX', PART_A + END, b"Multipart: Invalid boundary in C-T (quote).",
                 False, id="ct-quote"),
    pytest.param(b"multipart/form-data; boundary=XX; boundary=YY", PART_A + END,
                 b"Multipart: Multiple boundary parameters in C-T.", False, id="ct-multiple"),
    pytest.param(b"multipart/form-data; boundary=", PART_A + END, b"Multipart: Invalid boundary in C-T (empty).",
                 False, id="ct-empty"),
    pytest.param(b"multipart/form-data; x; boundary=XX", PART_A + END,
                 b"Multipart: Invalid boundary in C-T (malformed).", False, id="ct-malformed"),
    pytest.param(CT, PART_A + b"--XXjunk\r\n", b"Multipart parsing error: Multipart: Invalid boundary: --XXjunk\\r\\n",
                 False, id="invalid-boundary"),
    pytest.param(b'multipart/form-data; boundary="XX"', PART_A + b'--"XX"\r\n',
                 b"Multipart parsing error: Multipart: Invalid boundary (quotes).", False, id="boundary-quotes"),
    pytest.param(CT, PART_A + b"-- XX\r\n", b"Multipart parsing error: Multipart: Invalid boundary (whitespace).",
                 False, id="boundary-whitespace"),
    pytest.param(CT, b"--XX\r\nContent-Type: text/plain\r\n\r\nx\r\n" + END,
                 b"Multipart parsing error: Multipart: Part missing Content-Disposition header.", False,
                 id="no-content-disposition"),
    pytest.param(CT, b"--XX\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''x\r\n\r\nx\r\n" + END,
                 b"Multipart parsing error: Multipart: Invalid Content-Disposition header (-11): form-data; name=a; "
                 b"filename*=UTF-8''x.", False, id="filename-star-unknown-parameter"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data; name="a"; name="b"\r\n\r\nx\r\n' + END,
                 b'Multipart parsing error: Multipart: Invalid Content-Disposition header (-14): form-data; name="a";'
                 b' name="b".', False, id="duplicate-name"),
    pytest.param(CT, b"--XX\r\nContent-Disposition: form-data\r\n\r\nx\r\n" + END,
                 b"Multipart parsing error: Multipart: Content-Disposition header missing name field.", False,
                 id="missing-name"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data; name="a"; filename = "f"\r\n\r\nx\r\n' + END,
                 b"Multipart parsing error: Multipart: Invalid Content-Disposition header (filename).", False,
                 id="filename-with-spaces"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data; name="a"\r\nNoColon\r\n\r\nx\r\n' + END,
                 b"Multipart parsing error: Multipart: Invalid part header (colon missing): NoColon\\r\\n.", False,
                 id="colon-missing"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data; name="a"\r\ncontent-disposition: x\r\n\r\nx\r\n' + END,
                 b"Multipart parsing error: Multipart: Duplicate part header: content-disposition.", False,
                 id="duplicate-header"),
    pytest.param(CT, b"--XX\r\n folded\r\n\r\nx\r\n" + END,
                 b"Multipart parsing error: Multipart: Invalid part header (folding error).", False,
                 id="folding-first"),
    pytest.param(CT, b'--XX\r\nContent-Disposition: form-data; name="a"\r\nX: a\x00b\r\n\r\nx\r\n' + END,
                 b"Multipart parsing error: Multipart: Nul byte in part headers.", False, id="nul-in-headers"),
    pytest.param(CT, b"--XX\r\nX: " + b"h" * 4100 + b"\r\n\r\nx\r\n" + END,
                 b"Multipart parsing error: Multipart: Part header line over 4096 bytes long", False,
                 id="header-line-too-long"),
    pytest.param(CT, PART_A + END + END, None, False, id="final-twice-is-data-after"),
    pytest.param(CT, PART_A, b"Multipart parsing error: Multipart: Final boundary missing.", True,
                 id="final-boundary-missing"),
    pytest.param(CT, PART_A + b"--XX--\r", b"Multipart parsing error: Multipart: Final boundary missing.", True,
                 id="final-boundary-then-cr"),
    pytest.param(CT, b"junk", b"Multipart parsing error: Multipart: No boundaries found in payload.", True,
                 id="no-boundaries"),
]


@pytest.mark.parametrize(("content_type", "body", "message", "at_completion"), ERROR_CASES)
def test_errors(content_type: bytes, body: bytes, message: bytes | None, at_completion: bool) -> None:
    result = parse(body, content_type)
    if message is None:
        assert result.error is None
        return
    assert result.error is not None
    assert result.error.message == message
    assert result.error.at_completion is at_completion
    assert result.arguments == []  # v2 adds multipart ARGS only after a clean completion
    assert result.flags.strict_error is (not at_completion)  # flag_error is set by init and chunk errors


def test_parts_finished_before_an_error_stay_visible() -> None:
    result = parse(PART_A + b'--XX\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\nx\r\n'
                   + b'--XX\r\nContent-Disposition: form-data; name="g"\r\n\r\ny\r\n--XXjunk\r\n')
    assert [part.name for part in result.parts] == [b"a", b"f"]  # "g" was never finished
    assert result.files[0].filename == b"x"
    assert result.arguments == []


def test_boundary_where_data_starts_is_data_then_final_missing() -> None:
    result = parse(PART_A + b'--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\n--XX--\r\n')
    assert result.flags.invalid_part
    assert result.error is not None and result.error.at_completion


def test_part_without_headers_is_invalid_part_then_header_error() -> None:
    result = parse(b"--XX\r\n" + PART_A + END)
    assert result.flags.invalid_part
    assert result.error is not None
    assert result.error.message == (b"Multipart parsing error: Multipart: Invalid part header (colon missing): "
                                    b"--XX\\r\\n.")


def test_empty_body_is_no_error() -> None:
    result = parse(b"")
    assert result.error is None and result.arguments == []
