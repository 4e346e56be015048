"""@geoLookup with legacy GeoIP (.dat) and MaxMind DB (.mmdb) files written by tests/geodb.py.

The expected GEO values for the legacy city database were produced by Debian's 2.9.7 on the
same file (latitude and longitude printed from a C float).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py._util.geoip_legacy import LegacyGeoIP
from modsec_py._util.mmdb import MaxMindDB
from modsec_py.config import EngineConfig, GeoDbFormat
from modsec_py.errors import ItemArgumentError
from modsec_py.operators import geo_lookup
from modsec_py.testing.fake_tx import FakeTx
from tests import geodb
from tests.unit.operators._helpers import make

SF = {"country": "US", "region": b"CA", "city": b"San Francisco", "postal_code": b"94107",
      "latitude": 37.7749, "longitude": -122.4194, "dma_code": 807, "area_code": 415}
BERLIN = {"country": "DE", "city": b"Berlin", "latitude": 52.52, "longitude": 13.405}


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def numeric(target: str) -> int | str:
        try:
            return int.from_bytes(socket.inet_aton(target), "big") if target.count(".") == 3 else "no DNS in tests"
        except OSError:
            return "no DNS in tests"

    monkeypatch.setattr(geo_lookup, "resolve_ipv4", numeric)


def lookup(path: Path, value: bytes, kind: GeoDbFormat | None = None) -> tuple[str | None, FakeTx]:
    op = make("geoLookup", config=EngineConfig(geo_lookup_db=str(path), geo_lookup_db_format=kind))
    tx = FakeTx()
    tx.geo = {"STALE": b"1"}
    detail = op.evaluate(tx, value)
    return (None if detail is None else op.message(detail, "REMOTE_ADDR")), tx


def test_legacy_city_matches_v2(tmp_path: Path) -> None:
    path = tmp_path / "city.dat"
    path.write_bytes(geodb.legacy_city_dat([("1.2.3.0/24", SF), ("5.6.7.8/32", BERLIN)]))
    text, tx = lookup(path, b"1.2.3.4")
    assert text == 'Geo lookup for "1.2.3.4" succeeded.'
    assert tx.geo == {
        "COUNTRY_CODE": b"US", "COUNTRY_CODE3": b"USA", "COUNTRY_NAME": b"United States", "COUNTRY_CONTINENT": b"NA",
        "REGION": b"CA", "CITY": b"San Francisco", "POSTAL_CODE": b"94107", "LATITUDE": b"37.774899",
        "LONGITUDE": b"-122.419403", "DMA_CODE": b"807", "AREA_CODE": b"415"}
    _text, tx = lookup(path, b"5.6.7.8")
    assert tx.geo["CITY"] == b"Berlin" and tx.geo["LATITUDE"] == b"52.520000" and tx.geo["DMA_CODE"] == b"0"
    text, tx = lookup(path, b"5.6.7.9")
    assert text is None and tx.geo == {}
    assert (4, 'No geo data for "5.6.7.9").') in tx.debug_lines


def test_legacy_country(tmp_path: Path) -> None:
    path = tmp_path / "GeoIP.dat"
    path.write_bytes(geodb.legacy_country_dat([("1.2.3.0/24", "AU"), ("10.0.0.0/8", "JP")]))
    assert LegacyGeoIP(str(path)).edition == 1
    text, tx = lookup(path, b"10.200.1.1")
    assert text == 'Geo lookup for "10.200.1.1" succeeded.'
    assert tx.geo["COUNTRY_CODE"] == b"JP" and tx.geo["COUNTRY_NAME"] == b"Japan" and tx.geo["REGION"] == b""
    assert tx.geo["LATITUDE"] == b"0.000000"
    assert lookup(path, b"127.0.0.1")[0] is None


@pytest.mark.parametrize("ip_version", [4, 6])
@pytest.mark.parametrize("record_size", [24, 28, 32])
def test_mmdb(tmp_path: Path, ip_version: int, record_size: int) -> None:
    path = tmp_path / "city.mmdb"
    record = {"country": {"iso_code": "US", "names": {"en": "United States"}}, "continent": {"code": "NA"},
              "subdivisions": [{"iso_code": "CA"}], "city": {"names": {"en": "San Francisco"}},
              "postal": {"code": "94107"}, "location": {"latitude": 37.7749, "longitude": -122.4194, "metro_code": 807}}
    path.write_bytes(geodb.mmdb([("1.2.3.0/24", record), ("9.9.9.9/32", {"country": {"iso_code": "CH"}})],
                                ip_version=ip_version, record_size=record_size))
    assert MaxMindDB(str(path)).metadata["database_type"] == b"GeoLite2-City"
    text, tx = lookup(path, b"1.2.3.200")
    assert text == 'Geo lookup for "1.2.3.200" succeeded.'
    assert tx.geo == {
        "COUNTRY_CODE": b"US", "COUNTRY_CODE3": b"USA", "COUNTRY_NAME": b"United States", "COUNTRY_CONTINENT": b"NA",
        "REGION": b"CA", "CITY": b"San Francisco", "POSTAL_CODE": b"94107", "LATITUDE": b"37.774899",
        "LONGITUDE": b"-122.419403", "DMA_CODE": b"807", "AREA_CODE": b"0"}
    _text, tx = lookup(path, b"9.9.9.9", GeoDbFormat.MAXMIND_DB)
    assert tx.geo["COUNTRY_NAME"] == b"Switzerland" and tx.geo["COUNTRY_CONTINENT"] == b"EU"  # from v2's table
    assert lookup(path, b"9.9.9.8")[0] is None


def test_without_database_and_unresolvable() -> None:
    op = make("geoLookup")
    tx = FakeTx()
    assert op.evaluate(tx, b"1.2.3.4") is None
    assert tx.debug_lines == [(1, 'Geo lookup for "1.2.3.4" attempted without a database.  Set SecGeoLookupDB.')]


def test_unresolvable_target_clears_geo(tmp_path: Path) -> None:
    path = tmp_path / "GeoIP.dat"
    path.write_bytes(geodb.legacy_country_dat([("1.2.3.0/24", "AU")]))
    text, tx = lookup(path, b"www.example.org")
    assert text is None and tx.geo == {}


def test_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ItemArgumentError, match="Could not open geo database"):
        make("geoLookup", config=EngineConfig(geo_lookup_db=str(tmp_path / "none.dat")))
