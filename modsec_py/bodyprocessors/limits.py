"""How ModSecurity 2.9.7 applies the request body limits, as pure functions the engine calls.

Measured against Debian's 2.9.7 under Apache (SecRuleEngine On / DetectionOnly x
SecRequestBodyLimitAction Reject / ProcessPartial, Content-Length and chunked bodies,
urlencoded and multipart):

**SecRequestBodyLimit** (all bytes of the body):

- Content-Length above the limit, before the body is read: On + Reject answers **413** at
  once ("Request body (Content-Length) is larger than the configured limit (N). Deny with
  status (413)"); every other combination logs the message without the suffix, sets
  INBOUND_DATA_ERROR and goes on.
- A body without Content-Length (chunked) that grows past the limit: On + Reject answers
  413 ("Request body is larger than the configured limit (N)."); otherwise v2 goes on
  silently: no INBOUND_DATA_ERROR, no REQBODY_ERROR.
- When v2 goes on, it reads and stores the whole body and the processors see all of it
  (multipart, JSON, XML); only a URLENCODED body (and REQUEST_BODY /
  REQUEST_BODY_LENGTH with it) is cut to the first N bytes (``modsecurity_request_body_end_raw``).

**SecRequestBodyNoFilesLimit** (the bytes that are not file uploads: the whole body for
URLENCODED, JSON and XML, part headers and form fields for MULTIPART): more than the limit
answers **413** in every mode, DetectionOnly and ProcessPartial included (v2's behaviour,
"Request body no files data length is larger than the configured limit (N).").

**SecRequestBodyInMemoryLimit** only decides whether v2 keeps the body in memory or in a
temporary file under SecTmpDir; nothing a rule sees changes.

**SecArgumentsLimit**: see :func:`apply_arguments_limit`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import BodyLimitAction, EngineConfig, RuleEngineMode

ARGUMENTS_LIMIT_MESSAGE = b"SecArgumentsLimit exceeded"
STATUS_TOO_LARGE = 413


@dataclass(frozen=True, slots=True)
class LimitVerdict:
    """What v2 does about one limit check.

    ``status``: 413 when v2 answers at once (phase 2 does not run), else None.
    ``inbound_data_error``: INBOUND_DATA_ERROR becomes 1. ``message``: what v2 logs (None:
    nothing). ``exceeded``: the limit was passed at all.
    """

    exceeded: bool
    status: int | None = None
    inbound_data_error: bool = False
    message: bytes | None = None


_WITHIN = LimitVerdict(False)


def _rejects(config: EngineConfig) -> bool:
    return (config.rule_engine is RuleEngineMode.ON
            and config.request_body_limit_action is BodyLimitAction.REJECT)


def check_content_length(content_length: int | None, config: EngineConfig) -> LimitVerdict:
    """The check v2 makes on Content-Length before reading the body (``hook_request_late``)."""
    limit = config.request_body_limit
    if content_length is None or content_length <= limit:
        return _WITHIN
    message = b"Request body (Content-Length) is larger than the configured limit (%d)." % limit
    if _rejects(config):
        return LimitVerdict(True, STATUS_TOO_LARGE, False, message[:-1] + b". Deny with status (413)")
    return LimitVerdict(True, None, True, message)


def check_body_length(received: int, config: EngineConfig) -> LimitVerdict:
    """The check v2 makes while reading, on the bytes received so far (bites chunked bodies)."""
    limit = config.request_body_limit
    if received <= limit:
        return _WITHIN
    if _rejects(config):
        return LimitVerdict(True, STATUS_TOO_LARGE, False,
                            b"Request body is larger than the configured limit (%d)." % limit)
    return LimitVerdict(True)


def check_no_files_length(no_files_length: int, config: EngineConfig) -> LimitVerdict:
    """SecRequestBodyNoFilesLimit: 413 in every mode once the count passes the limit."""
    limit = config.request_body_no_files_limit
    if no_files_length <= limit:
        return _WITHIN
    return LimitVerdict(True, STATUS_TOO_LARGE, False,
                        b"Request body no files data length is larger than the configured limit (%d)." % limit)


def urlencoded_length(body_length: int, config: EngineConfig) -> int:
    """How many bytes of a URLENCODED body v2 parses (and shows as REQUEST_BODY)."""
    return min(body_length, config.request_body_limit) if config.request_body_limit > 0 else body_length


def apply_arguments_limit(existing: int, arguments: list[tuple[bytes, bytes]],
                          limit: int) -> tuple[list[tuple[bytes, bytes]], bool]:
    """SecArgumentsLimit as v2's ``add_argument`` applies it to query, urlencoded and multipart arguments.

    ``existing`` is how many arguments ARGS already holds (GET and POST together). Returns the
    arguments that fit and whether some were skipped; skipping sets REQBODY_ERROR with
    :data:`ARGUMENTS_LIMIT_MESSAGE` (for the query string too, in phase 1). JSON stops its
    parser instead (see :mod:`.json`).

    Example: ``apply_arguments_limit(3, [(b"d", b"4"), (b"e", b"5")], 4)`` is
    ``([(b"d", b"4")], True)``.
    """
    room = limit - existing
    if len(arguments) <= room:
        return arguments, False
    return arguments[:max(room, 0)], True
