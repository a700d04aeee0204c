"""The W3C SPARQL 1.1 Protocol tests, run over HTTP against a real node and a real hub.

The manifest (`tests/data/w3c-sparql-protocol/manifest.ttl`, see the README there)
describes each test in prose with an HTTP exchange. Every entry is encoded below under
its name and run against both servers; a test the manifest has and this module lacks
fails, it is never skipped. Adapted to Bamboe:

- The tests assume the graphs data0.rdf...data3.rdf on kasei.us. Here the graphs are the
  server's own: on the hub the two members' graphs (`/graph/dhl`, `/graph/nij`), on a
  node its single graph (named twice where a test names two); each query asks about a
  community known to be in that graph, so "true" still means the dataset was used.
- `/sparql` is read-only by design. The SPARQL 1.1 Protocol lets a service offer the
  query operation alone; an update sent by POST is refused with 403 and a problem
  document, and the data stays as it was. The follow-up query each update test makes is
  still run, and finds that nothing changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.collection import Collection

from sparqlhub import shared_hub

MANIFEST = Path(__file__).parent / "data" / "w3c-sparql-protocol" / "manifest.ttl"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
PROBLEM = "application/problem+json"
XML, JSON = "application/sparql-results+xml", "application/sparql-results+json"
QUERY, UPDATE, FORM = "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded"
PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
DATA = "http://kasei.us/2009/09/sparql/data/data{}.rdf".format
"""The manifest's graphs data1.rdf, data2.rdf, data3.rdf: here only named in updates that are refused."""


def manifest_entries() -> list[str]:
    """The manifest's tests, in its order, by the local name of their IRI."""
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    entries = Collection(graph, next(graph.objects(None, MF.entries)))
    return [str(entry).rsplit("#", 1)[1] for entry in entries]


ENTRIES = manifest_entries()


@dataclass
class Target:
    """A server under test and graphs it is known to hold."""

    url: str
    graphs: tuple[str, str]  # two graphs (a node has one, named twice)
    subjects: tuple[str, str]  # a community in each graph
    elsewhere: str  # a graph that does not hold subjects[0]

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"


@pytest.fixture(scope="module")
def hub(request, node):
    return shared_hub(request, node)


@pytest.fixture(scope="module", params=["node", "hub"])
def target(request, node) -> Target:
    koestal = node.url + "praktijken/katwijk-koestal"
    if request.param == "node":
        return Target(node.url, (node.url + "graph",) * 2, (koestal,) * 2, node.url + "graph/elders")
    hub = request.getfixturevalue("hub")
    community = "<https://w3id.org/lerende-praktijken/def#LearningCommunity>"
    query = f"SELECT ?c WHERE {{ GRAPH <{hub.graph('nij')}> {{ ?c a {community} }} }} LIMIT 1"
    nijmegen = requests.get(hub.url + "sparql", params={"query": query}, headers={"Accept": JSON}).json()
    other = nijmegen["results"]["bindings"][0]["c"]["value"]
    return Target(hub.url, (hub.graph("dhl"), hub.graph("nij")), (koestal, other), hub.graph("nij"))


def test_every_manifest_entry_is_encoded():
    assert ENTRIES and set(ENTRIES) == set(CASES), set(ENTRIES) ^ set(CASES)


@pytest.mark.parametrize("name", ENTRIES)
def test_w3c_protocol(name, target):
    CASES[name](target)


# --- what the manifest's responses say -------------------------------------------------

def boolean(response: requests.Response, allowed=(XML, JSON)) -> bool:
    """"2xx or 3xx response, Content-Type: ...results+xml or ...results+json", and its boolean."""
    assert response.status_code < 400, response.text[:300]
    media_type = response.headers["Content-Type"].split(";")[0]
    assert media_type in allowed
    kind = ox.QueryResultsFormat.XML if media_type == XML else ox.QueryResultsFormat.JSON
    return bool(ox.parse_query_results(response.content, format=kind))


def refused(response: requests.Response, status: int | None = None) -> None:
    """"4xx", as a problem document that says why."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert status is None or response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["detail"]


def post(target: Target, body: str | bytes, content_type: str | None, params=None, **headers):
    if content_type:
        headers["Content-Type"] = content_type
    return requests.post(target.endpoint, params=params, data=body if isinstance(body, bytes) else body.encode(),
                         headers=headers)


def get(target: Target, params, **headers):
    return requests.get(target.endpoint, params=params, headers=headers)


def dump(target: Target) -> bytes:
    return requests.get(target.url + "dump.nq").content


def update_refused(target: Target, send, follow_up: str) -> None:
    """An update is refused with 403, changes nothing, and the manifest's follow-up query finds nothing."""
    before = dump(target)
    refused(send(), 403)
    assert dump(target) == before
    assert boolean(post(target, follow_up, QUERY, Accept=XML), allowed=(XML,)) is False


# --- the manifest's tests, by name ------------------------------------------------------

def query_post_form(t):
    assert boolean(post(t, "query=ASK%20%7B%7D", FORM)) is True


