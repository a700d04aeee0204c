"""The storage contract, run against every backend (memory, disk, Oxigraph server)."""
from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from registry.errors import StoreQueryError
from registry.store import META_GRAPH

G = "http://example.org/graph/a"
H = "http://example.org/graph/b"


def triple(s: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(f"http://example.org/{s}"), ox.NamedNode("http://schema.org/name"),
                     ox.Literal(o, language="nl"))


def test_replace_graph_then_query_every_form(store):
    store.replace_graph(G, [triple("a", "Koestal"), triple("b", "BeterOud")])
    rows = store.select("SELECT ?s ?name WHERE { ?s <http://schema.org/name> ?name } ORDER BY ?name")
    assert [(r["s"].value, r["name"].value, r["name"].language) for r in rows] == [
        ("http://example.org/b", "BeterOud", "nl"), ("http://example.org/a", "Koestal", "nl")]
    assert set(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")) >= {triple("a", "Koestal")}
    assert store.ask('ASK { GRAPH <%s> { ?s ?p "Koestal"@nl } }' % G) is True
    assert store.ask('ASK { ?s ?p "Nergens"@nl }') is False


def test_replace_is_a_replacement_not_an_addition(store):
    store.replace_graph(G, [triple("a", "oud")])
    store.replace_graph(G, [triple("a", "nieuw")])
    assert store.graph_triples(G) == [triple("a", "nieuw")]


def test_graphs_are_kept_apart(store):
    store.replace_graph(G, [triple("a", "een")])
    store.replace_graph(H, [triple("a", "twee")])
    store.drop_graph(H)
    assert store.graphs() == [G]
    assert store.graph_triples(H) == []


def test_every_write_moves_the_change_token(store):
    before = store.state()
    store.replace_graph(G, [triple("a", "een")])
    first = store.state()
    store.update('INSERT DATA { GRAPH <%s> { <http://example.org/c> <http://schema.org/name> "drie" } }' % G)
    second = store.state()
    assert len({before[0], first[0], second[0]}) == 3
    assert first[1] is not None


def test_a_failed_write_changes_nothing(store):
    store.replace_graph(G, [triple("a", "een")])
    before = (store.state(), store.dump())
    with pytest.raises(StoreQueryError):
        store.update("INSERT DATA { this is not SPARQL }")
    assert (store.state(), store.dump()) == before


def test_invalid_query_is_a_store_query_error(store):
    with pytest.raises(StoreQueryError):
        store.select("SELECT WHERE")


def test_dump_is_nquads_without_the_meta_graph(store):
    store.replace_graph(G, [triple("a", "een")])
    quads = list(ox.parse(store.dump(), format=ox.RdfFormat.N_QUADS))
    assert quads == [ox.Quad(*triple("a", "een"), ox.NamedNode(G))]
    assert META_GRAPH.encode() not in store.dump()


def test_default_graph_is_the_union_of_named_graphs(store):
    store.replace_graph(G, [triple("a", "een")])
    store.replace_graph(H, [triple("b", "twee")])
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://schema.org/name> ?o }")
    assert rows[0]["n"].value == "2"


def test_readers_see_old_or_new_graph_never_half(store):
    old = [triple(f"old{i}", "oud") for i in range(300)]
    new = [triple(f"new{i}", "nieuw") for i in range(300)]
    store.replace_graph(G, old)
    seen, stop = set(), threading.Event()

    def read():
        while not stop.is_set():
            rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % G)
            seen.add(int(rows[0]["n"].value))

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(5):
        store.replace_graph(G, new)
        store.replace_graph(G, old)
    stop.set()
    reader.join()
    assert seen == {300}
