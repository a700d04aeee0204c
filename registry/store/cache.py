"""A value computed from the store, recomputed only when the store changes."""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from registry.store.base import Store

T = TypeVar("T")


class PerGeneration(Generic[T]):
    """Cache `compute(store)` until the store's change token (or `extra_key()`) moves."""

    def __init__(self, store: Store, compute: Callable[[Store], T],
                 extra_key: Callable[[], Hashable] = lambda: None):
        self.store, self.compute, self.extra_key = store, compute, extra_key
        self._key: tuple | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        key = (self.store.state()[0], self.extra_key())
        with self._lock:
            if key != self._key:
                self._value = self.compute(self.store)
                self._key = key
            return self._value
