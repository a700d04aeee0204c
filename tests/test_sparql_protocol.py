"""The SPARQL 1.1 Protocol's finer points on a real node and hub: dataset, one query, base IRI, service description.

The W3C's own protocol tests are in `test_sparql_protocol_w3c.py`; these check what
they leave open: that a dataset really restricts what is counted (and is part of the
kept answer), that a query is never taken twice, that relative IRIs resolve against
the endpoint's public URL, and that the service description is RDF two parsers read,
with counts equal to what a COUNT on the endpoint gives.
"""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib import RDF, Namespace, URIRef

from sparqlhub import shared_hub

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
PROBLEM = "application/problem+json"
JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld"}


@pytest.fixture(scope="module")
def hub(request, node):
    return shared_hub(request, node)


def count(url: str, query: str = COUNT, **params) -> int:
    response = requests.get(url + "sparql", params={"query": query, **params}, headers={"Accept": JSON})
    assert response.status_code == 200, response.text[:300]
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graph_count(url: str, graph: str) -> int:
    return count(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_default_graph_uri_of_an_absent_graph_counts_nothing(node, send):
    absent = node.url + "graph/bestaat-niet"
    url = node.url + "sparql"
    if send == "get":
        response = requests.get(url, params={"query": COUNT, "default-graph-uri": absent}, headers={"Accept": JSON})
    elif send == "form":
        response = requests.post(url, data={"query": COUNT, "default-graph-uri": absent}, headers={"Accept": JSON})
    else:
        response = requests.post(url, params={"default-graph-uri": absent}, data=COUNT.encode(),
                                 headers={"Content-Type": "application/sparql-query", "Accept": JSON})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
    assert count(node.url) > 0


def test_the_dataset_is_part_of_the_kept_answer(node):
    """A repeatable query is answered from memory the second time: not across datasets."""
    everything = count(node.url)
    assert count(node.url) == everything  # now kept
    assert count(node.url, **{"default-graph-uri": node.url + "graph/elders"}) == 0
    assert count(node.url, **{"default-graph-uri": node.url + "graph"}) == everything


def test_protocol_dataset_overrides_from_and_from_named(node):
    own = node.url + "graph"
    assert count(node.url, f"SELECT (COUNT(*) AS ?n) FROM <{own}> WHERE {{ ?s ?p ?o }}") > 0
    assert count(node.url, f"SELECT (COUNT(*) AS ?n) FROM <{own}> WHERE {{ ?s ?p ?o }}",
                 **{"default-graph-uri": node.url + "graph/elders"}) == 0
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{own}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(node.url, named) > 0
    assert count(node.url, named, **{"named-graph-uri": node.url + "graph/elders"}) == 0


def test_a_dataset_iri_that_is_not_an_iri_is_refused(node):
    response = requests.get(node.url + "sparql", params={"query": COUNT, "named-graph-uri": "graaf"})
    assert response.status_code == 400 and response.headers["Content-Type"] == PROBLEM
    assert "named-graph-uri" in response.json()["detail"]


def test_on_a_hub_default_graph_uri_restricts_a_query_to_one_member(hub, node):
    whole = count(hub.url)
    first, second = graph_count(hub.url, hub.graph("dhl")), graph_count(hub.url, hub.graph("nij"))
    assert count(hub.url, **{"default-graph-uri": hub.graph("dhl")}) == first == count(node.url)
    assert count(hub.url, **{"default-graph-uri": hub.graph("nij")}) == second
    assert count(hub.url, **{"default-graph-uri": [hub.graph("nij")] * 2}) == second  # one graph named twice
    assert count(hub.url, **{"default-graph-uri": [hub.graph("dhl"), hub.graph("nij")]}) == first + second < whole
    members = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(hub.url, members, **{"named-graph-uri": hub.graph("nij")}) == 1


@pytest.mark.parametrize("send", [
    lambda url: requests.get(url, params=[("query", "ASK {}"), ("query", "SELECT * {}")]),
    lambda url: requests.post(url, data=[("query", "ASK {}"), ("query", "ASK {}")]),
    lambda url: requests.post(url, params={"query": "ASK {}"}, data={"query": "ASK {}"}),
    lambda url: requests.post(url, params={"query": "ASK {}"}, data=b"ASK {}",
                              headers={"Content-Type": "application/sparql-query"}),
    lambda url: requests.get(url, params={"query": "ASK {}", "update": "CLEAR ALL"}),
    lambda url: requests.post(url, data={"query": "ASK {}", "update": "CLEAR ALL"}),
], ids=["get-twice", "form-twice", "url-and-form", "url-and-body", "get-query-and-update", "form-query-and-update"])
def test_a_second_query_is_refused(node, send):
    response = send(node.url + "sparql")
    assert response.status_code == 400 and response.headers["Content-Type"] == PROBLEM
    assert response.json()["detail"]


def test_posted_updates_are_refused_as_forbidden(node):
    for response in (requests.post(node.url + "sparql", data={"update": "CLEAR ALL"}),
                     requests.post(node.url + "sparql", data=b"CLEAR ALL",
                                   headers={"Content-Type": "application/sparql-update"})):
        assert response.status_code == 403 and response.headers["Content-Type"] == PROBLEM


def test_relative_iris_resolve_against_the_public_endpoint_not_the_host_header(node):
    response = requests.post(node.url + "sparql", data=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                             headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle",
                                      "Host": "elders.example"})
    assert response.status_code == 200, response.text[:300]
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert set(graph) == {(URIRef(node.url + "s"), URIRef(node.url + "p"), rdflib.Literal(1))}


