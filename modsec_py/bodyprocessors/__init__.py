"""Request body processors and request parsers of ModSecurity 2.9.7, sans-IO.

They take bytes and settings and return plain results; the engine turns them into
variables. One module each:

- :mod:`.urlencoded`: ``parse_arguments`` for QUERY_STRING and URLENCODED bodies;
- :mod:`.cookies`: Cookie headers, versions 0 and 1;
- :mod:`.multipart`: multipart/form-data with every MULTIPART_* flag;
- :mod:`.json`: the yajl-based JSON processor;
- :mod:`.xml`: the libxml2-based XML processor and the XML variable;
- :mod:`.limits`: SecRequestBodyLimit, NoFilesLimit, ArgumentsLimit as v2 applies them.

:func:`processor_for` is the registry keyed by REQBODY_PROCESSOR name, case-insensitive.
v2 itself is not: ``ctl:requestBodyProcessor=json`` stores ``json``, and when the body
arrives ``msc_reqbody.c`` compares with ``strcmp`` and fails with "Unknown request body
processor: json" (Apache answers 500; checked against the 2.9.7 binary).
:func:`v2_knows_processor` tells the engine whether v2 would accept the exact spelling.
"""

from __future__ import annotations

from ._common import ProcessorError
from .cookies import parse_cookies, parse_cookies_v0, parse_cookies_v1
from .json import JsonProcessor, JsonResult, parse_json
from .limits import (
    ARGUMENTS_LIMIT_MESSAGE,
    LimitVerdict,
    apply_arguments_limit,
    check_body_length,
    check_content_length,
    check_no_files_length,
    urlencoded_length,
)
from .multipart import MultipartFlags, MultipartParser, MultipartPart, MultipartResult, TempFileSpool
from .urlencoded import ParsedArguments, parse_arguments, url_decode_nonstrict
from .xml import XmlProcessor, XmlResult, parse_xml, xpath_values

#: REQBODY_PROCESSOR name -> the module that implements it.
PROCESSORS = {
    "URLENCODED": "modsec_py.bodyprocessors.urlencoded",
    "MULTIPART": "modsec_py.bodyprocessors.multipart",
    "JSON": "modsec_py.bodyprocessors.json",
    "XML": "modsec_py.bodyprocessors.xml",
}

_CLASSES: dict[str, type] = {
    "MULTIPART": MultipartParser,
    "JSON": JsonProcessor,
    "XML": XmlProcessor,
}


def processor_name(name: str) -> str | None:
    """The canonical REQBODY_PROCESSOR name for ``name`` (any case), or None if v2 has no such processor."""
    canonical = name.upper()
    return canonical if canonical in PROCESSORS else None


def v2_knows_processor(name: str) -> bool:
    """Whether v2 accepts ``name`` exactly as written (its comparison is case-sensitive)."""
    return name in PROCESSORS


def unknown_processor_message(name: bytes) -> bytes:
    """v2's error for a processor name it does not know (the request then fails with 500)."""
    return b"Unknown request body processor: " + name


def processor_for(name: str) -> type | None:
    """The streaming processor class for ``name`` (URLENCODED has none: v2 parses the whole body)."""
    canonical = processor_name(name)
    return _CLASSES.get(canonical) if canonical else None


__all__ = [
    "ARGUMENTS_LIMIT_MESSAGE", "PROCESSORS", "JsonProcessor", "JsonResult", "LimitVerdict", "MultipartFlags",
    "MultipartParser", "MultipartPart", "MultipartResult", "ParsedArguments", "ProcessorError", "TempFileSpool",
    "XmlProcessor", "XmlResult", "apply_arguments_limit", "check_body_length", "check_content_length",
    "check_no_files_length", "parse_arguments", "parse_cookies", "parse_cookies_v0", "parse_cookies_v1",
    "parse_json", "parse_xml", "processor_for", "processor_name", "unknown_processor_message",
    "url_decode_nonstrict", "urlencoded_length", "v2_knows_processor", "xpath_values",
]
