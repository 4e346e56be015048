"""Every transformation case of the SecRules Language Test Set: output and v2's "changed" flag.

Cases that contradict ModSecurity 2.9.7 are skipped one by one below, each with what
Debian's 2.9.7 (``libapache2-mod-security2 2.9.7-1+deb12u2``) really returns; the unit tests
in ``tests/unit/transformations`` assert that behaviour instead. They are listed in
docs/DEVIATIONS.md as errors of the test data, not of modsec_py.
"""

from __future__ import annotations

import pytest

from modsec_py import transformations
from modsec_py.transformations.spec import canonical_name
from tests.conftest import require
from tests.sts import STS, Case, available, load_cases, to_bytes

KIND = "transformations"
CASES = load_cases(KIND) if available(KIND) else []

# STS cases whose expectation is not what ModSecurity 2.9.7 does (checked against the binary).
WRONG_FOR_V2 = {
    "cmdLine.json#0": 'ret 0 for "": v2\'s cmdline always returns 1 (the file is libmodsecurity\'s, "cmd_line")',
    "cssDecode.json#3": 'one space expected where the input has two ("\\\\\\0  string"): a backslash before a '
                        "non-hex byte gives that byte and swallows nothing; v2 keeps both spaces",
    "escapeSeqDecode.json#5": "expects the backslashes of the invalid \\xag and \\xga kept; v2 drops an unrecognised "
                              'escape\'s backslash and gives "89\\xb6xagxga\\n3"',
    "jsDecode.json#4": "input and output are written alike but ret is 1: the Perl original had \\x0a escapes in the "
                       "input and bytes in the output, a difference the JSON lost (the unit tests run the original)",
    "removeComments.json#0": "ret 1 for a value without comments; v2 reports a change only when it removes one",
    "removeComments.json#1": "ret 1 for a value without comments; v2 reports a change only when it removes one",
    "removeComments.json#2": "ret 1 for a value without comments; v2 reports a change only when it removes one",
    "removeComments.json#8": 'ret 1 for "Before TestCase */ After": a lone "*/" is no comment for removeComments, '
                             "v2 reports no change",
    "removeComments.json#19": 'ret 1 for "Test\\r\\nCase */After": a lone "*/" is no comment for removeComments, '
                              "v2 reports no change",
    "removeCommentsChar.json#0": "ret 1 for a value without comment markers; v2 reports a change only when it "
                                 "removes one",
    "removeCommentsChar.json#1": "ret 1 for a value without comment markers; v2 reports a change only when it "
                                 "removes one",
    "removeCommentsChar.json#2": "ret 1 for a value without comment markers; v2 reports a change only when it "
                                 "removes one",
}
# STS files for transformations that ModSecurity 2.9.7 does not have.
NOT_IN_V2 = {"phpArgsNames": "libmodsecurity v3 only; ModSecurity 2.9.7 has no phpArgsNames"}


def v2_name(case: Case) -> str | None:
    """v2's spelling of the case's transformation (the file name when the case uses v3's, like cmd_line)."""
    return canonical_name(case.name) or canonical_name(case.file_stem)


def case_id(case: Case) -> str:
    return case.source.split("/", 1)[1]


def test_the_test_set_is_present() -> None:
    require(STS / KIND, "the SecRules Language Test Set (transformations)")


def test_every_file_is_a_v2_transformation_or_known_to_be_missing() -> None:
    stems = {case.file_stem for case in load_cases(KIND)}
    assert {stem for stem in stems if canonical_name(stem) is None} == set(NOT_IN_V2)
    assert set(WRONG_FOR_V2) <= {case_id(case) for case in load_cases(KIND)}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_sts_transformation(case: Case) -> None:
    if case.file_stem in NOT_IN_V2:
        pytest.skip(NOT_IN_V2[case.file_stem])
    if case_id(case) in WRONG_FOR_V2:
        pytest.skip(f"wrong for ModSecurity 2.9.7: {WRONG_FOR_V2[case_id(case)]}")
    name = v2_name(case)
    assert name is not None
    function = transformations.get(name)
    assert function is not None

    result = function(case.input)

    assert result == case.output
    assert transformations.changed(name, case.input, result) is bool(case.ret)


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", b"plain"),
    ("\\x41\\x0a\\xFF", b"A\n\xff"),  # literal \xHH: one byte
    ("\\u0000\\u00e9", b"\x00\xe9"),  # literal \uHHHH (at most 00FF): one byte
    ("\x00", b"\x00"),  # a NUL from JSON's own escape
    ("é진", "é진".encode()),  # typed characters: UTF-8
    ("\\xag \\x4 \\u12 \\n \\0 \\\\", b"\\xag \\x4 \\u12 \\n \\0 \\\\"),  # nothing else is unescaped
])
def test_how_json_strings_become_bytes(text: str, expected: bytes) -> None:
    assert to_bytes(text) == expected
