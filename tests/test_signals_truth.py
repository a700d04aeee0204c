"""What is shown must be true: signals that follow the vocabulary, planned is not done, one search.

A real federation on 127.0.0.1: two example nodes (with node-local narrower concepts),
two generated nodes and a hub that harvests them. The hub's reflection flags are
compared with the same rules computed here, independently, with rdflib over each
node's dump (fetched over HTTP) plus the vocabulary's Turtle files, not with Bamboe's
code. The private vocabulary graph must never show: not in a dump, not in VoID's
counts, not in a harvested copy, not to a public query.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib import RDF, Namespace, URIRef

from conftest import EXAMPLES, ROOT, NodeProcess, bamboe, start_node
from registry import node as node_description
from registry.communities import CommunitySummary, build_summaries, describe, search
from registry.community_page import community_page
from registry.description import Description
from registry.generate import generate_triples
from registry.labels import Labels
from registry.signals import compute, for_one, signals
from registry.store import EmbeddedStore
from registry.store.server import free_port
from registry.store.vocabulary import VOCAB_GRAPH, install
from registry.views.federation import Community
from registry.views.reflection import meets_at_cadence

LP = Namespace("https://w3id.org/lerende-praktijken/def#")
SCHEMA = Namespace("http://schema.org/")
DCT = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
ID = "https://w3id.org/lerende-praktijken/id/"
EXPERIENTIAL = URIRef(ID + "kennis/ervaringskennis")
FACILITATOR, REPORTER = URIRef(ID + "rol/gespreksleider"), URIRef(ID + "rol/notulist")
ACTIVE = URIRef(ID + "status/actief")
ENDED = URIRef(ID + "status/beeindigd")
VOCAB_FILES = [ROOT / "vocab" / "def" / "lp.ttl", *sorted((ROOT / "vocab" / "concepts").glob("*.ttl"))]
SEARCHES = ["armoede", "ARMOEDE", "armoéde", "schulden", "Katwijk", "koestal", "Poverty", "ouderen katwijk",
            "leiden bestaanszekerheid", "levenskwaliteit", "Nijmegen", "zzzz-nergens"]


# --- the rules, written again with rdflib ---------------------------------------------

def vocabulary() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in VOCAB_FILES:
        graph.parse(path, format="turtle")
    return graph


def dataset(nquads: bytes) -> rdflib.Dataset:
    found = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own Dataset internals
        warnings.simplefilter("ignore", DeprecationWarning)
        found.parse(data=nquads, format="nquads")
    return found


def with_vocabulary(nquads: bytes) -> rdflib.Graph:
    """A node's dump (all graphs merged) plus the shared vocabulary."""
    graph = vocabulary()
    for s, p, o, _ in dataset(nquads).quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def expected_flags(g: rdflib.Graph, community: URIRef, today: dt.date) -> set[str]:
    """The eight reflection signals of one community, as the handreiking and shapes describe them."""
    up = lambda concept: {concept, *g.transitive_objects(concept, SKOS.broader)}  # noqa: E731
    parts = list(g.objects(community, LP.participation))
    perspectives = {p for part in parts for p in g.objects(part, LP.perspective)}
    roles = {r for part in parts for role in g.objects(part, LP.role) for r in up(role)}
    named = any(EXPERIENTIAL in up(k) for k in g.objects(community, LP.knowledgeKind))
    brought = any(EXPERIENTIAL in up(k) for p in perspectives for broader in up(p)
                  for k in g.objects(broader, LP.bringsKnowledge))
    day = lambda literal: dt.date.fromisoformat(str(literal)[:10])  # noqa: E731
    meetings = {m: [day(d) for d in g.objects(m, SCHEMA.startDate)] for m in g.objects(community, LP.hasMeeting)}
    flags = set()
    if len(perspectives) < 3:
        flags.add("FewerThanThreePerspectives")
    if not named and not brought:
        flags.add("NoExperientialKnowledge")
    if FACILITATOR not in roles:
        flags.add("NoFacilitator")
    if REPORTER not in roles:
        flags.add("NoReporter")
    if any(ACTIVE in up(s) for s in g.objects(community, ADMS.status)):
        recent = today - dt.timedelta(days=42)
        started = any(day(s) >= recent for s in g.objects(community, SCHEMA.startDate))
        met = any(recent <= d <= today for dates in meetings.values() for d in dates)
        if not started and not met:
            flags.add("NoRecentMeeting")
    for meeting, dates in meetings.items():
        issued = [day(i) for report in g.subjects(LP.reportsOn, meeting) for i in g.objects(report, DCT.issued)]
        for held in dates:
            if held < today - dt.timedelta(days=7) and not any(i - dt.timedelta(days=7) <= held for i in issued):
                flags.add("LateReport")
    if (community, LP.meetingIntervalWeeks, None) not in g:
        flags.add("NoAgreedFrequency")
    year = today - dt.timedelta(days=365)
    ended = any(ENDED in up(s) for s in g.objects(community, ADMS.status))
    touched = any(day(d) >= year for p in (DCT.modified, LP.confirmed) for d in g.objects(community, p))
    met = any(year <= d <= today for dates in meetings.values() for d in dates)
    if not ended and not touched and not met:
        flags.add("NotConfirmedCurrent")
    return flags


