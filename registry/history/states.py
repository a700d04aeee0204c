"""The data as of a moment, made from the version log and kept for the next request.

`History.state(moment)` is the one place an as-of dataset is made: the newest version
of each resource at that moment, in the graph the live store keeps it in (a hub's
member graph `{hub}graph/{id}`, a node's data graph). Views with `?op=`, `/sparql?asOf=`
and `bamboe export --as-of` all read it. States are kept per moment (least recently
used first out) until the log grows or a privacy erase rewrites it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.history.moments import Moment
from registry.ldes import XSD, versions
from registry.queries import named
from registry.store import EmbeddedStore, Store


BATCH = 2000
"""Versions whose content one query reads (a bounded VALUES list, for remote stores too)."""


@dataclass(frozen=True)
class Token:
    """How far the log is: any change here may change a state."""

    count: int
    erased: str | None
    first: str | None  # time of the oldest version: when history begins


def token(store: Store) -> Token:
    row = versions.head(store)
    erased = store.select(named("history/erased").text)
    count = int(row["count"].value) if row.get("count") is not None else 0
    return Token(count, erased[0]["erased"].value if erased else None,
                 row["first"].value if row.get("first") is not None else None)


def state_quads(store: Store, moment: Moment, default_graph: str) -> list[ox.Quad]:
    """Every quad of the data as of `moment`; blank nodes renamed per version so versions never merge."""
    newest: dict[tuple[str, str | None], int] = {}
    for row in store.select(named("history/state").bind(
            moment=ox.Literal(moment.text, datatype=ox.NamedNode(XSD + "dateTime")))):
        key = (row["resource"].value, row["derived"].value if row.get("derived") is not None else None)
        newest[key] = max(newest.get(key, 0), int(row["number"].value))
    numbers = sorted(newest.values())
    content = named("history/state_content")
    quads = []
    for start in range(0, len(numbers), BATCH):
        batch = [ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")) for n in numbers[start:start + BATCH]]
        for row in store.select(content.bind_values(content.text, "number", batch)):
            graph = ox.NamedNode(row["derived"].value if row.get("derived") is not None else default_graph)
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(
                row["content"].value, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)]
    return quads


def state_as_of(store: Store, moment: Moment, default_graph: str) -> EmbeddedStore:
    """A scratch store (in memory) holding the data as of `moment`."""
    scratch = EmbeddedStore()
    scratch.extend(state_quads(store, moment, default_graph))
    return scratch


class History:
    """As-of states of one store, cached per moment; `derive` adds what a caller builds on a state."""

    def __init__(self, store: Store, default_graph: str, keep: int = 4):
        self.store, self.default_graph, self.keep = store, default_graph, keep
        self._kept: OrderedDict[str, tuple[Token, EmbeddedStore, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def begins(self) -> str | None:
        """When the oldest version was recorded (None: no history yet)."""
        return token(self.store).first

    def state(self, moment: Moment) -> EmbeddedStore:
        return self._entry(moment)[1]

    def derived(self, moment: Moment, name: str, make: Callable[[EmbeddedStore], object]):
        """Something made from the state once per state (the federation index of a hub, say)."""
        entry = self._entry(moment)
        with self._lock:
            if name in entry[2]:
                return entry[2][name]
        made = make(entry[1])
        with self._lock:
            return entry[2].setdefault(name, made)

    def _entry(self, moment: Moment):
        now = token(self.store)
        key = moment.text
        with self._lock:
            found = self._kept.get(key)
            if found and found[0] == now:
                self._kept.move_to_end(key)
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per moment at a time; the others wait for it
            with self._lock:
                found = self._kept.get(key)
                if found and found[0] == now:
                    return found
            entry = (now, state_as_of(self.store, moment, self.default_graph), {})
            with self._lock:
                self._kept[key] = entry
                self._kept.move_to_end(key)
                while len(self._kept) > self.keep:
                    self._kept.popitem(last=False)
                self._building.pop(key, None)
            return entry
