"""The research dump of the history (`/dump-geschiedenis.nq.gz`) holds what was served, when it was served.

A node in this process is edited over simulated months (the one clock, `registry.clock.now`,
moved by the test): communities are created, changed and deleted, and after every step
the test keeps the node's `/dump.nq`. A hub harvests a FakeNode whose data changes from
month to month, and keeps what the fake served. Each version graph of the dump must
equal the record as it was served at the version's `prov:generatedAtTime`; the PROV-O
chain (`prov:wasRevisionOf`, `prov:invalidatedAtTime`, `prov:wasDerivedFrom`,
`prov:wasGeneratedBy`) must say when and where from; two parsers (pyoxigraph and rdflib)
must read the same quads, and the VoID counts in `/` what the file holds.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import warnings
from collections import defaultdict

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from fakenode import FakeNode
from harvesters.hub import Hub
from harvesters.log import graph_iri
from harvesters.records import split
from registry import create_app
from registry.config import load_settings
from registry.history import dump as history_dump
from registry.ldes import AS, version_iri
from registry.store import EmbeddedStore

BASE = "http://127.0.0.1:5998/"
HUB = "http://hub.test/"
T = "https://w3id.org/lerende-praktijken/id/"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
COMMUNITY = {"soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"], "niveau": T + "niveau/wijk",
             "plaatsen": ["GM0537"], "startdatum": "2026-01-05",
             "deelname": [{"perspectief": T + "perspectief/professional", "aantal": 3, "rollen": [T + "rol/deelnemer"]}]}
MONTHS = [dt.datetime(2026, month, 10, 9, 30, tzinfo=dt.timezone.utc) for month in range(1, 6)]


class Clock:
    """The one clock, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: dt.datetime):
        self.at = at
        monkeypatch.setattr("registry.clock.now", lambda: self.at)


# --- reading the file --------------------------------------------------------------------

class History:
    """The dump as pyoxigraph reads it: graphs by name, and the metadata graph's statements per version."""

    def __init__(self, body: bytes, base: str):
        self.raw = gzip.decompress(body)
        self.quads = list(ox.parse(self.raw, format=ox.RdfFormat.N_QUADS))
        self.graphs: dict[str, list[ox.Triple]] = defaultdict(list)
        for q in self.quads:
            self.graphs[q.graph_name.value].append(ox.Triple(q.subject, q.predicate, q.object))
        self.meta: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
        self.metadata_graph = history_dump.dataset_iri(base)
        self.metadata = self.graphs.pop(self.metadata_graph, [])
        for t in self.metadata:
            self.meta[t.subject.value][t.predicate.value].append(t.object)

    def one(self, version: str, predicate: str):
        values = self.meta[version][predicate]
        assert len(values) <= 1, (version, predicate, values)
        return values[0] if values else None

    def time(self, version: str) -> dt.datetime:
        return dt.datetime.fromisoformat(self.one(version, PROV + "generatedAtTime").value.replace("Z", "+00:00"))

    def resource(self, version: str) -> str:
        return self.one(version, DCT + "isVersionOf").value

    def kind(self, version: str) -> str:
        (kind,) = [t.value for t in self.meta[version][RDF_TYPE] if t.value != PROV + "Entity"]
        return kind

    def by_resource(self) -> dict[str, list[str]]:
        """Each resource's versions, oldest first (by the number in the version IRI)."""
        found = defaultdict(list)
        for version in sorted(self.meta, key=lambda v: int(v.rsplit("/", 1)[1])):
            found[self.resource(version)].append(version)
        return found


def graph(triples) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def served_at(served: list[tuple[dt.datetime, dict]], moment: dt.datetime) -> dict:
    """The records served at `moment`: those of the newest step at or before it."""
    return [records for at, records in served if at <= moment][-1]