def service_description(url: str, media_type: str) -> rdflib.Graph:
    """Fetch the description; parse it with pyoxigraph and with rdflib; return rdflib's graph."""
    response = requests.get(url + "sparql", headers={"Accept": media_type})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].split(";")[0] == media_type
    oxigraph = ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type), base_iri=url)
    graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type], publicID=url)
    assert len(graph) == len(list(oxigraph)) > 10
    return graph


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")  # raised inside rdflib's JSON-LD parser
@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_node_service_description_in_every_rdf_syntax(node, media_type):
    graph = service_description(node.url, media_type)
    service = URIRef(node.url + "sparql")
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 8
    dataset = graph.value(service, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default, VOID.triples).toPython() == count(node.url)
    names = {graph.value(entry, SD.name) for entry in graph.objects(dataset, SD.namedGraph)}
    assert names == {URIRef(node.url + "graph")}


def test_hub_service_description_counts_each_member_graph(hub):
    graph = service_description(hub.url, "text/turtle")
    dataset = graph.value(URIRef(hub.url + "sparql"), SD.defaultDataset)
    counted = {}
    for entry in graph.objects(dataset, SD.namedGraph):
        name, described = graph.value(entry, SD.name), graph.value(entry, SD.graph)
        counted[str(name)] = graph.value(described, VOID.triples).toPython()
        assert counted[str(name)] == graph_count(hub.url, str(name)), name
    assert {hub.graph("dhl"), hub.graph("nij")} <= set(counted)
    assert graph.value(graph.value(dataset, SD.defaultGraph), VOID.triples).toPython() == count(hub.url)


@pytest.mark.parametrize("accept, expected", [
    (CHROME, "text/html"),
    ("*/*", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle;q=0.9, text/html;q=0.5", "text/turtle"),
])
def test_without_a_query_people_get_the_page_and_programs_the_description(node, accept, expected):
    response = requests.get(node.url + "sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_without_a_query_a_client_wanting_results_gets_a_problem(node):
    response = requests.get(node.url + "sparql", headers={"Accept": JSON})
    assert response.status_code == 400 and response.headers["Content-Type"] == PROBLEM


def test_service_description_is_conditional(node):
    first = requests.get(node.url + "sparql", headers={"Accept": "text/turtle"})
    again = requests.get(node.url + "sparql", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