def brings_but_does_not_name(g: rdflib.Graph, community: URIRef) -> bool:
    """A perspective brings experiential knowledge, but no knowledge kind says so: the case that broke."""
    named = any(EXPERIENTIAL in {k, *g.transitive_objects(k, SKOS.broader)} for k in g.objects(community, LP.knowledgeKind))
    return not named and "NoExperientialKnowledge" not in expected_flags(g, community, dt.date.today())


# --- the federation -------------------------------------------------------------------

class TruthFederation:
    """Two example nodes, two generated nodes and a hub that harvested them all."""

    def __init__(self, root: Path):
        self.nodes: dict[str, NodeProcess] = {}
        self.hub = None
        try:
            self._start(root)
        except BaseException:
            self.stop()
            raise

    def _start(self, root: Path) -> None:
        self.nodes["den-haag-leiden"] = start_node(root / "den-haag-leiden", "den-haag-leiden.ttl", "WSD Den Haag & Leiden")
        self.nodes["utrecht"] = start_node(root / "utrecht", "utrecht.ttl", "WSD Utrecht", area=("GM0344",))
        for node_id, seed in (("gen-a", 11), ("gen-b", 12)):
            port = free_port()
            folder, url = root / node_id, f"http://127.0.0.1:{port}/"
            bamboe("init", "--name", f"Node {node_id}", "--base-url", url, data_dir=folder)
            source = root / f"{node_id}.ttl"
            source.write_text(bamboe("generate", "--base-url", url, "--communities", "30", "--seed", seed).stdout)
            bamboe("load", source, data_dir=folder)
            self.nodes[node_id] = NodeProcess(folder, port)
        instances = root / "instances.yaml"
        instances.write_text("nodes:\n" + "".join(
            f"  - {{id: {node_id}, name: 'Node {node_id}', url: '{node.url}', level: regionaal, area: [GM0537]}}\n"
            for node_id, node in self.nodes.items()))
        port = free_port()
        self.hub_dir = root / "hub"
        bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
               data_dir=self.hub_dir)
        bamboe("harvest", "--all", data_dir=self.hub_dir, env={**os.environ})
        self.hub = NodeProcess(self.hub_dir, port, env={"BAMBOE_HARVEST_SCHEDULE": "false"})
        self.dumps = {node_id: requests.get(node.url + "dump.nq", timeout=30).content
                      for node_id, node in self.nodes.items()}
        self.graphs = {node_id: with_vocabulary(dump) for node_id, dump in self.dumps.items()}

    def hub_view(self, **params) -> dict:
        response = requests.get(self.hub.url + "overzicht", params={**params, "format": "json"}, timeout=60)
        response.raise_for_status()
        return response.json()

    def stop(self):
        for node in [*self.nodes.values(), self.hub]:
            if node is not None:
                node.stop()


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    started = TruthFederation(tmp_path_factory.mktemp("truth"))
    yield started
    started.stop()


def communities_of(graph: rdflib.Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, LP.LearningCommunity))


# --- 1. signals follow the vocabulary everywhere -------------------------------------

def test_hub_flags_equal_the_rules_computed_from_the_nodes_dumps_and_the_vocabulary(fed):
    today = dt.date.today()
    entries = fed.hub_view()["sections"][0]["communities"]
    expected_by_iri = {str(c): expected_flags(g, c, today) for g in fed.graphs.values() for c in communities_of(g)}
    assert {s["iri"] for e in entries for s in e["sources"]} == set(expected_by_iri)
    wrong = {}
    for entry in entries:
        expected = set.intersection(*(expected_by_iri[s["iri"]] for s in entry["sources"]))
        if set(entry["signals"]) != expected:
            wrong[entry["iri"]] = (sorted(entry["signals"]), sorted(expected))
    assert not wrong, wrong
    # the federation holds the case that went wrong: experiential knowledge brought by a perspective only
    assert sum(brings_but_does_not_name(g, c) for g in fed.graphs.values() for c in communities_of(g)) >= 5


