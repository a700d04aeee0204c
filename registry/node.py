"""The node's description of itself: the Werkplaats (ORG), a DCAT-AP catalog, VoID counts.

Served at `/` (and read by every harvester); it meets DCAT-AP-NL 3.0 and DCAT-AP 3.0
(registry/dcat.py builds the parts, tests/test_dcat_ap.py runs the official shapes). Its
counts are those of the published graphs, which are exactly what the dumps hold; the
history (`#geschiedenis`, every version: registry/history/dump.py) is a dataset of its own,
counted from the version log as its file holds it.
"""
from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable

import pyoxigraph as ox

import vocab
from registry import dcat
from registry.history import dump as history_dump
from registry.history.notices import announce as announce_erasures
from registry.ldes.description import announce
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

CLASSES = ("LearningCommunity", "Meeting", "AnalyticReport", "Result")
DUMPS = (
    dcat.Dump("dump.nq", "N-Quads", "application/n-quads", "RDF_N_QUADS", dcat.N_QUADS),
    dcat.Dump("dump.nq.gz", "N-Quads, gzip", "application/n-quads", "RDF_N_QUADS", dcat.N_QUADS, gzip=True),
    dcat.Dump("dump.ttl", "Turtle", "text/turtle", "RDF_TURTLE", dcat.TURTLE),
    dcat.Dump("dump.ttl.gz", "Turtle, gzip", "text/turtle", "RDF_TURTLE", dcat.TURTLE, gzip=True),
)
"""The whole dataset as `/dump` serves it (registry/web/dump.py): one distribution each."""
HISTORY = dcat.Dump(history_dump.PATH, "N-Quads, gzip", "application/n-quads", "RDF_N_QUADS", dcat.N_QUADS,
                    gzip=True, models=(dcat.PROV_O,))
"""Every version, a named graph each, with PROV-O (registry/history/dump.py): the history dataset's download."""
SPARQL_DESCRIPTION = ("SPARQL 1.1-endpoint over alle gepubliceerde gegevens van deze node; "
                      "GET /sparql zonder query geeft de service-beschrijving.")
FEED_DESCRIPTION = ("Elke wijziging (nieuw, gewijzigd, verwijderd) op volgorde, als Activity Streams 2.0 "
                    "OrderedCollection; ?na=N geeft de wijzigingen na nummer N.")
API_DESCRIPTION = "Lees- en schrijf-API (REST, JSON) volgens de API Design Rules; schrijven vraagt een token."


def data_graph(base_url: str) -> str:
    """Name of the graph holding the node's own data."""
    return base_url + "graph"


_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _per_generation(store: Store, compute: Callable[[Store], dict]) -> dict:
    """`compute(store)`, kept until the store changes: harvesters and crawlers ask for `/` often."""
    kept = _kept.setdefault(store, {})
    if compute not in kept:
        kept[compute] = PerGeneration(store, compute)
    return kept[compute].get()


def counts(store: Store) -> dict[str, int]:
    """The dataset's triples and its entities per class, as the dump holds them; the history dump's too.

    The history is counted apart, per state of the version log: a node records its
    versions after the write that moved the store, in the private log only.
    """
    history = history_dump.summary(store)
    return {**_per_generation(store, _counts), "history_triples": history.quads, "history_versions": history.versions}


def _counts(store: Store) -> dict[str, int]:
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
    return _per_generation(store, _graph_stats)


def _graph_stats(store: Store) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for row in store.select(named("node/graph_stats").text):
        key = row["key"].value.rsplit("#", 1)[-1]
        found.setdefault(row["graph"].value, dict.fromkeys(("triples", *CLASSES), 0))[key] = int(row["n"].value)
    return found


def describe_subsets(base: str, subsets: list[tuple[str, str, str, dict[str, int]]]) -> list[ox.Triple]:
    """VoID subsets of a hub's dataset: one per named graph (IRI, title, source URL, stats)."""
    n, number, dataset = dcat.n, dcat.integer, ox.NamedNode(base + "#dataset")
    triples = []
    for graph, title, source, stats in subsets:
        subset = ox.NamedNode(graph)
        triples += [
            (dataset, n("void:subset"), subset),
            (subset, n("rdf:type"), n("void:Dataset")),
            (subset, n("dct:title"), ox.Literal(title)),
            (subset, n("void:triples"), number(stats.get("triples", 0))),
            (subset, n("void:entities"), number(stats.get("LearningCommunity", 0))),
            (subset, n("void:sparqlEndpoint"), ox.NamedNode(base + "sparql")),
        ]
        if source:
            triples.append((subset, n("dct:source"), ox.NamedNode(source)))
        for name in CLASSES:
            partition = ox.NamedNode(f"{graph}#{name}")
            triples += [(subset, n("void:classPartition"), partition),
                        (partition, n("void:class"), n("lp:" + name)),
                        (partition, n("void:entities"), number(stats.get(name, 0)))]
    return [ox.Triple(*t) for t in triples]


