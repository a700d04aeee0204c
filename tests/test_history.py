"""History core: versions are recorded as data is written, and the state as of any moment is what was served then.

Controlled clock: `registry.clock.now` is replaced per simulated month, so a hub
harvests a node's changing data over half a year in seconds. The node is a FakeNode
(what it serves is known exactly) and, for a node's own history, an editing node
in this process written through its API.
"""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from fakenode import FakeNode
from harvesters.instances import Instance
from harvesters.pipeline import Options, harvest_node
from registry import clock, create_app
from registry.errors import BamboeError
from registry.history.moments import end_of, parse_moment
from registry.history.states import state_as_of, state_quads, token
from registry.ldes import LOG_GRAPH
from registry.node import data_graph
from registry.store import EmbeddedStore

HUB = "http://hub.test/"
SCHEMA_NAME = ox.NamedNode("http://schema.org/name")
MONTHS = [dt.datetime(2026, month, 10, 9, 0, tzinfo=dt.timezone.utc) for month in range(1, 8)]


def dataset(quads, graph=None) -> ox.Dataset:
    """Quads as a canonical dataset (all in `graph`, or in the default graph), for exact comparison."""
    found = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, graph or ox.DefaultGraph()) for q in quads)
    found.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return found


def served(fake: FakeNode) -> ox.Dataset:
    return dataset(ox.parse(fake.script.dump, format=ox.RdfFormat.N_QUADS))


def renamed(triples, iri: str, name: str) -> list[ox.Triple]:
    subject = ox.NamedNode(iri)
    return [t for t in triples if not (t.subject == subject and t.predicate == SCHEMA_NAME)] + [
        ox.Triple(subject, SCHEMA_NAME, ox.Literal(name))]


def without(triples, prefix: str) -> list[ox.Triple]:
    """The triples less every resource under `prefix` and the blank nodes they hold (as a node removes them)."""
    gone = {t.object for t in triples if t.subject.value.startswith(prefix) and isinstance(t.object, ox.BlankNode)}
    return [t for t in triples if not t.subject.value.startswith(prefix) and t.subject not in gone]


@pytest.fixture(scope="module")
def months():
    """A node changing over six months, harvested once a month; what it served each month."""
    fake = FakeNode(communities=6, seed=11)
    store = EmbeddedStore()
    instance = Instance(id="proef", name="Proef", url=fake.base_url, level="lokaal", area=("GM0344",))
    communities = sorted({t.subject.value for t in fake.triples
                          if t.subject.value.startswith(fake.base_url + "praktijken/gen-")
                          and t.subject.value.count("/") == fake.base_url.count("/") + 1})
    first, second, third = communities[:3]
    triples = list(fake.triples)
    steps = [
        ("start", triples),
        ("renamed", renamed(triples, first, "Leerkring Oost")),
        ("unchanged", None),
        ("removed", without(renamed(triples, first, "Leerkring Oost"), second)),
        ("tombstone", None),
        ("renamed again", None),
    ]
    current = triples
    truth, outcomes, sizes = {}, {}, {}
    original_now = clock.now
    try:
        for (label, change), moment in zip(steps, MONTHS):
            if label == "tombstone":  # the node deleted it: only its tombstone is left
                subject = ox.NamedNode(third)
                current = without(current, third) + [
                    ox.Triple(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                              ox.NamedNode("https://www.w3.org/ns/activitystreams#Tombstone"))]
            elif label == "renamed again":
                current = renamed(current, first, "Leerkring Oost-West")
            elif change is not None:
                current = change
            fake.serve(current)
            clock.now = lambda moment=moment: moment
            outcomes[label] = harvest_node(store, HUB, instance, Options()).outcome
            truth[moment.date()] = served(fake)
            sizes[label] = token(store).count
    finally:
        clock.now = original_now
    yield {"store": store, "truth": truth, "outcomes": outcomes, "sizes": sizes, "first": first,
           "second": second, "third": third, "graph": HUB + "graph/proef"}
    fake.stop()


def test_each_month_as_of_its_day_is_what_the_node_served(months):
    assert list(months["outcomes"].values()) == ["stored", "stored", "unchanged", "stored", "stored", "stored"]
    for day, truth in months["truth"].items():
        state = state_quads(months["store"], end_of(day), HUB + "graph")
        assert {q.graph_name.value for q in state} == {months["graph"]}
        assert dataset(state) == truth, day


def test_before_the_first_harvest_there_is_nothing(months):
    assert state_quads(months["store"], end_of(dt.date(2026, 1, 9)), HUB + "graph") == []


def test_a_harvest_that_changes_nothing_stores_no_version(months):
    sizes = months["sizes"]
    assert sizes["unchanged"] == sizes["renamed"]
    assert sizes["renamed"] - sizes["start"] == 1  # one community renamed: one version
    assert sizes["removed"] - sizes["unchanged"] >= 1


def test_versions_carry_the_harvest_run_source_etag_and_time(months):
    rows = months["store"].select(f"""SELECT ?time ?run ?source ?etag ?kind WHERE {{ GRAPH <{LOG_GRAPH}> {{
        ?v <urn:bamboe:ldes#resource> "{months['first']}" ; <urn:bamboe:ldes#time> ?time ; <urn:bamboe:ldes#kind> ?kind ;
           <urn:bamboe:ldes#run> ?run ; <urn:bamboe:ldes#source> ?source ; <urn:bamboe:ldes#etag> ?etag }} }}
        ORDER BY ?time""")
    assert [row["time"].value[:10] for row in rows] == ["2026-01-10", "2026-02-10", "2026-06-10"]
    assert [row["kind"].value.rsplit("#", 1)[1] for row in rows] == ["Create", "Update", "Update"]
    assert all(row["run"].value.startswith(HUB + "oogst/proef/") and row["source"].value.endswith("dump.nq")
               and row["etag"].value for row in rows)


