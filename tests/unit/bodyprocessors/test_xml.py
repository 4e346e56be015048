"""The XML processor and the XML variable (values checked against Debian's 2.9.7 + libxml2 2.9.14)."""

from __future__ import annotations

import pytest

from modsec_py.bodyprocessors.xml import DOCUMENT_TREE, XmlProcessor, parse_xml, xpath_values

DOC = b'<r a="1">t<b c="2" d="3">x<!--cm-->y<![CDATA[z]]></b><?pi data?>u<c xmlns="urn:x">ns</c></r>'


@pytest.mark.parametrize(("expression", "values"), [
    (b"/*", [b"txyzuns"]),  # descendant text and CDATA, no comment, no PI
    (b"//@a", [b"1"]),
    (b"/r/text()", [b"t", b"u"]),
    (b"//comment()", [b"cm"]),
    (b"count(//*)", []),  # not a node set: nothing
    (b"//b/@*", [b"2", b"3"]),
    (None, [DOCUMENT_TREE]),
])
def test_xpath_values_as_v2(expression: bytes | None, values: list[bytes]) -> None:
    assert xpath_values(parse_xml(DOC).document, expression) == values


def test_namespaces_from_xmlns_actions() -> None:
    document = parse_xml(DOC).document
    assert xpath_values(document, b"//x:c", {b"x": b"urn:x"}) == [b"ns"]
    assert xpath_values(document, b"//c") == []


def test_soap_envelope_from_10_xml_t() -> None:
    body = (b'<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
            b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soap:Body><q1:getInput xmlns:q1="http://'
            b'DefaultNamespace"><id xsi:type="xsd:string">12123</id></q1:getInput></soap:Body></soap:Envelope>')
    result = parse_xml(body)
    assert result.error is None
    assert xpath_values(result.document, b"//q:getInput/id", {b"q": b"http://DefaultNamespace"}) == [b"12123"]


def test_internal_entity_expanded_external_never_loaded() -> None:
    internal = parse_xml(b'<!DOCTYPE r [<!ENTITY e "hello">]><r>a&e;b</r>')
    assert xpath_values(internal.document, b"/*") == [b"ahellob"]
    xxe = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>a&x;b</r>'
    for external_entity in (False, True):  # 2.9.7 on libxml2 2.9.14 shows "ab" either way
        assert xpath_values(parse_xml(xxe, external_entity).document, b"/*") == [b"ab"]
    assert parse_xml(xxe, True).can_load_files and not parse_xml(xxe).can_load_files


@pytest.mark.parametrize("body", [b"<r><b>unclosed</r>", b"<r/>junk", b"   "])
def test_malformed_is_a_completion_error(body: bytes) -> None:
    result = parse_xml(body)
    assert result.document is None
    assert result.error is not None and result.error.at_completion
    assert result.error.message == b"XML parser error: XML: Failed parsing document."


def test_empty_body_no_document_no_error() -> None:
    result = parse_xml(b"")
    assert result.document is None and result.error is None
    assert xpath_values(result.document, None) == []


def test_declared_encoding_becomes_utf8_and_chunks() -> None:
    processor = XmlProcessor()
    body = b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>'
    for index in range(len(body)):
        processor.feed(body[index:index + 1])
    assert xpath_values(processor.finish().document, b"/r") == [b"\xc3\xa9"]
