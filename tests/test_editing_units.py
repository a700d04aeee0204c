"""Units of the editing layer that need no server: signal shortcut, JSON<->RDF round trip, privacy."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

import vocab
from registry.editing.mapping import from_triples, to_triples
from registry.editing.privacy import personal_data
from registry.editing.schemas import KINDS
from registry.loading import load_files
from registry.signals import compute, for_one
from registry.communities import describe
from registry.node import data_graph
from registry.queries import named
from registry.store import EmbeddedStore

BASE = "https://node.example/"
EXAMPLES = sorted((vocab.HERE / "examples").glob("*.ttl"))


def test_signals_of_one_community_match_the_bulk_index():
    store = EmbeddedStore()
    load_files(store, EXAMPLES, BASE)
    bulk = compute(store)
    communities = [row["c"].value for row in store.select(
        "SELECT ?c WHERE { ?c a <https://w3id.org/lerende-praktijken/def#LearningCommunity> }")]
    assert len(communities) >= 6
    assert any(bulk.get(c) for c in communities)
    local = store.construct(named("editing/local_concept_triples").bind(graph=ox.NamedNode(data_graph(BASE))))
    for community in communities:
        mine = for_one(describe(store, community) + local, community)
        assert {s.key for s in mine} == {s.key for s in bulk.get(community, [])}, community


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_example_resource_round_trips_through_its_schema(kind):
    """Read example RDF into JSON and back: the triples the schema owns come out the same."""
    store = EmbeddedStore()
    load_files(store, EXAMPLES, BASE)
    schema = KINDS[kind]
    triples = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    subjects = {t.subject for t in triples if t.predicate.value.endswith("#type")
                and t.object.value == schema.Meta.rdf_type and isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith(BASE)}
    assert subjects, kind
    for subject in subjects:
        data = from_triples(schema, triples, subject)
        parent = subject.value.rsplit("/", 2)[0] if kind in ("bijeenkomsten", "verslagen", "resultaten") else None
        again = from_triples(schema, to_triples(schema, data, subject, parent), subject)
        assert again == data, subject


@pytest.mark.parametrize("data, bad", [
    ({"aansluiten": "Mail ons op info@welzijn.example"}, ["aansluiten"]),
    ({"beschrijving": "Bel 06 12 34 56 78"}, ["beschrijving"]),
    ({"beschrijving": "Bel +31 20 123 4567"}, ["beschrijving"]),
    ({"contact": {"naam": "Team", "email": "p.devries@welzijn.example"}}, ["contact.email"]),
    ({"contact": {"naam": "Team", "email": "someone@hotmail.com"}}, ["contact.email"]),
    ({"contact": {"naam": "Team", "email": "leergemeenschap@welzijn.example"}}, []),
    ({"contact": {"naam": "Team", "email": "info@gemeente.example"}}, []),
    ({"beschrijving": "Sinds 2024 elke 4 weken, 12 deelnemers, 3 perspectieven."}, []),
    ({"handelingsperspectieven": ["Bel mij: 0612345678"]}, ["handelingsperspectieven[0]"]),
    ({"startdatum": dt.date(2026, 1, 1)}, []),
])
def test_privacy_guard(data, bad):
    assert [error["name"] for error in personal_data(data)] == bad
