"""The JSON processor: v2.9.7's argument names, values, limits and yajl's error texts.

Expectations come from Debian's 2.9.7 (ARGS and REQBODY_ERROR_MSG as rules see them) and
from v2's regression test tests/regression/rule/15-json.t where it pins a case.
"""

from __future__ import annotations

import pytest

from modsec_py.bodyprocessors.json import JsonProcessor, parse_json

NAMES = [
    pytest.param(b'{"foo":"bar","mod":"sec"}', [(b"foo", b"bar"), (b"mod", b"sec")], id="15-json.t-json-parser"),
    pytest.param(b'{"foo":"bar","mod":"sec","ops":[["um","um e meio"],"dois","tres",{"eins":["zwei","drei"]}],'
                 b'"whee":"lhebs"}',
                 [(b"foo", b"bar"), (b"mod", b"sec"), (b"ops.ops.ops", b"um"), (b"ops.ops.ops", b"um e meio"),
                  (b"ops.ops", b"dois"), (b"ops.ops", b"tres"), (b"ops.ops.eins.eins", b"zwei"),
                  (b"ops.ops.eins.eins", b"drei"), (b"whee", b"lhebs")], id="15-json.t-issue-1576-1"),
    pytest.param(b'["um","um e meio"]', [(b"array.array", b"um"), (b"array.array", b"um e meio")],
                 id="15-json.t-issue-1576-2"),
    pytest.param(b'["um","um e meio",{"tres":"quatro","cinco":"seis"}]',
                 [(b"array.array", b"um"), (b"array.array", b"um e meio"), (b"array.array.tres", b"quatro"),
                  (b"array.array.cinco", b"seis")], id="15-json.t-issue-1576-3"),
    pytest.param(b"25", [(b"", b"25")], id="15-json.t-no-key-single-value"),
    pytest.param(b'"str"', [(b"", b"str")], id="top-level-string"),
    pytest.param(b'{"a":{"b":[1,2,{"c":true}],"d":null},"e":1.5e3}',
                 [(b"a.b.b", b"1"), (b"a.b.b", b"2"), (b"a.b.b.c", b"true"), (b"a.d", b""), (b"e", b"1.5e3")],
                 id="nested-null-true-number-as-written"),
    pytest.param(b'[1,[2,3],{"x":"y"}]',
                 [(b"array.array", b"1"), (b"array.array.array", b"2"), (b"array.array.array", b"3"),
                  (b"array.array.x", b"y")], id="arrays-repeat-their-name"),
    pytest.param(b'{"a":1,"a":2}', [(b"a", b"1"), (b"a", b"2")], id="duplicate-keys-all-kept"),
    pytest.param(b'{"a.b":{"c":1},"d":2}', [(b"a.b.c", b"1"), (b"a.d", b"2")], id="dotted-key-shifts-prefix"),
    pytest.param(b'{"k\\u0000x":"v\\u0000w"}', [(b"k", b"v\x00w")], id="nul-cuts-names-not-values"),
    pytest.param(b'{"n":123456789012345678901234567890,"m":-0.0e-0}',
                 [(b"n", b"123456789012345678901234567890"), (b"m", b"-0.0e-0")], id="big-numbers-untouched"),
    pytest.param(b'{"a":"\\ud83d\\ude00"}', [(b"a", b"\xf0\x9f\x98\x80")], id="surrogate-pair"),
    pytest.param(b'{"a":"\\ud800xyz"}', [(b"a", b"?xyz")], id="lone-high-surrogate-is-question-mark"),
    pytest.param(b'{"a":"\\ud800\\u0041z"}', [(b"a", b"\xf0\x90\x81\x81z")], id="high-surrogate-yajl-arithmetic"),
    pytest.param(b'{"a":"\\udc00"}', [(b"a", b"\xed\xb0\x80")], id="lone-low-surrogate-3-bytes"),
    pytest.param(b'{"a":"\xc0\x80"}', [(b"a", b"\xc0\x80")], id="overlong-utf8-passes-yajl"),
    pytest.param(b'\x0b{"a":1}\x0c', [(b"a", b"1")], id="vt-ff-are-whitespace"),
    pytest.param(b"{}", [], id="empty-object"),
    pytest.param(b"", [], id="empty-body-no-error"),
]


@pytest.mark.parametrize(("body", "arguments"), NAMES)
def test_names_and_values(body: bytes, arguments: list) -> None:
    result = parse_json(body)
    assert result.error is None
    assert result.arguments == arguments


