"""A privacy erase reaches every version: on the node, and on the hub after its next harvest.

A real editing node publishes a community naming a person (with recorded consent),
edits it twice, and a real hub harvests it after each step, so both keep several
versions holding the name. An admin then erases the name through the API. Afterwards
the name is nowhere on the node (dump, history dump, event stream pages and versions,
`/sparql?asOf=` at every past moment, the whole store with its private graphs) and,
after one more harvest, nowhere on the hub either; neither records a version for the
erase. A scoped erase through `bamboe privacy erase --resource` leaves other records
alone, and `bamboe privacy compact` leaves no store file holding the name.
"""
from __future__ import annotations

import datetime as dt
import gzip
import math
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conftest import EditingNode, NodeProcess, bamboe, start_editing_node
from harvesters.erasures import pending
from harvesters.hub import Hub
from harvesters.instances import Instance
from harvesters.log import graph_iri, log_graph, member_iri
from harvesters.records import split
from registry.accounts import User
from registry.config import load_settings
from registry.editing.audit import audit_record
from registry.editing.erasure import HubErase, erase_text
from registry.history.erase import by_text, value_hash
from registry.history.notices import from_triples, new_notice
from registry.history.states import token
from registry.ldes import AS, PAGE_SIZE, versions
from registry.node import data_graph
from registry.queries import insert_data
from registry.store import EmbeddedStore, RemoteStore
from registry.store.server import free_port
from virtuoso import virtuoso  # noqa: F401  the session's server, for the `backend` fixture

NAME = "Jan Jansen"
OTHER = "Piet Pietersen"
T = "https://w3id.org/lerende-praktijken/id/"
LPH = "https://w3id.org/lerende-praktijken/harvest#"
QUIET = {**os.environ, "BAMBOE_HARVEST_RETRIES": "1"}
COUNT_NAME = ('SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
              'FILTER(isLiteral(?o) && CONTAINS(LCASE(STR(?o)), "{}")) }}')
VERSIONS = "SELECT (MAX(?n) AS ?count) WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#number> ?n } }"


def community(name: str, **extra) -> dict:
    body = {"naam": name, "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
            "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"], "startdatum": "2026-01-15",
            "deelname": [{"perspectief": T + "perspectief/ervaringsdeskundige", "aantal": 2}],
            "contact": {"naam": "Leergemeenschap (Welzijn)", "email": "leergemeenschap@welzijn.example"}}
    body.update(extra)
    return body


