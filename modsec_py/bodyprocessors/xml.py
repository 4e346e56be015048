"""XML: ModSecurity 2.9.7's XML request body processor (``msc_xml.c``) and the XML variable.

v2 hands the body, chunk by chunk, to a libxml2 push parser with default options and keeps
the document tree for ``XML:/xpath``, ``@validateDTD`` and ``@validateSchema``; 2.9.7 adds no
ARGS from XML (``xml.a.b`` arguments came in 2.9.8). Reproduced with lxml (libxml2):

- well-formedness is checked only when the body ends (``xml_complete``): a malformed
  document, or a body of white space only, gives ``XML parser error: XML: Failed parsing
  document.`` at completion, where Apache's 2.9.7 answers 500 before phase 2 (checked
  against Debian's 2.9.7; later versions check per chunk, which is what the v2 regression
  test ``10-xml.t`` "bad XML" at HEAD expects). An empty body creates no parser: no
  document, no error;
- entities: internal ones are expanded in values (``&e;`` counts as its text); external
  entities are never loaded, with SecXmlExternalEntity On as well (libxml2's default options
  do not load them; checked against the 2.9.7 binary, which shows ``a&x;b`` as ``ab``) and no
  network access ever. SecXmlExternalEntity Off also replaces libxml2's file loader, so
  ``@validateDTD`` / ``@validateSchema`` then fail with "Failed to load DTD/Schema" (the
  binary does so): :attr:`XmlResult.can_load_files` tells the operators;
- the encoding comes from the document (BOM, ``encoding=``); values are UTF-8 bytes.

:func:`xpath_values` is v2's XML variable: without an expression the single value
``[XML document tree]``; with one, each node of the resulting node set gives its text
content (``xmlNodeGetContent``: an element's descendant text and CDATA, not comments; an
attribute's value; a comment's text); a result that is not a node set (``count(//a)``) gives
nothing; prefixes come from the rule's ``xmlns:prefix=uri`` actions.

Example::

    >>> processor = XmlProcessor()
    >>> processor.feed(b'<r xmlns:x="urn:x"><x:a>1</x:a><b c="2"/></r>')
    >>> result = processor.finish()
    >>> xpath_values(result.document, b"//x:a|//@c", {b"x": b"urn:x"})
    [b'1', b'2']
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ._common import ProcessorError

DOCUMENT_TREE = b"[XML document tree]"
FAILED_MESSAGE = b"XML parser error: XML: Failed parsing document."


@dataclass(slots=True)
class XmlResult:
    """What the XML processor gives the engine.

    ``document``: the parsed tree (lxml ``_ElementTree``) for XML and the validation operators,
    None when the body was empty or not well formed. ``error``: REQBODY_ERROR's message, at
    completion. ``can_load_files``: SecXmlExternalEntity (see the module notes).
    """

    document: etree._ElementTree | None
    error: ProcessorError | None
    can_load_files: bool


class XmlProcessor:
    """Sans-IO XML body processor: ``feed`` chunks, then ``finish``.

    Arguments:
        external_entity: SecXmlExternalEntity (On: True).
    """

    __slots__ = ("_parser", "_external_entity", "_seen")

    def __init__(self, external_entity: bool = False) -> None:
        self._external_entity = external_entity
        self._parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                                       huge_tree=False, remove_blank_text=False)
        self._seen = False

    def feed(self, data: bytes) -> None:
        """Take the next chunk (libxml2 keeps parsing errors for the end, as v2 reads them)."""
        if not data:
            return
        self._seen = True
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError:
            pass  # lxml raises early; v2 only looks at wellFormed in xml_complete

    def finish(self) -> XmlResult:
        """End of body: the document, or v2's completion error."""
        if not self._seen:
            return XmlResult(None, None, self._external_entity)
        try:
            root = self._parser.close()
        except etree.XMLSyntaxError:
            return XmlResult(None, ProcessorError(FAILED_MESSAGE, True), self._external_entity)
        return XmlResult(root.getroottree(), None, self._external_entity)


def parse_xml(body: bytes, external_entity: bool = False) -> XmlResult:
    """Parse a whole XML body in one go; see :class:`XmlProcessor`."""
    processor = XmlProcessor(external_entity)
    processor.feed(body)
    return processor.finish()


def _content(node: object) -> bytes | None:
    if isinstance(node, str):  # attribute values, text nodes, string results inside a node set
        return node.encode("utf-8")
    if isinstance(node, tuple):  # namespace node: (prefix, href)
        return str(node[1]).encode("utf-8")
    if isinstance(node, etree._Element):
        return etree.tostring(node, method="text", encoding="utf-8", with_tail=False)
    return None


def xpath_values(document: etree._ElementTree | None, expression: bytes | None,
                 namespaces: dict[bytes, bytes] | None = None) -> list[bytes]:
    """The values of ``XML`` / ``XML:expression`` for ``document``, as v2's ``var_xml_generate``.

    Arguments:
        document: :attr:`XmlResult.document` (None: no values).
        expression: the XPath after ``XML:``; None for the bare ``XML`` variable.
        namespaces: prefix -> URI from the rule's ``xmlns`` actions.

    Raises ``ValueError`` for an expression libxml2 cannot evaluate (v2 logs "XML: Unable to
    evaluate xpath expression." and the rule fails).
    """
    if document is None:
        return []
    if expression is None:
        return [DOCUMENT_TREE]
    mapping = {prefix.decode("utf-8", "surrogateescape"): uri.decode("utf-8", "surrogateescape")
               for prefix, uri in (namespaces or {}).items()}
    try:
        found = document.xpath(expression.decode("utf-8", "surrogateescape"), namespaces=mapping)
    except (etree.XPathError, ValueError) as problem:
        raise ValueError(f"XML: Unable to evaluate xpath expression: {problem}") from None
    if not isinstance(found, list):
        return []
    values = []
    for node in found:
        content = _content(node)
        if content is not None:
            end = content.find(b"\0")
            values.append(content if end < 0 else content[:end])
    return values
