"""How far our generated unicode.mapping is from ModSecurity v2's own file, per code page.

v2's file (Debian's 2.9.7, unpacked by tools/fetch-modsec2.sh; not /etc/modsecurity's, which
is ours once libapache2-mod-security2-py is installed) was made with Windows' best-fit tables,
which we do not have; docs/DEVIATIONS.md explains the remaining differences.
"""

from __future__ import annotations

import pytest

from modsec_py._util import unicode_mapping
from tests.conftest import require
from tests.reference import MODSEC2

V2_FILE = MODSEC2 / "etc/modsecurity/unicode.mapping"
# Code pages whose Windows table our rules give exactly.
IDENTICAL = {20127, 28591, 28592, 1257, 1258, 20261, 37, 500, 874}
# The whole file: at least this many of v2's entries equal, at most this many missing / extra.
MIN_EQUAL, MAX_MISSING, MAX_EXTRA = 6231, 199, 412


@pytest.fixture(scope="module")
def v2_sections() -> dict[int, dict[int, int]]:
    return unicode_mapping.parse(require(V2_FILE, "ModSecurity v2's unicode.mapping").read_bytes())


def agreement(ours: dict[int, int], theirs: dict[int, int]) -> tuple[int, int, int, int]:
    equal = sum(1 for code, byte in theirs.items() if ours.get(code) == byte)
    differ = sum(1 for code, byte in theirs.items() if code in ours and ours[code] != byte)
    missing = sum(1 for code in theirs if code not in ours)
    extra = sum(1 for code in ours if code not in theirs)
    return equal, differ, missing, extra


def test_same_code_pages_in_the_same_order(v2_sections: dict[int, dict[int, int]]) -> None:
    assert list(v2_sections) == list(unicode_mapping.CODE_PAGES)


def test_agreement_with_v2(v2_sections: dict[int, dict[int, int]]) -> None:
    ours = unicode_mapping.parse(unicode_mapping.render())
    report, totals = [], [0, 0, 0, 0]
    for number in unicode_mapping.CODE_PAGES:
        counts = agreement(ours[number], v2_sections[number])
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        report.append(f"{number:>5}: v2 {len(v2_sections[number])}, equal {counts[0]}, differ {counts[1]}, "
                      f"missing {counts[2]}, extra {counts[3]}")
    print("\n".join(report))
    for number in IDENTICAL:
        assert ours[number] == v2_sections[number], number
    equal, _, missing, extra = totals
    assert equal >= MIN_EQUAL and missing <= MAX_MISSING and extra <= MAX_EXTRA, "\n".join(report)
