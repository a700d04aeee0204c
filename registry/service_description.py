"""Describe the public SPARQL endpoint: a SPARQL 1.1 Service Description with VoID statistics.

`GET /sparql` without a query answers this to clients that ask for RDF, so that a
client (or a harvester) learns from the endpoint itself what it offers: the query
language, the result formats, that the default graph is the union of the named graphs,
and which named graphs there are. On a hub that is one graph per member node, so a
client can restrict a query to one node with `default-graph-uri`. The counts are those
a `COUNT(*)` over the same graph on `/sparql` gives.

The Service Description vocabulary has no term for asking the past, so the `asOf`
parameter is a feature of our own, `lph:AsOfQueries`, described (label and comment, in
Dutch and English) where the harvest vocabulary defines it, and repeated here so a
client reads what it means without fetching the vocabulary.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

import vocab
from registry.queries import named
from registry.store import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_DEFINED_BY = "http://www.w3.org/2000/01/rdf-schema#isDefinedBy"
FORMATS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}
"""Result media types by their name in the W3C's unique URIs for file formats (http://www.w3.org/ns/formats/)."""
AS_OF_FEATURE = ox.NamedNode(vocab.LPH + "AsOfQueries")
"""`/sparql?asOf=DATE`: the query runs over the data as it was at that moment."""


@dataclass(frozen=True)
class GraphStatistics:
    graph: str
    triples: int
    subjects: int
    properties: int
    objects: int


def graph_statistics(store: Store) -> list[GraphStatistics]:
    """Count each published named graph, as the public query workers hold them."""
    published = set(store.graphs())  # leaves out a remote store's own system graphs too
    rows = store.select(named("sparql/graph_statistics").text)
    return [
        GraphStatistics(row["graph"].value, *(int(row[key].value) for key in ("triples", "subjects", "properties",
                                                                              "objects")))
        for row in rows if row["graph"].value in published
    ]


def describe(endpoint: str, result_types: Iterable[str], graphs: list[GraphStatistics]) -> list[ox.Triple]:
    """Return the service description of the endpoint at `endpoint` as triples.

    The default graph's `void:triples` is the sum over the named graphs: the workers'
    union default graph counts a triple once per graph holding it, and the number must be
    what `SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }` answers.
    """
    service, dataset, default = (ox.NamedNode(endpoint + suffix) for suffix in ("", "#dataset", "#default-graph"))
    triples = [
        (service, RDF_TYPE, sd("Service")),
        (service, sd("endpoint"), service),
        (service, sd("supportedLanguage"), sd("SPARQL11Query")),
        (service, sd("feature"), sd("UnionDefaultGraph")),
        (service, sd("feature"), AS_OF_FEATURE),
        *as_of_feature(),
        (service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        *((service, sd("resultFormat"), ox.NamedNode("http://www.w3.org/ns/formats/" + FORMATS[media_type]))
          for media_type in result_types),
        (service, sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, sd("Dataset")),
        (dataset, sd("defaultGraph"), default),
        *_graph(default, sum(graph.triples for graph in graphs)),
    ]
    for number, statistics in enumerate(graphs):  # labelled blank nodes: the same data, the same bytes (ETag)
        entry, graph = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
        triples += [
            (dataset, sd("namedGraph"), entry),
            (entry, RDF_TYPE, sd("NamedGraph")),
            (entry, sd("name"), ox.NamedNode(statistics.graph)),
            (entry, sd("graph"), graph),
            *_graph(graph, statistics.triples),
            (graph, void("distinctSubjects"), _count(statistics.subjects)),
            (graph, void("properties"), _count(statistics.properties)),
            (graph, void("distinctObjects"), _count(statistics.objects)),
        ]
    return [ox.Triple(*triple) for triple in triples]


@cache
def as_of_feature() -> tuple[tuple, ...]:
    """What the shipped harvest vocabulary says of the asOf feature: its type, label and comment."""
    quads = ox.parse(path=str(vocab.harvest_vocabulary_file()), format=ox.RdfFormat.TURTLE)
    return tuple((q.subject, q.predicate, q.object) for q in quads
                 if q.subject == AS_OF_FEATURE and q.predicate.value != RDFS_DEFINED_BY)


def _graph(node: ox.NamedNode | ox.BlankNode, triples: int) -> list[tuple]:
    """An sd:Graph that is also a void:Dataset, so VoID readers take its counts."""
    return [(node, RDF_TYPE, sd("Graph")), (node, RDF_TYPE, void("Dataset")), (node, void("triples"), _count(triples))]


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def void(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