ERRORS = [
    pytest.param(b'{"a":1} x', [(b"a", b"1")], b"JSON parsing error: parse error: trailing garbage\n", False),
    pytest.param(b'{"a":1,}', [(b"a", b"1")],
                 b"JSON parsing error: parse error: invalid object key (must be a string)\n", False),
    pytest.param(b'{"a":1', [(b"a", b"1")], b"JSON parser error: parse error: premature EOF\n", True),
    pytest.param(b"  ", [], b"JSON parser error: parse error: premature EOF\n", True),
    pytest.param(b"nul", [], b"JSON parser error: lexical error: invalid string in json text.\n", True),
    pytest.param(b'{"a":tru', [], b"JSON parser error: lexical error: invalid string in json text.\n", True),
    pytest.param(b'{"a":NaN}', [], b"JSON parsing error: lexical error: invalid char in json text.\n", False),
    pytest.param(b'{"a":1}/', [(b"a", b"1")], b"JSON parsing error: parse error: trailing garbage\n", False),
    pytest.param(b'/*c*/{}', [],
                 b"JSON parsing error: lexical error: probable comment found in input text, comments are not "
                 b"enabled.\n", False),
    pytest.param(b'{"a":"\xff"}', [], b"JSON parsing error: lexical error: invalid bytes in UTF8 string.\n", False),
    pytest.param(b'{"a":"x\x01"}', [], b"JSON parsing error: lexical error: invalid character inside string.\n",
                 False),
    pytest.param(b'{"a":-x}', [],
                 b"JSON parsing error: lexical error: malformed number, a digit is required after the minus sign.\n",
                 False),
    pytest.param(b'{"a":1 "b"}', [(b"a", b"1")],
                 b"JSON parsing error: parse error: after key and value, inside map, I expect ',' or '}'\n", False),
    pytest.param(b'[1 2]', [(b"array.array", b"1")],
                 b"JSON parsing error: parse error: after array element, I expect ',' or ']'\n", False),
    pytest.param(b'{"a" 1}', [], b"JSON parsing error: parse error: object key and value must be separated by a "
                                 b"colon (':')\n", False),
    pytest.param(b'{"a":1} 1', [(b"a", b"1")], b"JSON parser error: parse error: trailing garbage\n", True),
]


@pytest.mark.parametrize(("body", "arguments", "message", "at_completion"), ERRORS)
def test_yajl_errors(body: bytes, arguments: list, message: bytes, at_completion: bool) -> None:
    result = parse_json(body)
    assert result.arguments == arguments
    assert result.error is not None
    assert result.error.message == message
    assert result.error.at_completion is at_completion


def test_depth_limit_not_exceeded_15_json_t() -> None:
    result = parse_json(b'{"key1":{"key2":{"key3":{"key4":{"key5":"thevalue"}}}}}', depth_limit=5)
    assert result.error is None
    assert result.arguments == [(b"key1.key2.key3.key4.key5", b"thevalue")]


def test_depth_limit_exceeded_15_json_t() -> None:
    result = parse_json(b'{"key1":{"key2":{"key3":{"key4":{"key5":"thevalue"}}}}}', depth_limit=3)
    assert result.error is not None and result.error.message == b"JSON parsing error: JSON depth limit exceeded"
    assert not result.error.at_completion


def test_top_level_array_counts_a_level_top_level_map_does_not() -> None:
    assert parse_json(b'{"a":[[1]]}', depth_limit=2).error is None
    assert parse_json(b"[[[1]]]", depth_limit=2).error is not None
    assert parse_json(b"[[1]]", depth_limit=2).error is None


def test_deep_nesting_beyond_python_recursion() -> None:
    body = b'{"a":' * 3000 + b"1" + b"}" * 3000
    result = parse_json(body, depth_limit=10000)
    assert result.error is None
    assert result.arguments == [(b".".join([b"a"] * 3000), b"1")]


def test_arguments_limit_cancels_yajl() -> None:
    result = parse_json(b'{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}', arguments_limit=4)
    assert result.arguments == [(b"a", b"1"), (b"b", b"2"), (b"c", b"3"), (b"d", b"4")]
    assert result.error is not None
    assert result.error.message == (b"JSON parsing error: parse error: client cancelled parse via callback return "
                                    b"value\n")


def test_query_arguments_count_against_the_limit() -> None:
    result = parse_json(b'{"a":1,"b":2}', arguments_limit=4, existing_arguments=3)
    assert result.arguments == [(b"a", b"1")]
    assert result.error is not None


def test_chunks_do_not_change_the_result() -> None:
    body = b'{"user":{"name":"\xc3\xa9l\\u00e8ve","tags":["x","y"]},"n":12}'
    whole = parse_json(body)
    processor = JsonProcessor()
    for index in range(len(body)):
        processor.feed(body[index:index + 1])
    assert processor.finish() == whole
    assert whole.arguments == [(b"user.name", b"\xc3\xa9l\xc3\xa8ve"), (b"user.tags.tags", b"x"),
                               (b"user.tags.tags", b"y"), (b"n", b"12")]
