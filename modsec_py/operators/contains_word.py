"""``@containsWord``: the argument occurs in the value between word boundaries.

A word byte is an ASCII letter, digit or ``_`` (C's ``isalnum`` in the "C" locale); the
bytes before and after the occurrence, where present, must not be word bytes. The argument
is macro-expanded per evaluation when it holds ``%{``; an empty argument always matches.
Example: ``SecRule ARGS "@containsWord select" "id:1"`` (``select 1`` yes, ``selected`` no).
Match text: ``String match "<argument, escaped>" at <var>.``
"""

from __future__ import annotations

from modsec_py.operators._base import CompileContext, Operator, OperatorTx, has_macro, log_escape, operator

_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def contains_word(value: bytes, word: bytes) -> bool:
    """v2's scan: an occurrence not preceded and not followed by a word byte."""
    if not word:
        return True
    start = value.find(word)
    size = len(word)
    while start >= 0:
        end = start + size
        if (start == 0 or value[start - 1] not in _WORD) and (end == len(value) or value[end] not in _WORD):
            return True
        start = value.find(word, start + 1)
    return False


@operator("containsWord")
class ContainsWord(Operator):
    __slots__ = ("_word", "_macro", "_detail")

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._macro = has_macro(argument)
        self._word = argument.encode("latin-1")
        self._detail = (self._word,)

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        if self._macro:
            word = tx.expand(self.argument)
            return (word,) if contains_word(value, word) else None
        word = self._word
        if word and word not in value:  # the common case, at C speed
            return None
        return self._detail if contains_word(value, word) else None

    def message(self, detail: object, var_name: str) -> str:
        return f'String match "{log_escape(detail[0])}" at {var_name}.'  # type: ignore[index]
