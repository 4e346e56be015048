"""Everything one transaction knows, in the shapes variables read it.

The transaction API (:mod:`modsec_py.engine.transaction`) fills this object as the
request and response arrive; variable resolution (:mod:`modsec_py.engine.variables`) reads
it. Values are bytes; numbers that variables expose are kept as ints and rendered on read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from modsec_py.collection import MapCollection, MultiCollection


@dataclass(slots=True)
class MatchedVar:
    name: str  # full name as v2 writes it: ``ARGS:id``
    value: bytes


@dataclass(slots=True)
class TxData:
    # connection
    remote_addr: bytes = b""
    remote_port: int = 0
    server_addr: bytes = b""
    server_port: int = 0
    server_name: bytes = b""
    unique_id: bytes = b""
    started: float = field(default_factory=time.time)
    # request line
    request_method: bytes = b""
    request_uri_raw: bytes = b""
    request_uri: bytes = b""  # path and query, as the client sent it (v2: r->unparsed_uri)
    request_protocol: bytes = b""
    request_line: bytes = b""
    query_string: bytes = b""
    request_filename: bytes = b""
    request_basename: bytes = b""
    path_info: bytes = b""
    auth_type: bytes = b""
    remote_user: bytes = b""
    # request data
    args: MultiCollection = field(default_factory=MultiCollection)
    args_get: MultiCollection = field(default_factory=MultiCollection)
    args_post: MultiCollection = field(default_factory=MultiCollection)
    request_headers: MultiCollection = field(default_factory=MultiCollection)
    request_cookies: MultiCollection = field(default_factory=MultiCollection)
    request_body: bytes = b""
    request_body_length: int = 0
    reqbody_processor: bytes = b""
    reqbody_error: int = 0
    reqbody_error_msg: bytes = b""
    reqbody_processor_error: int = 0
    reqbody_processor_error_msg: bytes = b""
    urlencoded_error: int = 0
    inbound_data_error: int = 0
    files: MultiCollection = field(default_factory=MultiCollection)  # name -> file name
    files_sizes: MultiCollection = field(default_factory=MultiCollection)
    files_tmpnames: MultiCollection = field(default_factory=MultiCollection)
    files_tmp_content: MultiCollection = field(default_factory=MultiCollection)
    files_combined_size: int = 0
    multipart_part_headers: MultiCollection = field(default_factory=MultiCollection)
    multipart_flags: dict[str, int] = field(default_factory=dict)  # MULTIPART_* scalars
    multipart_filename: bytes = b""
    multipart_name: bytes = b""
    xml_document: object | None = None
    # response
    response_status: int = 0
    response_protocol: bytes = b""
    status_line: bytes = b""
    response_headers: MultiCollection = field(default_factory=MultiCollection)
    response_body: bytes = b""
    response_content_type: bytes = b""
    response_content_length: bytes = b""
    outbound_data_error: int = 0
    # engine state
    tx: MapCollection = field(default_factory=MapCollection)
    env: MapCollection = field(default_factory=MapCollection)
    geo: MapCollection = field(default_factory=MapCollection)
    persistent: dict[str, MapCollection] = field(default_factory=dict)  # IP, SESSION, USER, GLOBAL, RESOURCE
    webserver_error_log: MultiCollection = field(default_factory=MultiCollection)
    matched_var: MatchedVar | None = None
    matched_vars: list[MatchedVar] = field(default_factory=list)
    highest_severity: int = 255
    sessionid: bytes = b""
    userid: bytes = b""
    webappid: bytes = b"default"
    phase: int = 0
    perf: dict[str, int] = field(default_factory=dict)
    members_cache: dict[object, list] = field(default_factory=dict)  # filtered request data, per phase
