"""sanitiseArg / sanitiseMatched / sanitiseRequestHeader / sanitiseResponseHeader in the audit log.

What the rules asked for (``tx.sanitised``) becomes three lists, as v2 keeps them:
arguments (``sanitiseArg`` lists every argument of that name, ``sanitiseMatched`` sets one
entry per name), request headers and response headers (one entry per name). Values are
overwritten with ``*``, one per byte, where the audit log shows them: the query string of
the request line (part B), request and response headers (B, F), a urlencoded or multipart
request body (C, at the argument's offset, the raw encoded length) and the rebuilt
multipart body (I). ``sanitiseMatched`` works on the variable the rule matched:
``ARGS:``/``ARGS_NAMES:`` name an argument, ``REQUEST_HEADERS[_NAMES]:`` and
``RESPONSE_HEADERS[_NAMES]:`` a header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from modsec_py.logging.protocols import LoggedTransaction
from modsec_py.logging.request import argument_spans
from modsec_py.logging.rules import RuleIndex

__all__ = ["Sanitisation", "mask_spans"]

_MATCHED_ACTIONS = frozenset({"sanitisematched", "sanitizematched", "sanitisematchedbytes", "sanitizematchedbytes"})
_MATCHED_PREFIXES = (("ARGS:", "arg"), ("ARGS_NAMES:", "arg"), ("REQUEST_HEADERS:", "request_header"),
                     ("REQUEST_HEADERS_NAMES:", "request_header"), ("RESPONSE_HEADERS:", "response_header"),
                     ("RESPONSE_HEADERS_NAMES:", "response_header"))


def _set(table: list[str], name: str) -> None:
    """``apr_table_set``: one entry per name (case-insensitive), in the first one's place."""
    wanted = name.lower()
    places = [index for index, entry in enumerate(table) if entry.lower() == wanted]
    if not places:
        table.append(name)
        return
    for index in reversed(places[1:]):
        del table[index]


@dataclass(slots=True)
class Sanitisation:
    """The names to sanitise in one transaction's audit entry, in v2's listing order."""

    args: list[str] = field(default_factory=list)
    request_headers: list[str] = field(default_factory=list)
    response_headers: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.args or self.request_headers or self.response_headers)

    @classmethod
    def of(cls, tx: LoggedTransaction, rules: RuleIndex | None = None) -> Sanitisation:
        result = cls()
        if not tx.sanitised:
            return result
        arg_names = [name.decode("latin-1") for name, _value in tx.data.args]
        matched: list[str] | None = None
        for kind, argument in tx.sanitised:
            text = argument.decode("latin-1")
            if kind == "arg":
                result.args.extend(name for name in arg_names if name.lower() == text.lower())
            elif kind == "request_header":
                _set(result.request_headers, text)
            elif kind == "response_header":
                _set(result.response_headers, text)
            else:  # sanitiseMatched: the argument names the matched variable, or the match records do
                if not text:
                    if matched is None:
                        matched = _matched_variables(tx, rules)
                    text = matched.pop(0) if matched else ""
                result._matched(text, arg_names)
        return result

    def _matched(self, variable: str, arg_names: list[str]) -> None:
        for prefix, kind in _MATCHED_PREFIXES:
            if variable.startswith(prefix) and len(variable) > len(prefix):
                name = variable[len(prefix):]
                if kind == "arg":
                    for arg in arg_names:
                        if arg.lower() == name.lower():
                            _set(self.args, arg)
                else:
                    _set(self.request_headers if kind == "request_header" else self.response_headers, name)
                return

    # -- masking ------------------------------------------------------------------------------
    def arg_names(self) -> frozenset[bytes]:
        return frozenset(name.lower().encode("latin-1") for name in self.args)

    def mask_arguments(self, data: bytes, separator: bytes = b"&") -> bytes:
        """A query string or urlencoded body with the sanitised arguments' values masked."""
        wanted = self.arg_names()
        if not wanted:
            return data
        return mask_spans(data, ((offset, length) for name, offset, length in argument_spans(data, separator)
                                 if name.lower() in wanted))

    def mask_request_line(self, line: bytes, query: bytes, separator: bytes = b"&") -> bytes:
        """The request line with the query string's sanitised values masked (``query``: its query string)."""
        path, question, rest = line.partition(b"?")
        if not question or not self.args or not rest.startswith(query):
            return line
        return path + question + self.mask_arguments(query, separator) + rest[len(query):]

    def mask_headers(self, headers: Iterable[tuple[bytes, bytes]], names: list[str],
                     extra: int = 0) -> list[tuple[bytes, bytes]]:
        """Headers with the values of ``names`` as stars (``extra`` more: v2's JSON writer counts the newline)."""
        wanted = {name.lower().encode("latin-1") for name in names}
        return [(name, b"*" * (len(value) + extra) if name.lower() in wanted else value) for name, value in headers]

    def mask_json_values(self, body: bytes, values: Iterable[bytes]) -> bytes:
        """A JSON body with the sanitised arguments' values masked wherever they occur as a value."""
        for value in values:
            if not value:
                continue
            encoded = re.escape(value.replace(b"\\", b"\\\\").replace(b'"', b'\\"'))
            body = re.sub(rb'"' + encoded + rb'"', lambda match: b'"' + b"*" * (len(match.group()) - 2) + b'"',
                          body)
            stars = b"*" * len(value)
            body = re.sub(rb"(?<=[:\[,])(\s*)" + re.escape(value) + rb"(?=\s*[,}\]])",
                          lambda match, stars=stars: match.group(1) + stars, body)
        return body


def mask_spans(data: bytes, spans: Iterable[tuple[int, int]]) -> bytes:
    """``data`` with each (offset, length) overwritten by stars."""
    buffer = bytearray(data)
    for offset, length in spans:
        end = min(offset + length, len(buffer))
        if offset < end:
            buffer[offset:end] = b"*" * (end - offset)
    return bytes(buffer)


def _matched_variables(tx: LoggedTransaction, rules: RuleIndex | None) -> list[str]:
    """The variables matched by rules that carry sanitiseMatched (the engine records no name for it)."""
    if rules is None:
        return []
    found = []
    for match in tx.matched_rules:
        rule = rules.find(match.file, match.line)
        if rule is not None:
            actions = [action.name.lower() for link in rule.chain() for action in link.parsed.actions]
            count = sum(name in _MATCHED_ACTIONS for name in actions)
            found += [match.matched_var_name] * count
    return found
