"""A store behind the SPARQL 1.1 Protocol and Graph Store Protocol.

Works with the node's own supervised Oxigraph server and with any other SPARQL 1.1
store (Fuseki, GraphDB, QLever, Virtuoso): only the three endpoint URLs differ.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import requests

from registry.errors import StoreError, StoreQueryError
from registry.store.base import META_GRAPH, Solution, Store

RESULTS_JSON = "application/sparql-results+json"


class RemoteStore(Store):
    """Talk to a SPARQL 1.1 store over HTTP."""

    def __init__(self, query_url: str, update_url: str, gsp_url: str, timeout: float = 60):
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.timeout = timeout
        self._http = requests.Session()

    @classmethod
    def for_oxigraph(cls, base_url: str, timeout: float = 60) -> "RemoteStore":
        """Endpoints of an `oxigraph serve` server at `base_url`."""
        base = base_url.rstrip("/")
        return cls(f"{base}/query?union-default-graph", f"{base}/update", f"{base}/store", timeout)

    def select(self, sparql: str) -> list[Solution]:
        body = self._post_query(sparql, RESULTS_JSON)
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        names = [variable.value for variable in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def construct(self, sparql: str) -> list[ox.Triple]:
        body = self._post_query(sparql, "application/n-triples")
        return [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]

    def ask(self, sparql: str) -> bool:
        body = self._post_query(sparql, RESULTS_JSON)
        return bool(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def _update(self, sparql: str) -> None:
        self._send(
            "POST", self.update_url, data=sparql.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )

    def dump(self, graphs: Iterable[str] | None = None) -> bytes:
        names = self.graphs() if graphs is None else list(graphs)
        parts = []
        for name in names:
            if name == META_GRAPH:
                continue
            body = self._send(
                "GET", self.gsp_url, params={"graph": name},
                headers={"Accept": "application/n-triples"},
            ).content
            quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            graph = ox.NamedNode(name)
            parts.append(ox.serialize(
                (ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads),
                format=ox.RdfFormat.N_QUADS,
            ))
        return b"".join(parts)

    def close(self) -> None:
        self._http.close()

    def _post_query(self, sparql: str, accept: str) -> bytes:
        return self._send(
            "POST", self.query_url, data=sparql.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        ).content

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise StoreError(f"The store at {url} cannot be reached: {error}", url=url) from error
        if response.status_code == 400:
            raise StoreQueryError(f"The store refused the request: {response.text[:500]}", url=url)
        if response.status_code >= 300:
            raise StoreError(
                f"The store at {url} answered {response.status_code}: {response.text[:500]}", url=url
            )
        return response
