"""The change feed as a Linked Data Event Stream, read by the reference client and by the hub.

The npm `ldes-client` (the reference LDES consumer, installed by `.ci/run` under
tests/browser) replays a real node's stream: the versions it materialises are the
node's data, resource for resource, as its dump has it. After an edit and a deletion
through the editing API, a second run with the client's saved state receives exactly
the versions of what changed. A hub follows the same stream instead of fetching the
dump, and ends with the copy a full harvest makes; its own stream replays likewise.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
import requests

from conftest import ROOT, NodeProcess, bamboe, start_editing_node
from harvesters import ldes
from harvesters.instances import Instance
from harvesters.log import graph_iri
from harvesters.pipeline import Options, harvest_node
from harvesters.records import split
from registry.ldes import AS, PAGE_SIZE, TIMESTAMP, VERSION_OF, versions
from registry.ldes.description import announce
from registry.ldes.pages import page
from registry.rdf import digest
from registry.store import EmbeddedStore
from registry.store.server import free_port

CLIENT = ROOT / "tests" / "browser" / "node_modules" / "ldes-client" / "dist" / "bin" / "cli.js"
LP = "https://w3id.org/lerende-praktijken/def#"
LDES_NS = "https://w3id.org/ldes#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
METADATA = {TIMESTAMP, AS + "object", "http://www.w3.org/ns/prov#wasDerivedFrom"}
KINDS = {AS + "Create", AS + "Update", AS + "Delete"}
HUB = "http://hub.example/"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


@dataclass(frozen=True)
class Replayed:
    """One member as the client emitted it, materialised: the resource and what the version says of it."""

    resource: str
    kind: str
    time: str
    derived_from: str | None
    triples: tuple[ox.Triple, ...]

    @property
    def digest(self) -> str:
        return digest(canonical(self.triples), ox.NamedNode(self.resource))


def canonical(triples) -> list[ox.Triple]:
    """Times by value: the client writes `...+00:00` where the node wrote `...Z`, the same moment."""
    def term(value):
        if isinstance(value, ox.Literal) and value.datatype.value == XSD_DATETIME:
            moment = dt.datetime.fromisoformat(value.value).astimezone(dt.timezone.utc)
            return ox.Literal(moment.isoformat(), datatype=value.datatype)
        return value
    return [ox.Triple(t.subject, t.predicate, term(t.object)) for t in triples]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A node with the Den Haag & Leiden example (79 resources: one complete page, one open) and editors."""
    started = start_editing_node(tmp_path_factory.mktemp("ldes"))
    yield started
    started.node.stop()