def test_a_deleted_record_leaves_only_its_tombstone_and_a_removed_one_nothing(months):
    store, third, second = months["store"], months["third"], months["second"]
    may = dataset(state_quads(store, end_of(dt.date(2026, 5, 31)), HUB + "graph"))
    about_third = [q for q in may if q.subject.value == third]
    assert [q.object.value for q in about_third] == ["https://www.w3.org/ns/activitystreams#Tombstone"]
    assert not [q for q in may if q.subject.value.startswith(second)]
    april = dataset(state_quads(store, end_of(dt.date(2026, 4, 1)), HUB + "graph"))
    assert len([q for q in april if q.subject.value == third]) > 5  # it was all there before
    kinds = store.select(f"""SELECT ?kind WHERE {{ GRAPH <{LOG_GRAPH}> {{
        ?v <urn:bamboe:ldes#resource> "{third}" ; <urn:bamboe:ldes#kind> ?kind }} }}""")
    assert sorted(row["kind"].value.rsplit("#", 1)[1] for row in kinds) == ["Create", "Delete"]


def test_a_copy_from_before_history_was_kept_gets_its_first_versions_at_the_next_harvest(tmp_path):
    fake = FakeNode(communities=2, seed=5)
    store = EmbeddedStore()
    instance = Instance(id="oud", name="Oud", url=fake.base_url, level="lokaal", area=("GM0344",))
    try:
        assert harvest_node(store, HUB, instance, Options()).outcome == "stored"
        store.update(f"DROP SILENT GRAPH <{LOG_GRAPH}>")  # as a hub upgraded from before history was kept
        fake.serve(renamed(fake.triples, fake.base_url + "praktijken/gen-00001", "Nieuw"))
        assert harvest_node(store, HUB, instance, Options()).outcome == "stored"
        now = parse_moment(clock.now().isoformat())
        assert dataset(state_quads(store, now, HUB + "graph")) == served(fake)
    finally:
        fake.stop()


def test_moments_are_read_strictly():
    assert parse_moment("2026-03-01").day == dt.date(2026, 3, 1)
    assert parse_moment("2026-03-01").text == "2026-03-01T22:59:59Z"  # the end of the day in Amsterdam
    assert parse_moment("2026-07-01").text == "2026-07-01T21:59:59Z"  # summer time
    assert parse_moment("2026-03-01T12:00:00Z").text == "2026-03-01T12:00:00Z"
    for bad in ("", "gisteren", "2026-02-30", "2026-03-01T12:00:00", "9999-01-01", "01-03-2026", "0001-01-01",
                "1899-12-01T12:00:00Z"):
        with pytest.raises(BamboeError) as raised:
            parse_moment(bad)
        assert raised.value.status == 400, bad


def test_a_node_records_a_version_of_each_write_at_the_audit_time(tmp_path, monkeypatch):
    """A node's own history: each edit through the API is a version at the moment of the edit."""
    base = "http://node.test/"
    app = create_app({"data_dir": tmp_path, "store": "embedded", "base_url": base, "harvest_schedule": False})
    node = app.extensions["bamboe"]
    try:
        node.accounts.add_user("redactie", "veilig-wachtwoord-1")
        bearer = {"Authorization": "Bearer " + node.accounts.create_token("redactie")[0]}
        client = app.test_client()
        T = "https://w3id.org/lerende-praktijken/id/"
        body = {"naam": "Leerkring Zuid", "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
                "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"], "startdatum": "2026-01-15",
                "contact": {"naam": "Leergemeenschap", "email": "leergemeenschap@welzijn.example"}}
        dumps = {}
        monkeypatch.setattr(clock, "now", lambda: MONTHS[0])
        created = client.post("/api/v1/praktijken", json=body, headers=bearer)
        assert created.status_code == 201, created.text
        path = created.headers["Location"].removeprefix(base.rstrip("/"))
        dumps[MONTHS[0]] = node.store.dump([data_graph(base)])
        monkeypatch.setattr(clock, "now", lambda: MONTHS[1])
        current = client.get(path, headers=bearer)
        changed = client.patch(path, json={"naam": "Leerkring Zuid-Oost"},
                               headers={**bearer, "If-Match": current.headers["ETag"]})
        assert changed.status_code == 200, changed.text
        dumps[MONTHS[1]] = node.store.dump([data_graph(base)])
        monkeypatch.setattr(clock, "now", lambda: MONTHS[2])
        current = client.get(path, headers=bearer)
        assert client.delete(path, headers={**bearer, "If-Match": current.headers["ETag"]}).status_code == 204
        dumps[MONTHS[2]] = node.store.dump([data_graph(base)])
        monkeypatch.undo()
        for moment, dumped in dumps.items():
            state = state_as_of(node.store, end_of(moment.date()), data_graph(base))
            assert dataset(ox.parse(state.dump(), format=ox.RdfFormat.N_QUADS)) == dataset(
                ox.parse(dumped, format=ox.RdfFormat.N_QUADS)), moment
        times = node.store.select(f"SELECT DISTINCT ?t WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?v <urn:bamboe:ldes#time> ?t }} }}")
        assert sorted(row["t"].value[:10] for row in times) == ["2026-01-10", "2026-02-10", "2026-03-10"]
    finally:
        node.close()