@dataclass
class Federation:
    node: EditingNode
    hub: NodeProcess
    hub_dir: Path
    communities: list[str] = field(default_factory=list)
    moments: list[str] = field(default_factory=list)  # when each edit's version was recorded
    answer: dict = field(default_factory=dict)  # what the erase answered
    counts: dict = field(default_factory=dict)  # versions on node and hub, before and after

    def harvest(self) -> str:
        """`bamboe harvest --all`, as an admin runs it: its summary table."""
        return bamboe("harvest", "--all", data_dir=self.hub_dir, env=QUIET).stdout

    def harvest_here(self) -> str:
        """The same harvest in this process (what the command runs, without starting Python again): its outcome."""
        store = store_of(self.hub)
        try:
            run = Hub(load_settings(self.hub_dir), self.hub_dir, store).harvest("dhl")
        finally:
            store.close()
        assert run.outcome in ("stored", "unchanged"), run.error
        return run.outcome

    def write(self, method: str, path: str, body: dict) -> dict:
        url = self.node.url + "api/v1/" + path
        headers = self.node.headers()
        if method != "POST":
            headers["If-Match"] = requests.get(url, headers=headers, timeout=30).headers["ETag"]
        response = requests.request(method, url, json=body, headers=headers, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()


def store_of(process: NodeProcess) -> RemoteStore:
    """The running process's own store server: every graph, the private ones too."""
    return RemoteStore.for_oxigraph(process.run_record["store_url"])


def whole_store(process: NodeProcess) -> str:
    store = store_of(process)
    try:
        names = [row["g"].value for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
        return store.dump(names).decode()
    finally:
        store.close()


def count(process: NodeProcess, query: str) -> int:
    store = store_of(process)
    try:
        rows = store.select(query)
        return int(rows[0][next(iter(rows[0]))].value) if rows and rows[0] else 0
    finally:
        store.close()


def version_times(process: NodeProcess, resource: str) -> list[str]:
    store = store_of(process)
    try:
        rows = store.select("SELECT ?t WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#resource> "
                            f"{ox.Literal(resource)} ; <urn:bamboe:ldes#time> ?t }} }} ORDER BY ?t")
        return [row["t"].value for row in rows]
    finally:
        store.close()


def stream_pages(process: NodeProcess) -> list[str]:
    """Every page of the event stream."""
    total = count(process, VERSIONS)
    pages = [requests.get(f"{process.url}wijzigingen/ldes/pagina/{n}", timeout=30)
             for n in range(1, math.ceil(total / PAGE_SIZE) + 1)]
    assert pages and all(page.status_code == 200 for page in pages)
    return [page.text for page in pages]


def stream_versions(process: NodeProcess, resource: str) -> list[str]:
    """Every version of `resource` in the event stream, each on its own page."""
    store = store_of(process)
    try:
        numbers = [row["n"].value for row in store.select(
            "SELECT ?n WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#resource> "
            f"{ox.Literal(resource)} ; <urn:bamboe:ldes#number> ?n }} }}")]
    finally:
        store.close()
    versions = [requests.get(f"{process.url}wijzigingen/ldes/versie/{n}", timeout=30) for n in numbers]
    assert versions and all(version.status_code == 200 for version in versions)
    return [version.text for version in versions]


def as_of_count(process: NodeProcess, moment: str, text: str) -> int:
    response = requests.get(process.url + "sparql", timeout=60, headers={"Accept": "application/sparql-results+json"},
                            params={"query": COUNT_NAME.format(text.lower()).replace("GRAPH ?g ", ""), "asOf": moment})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def holds(process: NodeProcess, text: str) -> list[str]:
    """Where a process still serves or stores `text` (any case): empty when nowhere."""
    found = []
    for path in ("dump.nq", "dump.ttl", "dump.nq.gz", "wijzigingen.atom", "privacy/verwijderingen"):
        body = requests.get(process.url + path, timeout=60).content
        if text.lower().encode() in (gzip.decompress(body) if path.endswith(".gz") else body).lower():
            found.append(path)
    history = requests.get(process.url + "dump-geschiedenis.nq.gz", timeout=60)
    if history.status_code == 200 and text.lower().encode() in gzip.decompress(history.content).lower():
        found.append("dump-geschiedenis.nq.gz")
    if text.lower() in whole_store(process).lower():
        found.append("store")
    return found


# --- the rules and the rewrite, in this process ------------------------------------

BASE = "http://node.test/"
HUB_BASE = "http://hub.test/"
VCARD_FN = ox.NamedNode("http://www.w3.org/2006/vcard/ns#fn")


def described(base: str, slug: str, name: str) -> list[ox.Triple]:
    """A community whose contact (a blank node, as the editor writes it) and description name a person."""
    subject, contact = ox.NamedNode(f"{base}praktijken/{slug}"), ox.BlankNode()
    return [ox.Triple(subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/lerende-praktijken/def#LearningCommunity")),
            ox.Triple(subject, ox.NamedNode("http://schema.org/description"),
                      ox.Literal(f"Opgezet door {name}.", language="nl")),
            ox.Triple(subject, ox.NamedNode("http://www.w3.org/ns/dcat#contactPoint"), contact),
            ox.Triple(contact, VCARD_FN, ox.Literal(name))]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def backend(request):
    """The store in this process, and Virtuoso (where a hub may keep its data): both must apply a notice alike."""
    if request.param == "oxigraph":
        yield EmbeddedStore()
        return
    server = request.getfixturevalue("virtuoso")
    server.clear()
    store = server.store()
    yield store
    store.close()


def count_versions(store) -> int:
    return int(store.select(VERSIONS)[0]["count"].value)


def test_the_text_rule_takes_whole_words_in_any_case_and_spacing():
    rule = by_text("Jan Jansen")
    assert rule("Door jan  JANSEN en Jan\nJansen; niet Jan Jansens") == \
        "Door [verwijderd] en [verwijderd]; niet Jan Jansens"
    assert rule("Januari met Jansen") is None
    assert by_text('Zoë "Z" Bakker')('Met Zoë "Z" Bakker') == "Met [verwijderd]"


def test_an_erase_on_a_node_leaves_the_next_catch_up_nothing_to_record():
    store = EmbeddedStore()
    graph = data_graph(BASE)
    source, loader = versions.NodeData(graph), User("bamboe-load", "admin")
    for name in (NAME, NAME.upper()):  # two versions of the one, as two loads make them
        store.replace_graph(graph, described(BASE, "a", name) + described(BASE, "b", OTHER),
                            also=audit_record(AS + "Update", graph, loader, ""))
        versions.catch_up(store, source)
    assert count_versions(store) == 3
    done = erase_text(store, {"instances": "", "base_url": BASE}, "jan jansen", User("beheer", "admin"))
    assert done.versions == 2 and done.resources == (BASE + "praktijken/a",)
    store.update(audit_record(AS + "Update", graph, loader, ""))  # the source moved on, its data did not:
    assert versions.catch_up(store, source) == 0  # the rewritten versions carry the digest the data now has
    assert count_versions(store) == 3
    assert NAME.lower() not in store.dump([graph, "urn:bamboe:ldes", "urn:bamboe:audit"]).decode().lower()
    assert OTHER in store.dump([graph]).decode()
    assert token(store).erased == done.time


def test_an_erase_that_finds_nothing_writes_nothing():
    store = EmbeddedStore()
    store.replace_graph(data_graph(BASE), described(BASE, "a", OTHER))
    generation = store.state()[0]
    done = erase_text(store, {"instances": "", "base_url": BASE}, NAME, User("beheer", "admin"))
    assert done.notice is None and store.state()[0] == generation
    with pytest.raises(HubErase):
        erase_text(store, {"instances": "instances.yaml", "base_url": BASE}, NAME, User("beheer", "admin"))


def test_a_notice_reaches_only_its_own_members_copy_versions_and_findings(backend):
    """A node can have the hub rewrite what the hub holds of that node, and nothing of any other member."""
    store = backend
    members = {key: Instance(key, key, f"http://{key}.test/", "regionaal", ("GM0518",)) for key in ("a", "b")}
    for key, member in members.items():
        copy = graph_iri(HUB_BASE, key)
        store.replace_graph(copy, described(member.url, "p", NAME))
        records, _ = split(store.graph_triples(copy))
        store.update(versions.harvest_versions(store, copy, records, dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc),
                                               {}))
        store.update(insert_data(log_graph(HUB_BASE), [
            ox.Triple(ox.NamedNode(f"{HUB_BASE}oogst/{key}/run"), ox.NamedNode(LPH + "member"),
                      ox.NamedNode(member_iri(HUB_BASE, key))),
            ox.Triple(ox.NamedNode(f"{HUB_BASE}oogst/{key}/run"), ox.NamedNode(LPH + "finding"),
                      ox.NamedNode(f"{HUB_BASE}oogst/{key}/finding")),
            ox.Triple(ox.NamedNode(f"{HUB_BASE}oogst/{key}/finding"), ox.NamedNode("http://www.w3.org/ns/shacl#value"),
                      ox.Literal(NAME))]))
    a = members["a"]
    notice = new_notice(a.url, "2026-03-02T00:00:00Z", [a.url + "praktijken/p"],
                        {NAME: "[verwijderd]", f"Opgezet door {NAME}.": "Opgezet door [verwijderd]."})
    forged = new_notice(members["b"].url, "2026-03-02T00:00:00Z", [members["b"].url + "praktijken/p"],
                        {NAME: "[verwijderd]"})  # b's notice, published by a
    update, applied = pending(store, HUB_BASE, a, [notice, forged])
    assert applied == 1
    store.update(update)
    held = {key: store.dump([graph_iri(HUB_BASE, key)]).decode() for key in members}
    assert NAME not in held["a"] and NAME in held["b"]
    log = store.dump(["urn:bamboe:ldes"]).decode()
    assert log.count(NAME) == 2  # b's one version: its description and its contact
    findings = store.dump([log_graph(HUB_BASE)]).decode()
    assert findings.count(NAME) == 1 and "oogst/b/finding" in findings.split(NAME)[0].splitlines()[-1]
    assert pending(store, HUB_BASE, a, [notice]) == ("", 0)  # applied once


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    node = start_editing_node(root / "node", example=None, env={"BAMBOE_WRITE_LIMIT": "3000 per minute"})
    (root / "instances.yaml").write_text(f"nodes:\n  - {{id: dhl, name: 'WSD Den Haag & Leiden', url: '{node.url}', "
                                         "level: regionaal, area: [GM0518]}\n")
    port = free_port()
    bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", root / "instances.yaml",
           data_dir=root / "hub")
    hub = NodeProcess(root / "hub", port, env={"BAMBOE_HARVEST_SCHEDULE": "false"})
    try:
        yield Federation(node, hub, root / "hub")
    finally:
        hub.stop()
        node.node.stop()


@pytest.fixture(scope="module")
def erased(federation):
    """The name given with consent, edited twice and harvested each time; then erased by an admin, harvested again."""
    f = federation
    made = f.write("POST", "praktijken", community(
        "Buurtkring Zuidwal", beschrijving=f"Opgezet door {NAME} met de buurt.", aansluiten=f"Bel {OTHER}.",
        contact={"naam": NAME, "email": "leergemeenschap@welzijn.example"},
        toestemming=f"Formulier van {NAME}, dossier 12"))
    other = f.write("POST", "praktijken", community("Kring Noordwal", beschrijving=f"Met dank aan {OTHER}."))
    f.communities = [made["id"], other["id"]]
    slug = made["id"].rsplit("/", 1)[-1]
    f.harvest_here()
    for change in ({"beschrijving": f"Opgezet door {NAME.lower()} met de buurt en het wijkteam."},
                   {"gedeeldeVraag": "Hoe houden bewoners grip op geld?"}):
        time.sleep(1.1)  # each version its own second, so each is its own moment as of
        f.write("PATCH", f"praktijken/{slug}", change)
        f.harvest_here()
    f.moments = version_times(f.node.node, made["id"])
    assert len(f.moments) >= 3 and as_of_count(f.node.node, f.moments[0], NAME) > 0
    in_log = COUNT_NAME.format(NAME.lower()).replace("GRAPH ?g", "GRAPH <urn:bamboe:ldes>")
    assert count(f.node.node, in_log) >= 3  # several versions hold the name
    hub_log = whole_store(f.hub)
    assert hub_log.lower().count(NAME.lower()) >= 3  # the hub's copy and its versions hold it too
    f.counts["node before"], f.counts["hub before"] = count(f.node.node, VERSIONS), count(f.hub, VERSIONS)

    response = requests.post(f.node.url + "api/v1/privacy-verwijderingen", timeout=60,
                             headers=f.node.headers(f.node.admin_token),
                             json={"tekst": NAME.upper(), "reden": f"{NAME} trok zijn toestemming in"})
    assert response.status_code == 200, response.text
    f.answer = response.json()
    requests.get(f.node.url + "wijzigingen/ldes/pagina", timeout=30)  # reading the stream catches up
    f.counts["node after"] = count(f.node.node, VERSIONS)
    f.counts["harvest"] = f.harvest()
    f.counts["hub after"] = count(f.hub, VERSIONS)
    f.counts["hub again"] = (f.harvest_here(), count(f.hub, VERSIONS))
    return f


def test_the_node_announces_its_erasures_and_the_list_starts_empty(federation):
    url = federation.node.url + "privacy/verwijderingen"
    described = list(ox.parse(requests.get(federation.node.url, headers={"Accept": "text/turtle"}, timeout=30).content,
                              format=ox.RdfFormat.TURTLE, base_iri=federation.node.url))
    services = {t.subject for t in described if t.object.value == "https://w3id.org/lerende-praktijken/privacy"}
    assert {t.object.value for t in described if t.subject in services
            and t.predicate.value == "http://www.w3.org/ns/dcat#endpointURL"} == {url}
    listed = requests.get(url, timeout=30)
    assert listed.status_code == 200 and listed.headers["Cache-Control"] == "no-cache"
    assert from_triples(ox.parse(listed.content, format=ox.RdfFormat.TURTLE, base_iri=url)) == []
    assert requests.get(url + ".nt", timeout=30).headers["Content-Type"].startswith("application/n-triples")


def test_the_erase_says_what_it_rewrote(erased):
    answer = erased.answer
    assert answer["id"].startswith(erased.node.url + "privacy/verwijderingen#")
    assert answer["bronnen"] == [erased.communities[0]]
    assert answer["versies"] >= 3 and answer["waarden"] >= 3 and answer["auditregels"] >= 1


def test_the_node_holds_the_name_nowhere(erased):
    assert holds(erased.node.node, NAME) == []
    stream = stream_pages(erased.node.node) + stream_versions(erased.node.node, erased.communities[0])
    assert [body for body in stream if NAME.lower() in body.lower()] == []
    for moment in erased.moments:  # every past moment, as /sparql?asOf= answers it
        assert as_of_count(erased.node.node, moment, NAME) == 0
    dump = requests.get(erased.node.url + "dump.ttl", timeout=30).text
    assert "Opgezet door [verwijderd] met de buurt en het wijkteam." in dump  # the rest of the text stays
    assert OTHER in dump  # and other text too


def test_the_erase_records_no_version_of_its_own(erased):
    assert erased.counts["node after"] == erased.counts["node before"]
    assert erased.counts["hub after"] == erased.counts["hub before"]
    assert erased.counts["hub again"] == ("unchanged", erased.counts["hub before"])
    assert "unchanged" in erased.counts["harvest"]


def test_the_audit_trail_records_the_erase_without_the_text(erased):
    store = store_of(erased.node.node)
    try:
        summaries = [row["s"].value for row in store.select(
            "SELECT ?s WHERE { GRAPH <urn:bamboe:audit> { ?a <https://www.w3.org/ns/activitystreams#summary> ?s } }")]
    finally:
        store.close()
    erase = [s for s in summaries if s.startswith("privacy-verwijdering")]
    assert len(erase) == 1 and "reden: [verwijderd] trok zijn toestemming in" in erase[0]
    assert any("toestemming: Formulier van [verwijderd], dossier 12" in s for s in summaries)


def test_the_notice_names_hashes_never_the_text(erased):
    url = erased.node.url + "privacy/verwijderingen"
    response = requests.get(url, timeout=30)
    assert response.headers["Content-Type"].startswith("text/turtle") and NAME.lower() not in response.text.lower()
    notices = from_triples(ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=url))
    assert [n.iri for n in notices] == [erased.answer["id"]]
    notice = notices[0]
    assert dict(notice.replacements)[value_hash(notice.salt, NAME)] == "[verwijderd]"
    assert notice.resources == (erased.communities[0],)


