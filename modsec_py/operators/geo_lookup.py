"""``@geoLookup``: look the value (an IPv4 address or a host name) up in SecGeoLookupDB.

v2 resolves the value with ``apr_sockaddr_info_get(APR_INET)`` (so a host name is
resolved through DNS) and walks its database; a hit fills the GEO collection
(COUNTRY_CODE, COUNTRY_CODE3, COUNTRY_NAME, COUNTRY_CONTINENT, REGION, CITY, POSTAL_CODE,
LATITUDE and LONGITUDE as ``%f`` of a C float, DMA_CODE, AREA_CODE) and matches; a miss
clears GEO and does not match. Without a database v2 logs (level 1) ``Geo lookup for "<v>"
attempted without a database.  Set SecGeoLookupDB.`` and does not match.
Example: ``SecRule REMOTE_ADDR "@geoLookup" "chain,id:1"`` then ``SecRule GEO:COUNTRY_CODE "@streq XX"``.
Match text: ``Geo lookup for "<value, escaped>" succeeded.`` (v2's text, without "at <var>").

Databases: the legacy GeoIP ``.dat`` format v2 reads (:mod:`modsec_py._util.geoip_legacy`)
and, beyond Debian's 2.9.7, MaxMind DB ``.mmdb`` (:mod:`modsec_py._util.mmdb`), mapped to
v2's fields: ``country.iso_code``; COUNTRY_CODE3, and COUNTRY_NAME when the file has no
English name, from v2's country table; ``continent.code``; the first subdivision's
``iso_code``; English city name; ``postal.code``; ``location`` latitude, longitude and
``metro_code`` (DMA_CODE); AREA_CODE 0.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from modsec_py._util.geoip_legacy import (
    CONTINENTS,
    COUNTRY_CODES3,
    COUNTRY_NAMES,
    INDEX_BY_CODE,
    GeoMiss,
    GeoRecord,
    LegacyGeoIP,
    c_float,
)
from modsec_py._util.mmdb import METADATA_MARKER, MaxMindDB, MMDBError
from modsec_py.errors import ItemArgumentError
from modsec_py.operators._base import CompileContext, Operator, OperatorTx, cstr, log_escape, operator

_DATABASES: dict[str, LegacyGeoIP | MaxMindDB] = {}
_LOCK = threading.Lock()


def open_database(path: str, kind: str | None = None) -> LegacyGeoIP | MaxMindDB:
    """The database at ``path`` (opened once per process); ``kind``: "mmdb", "legacy" or sniffed."""
    with _LOCK:
        database = _DATABASES.get(path)
        if database is None:
            if kind is None:
                with open(path, "rb") as handle:
                    size = handle.seek(0, 2)
                    handle.seek(max(0, size - 128 * 1024))
                    kind = "mmdb" if METADATA_MARKER in handle.read() else "legacy"
            database = MaxMindDB(path) if kind == "mmdb" else LegacyGeoIP(path)
            _DATABASES[path] = database
        return database


def resolve_ipv4(target: str) -> int | str:
    """The IPv4 address v2 would look up (an int), or the resolver's error text.

    A module-level function so tests can replace it (no DNS in tests).
    """
    try:
        infos = socket.getaddrinfo(target, None, socket.AF_INET)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        return str(error.args[1] if isinstance(error, socket.gaierror) and len(error.args) > 1 else error)
    return int.from_bytes(socket.inet_aton(infos[0][4][0]), "big")


def _text(value: Any) -> bytes:
    return value if isinstance(value, bytes) else b""


def mmdb_record(data: Any, shown: str) -> GeoRecord | GeoMiss:
    """v2's fields from a GeoIP2/GeoLite2 record."""
    if not isinstance(data, dict):
        return GeoMiss(f'No geo data for "{shown}").')
    country = data.get("country") or data.get("registered_country") or {}
    code = _text(country.get("iso_code")).decode("latin-1")
    index = INDEX_BY_CODE.get(code, 0)
    if not code:
        return GeoMiss(f'No geo data for "{shown}" (country 0).')
    names = country.get("names") or {}
    name = _text(names.get("en")) or (COUNTRY_NAMES[index].encode("utf-8") if index else b"")
    continent = _text((data.get("continent") or {}).get("code")) or (CONTINENTS[index].encode() if index else b"--")
    subdivisions = data.get("subdivisions") or [{}]
    city = data.get("city") or {}
    location = data.get("location") or {}
    latitude = location.get("latitude", 0.0)
    longitude = location.get("longitude", 0.0)
    return GeoRecord(
        country_code=code.encode(), country_code3=(COUNTRY_CODES3[index] if index else code).encode(),
        country_name=name, country_continent=continent,
        region=_text(subdivisions[0].get("iso_code")), city=_text((city.get("names") or {}).get("en")),
        postal_code=_text((data.get("postal") or {}).get("code")),
        latitude=c_float(float(latitude)), longitude=c_float(float(longitude)),
        dma_code=int(location.get("metro_code", 0) or 0), area_code=0,
    )


def geo_fields(record: GeoRecord) -> dict[str, bytes]:
    """The GEO collection v2 builds from a record."""
    return {
        "COUNTRY_CODE": record.country_code, "COUNTRY_CODE3": record.country_code3,
        "COUNTRY_NAME": record.country_name, "COUNTRY_CONTINENT": record.country_continent,
        "REGION": record.region, "CITY": record.city, "POSTAL_CODE": record.postal_code,
        "LATITUDE": b"%f" % record.latitude, "LONGITUDE": b"%f" % record.longitude,
        "DMA_CODE": b"%d" % record.dma_code, "AREA_CODE": b"%d" % record.area_code,
    }


@operator("geoLookup")
class GeoLookup(Operator):
    __slots__ = ("_database",)

    def __init__(self, argument: str, ctx: CompileContext) -> None:
        super().__init__(argument, ctx)
        self._database: LegacyGeoIP | MaxMindDB | None = None
        config = ctx.config
        path = None if config is None else config.geo_lookup_db
        if path is None:
            return
        kind = None
        if config is not None and config.geo_lookup_db_format is not None:
            kind = "mmdb" if "mmdb" in config.geo_lookup_db_format.value else "legacy"
        try:
            self._database = open_database(path, kind)
        except (OSError, MMDBError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            raise ItemArgumentError(f'Could not open geo database "{path}": {reason}') from None

    def evaluate(self, tx: OperatorTx, value: bytes) -> object | None:
        target = cstr(value)
        shown = log_escape(target)
        database = self._database
        if database is None:
            tx.debug(1, f'Geo lookup for "{shown}" attempted without a database.  Set SecGeoLookupDB.')
            return None
        tx.debug(9, f'GEO: Looking up "{shown}".')
        address = resolve_ipv4(target.decode("latin-1"))
        if isinstance(address, str):
            tx.debug(4, f'Geo lookup for "{shown}" failed: {address}')
            tx.set_geo({})
            return None
        if isinstance(database, LegacyGeoIP):
            record = database.lookup(address, shown)
        else:
            record = mmdb_record(database.lookup(address.to_bytes(4, "big")), shown)
        if isinstance(record, GeoMiss):
            tx.debug(4, record.message)
            tx.set_geo({})
            return None
        tx.set_geo(geo_fields(record))
        return (shown,)

    def message(self, detail: object, var_name: str) -> str:
        return f'Geo lookup for "{detail[0]}" succeeded.'  # type: ignore[index]
