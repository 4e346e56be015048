"""Persistent collections (IP, SESSION, USER, GLOBAL, RESOURCE) behind one small interface.

v2 keeps them in SDBM files under SecDataDir, shared by Apache's processes. The engine only
sees :class:`CollectionStore`; :class:`MemoryStore` keeps them in this process (until the
SQLite and Redis stores land; see docs/DEVIATIONS.md).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from modsec_py.collection import MapCollection


class CollectionStore(Protocol):
    def load(self, name: str, key: bytes, timeout: int) -> MapCollection: ...

    def save(self, name: str, key: bytes, collection: MapCollection) -> None: ...


class MemoryStore:
    """Collections kept in this process, with v2's bookkeeping variables and expiry."""

    PURGE_EVERY = 1000  # saves between sweeps for expired records (v2: collections_remove_stale)

    def __init__(self) -> None:
        self._records: dict[tuple[str, bytes], list[tuple[bytes, bytes]]] = {}
        self._lock = threading.Lock()
        self._saves = 0

    def load(self, name: str, key: bytes, timeout: int) -> MapCollection:
        now = int(time.time())
        collection = MapCollection()
        with self._lock:
            stored = self._records.get((name, key))
        if stored is not None:
            for pair_key, value in stored:
                collection.set(pair_key, value)
            expires = collection.value(b"__expire_key")
            if expires is not None and int(expires) <= now:
                collection = MapCollection()
                stored = None
        if stored is None:
            for pair_key, value in ((b"KEY", key), (b"TIMEOUT", str(timeout).encode()),
                                    (b"__expire_KEY", str(now + timeout).encode()),
                                    (b"CREATE_TIME", str(now).encode()), (b"IS_NEW", b"1"),
                                    (b"UPDATE_COUNTER", b"0")):
                collection.set(pair_key, value)
        else:
            collection.set(b"IS_NEW", b"0")
            for pair_key, value in collection.items():  # expired variables go
                if pair_key.lower().startswith(b"__expire_") and pair_key.lower() != b"__expire_key":
                    if int(value or b"0") <= now:
                        collection.remove(pair_key[9:].lower())
                        collection.remove(pair_key.lower())
        return collection

    def save(self, name: str, key: bytes, collection: MapCollection) -> None:
        now = int(time.time())
        counter = int(collection.value(b"update_counter") or b"0") + 1
        collection.set(b"UPDATE_COUNTER", str(counter).encode())
        collection.set(b"LAST_UPDATE_TIME", str(now).encode())
        timeout = int(collection.value(b"timeout") or b"3600")
        collection.set(b"__expire_KEY", str(now + timeout).encode())
        with self._lock:
            self._records[(name, key)] = [pair for pair in collection.items() if pair[0].lower() != b"is_new"]
            self._saves += 1
            if self._saves % self.PURGE_EVERY == 0:
                self._purge(now)

    def __len__(self) -> int:
        return len(self._records)

    def _purge(self, now: int) -> None:
        """Drop records whose ``__expire_KEY`` has passed, so memory stays bounded."""
        for record_key, pairs in list(self._records.items()):
            expires = next((value for pair_key, value in pairs if pair_key.lower() == b"__expire_key"), None)
            if expires is not None and int(expires) <= now:
                del self._records[record_key]
