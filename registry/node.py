"""The node's description of itself: the Werkplaats (ORG), a DCAT catalog, VoID counts."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

import vocab
from registry.places import place_iri
from registry.queries import named
from registry.store import Store

CLASSES = ("LearningCommunity", "Meeting", "AnalyticReport", "Result")


def data_graph(base_url: str) -> str:
    """Name of the graph holding the node's own data."""
    return base_url + "graph"


def counts(store: Store) -> dict[str, int]:
    found = {row["class"].value.rsplit("#", 1)[-1]: int(row["entities"].value)
             for row in store.select(named("node/counts").text)}
    result = {name: found.get(name, 0) for name in CLASSES}
    result["triples"] = int(store.select(named("node/triples").text)[0]["triples"].value)
    return result


def happened(store: Store, today: dt.date) -> dict[str, int]:
    """Counts for people: communities, and the meetings, reports and results that have taken place.

    A meeting dated after `today` is planned, not held; a report dated after it (or on a
    meeting not yet held) is not shared. VoID keeps `counts`, which describe the dataset.
    """
    found = {row["key"].value: int(row["n"].value)
             for row in store.select(named("node/happened").bind(today=ox.Literal(today.isoformat())))}
    return {name: found.get(name, 0) for name in CLASSES}


def graph_stats(store: Store) -> dict[str, dict[str, int]]:
    """Per named graph: `triples` and the number of entities per class name."""
    found: dict[str, dict[str, int]] = {}
    for row in store.select(named("node/graph_stats").text):
        key = row["key"].value.rsplit("#", 1)[-1]
        found.setdefault(row["graph"].value, dict.fromkeys(("triples", *CLASSES), 0))[key] = int(row["n"].value)
    return found


def describe_subsets(base: str, subsets: list[tuple[str, str, str, dict[str, int]]]) -> list[ox.Triple]:
    """VoID subsets of a hub's dataset: one per named graph (IRI, title, source URL, stats)."""
    n = lambda prefix, local: ox.NamedNode(vocab.PREFIXES[prefix] + local)  # noqa: E731
    number = lambda value: ox.Literal(str(value), datatype=n("xsd", "integer"))  # noqa: E731
    dataset = ox.NamedNode(base + "#dataset")
    triples = []
    for graph, title, source, stats in subsets:
        subset = ox.NamedNode(graph)
        triples += [
            (dataset, n("void", "subset"), subset),
            (subset, n("rdf", "type"), n("void", "Dataset")),
            (subset, n("dct", "title"), ox.Literal(title)),
            (subset, n("void", "triples"), number(stats.get("triples", 0))),
            (subset, n("void", "entities"), number(stats.get("LearningCommunity", 0))),
            (subset, n("void", "sparqlEndpoint"), ox.NamedNode(base + "sparql")),
        ]
        if source:
            triples.append((subset, n("dct", "source"), ox.NamedNode(source)))
        for name in CLASSES:
            partition = ox.NamedNode(f"{graph}#{name}")
            triples += [(subset, n("void", "classPartition"), partition),
                        (partition, n("void", "class"), n("lp", name)),
                        (partition, n("void", "entities"), number(stats.get(name, 0)))]
    return [ox.Triple(*t) for t in triples]


def describe_node(settings: dict, counts: dict[str, int]) -> list[ox.Triple]:
    """Triples describing the node: who runs it and where its data and endpoints are."""
    base = settings["base_url"]
    n = lambda prefix, local: ox.NamedNode(vocab.PREFIXES[prefix] + local)  # noqa: E731
    iri = lambda path: ox.NamedNode(base + path)  # noqa: E731
    text = lambda value: ox.Literal(value)  # noqa: E731
    number = lambda value: ox.Literal(str(value), datatype=n("xsd", "integer"))  # noqa: E731
    a = n("rdf", "type")
    werkplaats, catalog, dataset, service = iri("werkplaats"), iri(""), iri("#dataset"), iri("sparql")
    feed, api = iri("wijzigingen"), iri("api/v1")
    triples = [
        (werkplaats, a, n("org", "Organization")),
        (werkplaats, n("schema", "name"), text(settings["werkplaats"] or settings["name"])),
        (catalog, a, n("dcat", "Catalog")),
        (catalog, n("dct", "title"), text(settings["name"])),
        (catalog, n("dct", "publisher"), werkplaats),
        (catalog, n("dcat", "dataset"), dataset),
        (catalog, n("dcat", "service"), service),
        (catalog, n("void", "rootResource"), iri("praktijken")),
        (dataset, a, n("dcat", "Dataset")),
        (dataset, a, n("void", "Dataset")),
        (dataset, n("dct", "title"), text(f"Lerende praktijken van {settings['name']}")),
        (dataset, n("dct", "publisher"), werkplaats),
        (dataset, n("void", "dataDump"), iri("dump.nq")),
        (dataset, n("void", "dataDump"), iri("dump.ttl")),
        (dataset, n("void", "sparqlEndpoint"), service),
        (dataset, n("void", "uriSpace"), text(base)),
        (dataset, n("void", "vocabulary"), ox.NamedNode(vocab.ONTOLOGY)),
        (dataset, n("void", "triples"), number(counts["triples"])),
        (dataset, n("void", "entities"), number(counts["LearningCommunity"])),
        (service, a, n("dcat", "DataService")),
        (service, n("dcat", "endpointURL"), service),
        (service, n("dcat", "servesDataset"), dataset),
        (service, n("dct", "conformsTo"), ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        # the change feed: what changed since a harvester's last visit (Activity Streams 2.0)
        (catalog, n("dcat", "service"), feed),
        (feed, a, n("dcat", "DataService")),
        (feed, n("dcat", "endpointURL"), feed),
        (feed, n("dcat", "servesDataset"), dataset),
        (feed, n("dct", "conformsTo"), ox.NamedNode("https://www.w3.org/TR/activitystreams-core/")),
        (feed, n("dct", "title"), text("Wijzigingen (Activity Streams 2.0)")),
        (api, a, n("dcat", "DataService")),
        (api, n("dcat", "endpointURL"), iri("api/v1")),
        (api, n("dcat", "endpointDescription"), iri("api/v1/openapi.json")),
        (api, n("dct", "conformsTo"), ox.NamedNode("https://gitdocumentatie.logius.nl/publicatie/api/adr/")),
        (catalog, n("dcat", "service"), api),
    ]
    if settings["hogeschool"]:
        triples.append((werkplaats, n("schema", "parentOrganization"), text(settings["hogeschool"])))
    if settings["contact"]:
        triples.append((catalog, n("dcat", "contactPoint"), ox.NamedNode("mailto:" + settings["contact"])))
    for code in settings["area"]:
        triples.append((werkplaats, n("schema", "areaServed"), ox.NamedNode(place_iri(code))))
    for name in CLASSES:
        partition = iri(f"#{name}")
        triples += [
            (dataset, n("void", "classPartition"), partition),
            (partition, n("void", "class"), n("lp", name)),
            (partition, n("void", "entities"), number(counts[name])),
        ]
    return [ox.Triple(*t) for t in triples]