def assert_versions_equal_what_was_served(history: History, served: list[tuple[dt.datetime, dict]]) -> None:
    for version in history.meta:
        record = served_at(served, history.time(version)).get(history.resource(version))
        expected = graph(record.triples if record else [])
        assert isomorphic(graph(history.graphs.get(version, [])), expected), version


def assert_chains(history: History) -> None:
    """Each version revises the one before it of its resource and ends when the next one is recorded."""
    for versions in history.by_resource().values():
        assert history.one(versions[0], PROV + "wasRevisionOf") is None
        assert history.kind(versions[0]) == AS + "Create"
        for before, after in zip(versions, versions[1:]):
            assert history.one(after, PROV + "wasRevisionOf").value == before
            assert history.one(before, PROV + "invalidatedAtTime") == history.one(after, PROV + "generatedAtTime")
            assert history.time(before) < history.time(after)
        assert history.one(versions[-1], PROV + "invalidatedAtTime") is None
        for version in versions:
            assert ox.NamedNode(PROV + "Entity") in history.meta[version][RDF_TYPE]


def assert_rdflib_reads_the_same(history: History) -> None:
    """A second parser: rdflib's Dataset finds the same graphs with the same triples."""
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own Dataset internals
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=history.raw, format="nquads")
        theirs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    assert DATASET_DEFAULT_GRAPH_ID not in {rdflib.URIRef(name) for name in theirs}  # nothing in the default graph
    assert sum(len(g) for g in theirs.values()) == len(history.quads)
    ours = {name: triples for name, triples in history.graphs.items() if triples}
    ours[history.metadata_graph] = history.metadata
    assert set(theirs) == set(ours)
    for name, triples in ours.items():
        assert isomorphic(theirs[name], graph(triples)), name


# --- a node, edited over five months -----------------------------------------------------

@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """A node edited month after month; what its `/dump.nq` served after every edit."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clock = Clock(monkeypatch, MONTHS[0])
        app = create_app({"data_dir": tmp_path_factory.mktemp("history-dump"), "store": "embedded",
                          "base_url": BASE, "harvest_schedule": False, "write_limit": "1000 per minute"})
        node = app.extensions["bamboe"]
        node.accounts.add_user("redactie", "veilig-wachtwoord-1")
        secret, _ = node.accounts.create_token("redactie")
        client = app.test_client()
        api = Api(client, {"Authorization": f"Bearer {secret}"})
        served = []

        def step(at: dt.datetime, *edits):
            """Each edit a minute after the one before; what the node serves after it."""
            for minute, edit in enumerate(edits):
                clock.at = at + dt.timedelta(minutes=minute)
                edit()
                served.append((clock.at, records(client)))

        step(MONTHS[0], lambda: api.create("a", "Kring Armoede"), lambda: api.create("b", "Kring Schulden"))
        step(MONTHS[1], lambda: api.patch("a", {"gedeeldeVraag": "Hoe signaleren we eerder?"}),
             lambda: api.meeting("a", "2026-02-05"))
        step(MONTHS[2], lambda: api.delete("b"))
        step(MONTHS[3], lambda: api.patch("a", {"naam": "Kring Armoede en Schulden"}))
        step(MONTHS[4])  # a month without edits: no versions
        yield app, client, api, served, clock
        node.close()


class Api:
    """The node's JSON API through Flask's test client, remembering each community's IRI and ETag."""

    def __init__(self, client, headers):
        self.client, self.headers, self.paths = client, headers, {}

    def create(self, key: str, name: str) -> None:
        response = self.client.post("/api/v1/praktijken", json={**COMMUNITY, "naam": name}, headers=self.headers)
        assert response.status_code == 201, response.text
        self.paths[key] = response.headers["Location"]

    def etag(self, key: str) -> str:
        return self.client.get(self.paths[key]).headers["ETag"]

    def patch(self, key: str, changes: dict) -> None:
        response = self.client.patch(self.paths[key], json=changes, headers={**self.headers, "If-Match": self.etag(key)})
        assert response.status_code == 200, response.text

    def meeting(self, key: str, day: str) -> None:
        response = self.client.post(self.paths[key] + "/bijeenkomsten", json={"datum": day, "vorm": "online"},
                                    headers=self.headers)
        assert response.status_code == 201, response.text

    def delete(self, key: str) -> None:
        response = self.client.delete(self.paths[key], headers={**self.headers, "If-Match": self.etag(key)})
        assert response.status_code == 204, response.text


