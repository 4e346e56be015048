"""A small reader for MaxMind DB files (``.mmdb``, GeoLite2/GeoIP2), format version 2.

The file is a binary search tree (``node_count`` nodes of two ``record_size``-bit records),
16 zero bytes, a data section, and metadata after the marker ``\\xab\\xcd\\xefMaxMind.com``.
A record equal to ``node_count`` means "no data"; above it, it points into the data
section. IPv4 addresses in an IPv6 tree are looked up as ``::a.b.c.d`` (96 zero bits first).
Only what lookups need is implemented: every data type of the specification is decoded.
"""

from __future__ import annotations

import mmap
import struct
from typing import Any

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"
_METADATA_SEARCH = 128 * 1024


class MMDBError(Exception):
    """The file is not a MaxMind DB this reader understands."""


class MaxMindDB:
    """An open ``.mmdb`` file (memory-mapped, read-only, shareable between threads)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            if not size:
                raise MMDBError("empty file")
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.path = path
        start = self._data.rfind(METADATA_MARKER, max(0, size - _METADATA_SEARCH))
        if start < 0:
            raise MMDBError("no MaxMind DB metadata")
        metadata, _ = _Decoder(self._data, start + len(METADATA_MARKER)).decode(start + len(METADATA_MARKER))
        if not isinstance(metadata, dict):
            raise MMDBError("bad metadata")
        self.metadata: dict[str, Any] = metadata
        try:
            self.node_count = int(metadata["node_count"])
            self.record_size = int(metadata["record_size"])
            self.ip_version = int(metadata["ip_version"])
        except (KeyError, TypeError, ValueError) as error:
            raise MMDBError(f"bad metadata: {error}") from None
        if self.record_size not in (24, 28, 32):
            raise MMDBError(f"unsupported record size {self.record_size}")
        self._node_bytes = self.record_size // 4
        self._tree_size = self.node_count * self._node_bytes
        self._decoder = _Decoder(self._data, self._tree_size + 16)
        self._ipv4_start = self._find_ipv4_start()

    def _find_ipv4_start(self) -> int:
        node = 0
        if self.ip_version == 6:
            for _ in range(96):
                if node >= self.node_count:
                    break
                node = self._record(node, 0)
        return node

    def _record(self, node: int, bit: int) -> int:
        data, offset = self._data, node * self._node_bytes
        if self.record_size == 24:
            return int.from_bytes(data[offset + 3 * bit:offset + 3 * bit + 3], "big")
        if self.record_size == 32:
            return int.from_bytes(data[offset + 4 * bit:offset + 4 * bit + 4], "big")
        middle = data[offset + 3]  # 28 bits: the middle byte holds both records' high nibbles
        if bit == 0:
            return ((middle & 0xF0) << 20) | int.from_bytes(data[offset:offset + 3], "big")
        return ((middle & 0x0F) << 24) | int.from_bytes(data[offset + 4:offset + 7], "big")

    def lookup(self, packed: bytes) -> Any | None:
        """The data for an address (4 or 16 bytes, network order), or None when absent."""
        bits = len(packed) * 8
        if bits == 128 and self.ip_version == 4:
            return None
        node = self._ipv4_start if bits == 32 else 0
        number = int.from_bytes(packed, "big")
        for position in range(bits - 1, -1, -1):
            if node >= self.node_count:
                break
            node = self._record(node, (number >> position) & 1)
        if node <= self.node_count:
            return None  # node_count: "no data"; below it the address ran out of bits
        offset = node - self.node_count - 16
        value, _ = self._decoder.decode(self._tree_size + 16 + offset)
        return value


class _Decoder:
    """The data section's type-length-value encoding; ``base`` is where pointers count from."""

    def __init__(self, data: Any, base: int) -> None:
        self._data = data
        self._base = base

    def decode(self, offset: int) -> tuple[Any, int]:
        data = self._data
        control = data[offset]
        offset += 1
        kind = control >> 5
        if kind == 1:  # pointer
            size = (control >> 3) & 0x3
            low = control & 0x7
            if size == 0:
                pointer = (low << 8) | data[offset]
            elif size == 1:
                pointer = ((low << 16) | int.from_bytes(data[offset:offset + 2], "big")) + 2048
            elif size == 2:
                pointer = ((low << 24) | int.from_bytes(data[offset:offset + 3], "big")) + 526336
            else:
                pointer = int.from_bytes(data[offset:offset + 4], "big")
            value, _ = self.decode(self._base + pointer)
            return value, offset + size + 1
        if kind == 0:  # extended type
            kind = 7 + data[offset]
            offset += 1
        size = control & 0x1F
        if size >= 29:
            extra = size - 28
            number = int.from_bytes(data[offset:offset + extra], "big")
            offset += extra
            size = (29, 285, 65821)[extra - 1] + number
        if kind == 2:  # UTF-8 string, kept as bytes
            return bytes(data[offset:offset + size]), offset + size
        if kind == 3:
            return struct.unpack(">d", data[offset:offset + 8])[0], offset + 8
        if kind == 4:
            return bytes(data[offset:offset + size]), offset + size
        if kind in (5, 6, 9, 10):  # uint16, uint32, uint64, uint128
            return int.from_bytes(data[offset:offset + size], "big"), offset + size
        if kind == 8:  # int32
            return int.from_bytes(data[offset:offset + size].rjust(4, b"\0"), "big", signed=True), offset + size
        if kind == 7:  # map
            result = {}
            for _ in range(size):
                key, offset = self.decode(offset)
                value, offset = self.decode(offset)
                result[key.decode("utf-8", "replace") if isinstance(key, bytes) else key] = value
            return result, offset
        if kind == 11:  # array
            items = []
            for _ in range(size):
                item, offset = self.decode(offset)
                items.append(item)
            return items, offset
        if kind == 14:  # boolean: the value is the size
            return bool(size), offset
        if kind == 15:
            return struct.unpack(">f", data[offset:offset + 4])[0], offset + 4
        if kind in (12, 13):  # data cache container, end marker
            return None, offset
        raise MMDBError(f"unknown data type {kind}")
