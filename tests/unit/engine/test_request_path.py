"""REQUEST_FILENAME is the path as Apache hands it to modules; the in-process CRS runner reads bodies as Apache does."""

from __future__ import annotations

import pytest

from modsec_py.engine.request import apache_path
from modsec_py.testing.crs_inprocess import as_apache_reads, dechunk


@pytest.mark.parametrize(("written", "seen"), [
    (b"/", b"/"),
    (b"/index.html", b"/index.html"),
    (b"/a//b", b"/a/b"),
    (b"/a/./b", b"/a/b"),
    (b"/a/../b", b"/b"),
    (b"/../x", b"/x"),
    (b"/a/b/..", b"/a/"),
    (b"/a/", b"/a/"),
    (b"/array_diff%20foo%20%28", b"/array_diff foo ("),
    (b"/a/%2e%2e/b", b"/b"),
    (b"/a%2fb", b"/a%2fb"),  # Apache refuses %2F (404): left as written
    (b"/x%zz", b"/x%zz"),  # a bad escape (Apache: 400) stays as written
])
def test_apache_path(written: bytes, seen: bytes) -> None:
    assert apache_path(written) == seen


def test_request_filename_and_basename_are_decoded() -> None:
    from modsec_py import WAF

    waf = WAF.from_directives('SecRuleEngine On\nSecRule REQUEST_BASENAME "@streq a b(" "id:1,phase:1,deny"\n')
    tx = waf.new_transaction("127.0.0.1", 1, "127.0.0.1", 80)
    tx.process_uri("/dir//x/../a%20b%28?q=1", "GET", "HTTP/1.1")
    tx.add_request_header("Host", "localhost")
    interruption = tx.process_request_headers()
    assert tx.data.request_filename == b"/dir/a b("
    assert interruption is not None and interruption.rule_id == "1"


def test_transfer_encoding_drops_content_length_and_dechunks() -> None:
    headers = [(b"Host", b"x"), (b"Content-Length", b"7"), (b"Transfer-Encoding", b"chunked")]
    kept, body = as_apache_reads(headers, b"7\r\nfoo=bar\r\n3;ext=1\r\n&a=\r\n0\r\n\r\n")
    assert kept == [(b"Host", b"x"), (b"Transfer-Encoding", b"chunked")]
    assert body == b"foo=bar&a="
    assert as_apache_reads([(b"Content-Length", b"3")], b"a=b") == ([(b"Content-Length", b"3")], b"a=b")
    assert dechunk(b"zz\r\nnot chunked") == b"zz\r\nnot chunked"


def test_request_line_as_sent_when_the_connector_has_it() -> None:
    from modsec_py import WAF

    waf = WAF.from_directives('SecRuleEngine On\nSecRule REQUEST_LINE "!@rx HTTP/" "id:1,phase:1,deny,status:400"\n')
    old = waf.new_transaction()
    old.process_uri("/x", "GET", "HTTP/0.9", line="GET /x")
    assert old.process_request_headers() is not None
    current = waf.new_transaction()
    current.process_uri("/x", "GET", "HTTP/1.1")
    assert current.process_request_headers() is None
