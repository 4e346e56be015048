"""Differential testing: the same CRS regression requests through modsec_py and the real ModSecurity 2.

Both targets are built alike (``runner.TargetServer``, one per engine, run side by side); for every request sent
(a stage, or one URI of a stage) the rule ids logged between the markers are compared. The tests' own
expectations play no part: the reference is what v2 logs. Used by ``tools/diff_crs_modsec2.py`` and the
integration test ``tests/integration/test_crs_differential.py``.

Example::

    comparison = differential(rules, setup, load_dir(tests), Selection(include="^9201"))
    print(comparison.summary())
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from modsec_py.crstest import engines
from modsec_py.crstest.runner import NO_MARKERS, Selection, TargetServer, TestResult, run
from modsec_py.testing.ftw import FtwFile


@dataclass(frozen=True)
class Disagreement:
    """One request whose logged rule ids differ; ``only_v2`` / ``only_ours`` are the ids one engine alone logged."""

    test: str
    request: int  # 1-based, over the requests the test sends
    only_v2: tuple[int, ...]
    only_ours: tuple[int, ...]
    problem: str = ""  # the request could not be compared (no marker lines, a test missing from one run)

    def describe(self) -> str:
        if self.problem:
            return f"{self.test} #{self.request}: {self.problem}"
        return (f"{self.test} #{self.request}: only v2 {list(self.only_v2)}, "
                f"only modsec_py {list(self.only_ours)}")


@dataclass
class Comparison:
    compared: int = 0  # requests
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def agreed(self) -> int:
        return self.compared - len(self.disagreements)

    def summary(self) -> str:
        return f"{self.compared} requests compared: {self.agreed} agree, {len(self.disagreements)} disagree"


def compare(reference: list[TestResult], ours: list[TestResult]) -> Comparison:
    """Per request, v2's ids (``reference``) against modsec_py's; both runs of the same selection, in order
    (test names are not unique: CRS 3.3.4 has two 941160-10)."""
    comparison = Comparison()
    for position in range(max(len(reference), len(ours))):
        theirs = reference[position] if position < len(reference) else None
        other = ours[position] if position < len(ours) else None
        if theirs is None or other is None or (theirs.file, theirs.name) != (other.file, other.name) \
                or len(theirs.stage_ids) != len(other.stage_ids):
            name = (theirs or other).name  # type: ignore[union-attr]
            comparison.compared += 1
            comparison.disagreements.append(Disagreement(name, 0, (), (), "not run alike by both engines"))
            continue
        for index, (v2, py) in enumerate(zip(theirs.stage_ids, other.stage_ids, strict=True), start=1):
            comparison.compared += 1
            if NO_MARKERS in theirs.reason or NO_MARKERS in other.reason:
                comparison.disagreements.append(Disagreement(theirs.name, index, (), (), NO_MARKERS))
            elif v2 != py:
                comparison.disagreements.append(Disagreement(
                    theirs.name, index, tuple(sorted(set(v2) - set(py))), tuple(sorted(set(py) - set(v2)))))
    return comparison


def run_engine(engine: str, rules: Path, setup: Path, files: list[FtwFile], selection: Selection,
               paranoia: int = 4, module: Path | None = None) -> list[TestResult]:
    with TargetServer.start(rules, setup, paranoia, engine=engine, modsec2_module=module) as server:
        return run(server, files, selection)


def differential(rules: Path, setup: Path, files: list[FtwFile], selection: Selection | None = None,
                 paranoia: int = 4, module: Path | None = None) -> Comparison:
    """Run the selected tests through both engines at once (two private Apaches) and compare."""
    selection = selection or Selection()
    with ThreadPoolExecutor(max_workers=2) as pool:
        v2 = pool.submit(run_engine, engines.MODSEC2, rules, setup, files, selection, paranoia, module)
        ours = pool.submit(run_engine, engines.MODSEC_PY, rules, setup, files, selection, paranoia)
        return compare(v2.result(), ours.result())
