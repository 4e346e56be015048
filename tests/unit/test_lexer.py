"""Apache's line joining and argument splitting, as checked against apache2 -t."""

from __future__ import annotations

import pytest

from modsec_py.seclang.lexer import LogicalLine, logical_lines, split_arguments


def lines(text: str) -> list[LogicalLine]:
    return list(logical_lines(text))


def test_continuation_keeps_first_and_last_line() -> None:
    [line] = lines('SecRule ARGS "@rx x" \\\n    "id:1,\\\n    pass"\n')
    assert line.first_line == 1 and line.last_line == 3
    assert line.text == 'SecRule ARGS "@rx x"     "id:1,    pass"'


def test_backslash_followed_by_space_is_not_a_continuation() -> None:
    result = lines('SecRule ARGS "@rx x" \\  \n  "id:1"\n')
    assert [line.text for line in result] == ['SecRule ARGS "@rx x" \\', '"id:1"']


def test_comment_ending_in_backslash_swallows_next_line() -> None:
    result = lines("# comment \\\nSecFooBar\nSecRuleEngine On\n")
    assert [line.text for line in result] == ["SecRuleEngine On"]
    assert result[0].first_line == 3


def test_crlf_and_blank_lines() -> None:
    result = lines("\r\n  SecRuleEngine On\r\n\r\nSecAction \\\r\n  \"id:1\"\r\n")
    assert [(line.text, line.first_line, line.last_line) for line in result] == [
        ("SecRuleEngine On", 2, 2), ('SecAction   "id:1"', 4, 5)]


def test_double_backslash_at_end_still_continues() -> None:
    # Apache only looks at the last character: the first backslash stays.
    [line] = lines('SecRule ARGS "@rx x" "id:4,pass,\\\\\nlog"\n')
    assert line.text == 'SecRule ARGS "@rx x" "id:4,pass,\\log"'


def test_continuation_at_end_of_file() -> None:
    [line] = lines('SecRuleEngine \\\nOn \\')
    assert line.text == "SecRuleEngine On" and line.last_line == 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('ARGS "@rx a b" "id:1"', ["ARGS", "@rx a b", "id:1"]),
        (r'"a \"quoted\" \\ word \d"', ['a "quoted" \\ word \\d']),
        (r"'single \' quote' \"x", ["single ' quote", '\\"x']),
        (r"plain\\word a\"b", ["plain\\word", 'a\\"b']),
        ('"unterminated quote runs to the end', ["unterminated quote runs to the end"]),
        ('"@rx x "id:1,pass,log"', ["@rx x ", 'id:1,pass,log"']),
        ('foo"bar baz"', ['foo"bar', 'baz"']),
        ('""  x', ["", "x"]),
        ("  ", []),
    ],
)
def test_split_arguments_like_ap_getword_conf(text: str, words: list[str]) -> None:
    assert split_arguments(text) == words
