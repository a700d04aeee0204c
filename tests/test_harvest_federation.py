"""A real federation on 127.0.0.1: three Bamboe nodes, a scripted one, a dead one, and a hub.

The hub is a real `bamboe serve` process; harvests run through the real command line
(`bamboe harvest`) and through the status page's admin button. What arrived is read
back over the hub's own /sparql with SPARQLWrapper and compared, with rdflib, to what
each node serves.
"""
from __future__ import annotations

import csv
import io
import os
import re
import time

import pyoxigraph as ox
import pytest
import requests
import rdflib
from rdflib import RDF, URIRef
from rdflib.compare import to_isomorphic
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from conftest import bamboe, start_editing_node, start_node, NodeProcess
from fakenode import FakeNode, rdflib_graph
from registry.store.server import free_port

PREFIXES = """PREFIX lph: <https://w3id.org/lerende-praktijken/harvest#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX http: <http://www.w3.org/2011/http#>
PREFIX lp: <https://w3id.org/lerende-praktijken/def#>
"""
LP_COMMUNITY = URIRef("https://w3id.org/lerende-praktijken/def#LearningCommunity")
QUIET = {"BAMBOE_HARVEST_RETRIES": "1", "BAMBOE_HARVEST_CONNECT_TIMEOUT_S": "2"}


class Federation:
    def __init__(self, root):
        self.editing = start_editing_node(root / "den-haag-leiden")
        self.nijmegen = start_node(root / "nijmegen", "nijmegen.ttl", "WSD Arnhem en Nijmegen")
        self.utrecht = start_node(root / "utrecht", "utrecht.ttl", "WSD Utrecht")
        self.fake = FakeNode(communities=4, seed=7)
        broken = ox.NamedNode(self.fake.base_url + "praktijken/gen-00002")
        self.broken = broken.value
        self.fake.serve([t for t in self.fake.triples
                         if not (t.subject == broken and t.predicate.value == "http://schema.org/name")])
        self.nodes = {"den-haag-leiden": self.editing.node, "nijmegen": self.nijmegen, "utrecht": self.utrecht}
        dead = f"http://127.0.0.1:{free_port()}/"
        entries = [(node_id, node.url, "regionaal") for node_id, node in self.nodes.items()]
        entries += [("proef", self.fake.base_url, "lokaal"), ("stil", dead, "wijk")]
        self.instances = root / "instances.yaml"
        self.instances.write_text("nodes:\n" + "".join(
            f"  - {{id: {i}, name: 'Node {i}', url: '{url}', level: {level}, area: [GM0344]}}\n"
            for i, url, level in entries))
        port = free_port()
        self.hub_dir = root / "hub"
        bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", self.instances,
               data_dir=self.hub_dir)
        bamboe("user", "add", "hubbeheer", "--role", "admin", "--password-stdin", data_dir=self.hub_dir,
               input="veilig-wachtwoord-1\n")
        bamboe("user", "add", "hubredactie", "--password-stdin", data_dir=self.hub_dir, input="veilig-wachtwoord-1\n")
        self.hub = NodeProcess(self.hub_dir, port, env={"BAMBOE_HARVEST_SCHEDULE": "false", **QUIET})
        self.first = bamboe("harvest", "--all", data_dir=self.hub_dir, check=False, env={**os.environ, **QUIET})

    def graph_iri(self, node_id):
        return f"{self.hub.url}graph/{node_id}"

    def stop(self):
        for node in (self.hub, self.editing.node, self.nijmegen, self.utrecht):
            node.stop()
        self.fake.stop()


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    started = Federation(tmp_path_factory.mktemp("federation"))
    yield started
    started.stop()


def sparql(federation, query, fmt=JSON):
    wrapper = SPARQLWrapper(federation.hub.url + "sparql")
    wrapper.setReturnFormat(fmt)
    wrapper.setQuery(PREFIXES + query)
    return wrapper.queryAndConvert()


def rows(federation, query):
    return [{k: v["value"] for k, v in row.items()} for row in sparql(federation, query)["results"]["bindings"]]


def node_data(node):
    """What a node serves, read with rdflib."""
    return rdflib_graph(requests.get(node.url + "dump.nq", timeout=30).content)


