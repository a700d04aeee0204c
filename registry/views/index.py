"""The federation index of a hub: kept per member graph, refreshed off the request path.

A request never builds the index (except the very first one of a process that was
not warmed at start). When the store's change token moves, or a harvest stores a
member's copy, a background thread re-reads only the member graphs whose copy
changed, recomputes their facts and reflection signals, assembles a new
`Federation` and swaps it in; until then requests keep getting the previous one.

A member graph's version is the harvest run that stored it (its PROV-O
`prov:wasGeneratedBy` in the harvest log, written in the same transaction as the
graph). A graph without provenance (loaded by other means) is re-read whenever the
store changes. Each changed graph is fetched once and queried in a small in-memory
Oxigraph store with the shipped vocabulary beside it, so the index costs the hub's
store one read per changed graph, whatever backend it is.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from registry import clock
from registry.errors import StoreError
from registry.queries import named
from registry.signals import Signal, signals
from registry.store import Store, vocabulary
from registry.views.federation import Federation, Member, assemble, merge_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GraphPart:
    """What the views need from one member graph, read at one version."""

    version: str | None
    facts: dict[str, dict[str, list[str]]]  # community IRI -> key -> values
    signals: dict[str, tuple[Signal, ...]]  # community IRI -> signals that apply
    day: dt.date
    merge_keys: dict[str, tuple] = field(default_factory=dict)  # community IRI -> `federation.merge_key`
    made: dict = field(default_factory=dict)
    """Communities of this graph alone, made once by `federation.assemble` and reused."""


class FederationIndex:
    """The federation of one store, per member graph, rebuilt in the background."""

    def __init__(self, store: Store, members: list[Member], today: Callable[[], dt.date] = clock.today,
                 check_every_s: float | None = None, follow_members: Callable[[], list[Member]] | None = None):
        self.store, self.members, self.today = store, members, today
        self.follow_members = follow_members
        """Re-reads the member list at each refresh (a hub's: another process may have admitted a node)."""
        self.check_every_s = store.state_ttl if check_every_s is None else check_every_s
        self._parts: dict[str, GraphPart] = {}
        self._current: Federation | None = None
        self._seen: tuple[str, dt.date] | None = None  # (store token, day) the current index was built at
        self._checked = 0.0
        self._build_lock = threading.Lock()
        self._wanted = threading.Event()
        self._worker: threading.Thread | None = None
        self.last_reads: list[str] = []
        """Member graphs read by the last refresh (tests check only changed graphs are read)."""
        self.refreshes = 0

    def get(self) -> Federation:
        """The current federation; a change seen here is rebuilt in the background."""
        if self._current is None:
            self.refresh()
        elif time.monotonic() - self._checked >= self.check_every_s:
            self._checked = time.monotonic()
            if self._key() != self._seen:
                self.refresh_soon()
        return self._current

    def refresh_soon(self) -> None:
        """Ask the background thread for a refresh; returns at once."""
        self._wanted.set()
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="federation-index", daemon=True)
            self._worker.start()

    def refresh(self) -> Federation:
        """Re-read the changed member graphs and swap in the new federation (blocking)."""
        with self._build_lock:
            key = self._key()
            if self._current is not None and key == self._seen:  # built meanwhile by another thread
                return self._current
            day = key[1]
            if self.follow_members is not None:
                self.members = self.follow_members()
            versions = self._versions()
            reads = [graph for graph, version in versions.items()
                     if graph not in self._parts or version is None or self._parts[graph].version != version
                     or self._parts[graph].day != day]
            parts = {graph: part for graph, part in self._parts.items() if graph in versions}
            for graph in reads:
                parts[graph] = read_part(self.store, graph, versions[graph], day)
            self._parts = parts
            self._current = assemble(self.members, parts)
            self._seen, self.last_reads = key, reads
            self.refreshes += 1
            return self._current

    def _work(self) -> None:
        while self._wanted.is_set():
            self._wanted.clear()
            try:
                self.refresh()
            except StoreError as error:  # keep serving the previous index; the next change retries
                log.warning("could not refresh the federation index: %s", error.detail)
                return

    def _key(self) -> tuple[str, dt.date]:
        return self.store.state()[0], self.today()

    def _versions(self) -> dict[str, str | None]:
        """The version of every member graph present in the store."""
        query = named("views/present_graphs")
        text = query.bind_values(query.text, "g", [ox.NamedNode(member.graph) for member in self.members])
        present = {row["g"].value for row in self.store.select(text)}
        stored = {row["graph"].value: row["run"].value for row in self.store.select(named("harvest/graphs").text)}
        return {graph: stored.get(graph) for graph in sorted(present)}


def read_part(store: Store, graph: str, version: str | None, day: dt.date) -> GraphPart:
    """Fetch one member graph and compute its facts and signals in a scratch store."""
    scratch = ox.Store()
    scratch.load(store.dump([graph]), format=ox.RdfFormat.N_QUADS)  # parsed in Rust, not triple by triple
    scratch.bulk_extend(vocabulary.quads(vocabulary.VOCAB_GRAPH))
    return part_of(scratch, version, day)


def federation_of(texts: dict[str, bytes], members: list[Member], day: dt.date) -> Federation:
    """The federation of member graphs given as N-Triples (an as-of state's), as `FederationIndex` makes it.

    Each member's text goes straight into its scratch store: no store holds them all first.
    """
    parts = {}
    for member in members:
        if member.graph in texts and member.graph not in parts:
            scratch = ox.Store()
            scratch.bulk_load(texts[member.graph], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(member.graph))
            scratch.bulk_extend(vocabulary.quads(vocabulary.VOCAB_GRAPH))
            parts[member.graph] = part_of(scratch, None, day)
    return assemble(members, dict(sorted(parts.items())))


def part_of(scratch: ox.Store, version: str | None, day: dt.date) -> GraphPart:
    """The facts and signals of the one member graph a scratch store holds beside the vocabulary."""
    facts: dict[str, dict[str, list[str]]] = {}
    for row in scratch.query(named("views/facts").text):
        values = facts.setdefault(row["community"].value, {}).setdefault(row["key"].value, [])
        if row["value"].value not in values:
            values.append(row["value"].value)
    for values in facts.values():
        for found in values.values():
            found.sort()
    found_signals: dict[str, list[Signal]] = {}
    for signal in signals():
        for row in scratch.query(signal.on(day), use_default_graph_as_union=True):
            found_signals.setdefault(row["this"].value, []).append(signal)
    return GraphPart(version, facts, {iri: tuple(found) for iri, found in found_signals.items()}, day,
                     {iri: merge_key(iri, values) for iri, values in facts.items()})
