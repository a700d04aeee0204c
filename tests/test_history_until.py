"""The version log closes what it supersedes: `#until`, the state as one read, and an older log closed once.

A version is valid from its `#time` until its `#until` (the next version's time of
the same resource in the same graph). Writers write `#until` in the same update as
the version that supersedes; a log from before they did is closed once by
`versions.close_superseded`. The state as of a moment is then one read of the
versions valid then, each version's blank nodes kept apart by relabelling its text.
"""
from __future__ import annotations

import datetime as dt
import json

import pyoxigraph as ox
from hypothesis import given, settings, strategies as st

from registry.history.moments import end_of
from registry.history.states import state_quads, state_texts, token
from registry.ldes import KINDS, LOG_GRAPH, versions
from registry.queries import named
from registry.store import EmbeddedStore
from registry.views import build
from registry.views.federation import Member
from registry.views.index import FederationIndex, federation_of
from test_history import HUB, dataset, months  # noqa: F401 (the module's fixture)

UNTIL = "urn:bamboe:ldes#until"


def chain(store, resource: str) -> list[tuple[str, str | None]]:
    """(time, until) of each version of `resource`, oldest first."""
    rows = store.select(f"""SELECT ?n ?time ?until WHERE {{ GRAPH <{LOG_GRAPH}> {{
        ?v <urn:bamboe:ldes#resource> "{resource}" ; <urn:bamboe:ldes#number> ?n ; <urn:bamboe:ldes#time> ?time .
        OPTIONAL {{ ?v <{UNTIL}> ?until }} }} }} ORDER BY ?n""")
    return [(row["time"].value[:10], row["until"].value[:10] if row.get("until") else None) for row in rows]


def copy_of(store: EmbeddedStore) -> EmbeddedStore:
    """Every quad, the private graphs' too (a dump leaves those out)."""
    copied = EmbeddedStore()
    copied.extend(store._store.quads_for_pattern(None, None, None, None))
    return copied


def test_a_version_is_closed_by_the_next_one_of_its_resource(months):
    store = months["store"]
    assert chain(store, months["first"]) == [("2026-01-10", "2026-02-10"), ("2026-02-10", "2026-06-10"),
                                             ("2026-06-10", None)]
    removed = chain(store, months["second"])  # removed in April: the version saying so stays open
    assert removed == [("2026-01-10", "2026-04-10"), ("2026-04-10", None)]
    assert chain(store, months["third"]) == [("2026-01-10", "2026-05-10"), ("2026-05-10", None)]


def test_a_harvest_reads_only_the_current_versions(months):
    store = months["store"]
    rows = store.select(named("ldes/newest_of_graph").bind(graph=ox.Literal(months["graph"])))
    assert len(rows) == len({row["resource"].value for row in rows})  # one per resource, whatever its history
    every = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?v <urn:bamboe:ldes#number> ?x }} }}")
    assert len(rows) < int(every[0]["n"].value)


def test_a_log_from_before_until_is_closed_once_and_gives_the_same_states(months):
    old = copy_of(months["store"])
    closed = len(old.select(f"SELECT ?v WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?v <{UNTIL}> ?u }} }}"))
    old.update(f"""DELETE WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?v <{UNTIL}> ?u }} }} ;
                   DELETE WHERE {{ GRAPH <{LOG_GRAPH}> {{ <{LOG_GRAPH}> <urn:bamboe:ldes#closing> ?c }} }}""")
    assert closed > 0
    assert token(old).count == token(months["store"]).count  # reading the head closes the log...
    assert len(old.select(f"SELECT ?v WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?v <{UNTIL}> ?u }} }}")) == closed
    assert versions.close_superseded(old) == 0  # ...once: nothing is left to close
    for day, truth in months["truth"].items():
        assert dataset(state_quads(old, end_of(day), HUB + "graph")) == truth, day