def replay(url: str, state) -> list[Replayed]:
    """Run the real ldes-client over a stream, materialised, resuming from `state`."""
    node = shutil.which("node")
    assert node and CLIENT.exists(), "ldes-client is missing: run `npm ci --prefix tests/browser` (as .ci/run does)"
    result = subprocess.run([node, str(CLIENT), "--materialize", "--save", str(state), url],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return [member(chunk) for chunk in result.stdout.split("\n\n") if chunk.strip()]


def member(chunk: str) -> Replayed:
    quads = list(ox.parse(chunk.encode(), format=ox.RdfFormat.TRIG))  # N-Quads, numbers written short
    resource = next(q.subject for q in quads if q.predicate.value == TIMESTAMP)
    def said(predicate):
        return [q.object.value for q in quads if q.subject == resource and q.predicate.value == predicate]

    kind = next(value for value in said(RDF_TYPE) if value in KINDS)
    content = tuple(q.triple for q in quads if not (q.subject == resource and (
        q.predicate.value in METADATA or (q.predicate.value == RDF_TYPE and q.object.value in KINDS))))
    derived = said("http://www.w3.org/ns/prov#wasDerivedFrom")
    return Replayed(resource.value, kind, said(TIMESTAMP)[0], derived[0] if derived else None, content)


def materialise(*runs: list[Replayed]) -> dict[str, str]:
    """Resource -> digest of its newest version, over the runs in order."""
    state: dict[str, str] = {}
    for run in runs:
        for replayed in sorted(run, key=lambda r: r.time):
            state[replayed.resource] = replayed.digest
    return state


def dump_records(url: str) -> dict[str, str]:
    quads = ox.parse(requests.get(url + "dump.nq", timeout=30).content, format=ox.RdfFormat.N_QUADS)
    return digests(quad.triple for quad in quads)


def digests(triples, under: str = "") -> dict[str, str]:
    records, _ = split(canonical(triples))
    return {iri: record.digest for iri, record in records.items() if iri.startswith(under)}


def communities(url: str) -> set[str]:
    quads = ox.parse(requests.get(url + "dump.nq", timeout=30).content, format=ox.RdfFormat.N_QUADS)
    return {q.subject.value for q in quads
            if q.predicate.value == RDF_TYPE and q.object.value == LP + "LearningCommunity"}


def hub_copy(hub, source) -> dict[str, str]:
    """The records of the hub's copy of the node, as its dump has them (the wijk the node describes too)."""
    quads = ox.parse(requests.get(hub.url + "dump.nq", timeout=30).content, format=ox.RdfFormat.N_QUADS)
    return digests(q.triple for q in quads if q.graph_name.value == graph_iri(hub.url, "dhl"))


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {iri for iri in before.keys() | after.keys() if before.get(iri) != after.get(iri)}


def edit(source, path: str, method: str, body: dict | None = None) -> None:
    """Change a resource through the editing API, as an editor would (read its ETag, send If-Match)."""
    url = source.url + "api/v1/" + path
    etag = requests.get(url, headers=source.headers(), timeout=30).headers["ETag"]
    response = requests.request(method, url, json=body, headers=source.headers(**{"If-Match": etag}), timeout=30)
    assert response.status_code in (200, 204), response.text


def test_ldes_client_replays_the_node_and_then_only_what_changed(source, tmp_path):
    state = tmp_path / "client-state"
    before = dump_records(source.url)
    first = replay(source.url + "wijzigingen/ldes", state)
    assert {r.kind for r in first} == {AS + "Create"}
    assert materialise(first) == before  # every resource, the communities among them, as the dump has it
    assert communities(source.url) <= {r.resource for r in first}

    edit(source, "praktijken/katwijk-koestal", "PATCH", {"gedeeldeVraag": "Hoe houden bewoners grip op geld?"})
    edit(source, "praktijken/den-haag-zorgzame-buurt", "DELETE")
    after = dump_records(source.url)
    second = replay(source.url + "wijzigingen/ldes", state)

    assert sorted(r.resource for r in second) == sorted(changed(before, after))  # one version per change, no more
    by_resource = {r.resource: r for r in second}
    edited = by_resource[source.url + "praktijken/katwijk-koestal"]
    assert edited.kind == AS + "Update"
    assert "Hoe houden bewoners grip op geld?" in {t.object.value for t in edited.triples}
    deleted = by_resource[source.url + "praktijken/den-haag-zorgzame-buurt"]
    assert deleted.kind == AS + "Delete"
    assert (RDF_TYPE, AS + "Tombstone") in {(t.predicate.value, t.object.value) for t in deleted.triples}
    assert materialise(first, second) == after
    assert source.url + "praktijken/den-haag-zorgzame-buurt" not in communities(source.url)
    assert replay(source.url + "wijzigingen/ldes", state) == []  # nothing new: nothing again


def test_reading_the_stream_changes_nothing_published_and_breaks_no_download(source):
    """Versions are recorded when the stream is read; that write touches only the private log.

    So the dump keeps its ETag (harvesters of the dump do not download it again), and
    dumps read while the stream records versions never fail (it used to give 500s).
    """
    edit(source, "praktijken/katwijk-koestal", "PATCH", {"naam": "Koestal, stroomproef"})
    before = requests.get(source.url + "dump.nq", timeout=30).headers["ETag"]
    assert requests.get(source.url + "wijzigingen/ldes/pagina", timeout=30).status_code == 200
    assert requests.get(source.url + "dump.nq", timeout=30).headers["ETag"] == before

    def dump(path: str) -> int:
        return requests.get(source.url + path, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        for round_ in range(5):
            edit(source, "praktijken/katwijk-koestal", "PATCH", {"naam": f"Koestal, ronde {round_}"})
            reads = [pool.submit(dump, path) for path in ("dump.nq", "dump.nq.gz", "dump.ttl", "dump.ttl.gz") * 3]
            reads += [pool.submit(dump, "wijzigingen/ldes/pagina") for _ in range(4)]
            assert [read.result() for read in reads] == [200] * len(reads)


def test_complete_pages_are_cached_a_day_and_the_open_page_revalidates(source):
    stream = source.url + "wijzigingen/ldes"
    root, complete, last = (requests.get(stream + path, timeout=30) for path in ("", "/pagina/1", "/pagina/2"))
    assert complete.headers["Cache-Control"] == "public, max-age=86400"  # a privacy erase may still rewrite it
    for response in (root, last):
        assert "immutable" not in response.headers["Cache-Control"]
        assert "max-age=10" in response.headers["Cache-Control"]
    for response in (root, complete, last):
        assert response.headers["Content-Type"].startswith("text/turtle")
        again = requests.get(response.url, headers={"If-None-Match": response.headers["ETag"]}, timeout=30)
        assert again.status_code == 304
    graph = list(ox.parse(complete.content, format=ox.RdfFormat.TURTLE, base_iri=complete.url))
    assert sum(t.predicate.value.endswith("tree#member") for t in graph) == PAGE_SIZE
    said = {t.predicate.value for t in graph if t.subject.value == stream}
    assert LDES_NS + "timestampPath" in said and "http://purl.org/dc/terms/title" not in said  # no setting in it
    relation = {t.predicate.value.rsplit("#")[-1]: t.object.value for t in graph if isinstance(t.subject, ox.BlankNode)
                and t.predicate.value.startswith("https://w3id.org/tree#")}
    assert relation == {"path": TIMESTAMP, "value": relation["value"], "node": stream + "/pagina/2"}
    as_jsonld = requests.get(stream + "/pagina/1", headers={"Accept": "application/ld+json"}, timeout=30)
    assert as_jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(list(ox.parse(as_jsonld.content, format=ox.RdfFormat.JSON_LD))) == len(graph)
    missing = requests.get(stream + "/pagina/99", headers={"Accept": "text/turtle"}, timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"
    first = requests.get(stream + "/versie/1", timeout=30)  # a version's IRI says what the version is
    assert first.headers["Cache-Control"] == "public, max-age=86400"
    assert (stream + "/versie/1", VERSION_OF) in {(t.subject.value, t.predicate.value) for t in ox.parse(
        first.content, format=ox.RdfFormat.TURTLE)}


def test_the_node_description_announces_the_stream(source):
    described = list(ox.parse(requests.get(source.url, headers={"Accept": "text/turtle"}, timeout=30).content,
                              format=ox.RdfFormat.TURTLE, base_iri=source.url))
    services = {t.subject for t in described if t.object.value == "https://w3id.org/ldes/specification"}
    assert {t.object.value for t in described if t.subject in services
            and t.predicate.value == "http://www.w3.org/ns/dcat#endpointURL"} == {source.url + "wijzigingen/ldes"}
    assert set(announce({"base_url": source.url, "license": None})) <= {q.triple for q in described}


def test_a_node_without_audit_trail_streams_each_resource_once():
    base = "http://geladen.example/"
    store = EmbeddedStore()
    data = [ox.Triple(ox.NamedNode(f"{base}praktijken/p{i}"), ox.NamedNode(RDF_TYPE),
                      ox.NamedNode(LP + "LearningCommunity")) for i in range(3)]
    store.replace_graph(base + "graph", data)  # no audit record: as data put in place before there was one
    source = versions.NodeData(base + "graph")
    assert versions.catch_up(store, source) == 3
    assert versions.catch_up(store, source) == 0
    counted = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{LP}LearningCommunity> }}")
    assert counted[0]["n"].value == "3"  # the versions kept in the store pass for no community
    found = page(store, base, 1, 3)
    stamped = {t.subject: t.object for t in found.triples if t.predicate.value == TIMESTAMP}
    assert len(stamped) == 3 and not found.complete
    assert {t.object.value for t in found.triples if t.predicate.value == VERSION_OF} == {t.subject.value for t in data}


def test_a_process_that_read_a_stale_head_records_nothing():
    """Two processes over one store (gunicorn workers) may catch up at once; numbers are never shared."""
    base = "http://geladen.example/"
    store = EmbeddedStore()
    community = lambda i: ox.Triple(ox.NamedNode(f"{base}praktijken/p{i}"), ox.NamedNode(RDF_TYPE),  # noqa: E731
                                    ox.NamedNode(LP + "LearningCommunity"))
    store.replace_graph(base + "graph", [community(0), community(1)])
    source = versions.NodeData(base + "graph")
    assert versions.catch_up(store, source) == 2
    position = "SELECT ?p WHERE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?p } }"
    before = store.select(position)[0]["p"]
    late = versions.Snapshot(f"{base}praktijken/p9", (community(9),), "d9")
    # another process read the head before version 2 was recorded, and now writes its own version 2
    store.update_private(versions.append(2, 2, "elders", versions.log_triples(2, AS + "Create", late, "d9",
                                                                               "2026-01-01T00:00:00Z")))
    second = store.select("SELECT ?r WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#number> 2 ; "
                          "<urn:bamboe:ldes#resource> ?r } }")
    assert [row["r"].value for row in second] == [f"{base}praktijken/p1"]  # one version 2, the first one's
    assert store.select(position)[0]["p"] == before  # and the position it caught up with stays
    head = "SELECT ?n WHERE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#head> ?n } }"
    assert [row["n"].value for row in store.select(head)] == ["2"]  # the head marker is the first one's too


def test_the_hub_follows_the_stream_and_ends_as_a_full_harvest(source):
    instance = Instance("dhl", "WSD Den Haag & Leiden", source.url, "regionaal", ("GM0518",))
    followed = EmbeddedStore()
    first = harvest_node(followed, HUB, instance, Options())
    assert first.outcome == "stored" and first.used.endswith("dump.nq")
    assert first.stream_position is not None
    quiet = harvest_node(followed, HUB, instance, Options())
    assert quiet.outcome == "unchanged" and quiet.stream_pages == [first.stream_position.page]  # one 304

    meetings = requests.get(source.url + "api/v1/praktijken/leiden-bestaanszekerheid/bijeenkomsten",
                            headers=source.headers(), timeout=30).json()
    meeting = meetings["items"][0]["id"] if isinstance(meetings, dict) else meetings[0]["id"]
    edit(source, "praktijken/leiden-bestaanszekerheid", "PATCH", {"gedeeldeVraag": "Wie ziet schulden het eerst?"})
    edit(source, f"praktijken/leiden-bestaanszekerheid/bijeenkomsten/{meeting.rsplit('/', 1)[-1]}", "DELETE")
    incremental = harvest_node(followed, HUB, instance, Options())
    assert incremental.outcome == "stored", incremental.error
    assert incremental.used == source.url + "wijzigingen/ldes"
    assert source.url + "wijzigingen/ldes/pagina/1" not in incremental.stream_pages  # a complete page: not again
    assert incremental.updated >= 2

    full = EmbeddedStore()
    assert harvest_node(full, HUB, instance, Options()).outcome == "stored"
    graph = graph_iri(HUB, "dhl")
    assert {iri: r.digest for iri, r in split(followed.graph_triples(graph))[0].items()} == \
        {iri: r.digest for iri, r in split(full.graph_triples(graph))[0].items()}

    # A position the stream no longer covers (as after the node's store was replaced): back to the dump, once.
    gone = dataclasses.replace(incremental.stream_position, etag=None, seen=frozenset({source.url + "elders"}))
    followed.update(ldes.remember("dhl", gone))
    assert harvest_node(followed, HUB, instance, Options()).used.endswith("dump.nq")
    assert harvest_node(followed, HUB, instance, Options()).used == source.url + "wijzigingen/ldes"


def test_the_hub_publishes_its_own_stream(source, tmp_path):
    instances = tmp_path / "instances.yaml"
    instances.write_text(f"nodes:\n  - {{id: dhl, name: 'WSD Den Haag & Leiden', url: '{source.url}', "
                         "level: regionaal, area: [GM0518]}\n")
    port = free_port()
    bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
           data_dir=tmp_path / "hub")
    hub = NodeProcess(tmp_path / "hub", port, env={"BAMBOE_HARVEST_SCHEDULE": "false"})
    try:
        harvest = lambda: bamboe("harvest", "--all", data_dir=tmp_path / "hub",  # noqa: E731
                                 env={**os.environ, "BAMBOE_HARVEST_RETRIES": "1"})
        harvest()
        replayed = replay(hub.url + "wijzigingen/ldes", tmp_path / "hub-client")
        before = hub_copy(hub, source)
        assert materialise(replayed) == before
        assert {r.derived_from for r in replayed} == {graph_iri(hub.url, "dhl")}

        edit(source, "praktijken/katwijk-koestal", "PATCH", {"naam": "Leerkring Koestal"})
        harvest()  # follows the node's stream
        after = hub_copy(hub, source)
        again = replay(hub.url + "wijzigingen/ldes", tmp_path / "hub-client")
        assert sorted(r.resource for r in again) == sorted(changed(before, after)) != []
        assert materialise(replayed, again) == after
    finally:
        hub.stop()
