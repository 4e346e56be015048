"""The in-memory collection store: v2's bookkeeping and a bounded size."""

from __future__ import annotations

from modsec_py.engine.store import MemoryStore


def test_new_then_stored_collection() -> None:
    store = MemoryStore()
    first = store.load("IP", b"1.2.3.4", 60)
    assert first.value(b"is_new") == b"1" and first.value(b"timeout") == b"60"
    first.set(b"hits", b"3")
    store.save("IP", b"1.2.3.4", first)
    again = store.load("IP", b"1.2.3.4", 60)
    assert again.value(b"is_new") == b"0"
    assert again.value(b"hits") == b"3"
    assert again.value(b"update_counter") == b"1"


def test_expired_records_are_purged() -> None:
    store = MemoryStore()
    store.PURGE_EVERY = 2
    stale = store.load("IP", b"old", 0)
    stale.set(b"TIMEOUT", b"-10")  # already expired when saved
    store.save("IP", b"old", stale)
    fresh = store.load("IP", b"new", 3600)
    store.save("IP", b"new", fresh)  # the second save sweeps
    assert len(store) == 1
    assert store.load("IP", b"new", 3600).value(b"is_new") == b"0"