def records(client) -> dict:
    """The records of the node's data graph as `/dump.nq` serves them now."""
    response = read(client, "/dump.nq")
    assert response.status_code == 200
    quads = ox.parse(response.data, format=ox.RdfFormat.N_QUADS)
    found, _ = split(ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value == BASE + "graph")
    return found


def read(client, path: str, **headers):
    """A response read in full and closed (a file sent is open until then)."""
    response = client.get(path, headers=headers)
    response.get_data()
    response.close()
    return response


def download(client, **headers):
    return read(client, "/" + history_dump.PATH, **headers)


def test_every_version_is_a_graph_holding_what_the_node_served_then(months):
    app, client, _, served, _ = months
    history = History(download(client).data, BASE)
    kinds = defaultdict(list)
    for versions in history.by_resource().values():
        for version in versions:
            kinds[history.kind(version).rsplit("#", 1)[1]].append(history.resource(version))
    a, b = (BASE + "praktijken/" + slug for slug in ("kring-armoede", "kring-schulden"))
    assert kinds["Delete"] == [b] and kinds["Update"].count(a) == 3  # a meeting, a question, a new name
    assert max(history.time(v) for v in history.meta) < MONTHS[4]  # the quiet month wrote nothing
    assert_versions_equal_what_was_served(history, served)
    tombstone = history.graphs[history.by_resource()[b][-1]]
    assert {(t.predicate.value, t.object.value) for t in tombstone} >= {(RDF_TYPE, AS + "Tombstone")}


def test_the_versions_chain_and_say_where_they_came_from(months):
    _, client, _, _, _ = months
    history = History(download(client).data, BASE)
    assert_chains(history)
    for version in history.meta:
        assert version.startswith(BASE + "wijzigingen/ldes/versie/")
        assert history.one(version, PROV + "wasDerivedFrom").value == BASE + "dump.nq"
        assert history.one(version, PROV + "wasGeneratedBy") is None  # a node's own write, no harvest
    assert set(history.graphs) <= set(history.meta)  # no graph the metadata does not describe


def test_a_version_iri_dereferences_to_the_same_version(months):
    """The graph names are the event stream's members: the stream says the same of them."""
    _, client, _, _, _ = months
    history = History(download(client).data, BASE)
    version = history.by_resource()[BASE + "praktijken/kring-armoede"][-1]
    page = client.get(version.removeprefix(BASE.rstrip("/")), headers={"Accept": "text/turtle"})
    assert page.status_code == 200, page.text
    said = [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(page.data, format=ox.RdfFormat.TURTLE, base_iri=version)]
    subject = ox.NamedNode(version)
    assert ox.Triple(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(history.kind(version))) in said
    assert ox.Triple(subject, ox.NamedNode(PROV + "generatedAtTime"), history.one(version, PROV + "generatedAtTime")) \
        in said


def test_a_second_parser_reads_the_same_dump(months):
    _, client, _, _, _ = months
    assert_rdflib_reads_the_same(History(download(client).data, BASE))


def test_void_counts_equal_what_the_history_dump_holds(months):
    _, client, _, _, _ = months
    history = History(download(client).data, BASE)
    description = rdflib.Graph().parse(data=client.get("/index.ttl").text, format="turtle")
    dataset = rdflib.URIRef(history_dump.dataset_iri(BASE))
    assert int(description.value(dataset, VOID.triples)) == len(history.quads)
    (partition,) = description.objects(dataset, VOID.classPartition)
    assert str(description.value(partition, VOID["class"])) == PROV + "Entity"
    entities = {q.subject for q in history.quads if q.predicate.value == RDF_TYPE and q.object.value == PROV + "Entity"}
    assert int(description.value(partition, VOID.entities)) == len(entities) == len(history.meta)
    assert str(description.value(dataset, VOID.dataDump)) == BASE + history_dump.PATH


