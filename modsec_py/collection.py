"""Collections: the named multi-maps ModSecurity's variables read (ARGS, REQUEST_HEADERS, TX...).

Like v2's ``apr_table``, keys compare case-insensitively and keep their written case;
values are bytes. Two shapes share one reading interface:

* :class:`MultiCollection` keeps every (key, value) pair in arrival order (request data:
  ``a=1&b=2&a=3`` stays in that order, as v2 logs and matches it);
* :class:`MapCollection` holds one value per key (TX, IP, SESSION, GEO, ENV, RULE...),
  what ``setvar`` replaces and deletes.

The engine reads them with :meth:`items` (all pairs) and :meth:`get` (one key, lower-cased).
"""

from __future__ import annotations

from collections.abc import Iterator


class MultiCollection:
    __slots__ = ("_items", "_index")

    def __init__(self) -> None:
        self._items: list[tuple[bytes, bytes]] = []
        self._index: dict[bytes, list[tuple[bytes, bytes]]] | None = None

    def add(self, key: bytes, value: bytes) -> None:
        self._items.append((key, value))
        self._index = None

    def items(self) -> list[tuple[bytes, bytes]]:
        return self._items

    def get(self, lower_key: bytes) -> list[tuple[bytes, bytes]]:
        index = self._index
        if index is None:
            index = {}
            for pair in self._items:
                index.setdefault(pair[0].lower(), []).append(pair)
            self._index = index
        return index.get(lower_key, [])

    def remove(self, lower_key: bytes) -> None:
        self._items = [pair for pair in self._items if pair[0].lower() != lower_key]
        self._index = None

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self._items)


class MapCollection:
    __slots__ = ("_map",)

    def __init__(self) -> None:
        self._map: dict[bytes, tuple[bytes, bytes]] = {}

    def set(self, key: bytes, value: bytes) -> None:
        self._map[key.lower()] = (key, value)

    def add(self, key: bytes, value: bytes) -> None:
        self.set(key, value)

    def value(self, lower_key: bytes) -> bytes | None:
        pair = self._map.get(lower_key)
        return None if pair is None else pair[1]

    def items(self) -> list[tuple[bytes, bytes]]:
        return list(self._map.values())

    def get(self, lower_key: bytes) -> list[tuple[bytes, bytes]]:
        pair = self._map.get(lower_key)
        return [] if pair is None else [pair]

    def remove(self, lower_key: bytes) -> None:
        self._map.pop(lower_key, None)

    def __len__(self) -> int:
        return len(self._map)

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        return iter(self._map.values())


Collection = MultiCollection | MapCollection
