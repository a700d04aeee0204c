"""The store inside this process: pyoxigraph, in memory or on disk."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from registry.errors import StoreBusyError, StoreQueryError
from registry.store.base import META_GRAPH, Solution, Store


class EmbeddedStore(Store):
    """pyoxigraph in this process; `path=None` keeps everything in memory."""

    def __init__(self, path: str | Path | None = None):
        try:
            self._store = ox.Store(str(path)) if path else ox.Store()
        except OSError as error:
            raise StoreBusyError(
                f"Cannot open the store in {path}: {error}. Is the node running? "
                "Stop it first, or run the command while it runs so it goes through the node.",
                path=str(path),
            ) from error

    def extend(self, quads) -> None:
        """Add quads in one go, without a generation bump (for scratch stores built in memory)."""
        self._store.bulk_extend(quads)

    def bulk_load(self, text: bytes, format: ox.RdfFormat, graph: str) -> None:
        """Parse a document of triples into `graph` in Rust, without a generation bump (scratch stores)."""
        self._store.bulk_load(text, format, to_graph=ox.NamedNode(graph))

    def select(self, sparql: str) -> list[Solution]:
        solutions = self._run(sparql)
        names = [variable.value for variable in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def construct(self, sparql: str) -> list[ox.Triple]:
        return list(self._run(sparql))

    def ask(self, sparql: str) -> bool:
        return bool(self._run(sparql))

    def _update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise StoreQueryError(f"Invalid SPARQL update: {error}") from error

    def dump(self, graphs: Iterable[str] | None = None) -> bytes:
        names = self.graphs() if graphs is None else list(graphs)
        quads = (
            quad
            for name in names
            if name != META_GRAPH
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        )
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)

    def close(self) -> None:
        """Release the directory lock; later calls are no-ops."""
        if getattr(self, "_store", None) is not None:
            self._store.flush()
            self._store = None

    def _run(self, sparql: str):
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise StoreQueryError(f"Invalid SPARQL query: {error}") from error