def query_dataset_default_graphs_get(t):
    query = f"ASK {{ <{t.subjects[0]}> a ?type . <{t.subjects[1]}> a ?type . }}"
    assert boolean(get(t, {"query": query, "default-graph-uri": list(t.graphs)})) is True
    assert boolean(get(t, {"query": query, "default-graph-uri": t.url + "graph/elders"})) is False


def query_dataset_default_graphs_post(t):
    query = f"ASK {{ <{t.subjects[0]}> ?p ?o . <{t.subjects[1]}> ?p ?o }}"
    assert boolean(post(t, query, QUERY, params={"default-graph-uri": list(t.graphs)})) is True
    assert boolean(post(t, query, QUERY, params={"default-graph-uri": t.graphs[1:]})) is (t.graphs[0] == t.graphs[1])


def query_dataset_named_graphs_post(t):
    query = "ASK { GRAPH ?g { ?s ?p ?o } }"
    assert boolean(post(t, query, QUERY, params={"named-graph-uri": list(t.graphs)})) is True
    assert boolean(post(t, query, QUERY, params={"named-graph-uri": t.url + "graph/elders"})) is False


def query_dataset_named_graphs_get(t):
    query = "ASK { GRAPH ?g { ?s ?p ?o } }"
    assert boolean(get(t, {"named-graph-uri": list(t.graphs), "query": query})) is True
    assert boolean(get(t, {"named-graph-uri": t.url + "graph/elders", "query": query})) is False


def query_dataset_full(t):
    query = "SELECT DISTINCT ?g { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }"  # DISTINCT ?g: the graphs are what is checked
    response = post(t, query, QUERY, params={"default-graph-uri": t.graphs[1], "named-graph-uri": t.graphs[0]},
                    Accept=JSON)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(JSON)
    assert {row["g"]["value"] for row in response.json()["results"]["bindings"]} == {t.graphs[0]}


def query_multiple_dataset(t):
    query = f"ASK FROM <{t.graphs[0]}> {{ <{t.subjects[0]}> ?p ?o }}"
    assert boolean(post(t, query, QUERY)) is True  # the query's own FROM holds it...
    assert boolean(post(t, query, QUERY, params={"default-graph-uri": t.elsewhere})) is False  # ...the protocol's wins


def query_get(t):
    assert boolean(get(t, {"query": "ASK {}"})) is True


def query_content_type_select(t):
    response = post(t, "SELECT (1 AS ?value) {}", QUERY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] in {XML, JSON, "text/tab-separated-values", "text/csv"}


def query_content_type_ask(t):
    response = post(t, "ASK {}", QUERY)
    assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] in {XML, JSON}


def query_content_type_describe(t):
    response = post(t, "DESCRIBE <http://example.org/>", QUERY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] in {"application/rdf+xml", "application/rdf+json",
                                                              "text/turtle"}


def query_content_type_construct(t):
    response = post(t, "CONSTRUCT { <s> <p> 1 } WHERE {}", QUERY)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] in {"application/rdf+xml", "application/rdf+json",
                                                              "text/turtle"}
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert set(graph) == {(rdflib.URIRef(urljoin(t.endpoint, "s")), rdflib.URIRef(urljoin(t.endpoint, "p")),
                           rdflib.Literal(1))}


def update_dataset_default_graph(t):
    body = PREFIXES + f"""CLEAR ALL ;
INSERT DATA {{ GRAPH <{DATA(1)}> {{ <{DATA(1)}> a foaf:Document }} }} ;
INSERT {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{ ?s a dc:BibliographicResource }} }}
WHERE {{ ?s a foaf:Document }}"""
    params = {"using-graph-uri": DATA(1)}
    follow_up = f"""ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{
  <{DATA(1)}> a <http://purl.org/dc/terms/BibliographicResource> }} }}"""
    update_refused(t, lambda: post(t, body, UPDATE, params=params), follow_up)


def _update_graphs(test_graph: str, where: str) -> str:
    return PREFIXES + f"""CLEAR ALL ;
INSERT DATA {{
  GRAPH <{DATA(1)}> {{ <{DATA(1)}> a foaf:Document }}
  GRAPH <{DATA(2)}> {{ <{DATA(2)}> a foaf:Document }}
  GRAPH <{DATA(3)}> {{ <{DATA(3)}> a foaf:Document }}
}} ;
INSERT {{ GRAPH <{test_graph}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ {where} }}"""


def _documents_follow_up(test_graph: str) -> str:
    return f"""ASK {{
  GRAPH <{test_graph}> {{
    <{DATA(1)}> a <http://purl.org/dc/terms/BibliographicResource> .
    <{DATA(2)}> a <http://purl.org/dc/terms/BibliographicResource> . }}
  FILTER NOT EXISTS {{ GRAPH <{test_graph}> {{ <{DATA(3)}> a <http://purl.org/dc/terms/BibliographicResource> . }} }}
}}"""


