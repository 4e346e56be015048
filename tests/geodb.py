"""Tiny writers of GeoIP databases for tests: legacy GeoIP ``.dat`` and MaxMind DB ``.mmdb``.

Only what the readers need: IPv4 networks (CIDR) mapped to a country (legacy country
edition), a city record (legacy city edition rev1) or a GeoIP2-style map (mmdb). Networks
must not overlap.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable, Mapping
from typing import Any

from modsec_py._util.geoip_legacy import COUNTRY_BEGIN, INDEX_BY_CODE


class _Trie:
    """A binary trie over address bits; leaves carry a value index."""

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self.nodes: list[list[Any]] = [[None, None]]  # child: node index (int), ("leaf", value) or None

    def insert(self, network: int, prefix: int, value: int) -> None:
        node = 0
        for depth in range(prefix):
            bit = (network >> (self.bits - 1 - depth)) & 1
            if depth == prefix - 1:
                self.nodes[node][bit] = ("leaf", value)
                return
            child = self.nodes[node][bit]
            if not isinstance(child, int):
                child = len(self.nodes)
                self.nodes.append([None, None])
                self.nodes[node][bit] = child
            node = child


def _networks(entries: Iterable[tuple[str, Any]]) -> list[tuple[int, int, Any]]:
    result = []
    for cidr, value in entries:
        network = ipaddress.ip_network(cidr, strict=False)
        result.append((int(network.network_address), network.prefixlen, value))
    return result


def legacy_country_dat(entries: Iterable[tuple[str, str]]) -> bytes:
    """A country edition: ``(cidr, country code)`` pairs; everything else has no data."""
    trie = _Trie(32)
    for network, prefix, code in _networks(entries):
        trie.insert(network, prefix, INDEX_BY_CODE[code])
    out = bytearray()
    for left, right in trie.nodes:
        for child in (left, right):
            record = COUNTRY_BEGIN if child is None else (
                COUNTRY_BEGIN + child[1] if isinstance(child, tuple) else child)
            out += record.to_bytes(3, "little")
    return bytes(out)  # no structure info: v2 then assumes a country edition


def legacy_city_dat(entries: Iterable[tuple[str, Mapping[str, Any]]], *, edition: int = 2) -> bytes:
    """A city edition (rev1 = 2, rev0 = 6): ``(cidr, {country, region, city, postal_code,
    latitude, longitude, dma_code, area_code})``."""
    networks = _networks(entries)
    trie = _Trie(32)
    for index, (network, prefix, _record) in enumerate(networks):
        trie.insert(network, prefix, index)
    segments = len(trie.nodes)
    records = bytearray(b"\0")  # pointer == segments means "no data": the first byte is padding
    offsets = []
    for _network, _prefix, record in networks:
        offsets.append(segments + len(records))
        records.append(INDEX_BY_CODE[record["country"]])
        for name in ("region", "city", "postal_code"):
            records += record.get(name, b"") + b"\0"
        for name in ("latitude", "longitude"):
            records += round((record.get(name, 0.0) + 180) * 10000).to_bytes(3, "little")
        if edition == 2 and record["country"] == "US":
            records += (record.get("dma_code", 0) * 1000 + record.get("area_code", 0)).to_bytes(3, "little")
    records += b"\0" * 50  # v2 reads 50 bytes per record
    out = bytearray()
    for left, right in trie.nodes:
        for child in (left, right):
            value = segments if child is None else (offsets[child[1]] if isinstance(child, tuple) else child)
            out += value.to_bytes(3, "little")
    return bytes(out + records + b"\xff\xff\xff" + bytes([edition]) + segments.to_bytes(3, "little"))


# -- MaxMind DB ----------------------------------------------------------------------------

def _control(kind: int, size: int) -> bytes:
    extended = kind > 7
    first = (0 if extended else kind) << 5
    if size < 29:
        head, tail = bytes([first | size]), b""
    elif size < 285:
        head, tail = bytes([first | 29]), bytes([size - 29])
    elif size < 65821:
        head, tail = bytes([first | 30]), (size - 285).to_bytes(2, "big")
    else:
        head, tail = bytes([first | 31]), (size - 65821).to_bytes(3, "big")
    return head + (bytes([kind - 7]) if extended else b"") + tail


def mmdb_encode(value: Any) -> bytes:
    """The MaxMind DB data encoding of a value (str/bytes, int, float, bool, dict, list)."""
    if isinstance(value, bool):
        return _control(14, int(value))
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return _control(2, len(value)) + value
    if isinstance(value, float):
        return _control(3, 8) + struct.pack(">d", value)
    if isinstance(value, int):
        if value < 0:
            return _control(8, 4) + value.to_bytes(4, "big", signed=True)
        raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
        kind = 5 if len(raw) <= 2 else 6 if len(raw) <= 4 else 9 if len(raw) <= 8 else 10
        return _control(kind, len(raw)) + raw
    if isinstance(value, dict):
        return _control(7, len(value)) + b"".join(mmdb_encode(k) + mmdb_encode(v) for k, v in value.items())
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(mmdb_encode(item) for item in value)
    raise TypeError(type(value))


def mmdb(entries: Iterable[tuple[str, Mapping[str, Any]]], *, ip_version: int = 6, record_size: int = 24) -> bytes:
    """A MaxMind DB with IPv4 ``(cidr, record)`` entries; ``ip_version=6`` puts them at ::/96."""
    networks = _networks(entries)
    bits = 128 if ip_version == 6 else 32
    trie = _Trie(bits)
    data = bytearray()
    offsets = []
    for index, (network, prefix, record) in enumerate(networks):
        offsets.append(len(data))
        data += mmdb_encode(dict(record))
        trie.insert(network, prefix + bits - 32, index)
    count = len(trie.nodes)
    tree = bytearray()
    for left, right in trie.nodes:
        values = [count if child is None else (count + 16 + offsets[child[1]] if isinstance(child, tuple) else child)
                  for child in (left, right)]
        if record_size == 24:
            tree += values[0].to_bytes(3, "big") + values[1].to_bytes(3, "big")
        elif record_size == 28:
            tree += (values[0] & 0xFFFFFF).to_bytes(3, "big")
            tree.append(((values[0] >> 24) << 4) | (values[1] >> 24))
            tree += (values[1] & 0xFFFFFF).to_bytes(3, "big")
        else:
            tree += values[0].to_bytes(4, "big") + values[1].to_bytes(4, "big")
    metadata = {
        "node_count": count, "record_size": record_size, "ip_version": ip_version,
        "database_type": "GeoLite2-City", "languages": ["en"], "binary_format_major_version": 2,
        "binary_format_minor_version": 0, "build_epoch": 1700000000, "description": {"en": "modsec_py test"},
    }
    return bytes(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + mmdb_encode(metadata))