def test_the_as_of_federation_from_texts_equals_the_index_over_the_state(months):
    members = [Member("proef", "Proef", "lokaal", ("GM0344",), months["graph"])]
    for day in months["truth"]:
        moment = end_of(day)
        texts = state_texts(months["store"], moment, HUB + "graph")
        state = EmbeddedStore()
        state.extend(state_quads(months["store"], moment, HUB + "graph"))
        expected = national(FederationIndex(state, members, today=lambda: day).get(), day)
        assert '"count": 0,' not in expected
        assert national(federation_of(texts, members, day), day) == expected, day


def national(federation, day: dt.date) -> str:
    return json.dumps(build.national(build.Context(federation, lambda iri: iri, today=day), {}), sort_keys=True,
                      default=str)


def version(store: EmbeddedStore, number: int, resource: str, triples: list[ox.Triple], when: str,
            superseded: int | None = None) -> None:
    snapshot = versions.Snapshot(resource, tuple(triples), f"d{number}", HUB + "graph/x")
    quads = versions.log_triples(number, KINDS[0], snapshot, f"d{number}", when, superseded=superseded)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(LOG_GRAPH)) for t in quads)


LABEL_LIKE = st.text(alphabet=st.sampled_from(list('_: ."<>\\ab1\n\t@^')), max_size=24)


@settings(max_examples=150, deadline=None)
@given(first=LABEL_LIKE, second=LABEL_LIKE)
def test_versions_blank_nodes_stay_apart_and_literals_stay_as_they_were(first, second):
    """Two versions whose blank nodes share labels, with literals that look like blank nodes."""
    store = EmbeddedStore()
    a, b = ox.NamedNode("http://n.test/a"), ox.NamedNode("http://n.test/b")
    place = ox.NamedNode("http://schema.org/location")
    name = ox.NamedNode("http://schema.org/name")
    blank = ox.BlankNode("b1")
    version(store, 1, a.value, [ox.Triple(a, place, blank), ox.Triple(blank, name, ox.Literal(first))],
            "2026-01-01T00:00:00Z")
    version(store, 2, b.value, [ox.Triple(b, place, blank), ox.Triple(blank, name, ox.Literal(second, language="nl")),
                                ox.Triple(b, name, ox.Literal(first + " _:b1 ."))], "2026-01-01T00:00:00Z")
    store.extend([ox.Quad(ox.NamedNode(LOG_GRAPH), ox.NamedNode("urn:bamboe:ldes#closing"), ox.Literal("until"),
                          ox.NamedNode(LOG_GRAPH))])
    quads = state_quads(store, end_of(dt.date(2026, 1, 2)), HUB + "graph")
    blanks = {q.object for q in quads if q.predicate == place}
    assert len(blanks) == 2  # one per version, though both were `_:b1`
    literals = sorted((q.object.value, q.object.language or "") for q in quads if q.predicate == name)
    assert literals == sorted([(first, ""), (second, "nl"), (first + " _:b1 .", "")])


def test_the_state_is_the_version_valid_then():
    store = EmbeddedStore()
    a = ox.NamedNode("http://n.test/a")
    name = ox.NamedNode("http://schema.org/name")
    version(store, 1, a.value, [ox.Triple(a, name, ox.Literal("een"))], "2026-01-01T10:00:00Z")
    version(store, 2, a.value, [ox.Triple(a, name, ox.Literal("twee"))], "2026-02-01T10:00:00Z", superseded=1)
    version(store, 3, a.value, [ox.Triple(a, name, ox.Literal("drie"))], "2026-02-01T10:00:00Z", superseded=2)
    named_then = lambda day: [q.object.value for q in state_quads(store, end_of(day), HUB + "graph")]  # noqa: E731
    assert named_then(dt.date(2025, 12, 31)) == []
    assert named_then(dt.date(2026, 1, 31)) == ["een"]
    assert named_then(dt.date(2026, 2, 1)) == ["drie"]  # two versions in one second: the later one holds
