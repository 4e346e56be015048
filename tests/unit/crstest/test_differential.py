"""Comparing the rule ids two engines logged, request by request (no Apache needed)."""

from __future__ import annotations

from modsec_py.crstest.differential import Disagreement, compare
from modsec_py.crstest.runner import NO_MARKERS, TestResult


def result(name: str, *stages: list[int], reason: str = "") -> TestResult:
    return TestResult(name, "f.yaml", True, reason=reason, stage_ids=[list(ids) for ids in stages])


def test_each_request_is_compared_and_differences_are_named() -> None:
    v2 = [result("1-1", [1, 2], [3]), result("1-2", [5])]
    ours = [result("1-1", [1, 2], [3, 4]), result("1-2", [])]
    comparison = compare(v2, ours)
    assert comparison.compared == 3 and comparison.agreed == 1
    assert comparison.disagreements == [Disagreement("1-1", 2, (), (4,)), Disagreement("1-2", 1, (5,), ())]
    assert comparison.summary() == "3 requests compared: 1 agree, 2 disagree"
    assert comparison.disagreements[0].describe() == "1-1 #2: only v2 [], only modsec_py [4]"


def test_duplicate_names_are_paired_by_position() -> None:
    v2 = [result("941160-10", [1]), result("941160-10", [2])]
    assert compare(v2, [result("941160-10", [1]), result("941160-10", [2])]).disagreements == []


def test_requests_that_cannot_be_compared_are_disagreements() -> None:
    missing = compare([result("a", [1]), result("b", [])], [result("a", [1])])
    assert [item.test for item in missing.disagreements] == ["b"]
    unmarked = compare([result("a", [])], [result("a", [], reason=f"stage 1: {NO_MARKERS}")])
    assert unmarked.disagreements[0].problem == NO_MARKERS