def test_the_download_is_conditional_and_named(months):
    _, client, _, _, _ = months
    first = download(client)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/gzip"
    assert first.headers["Content-Disposition"] == f"attachment; filename={history_dump.PATH}"
    history = History(first.data, BASE)
    newest = max(history.time(v) for v in history.meta)
    assert first.last_modified == newest
    assert download(client, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert download(client, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert download(client).data == first.data  # the same file, not made again


# --- one file per log state; a privacy erase leaves no old copy ----------------------------

@pytest.fixture
def node(tmp_path, monkeypatch):
    clock = Clock(monkeypatch, MONTHS[0])
    app = create_app({"data_dir": tmp_path, "store": "embedded", "base_url": BASE, "harvest_schedule": False})
    started = app.extensions["bamboe"]
    started.accounts.add_user("redactie", "veilig-wachtwoord-1")
    secret, _ = started.accounts.create_token("redactie")
    client = app.test_client()
    yield started, client, Api(client, {"Authorization": f"Bearer {secret}"}), clock
    started.close()


def history_files(node) -> list[str]:
    return sorted(p.name for p in node.snapshots.folder.glob(history_dump.PREFIX + "*"))


def erase(node, text: str) -> None:
    """What a privacy erase does to the log: rewrite the content of every version, and say so."""
    node.store.update_private(
        "DELETE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#content> ?c } } "
        "INSERT { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#content> ?gewist } } "
        "WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#content> ?c } "
        f"BIND(REPLACE(?c, {ox.Literal(text)}, \"gewist\") AS ?gewist) }} ; "
        "INSERT DATA { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> "
        "\"2026-02-01T00:00:00Z\" } }")


def test_one_file_per_log_state_and_a_new_version_replaces_it(node):
    started, client, api, clock = node
    api.create("a", "Kring Eén")
    first = download(client)
    assert void_triples(client) == len(History(first.data, BASE).quads)
    assert history_files(started) == [history_dump.file_name(history_dump.token(started.store))]
    made = (started.snapshots.folder / history_files(started)[0]).stat()
    assert download(client).headers["ETag"] == first.headers["ETag"]
    assert (started.snapshots.folder / history_files(started)[0]).stat().st_mtime_ns == made.st_mtime_ns
    clock.at = MONTHS[1]
    api.patch("a", {"naam": "Kring Twee"})
    second = download(client, **{"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert len(history_files(started)) == 1 and history_files(started)[0] != made  # the old one is gone
    assert len(History(second.data, BASE).meta) == len(History(first.data, BASE).meta) + 1
    assert void_triples(client) == len(History(second.data, BASE).quads)  # counted again once the log moved


def void_triples(client) -> int:
    description = rdflib.Graph().parse(data=read(client, "/index.ttl").text, format="turtle")
    return int(description.value(rdflib.URIRef(history_dump.dataset_iri(BASE)), VOID.triples))


def test_a_privacy_erase_deletes_the_old_file(node):
    started, client, api, _ = node
    api.create("a", "Kring Geheim")
    before = download(client)
    assert b"Geheim" in gzip.decompress(before.data)
    old = history_files(started)
    erase(started, "Geheim")
    after = download(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert b"Geheim" not in gzip.decompress(after.data)
    assert not set(old) & set(history_files(started))
    for name in history_files(started):  # no history on disk keeps what was erased
        assert b"Geheim" not in gzip.decompress((started.snapshots.folder / name).read_bytes()), name


def test_an_erase_removes_the_old_file_without_a_download(node):
    """Whatever the store does next (a query snapshot, a dump) drops the file of a log state that is gone."""
    started, client, api, clock = node
    api.create("a", "Kring Geheim")
    download(client)
    assert history_files(started)
    erase(started, "Geheim")
    clock.at = MONTHS[1]
    api.create("b", "Kring Open")  # the store moves on: the next snapshot sees the log was erased
    read(client, "/dump.nq")
    assert history_files(started) == []


def test_the_privacy_erase_of_the_api_deletes_the_file_at_once(node):
    started, client, api, clock = node
    started.accounts.add_user("beheer", "veilig-wachtwoord-1", role="admin")
    admin, _ = started.accounts.create_token("beheer")
    api.create("a", "Kring Geheimzinnig")
    assert b"Geheimzinnig" in gzip.decompress(download(client).data)
    clock.at = MONTHS[1]
    erased = client.post("/api/v1/privacy-verwijderingen", json={"tekst": "Geheimzinnig"},
                         headers={"Authorization": f"Bearer {admin}"})
    assert erased.status_code == 200, erased.text
    assert history_files(started) == []  # gone before anyone downloads again
    after = download(client)
    assert b"Geheimzinnig" not in gzip.decompress(after.data)
    assert after.last_modified == MONTHS[1]  # the erase changed the file


def test_purge_removes_the_history_file(node):
    started, client, api, _ = node
    api.create("a", "Kring Weg")
    download(client)
    assert history_files(started)
    started.snapshots.purge()
    assert history_files(started) == []
    assert download(client).status_code == 200  # and is made again when asked


# --- a hub harvesting a FakeNode over months ----------------------------------------------

NAME = ox.NamedNode("http://schema.org/name")


def renamed(triples: list[ox.Triple], iri: str, name: str) -> list[ox.Triple]:
    subject = ox.NamedNode(iri)
    return [ox.Triple(t.subject, t.predicate, ox.Literal(name)) if t.subject == subject and t.predicate == NAME else t
            for t in triples]


def without(triples: list[ox.Triple], iri: str) -> list[ox.Triple]:
    return [t for t in triples if not (t.subject.value == iri or t.subject.value.startswith(iri + "/")
                                       or (isinstance(t.object, ox.NamedNode) and t.object.value.startswith(iri + "/")))]


@pytest.fixture(scope="module")
def harvested(tmp_path_factory):
    """A hub (in-memory store) harvesting one FakeNode once a month while its data changes."""
    folder = tmp_path_factory.mktemp("history-hub")
    fake = FakeNode(communities=10, seed=3)
    (folder / "instances.yaml").write_text(
        f"nodes:\n  - {{id: nep, name: Nep, url: '{fake.base_url}', level: regionaal, area: [GM0537]}}\n")
    settings = load_settings(None, {"base_url": HUB, "instances": str(folder / "instances.yaml"),
                                    "harvest_retries": 1, "harvest_timeout_s": 20})
    store = EmbeddedStore()
    hub = Hub(settings, folder, store)
    communities = sorted({t.subject.value for t in fake.triples
                          if t.subject.value.startswith(fake.base_url + "praktijken/") and t.subject.value.count("/") == 4})
    data = list(fake.triples)
    plan = [lambda d: d, lambda d: renamed(d, communities[0], "Nieuwe naam"), lambda d: d,
            lambda d: without(d, communities[1]), lambda d: renamed(d, communities[0], "Nog een naam")]
    served, runs = [], {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        clock = Clock(monkeypatch, MONTHS[0])
        for at, change in zip(MONTHS, plan):
            clock.at = at
            data = change(data)
            fake.serve(data)
            run = hub.harvest("nep")
            assert run.outcome in ("stored", "unchanged"), run.error
            found, _ = split(ox.Triple(q.subject, q.predicate, q.object)
                             for q in ox.parse(fake.script.dump, format=ox.RdfFormat.N_QUADS))
            served.append((at, found))
            etag = '"' + hashlib.sha256(fake.script.dump).hexdigest()[:16] + '"'
            runs[at] = (run.iri(HUB), etag, run.outcome)
    path = folder / "geschiedenis.nq.gz"
    written = history_dump.write(store, HUB, HUB + "dump.nq", path)
    yield History(path.read_bytes(), HUB), served, runs, fake, store, written
    fake.stop()
    store.close()


def test_the_hub_history_holds_what_the_node_served_at_each_harvest(harvested):
    history, served, runs, *_ = harvested
    assert [outcome for _, _, outcome in runs.values()] == ["stored", "stored", "unchanged", "stored", "stored"]
    assert sorted({history.time(v) for v in history.meta}) == sorted(at for at, (_, _, o) in runs.items() if o == "stored")
    assert_versions_equal_what_was_served(history, served)
    deleted = [v for v in history.meta if history.kind(v) == AS + "Delete"]
    assert deleted and not any(history.graphs.get(v) for v in deleted)  # gone from the node: an empty version


def test_the_hub_history_chains_runs_sources_and_etags(harvested):
    history, _, runs, fake, *_ = harvested
    assert_chains(history)
    community = sorted(r for r, vs in history.by_resource().items() if len(vs) == 3)
    assert len(community) == 1  # the renamed one: created, renamed, renamed again
    for version in history.meta:
        run, etag, _ = runs[history.time(version)]
        assert history.one(version, PROV + "wasDerivedFrom").value == fake.base_url + "dump.nq"
        assert history.one(version, PROV + "wasGeneratedBy").value == run
        assert history.one(version, "https://w3id.org/lerende-praktijken/harvest#etag").value == etag
        assert history.one(version, str(VOID.inDataset)).value == graph_iri(HUB, "nep")


def test_the_hub_history_is_counted_before_it_is_written(harvested):
    history, _, _, _, store, written = harvested
    summary = history_dump.summary(store)
    assert summary.quads == written == len(history.quads)
    assert summary.versions == len(history.meta)
    assert_rdflib_reads_the_same(history)


def test_a_version_iri_is_the_stream_s(harvested):
    history, *_ = harvested
    assert all(v == version_iri(HUB, int(v.rsplit("/", 1)[1])) for v in history.meta)



TRICKY = [
    ox.Triple(ox.NamedNode("http://n.test/p/a"), ox.NamedNode("http://n.test/v#deelname"), ox.BlankNode("b1")),
    ox.Triple(ox.BlankNode("b1"), ox.NamedNode("http://n.test/v#rol"), ox.BlankNode("b2")),
    ox.Triple(ox.BlankNode("b2"), ox.NamedNode("http://n.test/v#naam"), ox.Literal("eind _:b2")),
    ox.Triple(ox.BlankNode("b2"), ox.NamedNode("http://n.test/v#naam"), ox.Literal("_:b1 .\n<x> _:b2 .", language="nl")),
    ox.Triple(ox.NamedNode("http://n.test/p/a"), ox.NamedNode("http://n.test/v#tekst"),
              ox.Literal(' "_:b1" .', datatype=ox.NamedNode("http://n.test/v#t"))),
]


@pytest.mark.parametrize("triples, written", [(TRICKY, str), (TRICKY[4:], str), ([], str), (TRICKY, str.rstrip)],
                         ids=["blank nodes", "no blank nodes", "empty", "written otherwise: parsed"])
def test_contents_rewritten_as_text_equal_the_parsed_ones(triples, written):
    """The fast path (text) and the parser give the same quads, blank nodes in labels and literals included."""
    content = written(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode())
    graph = ox.NamedNode(version_iri(HUB, 7))
    text, count = history_dump.in_graph(content, graph, "v7_")
    parsed = list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    expected = {ox.Quad(*(ox.BlankNode("v7_" + term.value) if isinstance(term, ox.BlankNode) else term
                          for term in t), graph) for t in triples}
    assert count == len(parsed) == len(triples) and set(parsed) == expected
