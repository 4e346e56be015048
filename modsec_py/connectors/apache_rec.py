"""Apache's own request record, when mod_wsgi hands it over (``WSGIPassApacheRequest On``).

In embedded mode (and in ``WSGIAccessScript`` hooks) mod_wsgi can put a capsule holding the
``request_rec`` pointer into the environ as ``apache.request_rec``. Through it we read what
ModSecurity itself reads and WSGI hides: the header table exactly as Apache holds it (names
in the client's case, in order, ``Authorization`` and ``Proxy`` included), whether this is a
sub-request, the request's environment table (``UNIQUE_ID``, ``SetEnvIf`` variables before
``SetEnv`` runs), and the connection's socket, so ``drop`` can close it as v2 does.

Only the stable Apache 2.4 ABI is used (the leading fields of ``request_rec`` up to
``handler``, APR's table layout, ``ap_get_conn_socket`` and ``apr_socket_shutdown``),
and only after checks that the record agrees with the environ; anything unexpected makes
:meth:`ApacheRequest.from_environ` return None and the connector falls back to the environ.
In daemon mode there is no record (the request lives in another process).
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Mapping
from typing import Any

_P = ctypes.c_void_p
_APR_SHUTDOWN_READWRITE = 2


class _ArrayHeader(ctypes.Structure):  # apr_array_header_t (apr_tables.h)
    _fields_ = [("pool", _P), ("elt_size", ctypes.c_int), ("nelts", ctypes.c_int), ("nalloc", ctypes.c_int),
                ("elts", _P)]


class _TableEntry(ctypes.Structure):  # apr_table_entry_t
    _fields_ = [("key", ctypes.c_char_p), ("val", ctypes.c_char_p), ("key_checksum", ctypes.c_uint32)]


class _RequestRec(ctypes.Structure):  # struct request_rec (httpd.h, Apache 2.4), leading fields only
    _fields_ = [
        ("pool", _P), ("connection", _P), ("server", _P), ("next", _P), ("prev", _P), ("main", _P),
        ("the_request", ctypes.c_char_p), ("assbackwards", ctypes.c_int), ("proxyreq", ctypes.c_int),
        ("header_only", ctypes.c_int), ("proto_num", ctypes.c_int), ("protocol", ctypes.c_char_p),
        ("hostname", ctypes.c_char_p), ("request_time", ctypes.c_int64), ("status_line", ctypes.c_char_p),
        ("status", ctypes.c_int), ("method_number", ctypes.c_int), ("method", ctypes.c_char_p),
        ("allowed", ctypes.c_int64), ("allowed_xmethods", _P), ("allowed_methods", _P),
        ("sent_bodyct", ctypes.c_int64), ("bytes_sent", ctypes.c_int64), ("mtime", ctypes.c_int64),
        ("range", ctypes.c_char_p), ("clength", ctypes.c_int64), ("chunked", ctypes.c_int),
        ("read_body", ctypes.c_int), ("read_chunked", ctypes.c_int), ("expecting_100", ctypes.c_uint),
        ("kept_body", _P), ("body_table", _P), ("remaining", ctypes.c_int64), ("read_length", ctypes.c_int64),
        ("headers_in", _P), ("headers_out", _P), ("err_headers_out", _P), ("subprocess_env", _P),
        ("notes", _P), ("content_type", ctypes.c_char_p), ("handler", ctypes.c_char_p),
    ]


def _capsule_pointer(capsule: object) -> int | None:
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = _P
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    try:
        return get(capsule, None)
    except (ValueError, TypeError):
        return None


@functools.cache
def _apr_table_set() -> Any:
    """APR's ``apr_table_set`` in this process (Apache's), looked up once; None outside Apache."""
    try:
        table_set = ctypes.CDLL(None).apr_table_set
    except (OSError, AttributeError):
        return None
    table_set.restype = None
    table_set.argtypes = [_P, ctypes.c_char_p, ctypes.c_char_p]
    return table_set


def _table(address: int | None) -> list[tuple[str, str]] | None:
    if not address:
        return None
    array = _ArrayHeader.from_address(address)
    if array.elt_size != ctypes.sizeof(_TableEntry) or array.nelts < 0 or (array.nelts and not array.elts):
        return None
    entries = (_TableEntry * array.nelts).from_address(array.elts) if array.nelts else ()
    return [(entry.key.decode("latin-1"), (entry.val or b"").decode("latin-1")) for entry in entries if entry.key]


class ApacheRequest:
    """What the connector reads from Apache's ``request_rec`` (see the module docstring)."""

    def __init__(self, record: _RequestRec, headers: list[tuple[str, str]]) -> None:
        self._record = record
        self.headers = headers
        self.method = (record.method or b"").decode("latin-1")
        self.protocol = (record.protocol or b"").decode("latin-1")

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> ApacheRequest | None:
        capsule = environ.get("apache.request_rec")
        version = environ.get("apache.version")
        if capsule is None or not isinstance(version, tuple) or tuple(version[:2]) != (2, 4):
            return None
        address = _capsule_pointer(capsule)
        if not address:
            return None
        record = _RequestRec.from_address(address)
        method = (record.method or b"").decode("latin-1")
        if method != environ.get("REQUEST_METHOD") or not record.the_request:
            return None
        if (record.protocol or b"").decode("latin-1") != environ.get("SERVER_PROTOCOL"):
            return None
        headers = _table(record.headers_in)
        if headers is None:
            return None
        return cls(record, headers)

    @property
    def the_request(self) -> str:
        """The request line as the client sent it (v2's REQUEST_LINE; no version for HTTP/0.9)."""
        return (self._record.the_request or b"").decode("latin-1")

    @property
    def handler(self) -> str:
        """Apache's handler for the request so far (``wsgi-script`` once mod_wsgi claimed it)."""
        return (self._record.handler or b"").decode("latin-1")

    @property
    def is_subrequest(self) -> bool:
        """A sub-request (mod_dir, mod_include, mod_negotiation lookups): v2 does not inspect them."""
        return bool(self._record.main)

    def env(self, name: str) -> str | None:
        """A variable of the request's environment table (``UNIQUE_ID``, ``SetEnvIf`` ...)."""
        for key, value in _table(self._record.subprocess_env) or ():
            if key == name:
                return value
        return None

    def set_env(self, name: str, value: str) -> bool:
        """Set a variable of the request's environment table (mod_wsgi hands it to the handler)."""
        table_set = _apr_table_set()
        if table_set is None or not self._record.subprocess_env:
            return False
        table_set(self._record.subprocess_env, name.encode("latin-1"), value.encode("latin-1"))  # apr copies both
        return True

    def drop(self) -> bool:
        """Shut the client connection down now, as v2's ``drop`` closes it; True when it worked."""
        try:
            library = ctypes.CDLL(None)
            get_socket = library.ap_get_conn_socket
            shutdown = library.apr_socket_shutdown
        except (OSError, AttributeError):
            return False
        get_socket.restype = _P
        get_socket.argtypes = [_P]
        shutdown.restype = ctypes.c_int
        shutdown.argtypes = [_P, ctypes.c_int]
        socket = get_socket(self._record.connection)
        return bool(socket) and shutdown(socket, _APR_SHUTDOWN_READWRITE) == 0
