"""Rebuilding the request from a WSGI environ."""

from __future__ import annotations

import pytest

from modsec_py.connectors import raw_headers
from modsec_py.connectors.request import header_name, headers_from_environ, request_info, request_uri


def test_header_names_get_their_usual_spelling() -> None:
    assert header_name("USER_AGENT") == "User-Agent"
    assert header_name("X_FORWARDED_FOR") == "X-Forwarded-For"
    assert header_name("TE") == "TE"
    assert header_name("DNT") == "DNT"
    assert header_name("CONTENT_MD5") == "Content-MD5"


def test_headers_keep_the_environ_order_with_content_headers_in_place() -> None:
    env = {"REQUEST_METHOD": "POST", "HTTP_HOST": "a", "CONTENT_TYPE": "text/plain", "HTTP_X_ONE": "1",
           "CONTENT_LENGTH": "4", "HTTP_COOKIE": "a=b, c=d", "wsgi.input": object()}
    assert headers_from_environ(env) == [("Host", "a"), ("Content-Type", "text/plain"), ("X-One", "1"),
                                         ("Content-Length", "4"), ("Cookie", "a=b, c=d")]


def test_empty_content_headers_are_not_headers() -> None:
    assert headers_from_environ({"CONTENT_TYPE": "", "CONTENT_LENGTH": "", "HTTP_HOST": "h"}) == [("Host", "h")]


def test_request_uri_is_taken_as_sent_or_rebuilt() -> None:
    assert request_uri({"REQUEST_URI": "/a%20b?x=1", "PATH_INFO": "/a b"}) == "/a%20b?x=1"
    assert request_uri({"SCRIPT_NAME": "/app", "PATH_INFO": "/a b", "QUERY_STRING": "x=1"}) == "/app/a%20b?x=1"
    assert request_uri({"PATH_INFO": "", "QUERY_STRING": ""}) == "/"


def test_request_info_addresses_and_path() -> None:
    info = request_info({"REQUEST_METHOD": "GET", "REQUEST_URI": "/p%41th?q=1", "SCRIPT_NAME": "", "PATH_INFO": "/pAth",
                         "SERVER_PROTOCOL": "HTTP/1.0", "REMOTE_ADDR": "192.0.2.1", "REMOTE_PORT": "5555",
                         "SERVER_ADDR": "192.0.2.2", "SERVER_PORT": "8080", "UNIQUE_ID": "abc", "HTTP_HOST": "h"})
    assert (info.method, info.uri, info.protocol, info.path) == ("GET", "/p%41th?q=1", "HTTP/1.0", "/pAth")
    assert (info.client_ip, info.client_port, info.server_ip, info.server_port) == ("192.0.2.1", 5555, "192.0.2.2",
                                                                                    8080)
    assert info.unique_id == "abc"
    assert not info.raw_headers
    assert info.header("host") == "h"


KEPT = '[["host","h"],["X_Filename","a.php"],["x-lower","1"],["Proxy","p"]]'


def test_the_kept_header_table_wins_over_the_environ() -> None:
    info = request_info({"REQUEST_METHOD": "GET", "HTTP_HOST": "h", "HTTP_X_LOWER": "1",
                         raw_headers.VARIABLE: KEPT})
    assert info.headers == [("host", "h"), ("X_Filename", "a.php"), ("x-lower", "1"), ("Proxy", "p")]
    assert info.raw_headers


@pytest.mark.parametrize("stored", ["", "not json", "[", '{"a": "b"}', '[["a"]]', '[["a", 1]]', '"[x]"', "[1]"])
def test_a_kept_table_that_is_not_ours_is_ignored(stored: str) -> None:
    assert raw_headers.headers_from({raw_headers.VARIABLE: stored}) is None
    info = request_info({"REQUEST_METHOD": "GET", "HTTP_HOST": "h", raw_headers.VARIABLE: stored})
    assert info.headers == [("Host", "h")]
    assert not info.raw_headers


def test_keep_does_nothing_without_apaches_record() -> None:
    assert raw_headers.keep({"REQUEST_METHOD": "GET"}) is False


def test_a_client_cannot_forge_the_kept_table() -> None:
    # A header of that name reaches the environ as HTTP_..., never as the variable itself.
    info = request_info({"REQUEST_METHOD": "GET", "HTTP_HOST": "h", "HTTP_MODSEC_PY_REQUEST_HEADERS": KEPT})
    assert ("Host", "h") in info.headers
    assert not info.raw_headers


def test_the_request_line_is_apaches_when_kept_and_has_no_version_for_http_0_9() -> None:
    kept = request_info({"REQUEST_METHOD": "GET", "REQUEST_URI": "/a", "SERVER_PROTOCOL": "HTTP/1.1",
                         raw_headers.LINE_VARIABLE: "GET /a HTTP/1.1"})
    assert kept.request_line == "GET /a HTTP/1.1"
    old = request_info({"REQUEST_METHOD": "GET", "REQUEST_URI": "/x", "SERVER_PROTOCOL": "HTTP/0.9"})
    assert old.request_line == "GET /x"
    assert request_info({"REQUEST_METHOD": "GET", "REQUEST_URI": "/x"}).request_line is None
