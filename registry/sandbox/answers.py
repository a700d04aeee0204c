"""Answers to public queries, kept for one store generation: the same question on the same data.

Dashboards, notebooks and monitoring ask the same few queries again and again. An
answer kept costs no worker, so it is given without a place in the pool's queue.
Only answers of repeatable queries (no NOW(), RAND()...; see `precheck`) are kept, up
to `max_answer_bytes` each and `max_bytes` in all, the least recently asked going first.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from registry.sandbox.pool import QueryResult


class Answers:
    """Recent answers by question; the caller makes a new one when the data changes."""

    def __init__(self, max_bytes: int = 16_000_000, max_answer_bytes: int = 500_000):
        self.max_bytes, self.max_answer_bytes = max_bytes, max_answer_bytes
        self._kept: OrderedDict[Hashable, QueryResult] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, question: Hashable) -> QueryResult | None:
        with self._lock:
            found = self._kept.get(question)
            if found is not None:
                self._kept.move_to_end(question)
            return found

    def keep(self, question: Hashable, answer: QueryResult) -> None:
        if len(answer.body) > self.max_answer_bytes:
            return
        with self._lock:
            if question in self._kept:
                return
            self._kept[question] = answer
            self._size += len(answer.body)
            while self._size > self.max_bytes:
                self._size -= len(self._kept.popitem(last=False)[1].body)
