"""Units of the editing layer that need no server: signal shortcut, JSON<->RDF round trip, privacy,
the editor's forms and pick-lists."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MultiDict

import vocab
from registry.editing import forms, picklists
from registry.editing.concepts import ConceptCatalogue
from registry.editing.mapping import from_triples, to_triples
from registry.editing.picklists import Unresolved
from registry.editing.privacy import personal_data
from registry.editing.schemas import KINDS
from registry.loading import load_files
from registry.signals import compute, for_one
from registry.communities import describe
from registry.node import data_graph
from registry.editing.service import Editor
from registry.queries import insert_data, named
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


# --- the editor's forms and pick-lists ---------------------------------------------------

def _editor_over_examples():
    store = EmbeddedStore()
    load_files(store, EXAMPLES, BASE)
    return store, Editor(store, {"base_url": BASE}, ConceptCatalogue(store))


def test_every_example_resource_round_trips_through_its_editor_form():
    """Stored JSON -> form values -> JSON again: saving a form unchanged changes nothing."""
    store, editor = _editor_over_examples()
    for kind in ("praktijken", "bijeenkomsten", "verslagen", "resultaten"):
        rows = store.select(named("editing/below").bind(prefix=ox.Literal(BASE + "praktijken/"),
                            type=ox.NamedNode(KINDS[kind].Meta.rdf_type), graph=editor.graph))
        iris = [row["resource"].value for row in rows]
        assert iris, kind
        for iri in iris:
            path = iri.removeprefix(BASE + "praktijken/").split("/")
            address = editor.address(kind, path[-1], path[0] if kind != "praktijken" else None)
            saved = editor.read(address)
            if kind == "praktijken":
                picks = picklists.pick_lists(store, editor.graph, leave_out=iri)
                values = forms.community_json_to_form(saved.data, picks)
                keys = [row["perspectief"].rsplit("/", 1)[-1] for row in saved.data.get("deelname", [])]
                values["perspectief"] = keys
                values.update({f"iri-{row['perspectief'].rsplit('/', 1)[-1]}": [row["perspectief"]]
                               for row in saved.data.get("deelname", [])})
                parsed = forms.community_form_to_json(MultiDict([(k, v) for k, vs in values.items() for v in vs]), picks)
            else:
                places = picklists.places(store)
                values = forms.nested_json_to_form(kind, saved.data, places)
                parsed = forms.nested_form_to_json(kind, MultiDict([(k, v) for k, vs in values.items() for v in vs]), places)
            assert not parsed.unresolved, (iri, parsed.unresolved)
            assert editor.load(kind, parsed.data) == saved.data, iri


def test_pick_lists_resolve_names_codes_and_their_own_texts():
    store, _ = _editor_over_examples()
    found = picklists.places(store)
    assert found.resolve("Leiden") == found.resolve("leiden (GM0546)") == found.resolve("gm0546") == "GM0546"
    assert found.resolve("'s-Gravenhage (GM0518)") == "GM0518" and found.resolve("Sudwest-Fryslan") == "GM1900"
    assert found.resolve("Utrecht") == "GM0344"  # the gemeente; the province is "Provincie Utrecht"
    assert found.resolve("Provincie Utrecht") == "PV26"
    assert found.resolve("Koestal") == "WK053700" and found.shown("WK053700") == "Koestal, Katwijk (WK053700)"
    assert found.resolve("WK053799") == "WK053799" and found.shown("WK053799") == "WK053799"
    assert found.shown("GM0546") == "Leiden (GM0546)"
    with pytest.raises(Unresolved) as unknown:
        found.resolve("Atlantis")
    assert unknown.value.code == "unknown"


def test_a_shared_name_is_ambiguous_and_told_apart_by_its_iri():
    store = EmbeddedStore()
    graph = ox.NamedNode(data_graph(BASE))
    store.update(insert_data(graph.value, [
        ox.Triple(ox.NamedNode(f"https://org.example/{n}"), ox.NamedNode("http://schema.org/name"), ox.Literal("Buurtteam"))
        for n in (1, 2)] + [ox.Triple(ox.NamedNode(BASE + "praktijken/x"), ox.NamedNode("http://www.w3.org/ns/org#hasMember"),
                                      ox.NamedNode(f"https://org.example/{n}")) for n in (1, 2)]))
    organisations = picklists.organisations(store, graph)
    assert [c.text for c in organisations.choices] == ["Buurtteam (https://org.example/1)", "Buurtteam (https://org.example/2)"]
    with pytest.raises(Unresolved) as twice:
        organisations.resolve("Buurtteam")
    assert twice.value.code == "ambiguous"
    assert organisations.resolve("Buurtteam (https://org.example/2)") == "https://org.example/2"


def test_the_preview_of_an_empty_form_is_an_empty_community_and_of_a_stored_one_its_signals():
    store, editor = _editor_over_examples()
    assert {s.key for s in editor.preview({})} == {"FewerThanThreePerspectives", "NoExperientialKnowledge",
                                                   "NoFacilitator", "NoReporter", "NoAgreedFrequency"}
    for summary in ("katwijk-koestal",):
        address = editor.address("praktijken", summary)
        saved = editor.read(address)
        stored = {s.key for s in editor.signals(address.iri)}
        json = KINDS["praktijken"]().dump(saved.data)
        assert {s.key for s in editor.preview(json, summary)} == stored


@pytest.mark.parametrize("summary, names, consent", [
    ("naam, plaatsen", ["naam", "plaatsen"], None),
    ("naam, toestemming, toestemming: dossier 7, map 2", ["naam"], "dossier 7, map 2"),
    ("", [], None),
])
def test_audit_summaries_read_back_as_field_names(summary, names, consent):
    assert forms.summary_fields(summary) == (names, consent)