def describe_node(settings: dict, counts: dict[str, int], extra: Iterable[ox.Triple] = ()) -> list[ox.Triple]:
    """Triples describing the node: who runs it, its dataset, where to download and query it.

    `extra` is where further services or distributions are announced (an event stream,
    say): triples typing them `dcat:DataService` or `dcat:Distribution`, linked from the
    catalog (`dcat:service`) or from `#dataset` (`dcat:distribution`). What holds for all
    the node publishes (licence, access rights, publisher, contact, theme) is filled in
    where they name none, so they meet DCAT-AP too.
    """
    about = dcat.About(settings)
    history = ox.NamedNode(history_dump.dataset_iri(about.base))
    triples = [*about.publisher(), *about.catalog(), *about.dataset(), *about.distributions(DUMPS),
               *about.history(HISTORY, history), *_void(about, counts), *_void_history(about, history, counts)]
    # what documents each service: the SPARQL service description, the AS2 spec, the OpenAPI document
    triples += about.service("sparql", "SPARQL-endpoint", SPARQL_DESCRIPTION, dcat.SPARQL_PROTOCOL,
                             about.iri("sparql"))
    triples += about.service("wijzigingen", "Wijzigingen (Activity Streams 2.0)", FEED_DESCRIPTION,
                             dcat.ACTIVITY_STREAMS, ox.NamedNode(dcat.ACTIVITY_STREAMS))
    triples += about.service("api/v1", "Bamboe API", API_DESCRIPTION, dcat.API_DESIGN_RULES,
                             about.iri("api/v1/openapi.json"))
    extra = [*announce(settings), *announce_erasures(settings), *extra]  # the LDES, the privacy erasures
    triples += extra + about.complete(extra)
    return dcat.with_code_lists(triples)


def _void(about: dcat.About, counts: dict[str, int]) -> list[tuple]:
    """VoID statistics and access of the dataset; its counts are those of the dump."""
    n, dataset = dcat.n, about.dataset_iri
    triples = [
        (about.catalog_iri, n("void:rootResource"), about.iri("praktijken")),
        (dataset, n("rdf:type"), n("void:Dataset")),
        (dataset, n("void:dataDump"), about.iri("dump.nq")),
        (dataset, n("void:dataDump"), about.iri("dump.ttl")),
        (dataset, n("void:sparqlEndpoint"), about.iri("sparql")),
        (dataset, n("void:uriSpace"), ox.Literal(about.base)),
        (dataset, n("void:vocabulary"), ox.NamedNode(vocab.ONTOLOGY)),
        (dataset, n("void:triples"), dcat.integer(counts["triples"])),
        (dataset, n("void:entities"), dcat.integer(counts["LearningCommunity"])),
    ]
    for name in CLASSES:
        partition = about.iri(f"#{name}")
        triples += [(dataset, n("void:classPartition"), partition),
                    (partition, n("void:class"), n("lp:" + name)),
                    (partition, n("void:entities"), dcat.integer(counts[name]))]
    return triples


def _void_history(about: dcat.About, history: ox.NamedNode, counts: dict[str, int]) -> list[tuple]:
    """VoID of the history dump: its triples and versions (each a `prov:Entity`), as the file holds them.

    Left out when the counts do not say them (a description made without a store).
    """
    n = dcat.n
    triples = [(history, n("rdf:type"), n("void:Dataset")),
               (history, n("void:dataDump"), about.iri(history_dump.PATH)),
               (history, n("void:uriSpace"), ox.Literal(about.base)),
               (history, n("void:vocabulary"), ox.NamedNode(vocab.ONTOLOGY)),
               *[(history, n("void:vocabulary"), ox.NamedNode(iri)) for iri in history_dump.VOCABULARIES]]
    if "history_triples" in counts:
        versions = ox.NamedNode(history.value + "-versies")
        triples += [(history, n("void:triples"), dcat.integer(counts["history_triples"])),
                    (history, n("void:classPartition"), versions),
                    (versions, n("void:class"), n("prov:Entity")),
                    (versions, n("void:entities"), dcat.integer(counts["history_versions"]))]
    return triples