def test_the_hub_holds_the_name_nowhere_after_its_next_harvest(erased):
    hub = erased.hub
    assert holds(hub, NAME) == []
    stream = stream_pages(hub) + stream_versions(hub, erased.communities[0])
    assert [body for body in stream if NAME.lower() in body.lower()] == []
    for moment in version_times(hub, erased.communities[0]):
        assert as_of_count(hub, moment, NAME) == 0
    copy = requests.get(hub.url + "dump.nq", timeout=30).text
    assert "Opgezet door [verwijderd] met de buurt en het wijkteam." in copy
    store = store_of(hub)
    try:
        applied = store.select("SELECT ?n ?m WHERE { GRAPH <urn:bamboe:privacy-applied> { "
                               "?n <urn:bamboe:privacy-applied#member> ?m } }")
    finally:
        store.close()
    assert [(row["n"].value, row["m"].value) for row in applied] == [(erased.answer["id"], "dhl")]


def test_a_scoped_erase_from_the_command_line_leaves_other_records_alone(erased):
    first, second = erased.communities
    before = count(erased.hub, VERSIONS)
    said = bamboe("privacy", "erase", "--text", OTHER, "--resource", first, "--reason", "verzoek",
                  data_dir=erased.node.node.data_dir).stdout
    assert "Notice for the hubs" in said
    records = requests.get(erased.node.url + "dump.nq", timeout=30).text.splitlines()
    assert not [line for line in records if line.startswith(f"<{first}>") and OTHER in line]
    assert [line for line in records if line.startswith(f"<{second}>") and OTHER in line]
    assert OTHER in "".join(stream_versions(erased.node.node, second))
    assert OTHER not in "".join(stream_versions(erased.node.node, first))
    assert erased.harvest_here() == "unchanged"
    assert count(erased.hub, VERSIONS) == before
    copy = [line for line in requests.get(erased.hub.url + "dump.nq", timeout=30).text.splitlines()
            if line.endswith(f"<{graph_iri(erased.hub.url, 'dhl')}> .")]
    assert not [line for line in copy if line.startswith(f"<{first}>") and OTHER in line]
    assert [line for line in copy if line.startswith(f"<{second}>") and OTHER in line]


