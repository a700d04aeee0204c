"""The public /sparql door of a real node: protocol, formats, refusals and isolation."""
from __future__ import annotations

import csv
import io
import socket
import threading
import time

import psutil
import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

LP = "PREFIX lp: <https://w3id.org/lerende-praktijken/def#> PREFIX schema: <http://schema.org/> "
NAMES = LP + "SELECT ?c ?name WHERE { ?c a lp:LearningCommunity ; schema:name ?name } ORDER BY ?c"


def client(node, fmt=JSON, method="GET") -> SPARQLWrapper:
    wrapper = SPARQLWrapper(node.url + "sparql")
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    return wrapper


def dump_fingerprint(node) -> bytes:
    return requests.get(node.url + "dump.nq").content


def test_sparqlwrapper_select_json_matches_the_dump(node):
    wrapper = client(node)
    wrapper.setQuery(NAMES)
    rows = wrapper.queryAndConvert()["results"]["bindings"]
    names = {(r["c"]["value"], r["name"]["value"]) for r in rows}
    graph = rdflib.Graph().parse(data=requests.get(node.url + "dump.ttl").content, format="turtle")
    expected = {(str(c), str(n)) for c, n in graph.query(NAMES)}
    assert names == expected and len(names) >= 3


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_formats(node, method):
    wrapper = client(node, XML, method)
    wrapper.setQuery(LP + "ASK { ?c a lp:LearningCommunity }")
    assert wrapper.queryAndConvert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    wrapper = client(node, CSV, method)
    wrapper.setQuery(NAMES)
    rows = list(csv.DictReader(io.StringIO(wrapper.queryAndConvert().decode())))
    assert rows and set(rows[0]) == {"c", "name"}
    wrapper = client(node, TURTLE, method)
    wrapper.setQuery(LP + "CONSTRUCT { ?c schema:name ?n } WHERE { ?c a lp:LearningCommunity ; schema:name ?n }")
    graph = rdflib.Graph().parse(data=wrapper.queryAndConvert(), format="turtle")
    assert len(graph) == len(rows)


def test_direct_post_body_and_tsv(node):
    response = requests.post(node.url + "sparql", data=NAMES.encode(),
                             headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert response.text.splitlines()[0] == "?c\t?name"


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "SELEKT ?x", "PREFIX x <y> SELECT"])
def test_malformed_query_is_400_problem(node, query):
    response = requests.get(node.url + "sparql", params={"query": query})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


@pytest.mark.parametrize("send, status", [
    (lambda url: requests.post(url, data={"update": "DROP ALL"}), 403),  # the update operation: refused by policy
    (lambda url: requests.post(url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}), 403),
    (lambda url: requests.post(url, data={"query": "DELETE WHERE { ?s ?p ?o }"}), 400),  # not a query
    (lambda url: requests.get(url, params={"query": "CLEAR DEFAULT"}), 400),
    (lambda url: requests.get(url, params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}), 400),
])
def test_updates_are_refused_and_change_nothing(node, send, status):
    before = dump_fingerprint(node)
    response = send(node.url + "sparql")
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert dump_fingerprint(node) == before


class Listener:
    """A TCP listener on loopback that records whether anybody connected."""

    def __init__(self, host="127.0.0.1"):
        self.socket = socket.socket()
        self.socket.bind((host, 0))
        self.socket.listen(5)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
                self.connections += 1
                connection.close()
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:%d/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:%d/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } } # %d",
])
def test_service_is_refused_and_nobody_is_contacted(node, template):
    listener = Listener()
    try:
        response = requests.get(node.url + "sparql", params={"query": template % listener.port})
        time.sleep(0.3)
        assert response.status_code == 400
        assert "SERVICE" in response.json()["detail"]
        assert listener.connections == 0
    finally:
        listener.close()


def test_from_is_answered_from_the_store_only(node):
    listener = Listener()
    try:
        query = f"SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}"
        response = requests.get(node.url + "sparql", params={"query": query, "format": "json"})
        time.sleep(0.3)
        assert response.status_code == 200
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
        assert listener.connections == 0
    finally:
        listener.close()


def test_runaway_query_is_stopped_with_bounded_memory_while_others_are_served(node):
    """An ORDER BY over a cartesian product: stopped, memory capped, nobody else waits."""
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i"
    outcome, peak = {}, {"rss": 0}
    node_process = psutil.Process(node.process.pid)

    def run():
        started = time.monotonic()
        response = requests.get(node.url + "sparql", params={"query": runaway}, headers={"X-Forwarded-For": "x"})
        outcome.update(status=response.status_code, seconds=time.monotonic() - started, body=response.json())

    def watch():
        while "status" not in outcome:
            for child in node_process.children(recursive=True):
                try:
                    peak["rss"] = max(peak["rss"], child.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(0.05)

    thread, watcher = threading.Thread(target=run), threading.Thread(target=watch)
    thread.start()
    watcher.start()
    time.sleep(0.3)
    started = time.monotonic()
    quick = requests.get(node.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    quick_seconds = time.monotonic() - started
    page = requests.get(node.url + "praktijken/katwijk-koestal", headers={"Accept": "text/html"})
    thread.join(60)
    watcher.join(5)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert quick_seconds < 2.0
    assert page.status_code == 200
    assert outcome["status"] == 503
    assert outcome["seconds"] < 3 + 5, outcome  # deadline is 3 s in the node fixture
    assert peak["rss"] < 450 * 1024 * 1024, peak  # memory cap is 400 MB in the node fixture
    after = requests.get(node.url + "sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert after.status_code == 200


def test_count_over_cartesian_product_stops_at_the_deadline(node):
    started = time.monotonic()
    response = requests.get(node.url + "sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    seconds = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert 2.5 < seconds < 6


def test_result_rows_are_capped(tmp_path):
    from conftest import start_node

    node = start_node(tmp_path / "capped", "den-haag-leiden.ttl", env={"BAMBOE_SPARQL_MAX_ROWS": "5"})
    try:
        response = requests.get(node.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json"})
        assert len(response.json()["results"]["bindings"]) == 5
        assert "rows>5" in response.headers["Bamboe-Truncated"]
    finally:
        node.stop()


def test_concurrent_queries_per_client_are_limited(node):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        requests.get(node.url + "sparql", params={"query": slow}).status_code)) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    for thread in threads:
        thread.join(30)
    assert 429 in results