def test_cli_harvest_reports_every_node_and_fails_for_the_dead_one(federation):
    result = federation.first
    assert result.returncode == 1, result.stdout + result.stderr
    table = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert table == {"den-haag-leiden": "stored", "nijmegen": "stored", "utrecht": "stored", "proef": "stored",
                     "stil": "failed"}
    assert "is niet bereikbaar" in result.stdout


def test_each_node_arrives_exactly_in_its_own_graph(federation):
    for node_id, node in federation.nodes.items():
        construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{federation.graph_iri(node_id)}> {{ ?s ?p ?o }} }}"
        arrived = rdflib.Graph().parse(data=sparql(federation, construct, TURTLE), format="turtle")
        assert len(arrived) > 300
        assert to_isomorphic(arrived) == to_isomorphic(node_data(node)), node_id
    graphs = {row["g"] for row in rows(federation, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    hub = federation.hub.url
    assert graphs == {hub + "graph/den-haag-leiden", hub + "graph/nijmegen", hub + "graph/utrecht",
                      hub + "graph/proef", hub + "oogst/log"}


def test_provenance_of_each_copy(federation):
    for node_id, node in federation.nodes.items():
        found = rows(federation, f"""
            SELECT ?run ?used ?status ?etag ?triples ?added ?started ?ended WHERE {{
              GRAPH <{federation.hub.url}oogst/log> {{
                <{federation.graph_iri(node_id)}> prov:wasGeneratedBy ?run ; lph:member ?member .
                ?run a prov:Activity ; lph:member ?member ; lph:outcome "stored" ; prov:used ?used ;
                     http:statusCodeValue ?status ; lph:etag ?etag ; lph:triples ?triples ; lph:added ?added ;
                     prov:startedAtTime ?started ; prov:endedAtTime ?ended .
              }} }}""")
        assert len(found) == 1, node_id
        run = found[0]
        dump = requests.get(node.url + "dump.nq", timeout=30)
        served = node_data(node)
        assert (run["used"], run["status"], run["etag"]) == (node.url + "dump.nq", "200", dump.headers["ETag"])
        assert int(run["triples"]) == len(served)
        records = {s for s in served.subjects() if isinstance(s, URIRef)}  # one record per named subject
        assert int(run["added"]) == len(records)
        assert run["started"] <= run["ended"]


def test_quarantined_record_is_reported_by_rule_with_documentation(federation):
    arrived = rows(federation, f"SELECT ?s WHERE {{ GRAPH <{federation.graph_iri('proef')}> {{ ?s a lp:LearningCommunity }} }}")
    assert federation.broken not in {row["s"] for row in arrived} and len(arrived) == 3
    page = requests.get(federation.hub.url + "oogst/proef", timeout=30).text
    assert federation.broken in page and 'href="/def#regel-LearningCommunity-name"' in page
    docs = requests.get(federation.hub.url + "def", timeout=30).text
    assert 'id="regel-LearningCommunity-name"' in docs


def test_status_page_and_csv(federation):
    page = requests.get(federation.hub.url + "oogst", timeout=30)
    assert page.status_code == 200
    outcomes = dict(re.findall(r'<tr id="node-([a-z-]+)" data-outcome="(\w*)"', page.text))
    assert outcomes["stil"] == "failed" and outcomes["utrecht"] in ("stored", "unchanged")
    export = requests.get(federation.hub.url + "oogst.csv", timeout=30)
    assert export.headers["Content-Type"].startswith("text/csv")
    table = {row["id"]: row for row in csv.DictReader(io.StringIO(export.text))}
    assert set(table) == {"den-haag-leiden", "nijmegen", "utrecht", "proef", "stil"}
    assert table["stil"]["last_success"] == "" and "is niet bereikbaar" in table["stil"]["error"]
    assert int(table["proef"]["quarantined"]) == 1 and table["nijmegen"]["next_run"]


def test_hub_pages_list_every_nodes_communities(federation):
    listing = rdflib.Graph().parse(data=requests.get(federation.hub.url + "praktijken.ttl", timeout=30).text,
                                   format="turtle")
    listed = set(listing.subjects(RDF.type, LP_COMMUNITY))
    for node in federation.nodes.values():
        communities = set(node_data(node).subjects(RDF.type, LP_COMMUNITY))
        assert communities and communities <= listed


def test_reharvest_without_changes_fetches_no_dump(federation):
    result = bamboe("harvest", "--node", "utrecht", "--node", "proef", data_dir=federation.hub_dir,
                    env={**os.environ, **QUIET})
    assert [line.split()[1] for line in result.stdout.splitlines()[1:]] == ["unchanged", "unchanged"]
    latest = rows(federation, f"""
        SELECT ?status WHERE {{ GRAPH <{federation.hub.url}oogst/log> {{
          ?run lph:member <{federation.hub.url}oogst/utrecht> ; prov:startedAtTime ?t ; lph:outcome "unchanged" .
          OPTIONAL {{ ?run http:statusCodeValue ?status }} }} }} ORDER BY DESC(?t) LIMIT 1""")
    assert latest == [{}], "the quiet change feed answered: no dump request at all"
    assert federation.fake.dump_requests()[-1].status == 304


def test_deleting_a_community_on_its_node_removes_it_from_the_hub(federation):
    editing = federation.editing
    victim = editing.url + "praktijken/katwijk-koestal"
    read = requests.get(editing.url + "api/v1/praktijken/katwijk-koestal", headers=editing.headers(), timeout=30)
    deleted = requests.delete(editing.url + "api/v1/praktijken/katwijk-koestal", timeout=30,
                              headers=editing.headers(token=editing.admin_token, **{"If-Match": read.headers["ETag"]}))
    assert deleted.status_code == 204, deleted.text
    result = bamboe("harvest", "--node", "den-haag-leiden", data_dir=federation.hub_dir)
    assert result.stdout.splitlines()[1].split()[1] == "stored"
    there = rows(federation, f"SELECT ?type WHERE {{ GRAPH <{federation.graph_iri('den-haag-leiden')}> {{ <{victim}> a ?type }} }}")
    assert [row["type"] for row in there] == ["https://www.w3.org/ns/activitystreams#Tombstone"]
    # the node leaves a tombstone at the community's IRI, so the hub records an update of that record
    changed = rows(federation, f"""SELECT ?updated WHERE {{ GRAPH <{federation.hub.url}oogst/log> {{
        <{federation.graph_iri('den-haag-leiden')}> prov:wasGeneratedBy ?run . ?run lph:updated ?updated }} }}""")
    assert int(changed[0]["updated"]) >= 1


def test_admin_can_trigger_a_harvest_others_cannot(federation):
    url = federation.hub.url

    def session_for(user):
        session = requests.Session()
        form = session.get(url + "beheer/inloggen", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        session.post(url + "beheer/inloggen", timeout=10, data={
            "naam": user, "wachtwoord": "veilig-wachtwoord-1", "csrf_token": token})
        page = session.get(url + "oogst/nijmegen", timeout=10).text
        return session, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    assert requests.post(url + "oogst/nijmegen/oogsten", timeout=10).status_code == 400  # no CSRF token
    editor, token = session_for("hubredactie")
    assert editor.post(url + "oogst/nijmegen/oogsten", data={"csrf_token": token}, timeout=10).status_code == 403
    runs_before = _runs(federation, "nijmegen")
    admin, token = session_for("hubbeheer")
    started = admin.post(url + "oogst/nijmegen/oogsten", data={"csrf_token": token}, timeout=10,
                         allow_redirects=False)
    assert started.status_code == 303 and started.headers["Location"].endswith("/oogst/nijmegen?gestart=1")
    deadline = time.monotonic() + 30
    while _runs(federation, "nijmegen") == runs_before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _runs(federation, "nijmegen") == runs_before + 1


def _runs(federation, node_id) -> int:
    found = rows(federation, f"""SELECT (COUNT(?run) AS ?n) WHERE {{ GRAPH <{federation.hub.url}oogst/log> {{
        ?run lph:member <{federation.hub.url}oogst/{node_id}> }} }}""")
    return int(found[0]["n"])
