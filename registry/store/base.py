"""The storage interface every backend implements.

The node never talks to Oxigraph (or Fuseki, GraphDB...) directly: it goes through
this interface, so a backend is a configuration change. Results come back as
pyoxigraph terms whatever the backend, so callers never care where they came from.
"""
from __future__ import annotations

import datetime as dt
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable

import pyoxigraph as ox

from registry.queries import insert_data, named

META_GRAPH = "urn:bamboe:meta"
"""Graph holding the store's change token; never dumped or published."""
PRIVATE_GRAPHS = "urn:bamboe:"
"""Graphs named under this prefix (meta, audit, vocab) are the node's own business: never
dumped, counted, harvested or shown to public queries."""

Solution = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]


class Store(ABC):
    """A named-graph RDF store: query, update, atomic graph replace and dump.

    Queries see the union of all named graphs as their default graph (pySHACL-style
    queries and the shapes' signals need no GRAPH clause); `GRAPH ?g` still tells
    graphs apart. A remote store must be configured that way (Oxigraph:
    `union-default-graph`, Fuseki: `tdb2:unionDefaultGraph true`).
    """

    @abstractmethod
    def select(self, sparql: str) -> list[Solution]:
        """Run a SELECT query and return its rows as dicts of pyoxigraph terms."""

    @abstractmethod
    def construct(self, sparql: str) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query and return its triples."""

    @abstractmethod
    def ask(self, sparql: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def _update(self, sparql: str) -> None:
        """Execute a SPARQL update as one transaction."""

    @abstractmethod
    def dump(self, graphs: Iterable[str] | None = None) -> bytes:
        """Return the given named graphs (default: all but the private graphs) as N-Quads."""

    state_ttl = 0.5
    """Seconds a read of the change token is reused; this process's own writes reset it."""

    def update(self, sparql: str) -> None:
        """Execute a SPARQL update and move the change token, in one transaction."""
        self._state_cache = None
        try:
            self._update(sparql + " ;\n" + bump_generation())
        finally:
            self._state_cache = None

    def update_private(self, sparql: str) -> None:
        """Execute a SPARQL update that writes only private graphs (`urn:bamboe:*`), keeping the change token.

        Nothing published changes, so dumps, query snapshots and page caches stay valid;
        bookkeeping that is read straight from the store (the event stream's log) uses it.
        """
        self._update(sparql)

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple], also: str | None = None) -> None:
        """Replace a named graph's content atomically: readers see old or new, never half.

        `also` is an update (an audit record) committed in the same transaction.
        """
        drop = named("store/drop_graph").bind(g=ox.NamedNode(graph))
        self.update(drop + " ;\n" + insert_data(graph, triples) + (" ;\n" + also if also else ""))

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and everything in it."""
        self.update(named("store/drop_graph").bind(g=ox.NamedNode(graph)))

    def graphs(self) -> list[str]:
        """Return the names of the graphs holding published data (private graphs excluded)."""
        rows = self.select(named("store/graphs").text)
        return sorted(row["g"].value for row in rows if not row["g"].value.startswith(PRIVATE_GRAPHS))

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """Return every triple of one named graph."""
        return self.construct(named("store/graph_triples").bind(g=ox.NamedNode(graph)))

    def state(self) -> tuple[str, dt.datetime | None]:
        """Return the change token and last-modified time (both change on every write).

        Pages ask this many times per request; within `state_ttl` seconds the last
        answer is reused, so another process's write shows up at most that late.
        """
        cached = getattr(self, "_state_cache", None)
        if cached and time.monotonic() - cached[0] < self.state_ttl:
            return cached[1]
        rows = self.select(named("store/generation").text)
        if rows:
            state = rows[0]["generation"].value, dt.datetime.fromisoformat(rows[0]["modified"].value)
        else:
            state = "0", None
        self._state_cache = (time.monotonic(), state)
        return state

    def close(self) -> None:
        """Release the backend's resources."""


def bump_generation() -> str:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return named("store/bump_generation").bind(
        generation=ox.Literal(uuid.uuid4().hex),
        modified=ox.Literal(now.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
    )
