"""``@validateSchema``: validate the request's XML document against an XML Schema file.

As ``@validateDTD`` (:mod:`modsec_py.operators.validate_dtd`): the schema is loaded when the
rule runs (parsed again only when the file changed), from the argument as written, and the
operator *matches when validation fails*: "XML: Schema validation failed.", or "XML: Schema
validation could not proceed due to previous processing errors." when REQBODY_ERROR is set.
No document: operator error "XML document tree could not be found for schema validation.";
a schema that does not load: "XML: Failed to load Schema: <file>".
Example: ``SecRule XML "@validateSchema /etc/modsecurity/order.xsd" "id:1,phase:2,deny"``.
"""

from __future__ import annotations

from typing import Any

from modsec_py.operators._base import CompileContext, Operator, OperatorError, OperatorTx, operator
from modsec_py.operators.validate_dtd import load_cached, log_errors


def _load_schema(path: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(path))


@operator("validateSchema")
class ValidateSchema(Operator):
    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        document = tx.xml_document()
        if document is None:
            raise OperatorError("XML document tree could not be found for schema validation.")
        if tx.request_body_error():
            return ("XML: Schema validation could not proceed due to previous processing errors.",)
        try:
            schema = load_cached("schema", self.argument, _load_schema)
        except OSError:
            raise OperatorError(f"XML: Failed to load Schema from file: {self.argument}") from None
        except Exception:  # lxml's XMLSyntaxError / XMLSchemaParseError
            raise OperatorError(f"XML: Failed to load Schema: {self.argument}") from None
        if not schema.validate(document):
            log_errors(tx, schema)
            return ("XML: Schema validation failed.",)
        tx.debug(4, f"XML: Successfully validated payload against Schema: {self.argument}")
        return None

    def message(self, detail: object, var_name: str) -> str:
        return detail[0]  # type: ignore[index,no-any-return]