def test_the_national_dashboard_counts_experiential_knowledge_from_the_vocabulary(fed):
    today = dt.date.today()
    shown = sum("NoExperientialKnowledge" not in expected_flags(g, c, today)
                for g in fed.graphs.values() for c in communities_of(g))
    measure = next(m for m in fed.hub_view()["reflection"] if m["key"] == "experiential")
    assert measure["shown"] == shown


@pytest.mark.parametrize("node_id", ["den-haag-leiden", "utrecht", "gen-a"])
def test_node_signals_in_bulk_and_for_one_equal_the_rules(fed, node_id):
    """What a node computes over its own store (which starts without the vocabulary) and per community."""
    today = dt.date.today()
    store = EmbeddedStore()
    store.replace_graph("http://example.test/graph", [q.triple for q in ox.parse(fed.dumps[node_id], format=ox.RdfFormat.N_QUADS)])
    bulk = compute(store, today)
    graph = fed.graphs[node_id]
    for community in communities_of(graph):
        expected = expected_flags(graph, community, today)
        assert {s.key for s in bulk.get(str(community), [])} == expected, community
        one = for_one(describe(store, str(community)), str(community), today)
        assert {s.key for s in one} == expected, community


def test_the_vocabulary_graph_is_never_published(fed):
    for url in [*(node.url for node in fed.nodes.values()), fed.hub.url]:
        dump = requests.get(url + "dump.nq", timeout=60).content
        assert b"urn:bamboe:" not in dump and b"bringsKnowledge" not in dump, url
        quads = len(list(ox.parse(dump, format=ox.RdfFormat.N_QUADS)))
        void = rdflib.Graph().parse(data=requests.get(url + "index.ttl", timeout=30).text, format="turtle")
        triples = {int(o) for s, o in void.subject_objects(URIRef("http://rdfs.org/ns/void#triples"))
                   if str(s) == url + "#dataset"}
        assert triples == {quads}, url
        assert not any(str(s).startswith("urn:bamboe:") for s in void.subjects()), url
        public = requests.post(url + "sparql", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                               headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
        graphs = {row["g"]["value"] for row in public["results"]["bindings"]}
        assert graphs and not any(g.startswith("urn:bamboe:") for g in graphs), url
        asked = requests.post(url + "sparql", data={"query": f"ASK {{ ?s <{LP.bringsKnowledge}> ?o }}"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
        assert asked["boolean"] is False, url


def test_a_harvested_copy_is_the_nodes_dump_and_nothing_more(fed):
    hub = dataset(requests.get(fed.hub.url + "dump.nq", timeout=60).content)
    for node_id, dump in fed.dumps.items():
        copy = {(s, p, o) for s, p, o, g in hub.quads((None, None, None, None))
                if g is not None and str(g) == f"{fed.hub.url}graph/{node_id}"}
        assert len(copy) == len(list(dataset(dump).quads((None, None, None, None)))), node_id


def test_installing_the_vocabulary_is_idempotent_and_private():
    store = EmbeddedStore()
    store.replace_graph("http://example.test/graph", [ox.Triple(ox.NamedNode("http://example.test/a"),
                                                                ox.NamedNode("http://schema.org/name"), ox.Literal("A"))])
    before = node_description.counts(store)["triples"]
    assert install(store) is True
    generation = store.state()[0]
    assert install(store) is False and store.state()[0] == generation  # current: nothing written
    assert store.ask(f"ASK {{ GRAPH <{VOCAB_GRAPH}> {{ ?p <{LP.bringsKnowledge}> ?k }} }}")
    assert VOCAB_GRAPH not in store.graphs() and b"urn:bamboe" not in store.dump()
    assert node_description.counts(store)["triples"] == before == 1
    assert VOCAB_GRAPH not in node_description.graph_stats(store)


def test_every_signal_query_takes_today_from_the_caller():
    for signal in signals():
        assert "NOW()" not in signal.on(dt.date(2026, 12, 3)), signal.key


# --- 2. planned is not done ------------------------------------------------------------

def test_the_hub_home_counts_meetings_held_and_reports_shared_only(fed):
    today = dt.date.today()
    day = lambda literal: dt.date.fromisoformat(str(literal)[:10])  # noqa: E731
    held = shared = planned = 0
    for g in fed.graphs.values():
        for meeting in g.subjects(RDF.type, LP.Meeting):
            done = any(day(d) <= today for d in g.objects(meeting, SCHEMA.startDate))
            held += done
            planned += not done
            shared += sum(done and any(day(i) <= today for i in g.objects(r, DCT.issued))
                          for r in g.subjects(LP.reportsOn, meeting))
    assert planned, "the federation should hold planned meetings"
    html = requests.get(fed.hub.url, timeout=30).text
    counts = re.search(r'class="counts".*?</ul>', html, re.S).group(0)
    numbers = [int(n) for n in re.findall(r"<strong>(\d+)</strong>", counts)]
    assert numbers[1:3] == [held, shared]


def test_example_data_has_no_report_of_a_meeting_not_yet_held():
    today = dt.date.today()
    for path in sorted(EXAMPLES.glob("*.ttl")):
        g = rdflib.Graph().parse(path, format="turtle", publicID="http://example.test/")
        for report, meeting in g.subject_objects(LP.reportsOn):
            for held in g.objects(meeting, SCHEMA.startDate):
                assert dt.date.fromisoformat(str(held)) <= today, (path.name, report)
            for issued in g.objects(report, DCT.issued):
                assert dt.date.fromisoformat(str(issued)) <= today, (path.name, report)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_generated_data_has_planned_meetings_but_no_report_after_today(seed):
    today = dt.date(2026, 12, 3)
    triples = generate_triples("http://gen.test/", 60, seed, today=today)
    dates = {t.subject: t.object.value for t in triples if t.predicate.value in (str(SCHEMA.startDate), str(DCT.issued))}
    meetings = [t.object for t in triples if t.predicate.value == str(LP.hasMeeting)]
    assert any(dates[m] > today.isoformat() for m in meetings), "some meetings are planned"
    for report, meeting in ((t.subject, t.object) for t in triples if t.predicate.value == str(LP.reportsOn)):
        assert dates[meeting] <= today.isoformat() and dates[report] <= today.isoformat(), report


MEETINGS = """@prefix lp: <https://w3id.org/lerende-praktijken/def#> . @prefix schema: <http://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<c> a lp:LearningCommunity ; schema:name "Kring" ; lp:meetingIntervalWeeks 4 ;
    lp:hasMeeting <m1> , <m2> , <m3> , <m4> ; lp:hasResult <r1> , <r2> .
<m1> a lp:Meeting ; schema:startDate "2026-10-06"^^xsd:date .
<m2> a lp:Meeting ; schema:startDate "2026-11-03"^^xsd:date .
<m3> a lp:Meeting ; schema:startDate "2026-12-01"^^xsd:date .
<m4> a lp:Meeting ; schema:startDate "2026-12-29"^^xsd:date .
<v1> a lp:AnalyticReport ; lp:reportsOn <m1> ; dct:issued "2026-10-09"^^xsd:date .
<v2> a lp:AnalyticReport ; lp:reportsOn <m2> ; dct:issued "2026-11-05"^^xsd:date .
<v3> a lp:AnalyticReport ; lp:reportsOn <m3> ; dct:issued "2026-12-07"^^xsd:date .
<v4> a lp:AnalyticReport ; lp:reportsOn <m4> ; dct:issued "2027-01-02"^^xsd:date .
<r1> a lp:Result ; schema:name "Feest" ; dct:date "2026-11-20"^^xsd:date .
<r2> a lp:Result ; schema:name "Later" ; dct:date "2027-02-01"^^xsd:date .
"""


def planned_store() -> EmbeddedStore:
    store = EmbeddedStore()
    triples = [q.triple for q in ox.parse(MEETINGS, format=ox.RdfFormat.TURTLE, base_iri="http://n.test/")]
    store.replace_graph("http://n.test/graph", triples)
    return store


@pytest.mark.parametrize("today, meetings, reports, results", [
    (dt.date(2026, 12, 3), 3, 2, 1),    # m3 held, its report not yet shared; m4 and r2 planned
    (dt.date(2026, 12, 7), 3, 3, 1),
    (dt.date(2027, 3, 1), 4, 4, 2),
    (dt.date(2026, 9, 1), 0, 0, 0),
])
def test_counts_for_people_count_what_has_happened_by_the_given_day(today, meetings, reports, results):
    counts = node_description.happened(planned_store(), today)
    assert (counts["LearningCommunity"], counts["Meeting"], counts["AnalyticReport"], counts["Result"]) == \
        (1, meetings, reports, results)
    assert node_description.counts(planned_store())["Meeting"] == 4  # VoID describes the dataset


def test_last_meeting_cadence_and_page_follow_the_given_day():
    store = planned_store()
    today = dt.date(2026, 12, 3)
    summary = build_summaries(store, today)[0]
    assert (summary.last_meeting, summary.next_meeting) == ("2026-12-01", "2026-12-29")
    community = Community("http://n.test/c", summary.values, [])
    assert meets_at_cadence(community, today)
    assert not meets_at_cadence(community, dt.date(2027, 3, 1))  # two months without a meeting held
    description = Description(describe(store, "http://n.test/c"))
    page = community_page(description, "http://n.test/c", Labels(store), [], "nl", today)
    assert [m["date"] for m in page["meetings"]] == ["2026-12-01", "2026-11-03", "2026-10-06"]
    assert [m["date"] for m in page["planned"]] == ["2026-12-29"]
    assert page["meetings"][0]["reports"] == []  # issued 7 December: not shared yet on the 3rd
    assert all(m["reports"] == [] for m in page["planned"])


def test_late_report_follows_the_given_day():
    store = planned_store()
    late = lambda today: "LateReport" in {s.key for s in compute(store, today).get("http://n.test/c", [])}  # noqa: E731
    assert not late(dt.date(2026, 12, 3))
    assert not late(dt.date(2026, 12, 9))  # m3's report came on the 7th, within the week
    assert late(dt.date(2027, 1, 6)) is False  # m4's report came within its week too
    store.update("DELETE WHERE { GRAPH ?g { <http://n.test/v4> ?p ?o } }")
    assert late(dt.date(2027, 1, 6))  # m4 is more than a week ago, and no report


# --- 3. one search ---------------------------------------------------------------------

def node_search(node: NodeProcess, text: str) -> set[str]:
    body = requests.get(node.url + "praktijken.nt", params={"q": text}, timeout=30).text
    graph = rdflib.Graph().parse(data=body, format="nt")
    return {str(c) for c in graph.subjects(RDF.type, LP.LearningCommunity)}


def test_node_and_hub_find_the_same_communities_for_the_same_words(fed):
    found_any = set()
    for text in SEARCHES:
        entries = fed.hub_view(q=text)["sections"][0]["communities"]
        on_hub = {s["iri"] for e in entries for s in e["sources"]}
        on_nodes = set().union(*(node_search(node, text) for node in fed.nodes.values()))
        assert on_hub == on_nodes, text
        if on_hub:
            found_any.add(text)
    assert {"armoede", "schulden", "Katwijk", "koestal", "Poverty"} <= found_any
    assert "zzzz-nergens" not in found_any


def test_search_finds_by_theme_and_place_labels_folded_and_all_words():
    labels = {"http://t/armoede": {"nl": "Armoede", "en": "Poverty"},
              "https://identifier.overheid.nl/tooi/id/gemeente/gm0537": {"nl": "Katwijk", "en": "Katwijk"},
              "http://w/WK053700": {"nl": "Koestal", "en": "Koestal"}}
    label = lambda iri, lang: labels.get(iri, {}).get(lang, "")  # noqa: E731
    kring = CommunitySummary("http://n/a", {"name": ["Buurtkring Één"], "theme": ["http://t/armoede"],
                                            "place": ["http://w/WK053700", "https://w3id.org/lerende-praktijken/id/cbs/2024/WK053700"]})
    other = CommunitySummary("http://n/b", {"name": ["Ouderen"], "description": ["Schulden vroeg zien"]})
    both = [kring, other]
    find = lambda text: [c.iri for c in search(both, text, label)]  # noqa: E731
    assert find("poverty") == find("ARMOEDE") == ["http://n/a"]
    assert find("een") == ["http://n/a"]  # accents do not count
    assert find("katwijk") == ["http://n/a"]  # the gemeente a wijk lies in
    assert find("schulden") == ["http://n/b"]
    assert find("armoede schulden") == []  # every word must match
    assert find("  ") == ["http://n/a", "http://n/b"]