def test_bad_erase_requests_are_refused_and_change_nothing(erased):
    url = erased.node.url + "api/v1/privacy-verwijderingen"
    node = erased.node
    before = count(node.node, VERSIONS), requests.get(node.url + "privacy/verwijderingen", timeout=30).text
    for body, token, status in (({"tekst": "  "}, node.admin_token, 400), ({"tekst": "ab"}, node.admin_token, 400),
                                ({}, node.admin_token, 400), ({"tekst": NAME, "wat": 1}, node.admin_token, 400),
                                ({"tekst": NAME, "bron": "https://elders.example/x"}, node.admin_token, 400),
                                ({"tekst": OTHER}, None, 401), ({"tekst": OTHER}, node.editor_token, 403)):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.post(url, json=body, headers=headers, timeout=30)
        assert response.status_code == status, (body, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"
        if status == 400:
            assert response.json()["invalidParams"], response.text
    not_json = requests.post(url, data="tekst", headers=node.headers(node.admin_token), timeout=30)
    assert not_json.status_code == 415
    assert (count(node.node, VERSIONS), requests.get(node.url + "privacy/verwijderingen", timeout=30).text) == before
    refused = bamboe("privacy", "erase", "--text", OTHER, data_dir=erased.hub_dir, check=False)
    assert refused.returncode == 1 and "hub" in refused.stderr


def test_compacting_the_stopped_store_leaves_no_file_with_the_name(erased):
    node = erased.node.node
    node.stop()
    store_dir = node.data_dir / "store"
    quads = len(ox.Store(str(store_dir)))
    said = bamboe("privacy", "compact", data_dir=node.data_dir).stdout
    assert f"{quads} quads" in said
    left = subprocess.run(["grep", "-ril", NAME, str(node.data_dir)], capture_output=True, text=True).stdout
    assert left == ""
    reopened = ox.Store(str(store_dir))
    assert len(reopened) == quads
