"""A store behind the SPARQL 1.1 Protocol and Graph Store Protocol.

Works with the node's own supervised Oxigraph server and with any other SPARQL 1.1
store (Fuseki, GraphDB, QLever, Virtuoso): the three endpoint URLs differ, a server
that wants a login gets `user` and `password`, and a server that departs from the
standard in ways Bamboe notices is named by its `Flavour` (today: Virtuoso).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from registry.errors import StoreError, StoreQueryError
from registry.queries import named
from registry.store.base import META_GRAPH, Solution, Store, bump_generation

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
RESULTS_FORMATS = {RESULTS_JSON: ox.QueryResultsFormat.JSON, RESULTS_XML: ox.QueryResultsFormat.XML}


@dataclass(frozen=True)
class Flavour:
    """How one kind of SPARQL server departs from the standard, as far as Bamboe notices."""

    name: str = "standard"
    results: str = RESULTS_JSON
    """Media type asked for SELECT and ASK results."""
    blank_node_prefix: bytes = b""
    """Put by the server before blank node labels in results; removed before parsing."""
    system_graphs: frozenset[str] = frozenset()
    """Graphs the server keeps for its own use: never listed or dumped as data."""
    blank_nodes_in_insert_data: bool = True
    """Whether INSERT DATA may hold blank nodes (SPARQL 1.1 says it may)."""
    max_insert_data: int = 0
    """Triples one INSERT DATA operation may hold (0: no limit)."""
    silent_row_limit: bool = False
    """Whether graph reads may stop at a row limit without saying so; each dumped graph is counted."""
    atomic_updates: bool = True
    """Whether a failed update leaves nothing behind. Where not, a write that fails after the
    server accepted it still moves the change token, so no cache keeps what is gone."""


STANDARD = Flavour()
VIRTUOSO = Flavour(
    name="virtuoso",
    # Its JSON results write booleans as 1 and 0; its XML results write true and false.
    results=RESULTS_XML,
    blank_node_prefix=b"nodeID://",
    system_graphs=frozenset({"http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#"}),
    # 7.2: "Blank node ... is not allowed in a constant clause", and its parser runs out
    # of stack ("memory exhausted") at some 5000 triples in one operation.
    blank_nodes_in_insert_data=False,
    max_insert_data=2000,
    # SELECT stops at ResultSetMaxRows with a header; CONSTRUCT and Graph Store reads without one.
    silent_row_limit=True,
    # An update that fails at run time keeps the operations before the failing one (7.2.5).
    atomic_updates=False,
)
FLAVOURS = {flavour.name: flavour for flavour in (STANDARD, VIRTUOSO)}

TEMPLATE_TRIPLES = 100
"""Triples with blank nodes per `INSERT {...} WHERE {}` operation where INSERT DATA cannot
hold them; Virtuoso compiles each template to SQL and stops at 10000 lines of it."""
INSERT_DATA = re.compile(r"INSERT DATA \{ GRAPH (<[^>\s]*>) \{\n((?:(?:<|_:)[^\n]*\n)*)\} \}")
"""An INSERT DATA block as `registry.queries.insert_data` writes it: one triple per line."""
GRAPH_SIZE = named("store/graph_size")


class RemoteStore(Store):
    """Talk to a SPARQL 1.1 store over HTTP."""

    def __init__(self, query_url: str, update_url: str, gsp_url: str, timeout: float = 60, *,
                 user: str = "", password: str = "", flavour: Flavour = STANDARD):
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.timeout = timeout
        self.flavour = flavour
        self._http = requests.Session()
        if user:
            self._http.auth = ServerAuth(user, password)

    @classmethod
    def for_oxigraph(cls, base_url: str, timeout: float = 60) -> "RemoteStore":
        """Endpoints of an `oxigraph serve` server at `base_url`."""
        base = base_url.rstrip("/")
        return cls(f"{base}/query?union-default-graph", f"{base}/update", f"{base}/store", timeout)

    @classmethod
    def for_virtuoso(cls, base_url: str, user: str, password: str, timeout: float = 60) -> "RemoteStore":
        """The authenticated endpoints of a Virtuoso server at `base_url` (its HTTP port)."""
        base = base_url.rstrip("/")
        return cls(f"{base}/sparql-auth", f"{base}/sparql-auth", f"{base}/sparql-graph-crud-auth", timeout,
                   user=user, password=password, flavour=VIRTUOSO)

    def select(self, sparql: str) -> list[Solution]:
        solutions = self._results(sparql)
        names = [variable.value for variable in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def construct(self, sparql: str) -> list[ox.Triple]:
        body = self._post_query(sparql, "application/n-triples")
        return [quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]

    def ask(self, sparql: str) -> bool:
        answer = self._results(sparql)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return any(True for _ in answer)  # Virtuoso: a table of one row (__ASK_RETVAL 1) for true, none for false

    def update(self, sparql: str) -> None:
        try:
            super().update(sparql)
        except StoreQueryError:  # refused before anything ran
            raise
        except StoreError:
            if not self.flavour.atomic_updates:
                with suppress(StoreError):  # the store may be down: the first error is the one to report
                    self._update(bump_generation())
                self._state_cache = None
            raise

    def _update(self, sparql: str) -> None:
        if not self.flavour.blank_nodes_in_insert_data or self.flavour.max_insert_data:
            sparql = INSERT_DATA.sub(lambda block: self._split_insert(block[1], block[2]), sparql)
        self._send(
            "POST", self.update_url, data=sparql.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )

    def graphs(self) -> list[str]:
        return [name for name in super().graphs() if name not in self.flavour.system_graphs]

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
            graph = ox.NamedNode(name)
            quads = [ox.Quad(q.subject, q.predicate, q.object, graph)
                     for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            if self.flavour.silent_row_limit:
                self._check_whole(graph, len(quads))
            parts.append(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return b"".join(parts)

    def close(self) -> None:
        self._http.close()

    def _results(self, sparql: str):
        accept = self.flavour.results
        body = self._post_query(sparql, accept)
        if self.flavour.blank_node_prefix:  # only in the XML form: a literal cannot hold a raw "<bnode>"
            body = body.replace(b"<bnode>" + self.flavour.blank_node_prefix, b"<bnode>")
        return ox.parse_query_results(body, format=RESULTS_FORMATS[accept])

    def _check_whole(self, graph: ox.NamedNode, read: int) -> None:
        """Fail loudly when the server handed over fewer triples than the graph holds."""
        held = int(self.select(GRAPH_SIZE.bind(g=graph))[0]["n"].value)
        if read < held:
            raise StoreError(f"The store gave {read} of the {held} triples of {graph.value}: raise its row "
                             "limit (Virtuoso: ResultSetMaxRows under [SPARQL] in virtuoso.ini).", url=self.gsp_url)

    def _split_insert(self, graph: str, body: str) -> str:
        """Rewrite one INSERT DATA block as operations this server accepts, in the same request.

        Triples without blank nodes stay INSERT DATA, in parts of `max_insert_data`; those
        with blank nodes go into `INSERT {...} WHERE {}` templates, each blank node with
        all its triples in one template, so it stays one node.
        """
        triples = [quad.triple for quad in ox.parse(body.encode(), format=ox.RdfFormat.N_TRIPLES)]
        keep_blank = self.flavour.blank_nodes_in_insert_data
        plain = [t for t in triples if keep_blank or not _has_blank_node(t)]
        blank = [t for t in triples if not keep_blank and _has_blank_node(t)]
        size = self.flavour.max_insert_data or len(plain) or 1
        parts = [_insert_data(graph, plain[k:k + size]) for k in range(0, len(plain), size)]
        parts += [_insert_template(graph, group) for group in _blank_node_groups(blank)]
        return " ;\n".join(parts) or _insert_data(graph, [])

    def _post_query(self, sparql: str, accept: str) -> bytes:
        """POST the query URL-encoded: every SPARQL 1.1 server takes that form (Virtuoso 7.2
        never answers a query POSTed directly as application/sparql-query)."""
        return self._send("POST", self.query_url, data={"query": sparql}, headers={"Accept": accept}).content

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise StoreError(f"The store at {url} cannot be reached: {error}", url=url) from error
        if response.status_code == 400:
            raise StoreQueryError(f"The store refused the request: {response.text[:500]}", url=url)
        if response.status_code == 401:
            raise StoreError(f"The store at {url} refused the login: check store_user and store_password.",
                             url=url)
        if response.status_code >= 300:
            raise StoreError(
                f"The store at {url} answered {response.status_code}: {response.text[:500]}", url=url
            )
        if "X-SPARQL-MaxRows" in response.headers:  # Virtuoso cut the table at its ResultSetMaxRows
            raise StoreError(f"The store at {url} cut its answer at {response.headers['X-SPARQL-MaxRows']} rows: "
                             "raise its ResultSetMaxRows ([SPARQL] in virtuoso.ini).", url=url)
        if "X-SQL-State" in response.headers:  # Virtuoso's "anytime" answer: cut off, not whole
            raise StoreError(f"The store at {url} gave a partial answer: {response.headers.get('X-SQL-Message')}. "
                             "Raise its MaxQueryExecutionTime.", url=url)
        return response


class ServerAuth(HTTPDigestAuth):
    """Log in the way the server asks: HTTP Digest (Virtuoso) or Basic (Fuseki, GraphDB).

    Nothing is sent before the server asks, so a password never goes out as Basic to a
    server that wants Digest; once a server asked for Basic, it gets it at once.
    """

    def __init__(self, username: str, password: str):
        super().__init__(username, password)
        self._basic: HTTPBasicAuth | None = None

    def __call__(self, request):
        if self._basic:
            return self._basic(request)
        return super().__call__(request)

    def handle_401(self, response, **kwargs):
        challenge = response.headers.get("www-authenticate", "")
        if self._basic or not challenge.lower().startswith("basic"):
            return super().handle_401(response, **kwargs)
        self._basic = HTTPBasicAuth(self.username, self.password)
        response.content  # noqa: B018  read the body so the connection can be reused
        response.close()
        retry = self._basic(response.request.copy())
        answer = response.connection.send(retry, **kwargs)
        answer.history.append(response)
        answer.request = retry
        return answer


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _blank_node_groups(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Cut triples into groups of about TEMPLATE_TRIPLES, never parting triples that share a blank node."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for triple in triples:
        nodes = [term for term in (triple.subject, triple.object) if isinstance(term, ox.BlankNode)]
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    components: dict[ox.BlankNode, list[ox.Triple]] = {}
    for triple in triples:
        node = triple.subject if isinstance(triple.subject, ox.BlankNode) else triple.object
        components.setdefault(root(node), []).append(triple)
    groups: list[list[ox.Triple]] = [[]]
    for component in components.values():
        if groups[-1] and len(groups[-1]) + len(component) > TEMPLATE_TRIPLES:
            groups.append([])
        groups[-1].extend(component)
    return [group for group in groups if group]


def _insert_data(graph: str, triples: list[ox.Triple]) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}"


def _insert_template(graph: str, triples: list[ox.Triple]) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return f"INSERT {{ GRAPH {graph} {{\n{body}}} }} WHERE {{ }}"