def update_dataset_default_graphs(t):
    graph = "http://example.org/protocol-update-dataset-graphs-test/"
    params = {"using-graph-uri": [DATA(1), DATA(2)]}
    update_refused(t, lambda: post(t, _update_graphs(graph, "?s a foaf:Document"), UPDATE, params=params),
                   _documents_follow_up(graph))


def update_dataset_named_graphs(t):
    graph = "http://example.org/protocol-update-dataset-named-graphs-test/"
    params = {"using-named-graph-uri": [DATA(1), DATA(2)]}
    body = _update_graphs(graph, "GRAPH ?g { ?s a foaf:Document }")
    update_refused(t, lambda: post(t, body, UPDATE, params=params), _documents_follow_up(graph))


def update_dataset_full(t):
    graph = "http://example.org/protocol-update-dataset-full-test/"
    where = '{ GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) } UNION { ?s a foaf:Document . BIND("default" AS ?in) }'
    body = _update_graphs(graph, where).replace("?s a dc:BibliographicResource", "?s <http://example.org/in> ?in")
    params = {"using-graph-uri": DATA(1), "using-named-graph-uri": DATA(2)}
    follow_up = f"""ASK {{
  GRAPH <{graph}> {{ <{DATA(1)}> <http://example.org/in> "default" . <{DATA(2)}> <http://example.org/in> <{DATA(2)}> . }}
  FILTER NOT EXISTS {{ GRAPH <{graph}> {{ <{DATA(3)}> ?p ?o }} }}
}}"""
    update_refused(t, lambda: post(t, body, UPDATE, params=params), follow_up)


def update_post_form(t):
    update_refused(t, lambda: post(t, "update=CLEAR%20ALL", FORM), "ASK { FILTER(false) }")
    assert boolean(get(t, {"query": "ASK { ?s ?p ?o }"})) is True  # CLEAR ALL did not happen


def update_post_direct(t):
    update_refused(t, lambda: post(t, "CLEAR ALL", UPDATE), "ASK { FILTER(false) }")
    assert boolean(get(t, {"query": "ASK { ?s ?p ?o }"})) is True


def update_base_uri(t):
    graph = "http://example.org/protocol-base-test/"
    body = (f"CLEAR GRAPH <{graph}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}")
    update_refused(t, lambda: post(t, body, UPDATE), f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    # What the follow-up checks, "?o bound to an IRI that is not <test>", holds for a query's own relative IRIs:
    response = post(t, "SELECT ?o WHERE { BIND(<test> AS ?o) }", QUERY, Accept=XML)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(XML)
    rows = list(ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML))
    assert len(rows) == 1 and rows[0]["o"] == ox.NamedNode(urljoin(t.endpoint, "test"))


def query_post_direct(t):
    assert boolean(post(t, "ASK {}", QUERY)) is True


def bad_query_method(t):
    refused(requests.put(t.endpoint, params={"query": "ASK {}"}), 405)


def bad_multiple_queries(t):
    refused(get(t, [("query", "ASK {}"), ("query", "SELECT * {}")]), 400)


def bad_query_wrong_media_type(t):
    refused(post(t, "ASK {}", "text/plain"))


def bad_query_missing_form_type(t):
    refused(post(t, "query=ASK%20%7B%7D", None))


def bad_query_missing_direct_type(t):
    refused(post(t, "ASK {}", None))


def bad_query_non_utf8(t):
    refused(post(t, "ASK {}".encode("utf-16"), QUERY + "; charset=UTF-16"), 415)


def bad_query_syntax(t):
    refused(get(t, {"query": "ASK {"}), 400)


def bad_update_get(t):
    refused(get(t, {"update": "CLEAR ALL"}), 400)


def bad_multiple_updates(t):
    refused(post(t, "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM))


def bad_update_wrong_media_type(t):
    refused(post(t, "CLEAR NAMED", "text/plain"))


def bad_update_missing_form_type(t):
    refused(post(t, "update=CLEAR%20NAMED", None))


def bad_update_non_utf8(t):
    refused(post(t, "CLEAR NAMED".encode("utf-16"), UPDATE + "; charset=UTF-16"))


def bad_update_syntax(t):
    refused(post(t, "update=CLEAR%20XYZ", FORM))


def bad_update_dataset_conflict(t):
    body = ("using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=%09%09PREFIX%20foaf%3A%20%20%3Chttp%3A%2F%2F"
            "xmlns.com%2Ffoaf%2F0.1%2F%3E%0A%09%09WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%0A%09%09DELETE%20%7B%20"
            "%3Fperson%20foaf%3AgivenName%20%27Bill%27%20%7D%0A%09%09INSERT%20%7B%20%3Fperson%20foaf%3AgivenName%20"
            "%27William%27%20%7D%0A%09%09WHERE%20%7B%0A%09%09%09%3Fperson%20foaf%3AgivenName%20%27Bill%27%0A"
            "%09%09%7D%0A")
    refused(post(t, body, FORM))


CASES = {name: case for name, case in globals().items() if name in ENTRIES and callable(case)}
