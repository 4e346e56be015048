"""Every operator case of the SecRules Language Test Set, run against modsec_py's operators.

A case builds the operator from its ``param`` (after v2's load-time check, :mod:`modsec_py.
operators.spec`), evaluates it on ``input`` and compares "matched" with ``ret``; rx cases
with ``re_groups`` run with ``capture`` and compare TX:0.. as well. Operators that
ModSecurity 2.9.7 does not have (libmodsecurity v3's rxGlobal, verifySVNR) are skipped, and
so are cases whose argument 2.9.7 refuses at load (there is no runtime answer to compare).
geoLookup cases run against small databases written by :mod:`tests.geodb`, in both formats.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py import operators
from modsec_py.config import EngineConfig, GeoDbFormat
from modsec_py.errors import ItemArgumentError
from modsec_py.operators import geo_lookup
from modsec_py.operators._base import CompileContext
from modsec_py.operators.spec import OPERATORS
from modsec_py.testing.fake_tx import FakeTx
from tests import geodb
from tests.sts import STS, Case, available, load_cases

KIND = "operators"
CASES = load_cases(KIND) if available(KIND) else []

try:
    import modsec_py.operators.libinjection as _libinjection

    HAVE_LIBINJECTION = hasattr(_libinjection, "detect_sqli") and hasattr(_libinjection, "detect_xss")
except ImportError:
    HAVE_LIBINJECTION = False

# Networks of the test databases; the STS geoLookup cases all expect "no match" (their
# addresses are not in v2's test database either), the unit tests check the hits.
GEO_ENTRIES = [("1.2.3.0/24", "AU"), ("8.8.8.0/24", "US")]
CITY = {"country": "AU", "city": b"Brisbane", "latitude": -27.4698, "longitude": 153.0251}


def case_id(case: Case) -> str:
    return case.source.split("/", 1)[1]


@pytest.fixture(scope="module")
def rule_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where the STS's relative data paths ("test-cases/secrules-language-tests/...") resolve."""
    directory = tmp_path_factory.mktemp("sts-rules")
    (directory / "test-cases").mkdir()
    (directory / "test-cases" / "secrules-language-tests").symlink_to(STS)
    return directory


@pytest.fixture(scope="module", params=["legacy", "mmdb"])
def geo_config(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EngineConfig:
    directory = tmp_path_factory.mktemp("geo")
    if request.param == "legacy":
        path = directory / "GeoIP.dat"
        path.write_bytes(geodb.legacy_country_dat(GEO_ENTRIES))
        kind = GeoDbFormat.GEOIP_LEGACY
    else:
        path = directory / "GeoLite2-City.mmdb"
        path.write_bytes(geodb.mmdb([(cidr, {"country": {"iso_code": code}}) for cidr, code in GEO_ENTRIES]))
        kind = GeoDbFormat.MAXMIND_DB
    return EngineConfig(geo_lookup_db=str(path), geo_lookup_db_format=kind)


def numeric_only(target: str) -> int | str:
    """The tests' resolver: addresses only, no DNS (a host name fails to resolve)."""
    import socket

    try:
        infos = socket.getaddrinfo(target, None, socket.AF_INET, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        return str(error)
    return int.from_bytes(socket.inet_aton(infos[0][4][0]), "big")


def perl_input(case: Case) -> bytes:
    """The input as the Perl original meant it: tests/sts.py keeps ``\\0`` as two characters,
    which the operator files (containsWord, endsWith, validateUtf8Encoding) use for a NUL."""
    return case.input.replace(b"\\0", b"\0")


def run_case(case: Case, directory: Path, config: EngineConfig | None = None) -> None:
    spec = OPERATORS.get(case.name.lower())
    if spec is None:
        pytest.skip("v2.9.7 has no such operator (refused at load)")
    if case.name.lower() in ("detectsqli", "detectxss") and not HAVE_LIBINJECTION:
        pytest.xfail("libinjection port pending")
    param = case.param or ""
    try:
        if spec.param_required and not param:
            raise ItemArgumentError("missing argument")
        if spec.check is not None:
            spec.check(param, str(directory))
    except ItemArgumentError as error:
        pytest.skip(f"v2.9.7 refuses this argument at load ({error.message}): no runtime answer to compare")
    implementation = operators.get(case.name)
    assert implementation is not None, case.name
    op = implementation(param, CompileContext(str(directory), config))
    groups = case.extra.get("re_groups")
    tx = FakeTx(capturing=groups is not None)
    value = perl_input(case)
    detail = op.evaluate(tx, value)
    assert (detail is not None) == bool(case.ret), f"{case.name} {param!r} on {value!r}"
    if detail is not None:
        assert isinstance(op.message(detail, "ARGS:test"), str)
    if groups is not None:
        assert tx.captures() == [group.encode("utf-8") for group in groups]  # type: ignore[union-attr]


@pytest.mark.shared
@pytest.mark.parametrize("case", [c for c in CASES if c.name != "geoLookup"], ids=case_id)
def test_sts_operator(case: Case, rule_directory: Path) -> None:
    run_case(case, rule_directory)


@pytest.mark.shared
@pytest.mark.parametrize("case", [c for c in CASES if c.name == "geoLookup"], ids=case_id)
def test_sts_geo_lookup(case: Case, rule_directory: Path, geo_config: EngineConfig,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo_lookup, "resolve_ipv4", numeric_only)
    run_case(case, rule_directory, geo_config)


def test_sts_present() -> None:
    """Without the data every case above is missing: skip, or fail under CI=true."""
    from tests.conftest import require

    require(STS / KIND, "the SecRules Language Test Set (operators)")
    assert len(CASES) > 3000
