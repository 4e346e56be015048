"""Reading request bodies within limits and replaying them to the application."""

from __future__ import annotations

import io

from modsec_py.connectors.body import ReplayInput, has_body, read_body


def test_has_body_follows_content_length_or_chunked_input() -> None:
    assert has_body({"CONTENT_LENGTH": "3"})
    assert not has_body({"CONTENT_LENGTH": "0"})
    assert not has_body({})
    assert has_body({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    assert not has_body({"HTTP_TRANSFER_ENCODING": "chunked"})


def test_a_body_within_the_limit_is_read_whole() -> None:
    seen: list[bytes] = []
    read = read_body(io.BytesIO(b"0123456789"), 10, 100, 4, sink=seen.append)
    assert (read.size, read.more, read.error) == (10, False, None)
    assert b"".join(seen) == b"0123456789"
    assert ReplayInput(read.kept, None).read() == b"0123456789"


def test_a_longer_body_is_read_up_to_the_limit_and_the_rest_replayed() -> None:
    stream = io.BytesIO(b"0123456789")
    seen: list[bytes] = []
    read = read_body(stream, 10, 4, 2, sink=seen.append)
    assert (read.size, read.more) == (4, True)
    assert b"".join(seen) == b"0123"
    assert ReplayInput(read.kept, stream).read() == b"0123456789"


def test_a_chunked_body_one_byte_over_the_limit_is_noticed_and_kept() -> None:
    stream = io.BytesIO(b"abcdef")
    read = read_body(stream, None, 5, 100)
    assert read.more
    assert ReplayInput(read.kept, stream).read() == b"abcdef"
    exact = read_body(io.BytesIO(b"abcde"), None, 5, 100)
    assert not exact.more


def test_a_client_that_goes_away_is_an_error() -> None:
    read = read_body(io.BytesIO(b"abc"), 10, 100, 100)
    assert read.error is not None and "Client went away" in read.error


def test_replay_supports_the_wsgi_input_methods() -> None:
    replay = ReplayInput(io.BytesIO(b"line one\nli"), io.BytesIO(b"ne two\nline three\n"))
    assert replay.readline() == b"line one\n"
    assert replay.readline() == b"line two\n"
    assert replay.read(4) == b"line"
    assert list(replay) == [b" three\n"]
    assert replay.read() == b""
    again = ReplayInput(io.BytesIO(b"a\nb\n"), None)
    assert again.readlines() == [b"a\n", b"b\n"]


class _FailingInput(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise OSError("Apache/mod_wsgi request data read error: Partial results are valid but processing is "
                      "incomplete.")


def test_a_read_error_is_logged_with_apr_s_text_as_v2_logs_it() -> None:
    read = read_body(_FailingInput(), 50, 1000, 1000)
    assert read.error == "Error reading request body: Partial results are valid but processing is incomplete"
