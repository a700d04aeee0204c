"""Attacks on the public /sparql door, each fixed once and kept fixed (issue 11, items 1, 3, 5, 8, 16).

Every attack runs against a real node on 127.0.0.1 or a real worker process.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pyoxigraph as ox
import pytest
import requests

from conftest import EXAMPLES, ROOT, bamboe, start_node
from registry.sandbox.pool import Worker
from test_api import community
from test_sparql import Listener

JSON = {"Accept": "application/sparql-results+json"}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

SERVICE_SPELLINGS = [
    "SELECT * WHERE { BIND(1 AS ?x) .SERVICE <http://127.0.0.1:%(port)d/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(1 AS ?x).SERVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:%(port)d/> { ?a ?b ?c } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053\\u0045RVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE#comment\n<http://127.0.0.1:%(port)d/> { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe SiLeNt <http://127.0.0.1:%(port)d/> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:%(port)d/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:%(port)d/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:%(port)d/> { ?a ?b ?c } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } } }",
    "ASK { { } UNION { SERVICE <http://127.0.0.1:%(port)d/> { } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { MINUS { SERVICE <http://127.0.0.1:%(port)d/> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("template", SERVICE_SPELLINGS)
def test_every_spelling_of_service_is_refused_and_nobody_is_contacted(node, template):
    listener = Listener()
    try:
        for method in ("GET", "POST"):
            query = template % {"port": listener.port}
            response = requests.request(method, node.url + "sparql", headers=JSON,
                                        **({"params": {"query": query}} if method == "GET" else {"data": {"query": query}}))
            assert response.status_code == 400, response.text
            assert response.headers["Content-Type"] == "application/problem+json"
            assert "SERVICE" in response.json()["detail"]
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """A real query worker process holding a tiny snapshot, used without the node's pre-check."""
    snapshot = tmp_path_factory.mktemp("worker") / "snapshot.nq"
    snapshot.write_text('<http://example.org/s> <http://example.org/p> "o" <http://example.org/g> .\n')
    started = Worker(("1", str(snapshot)), 400)
    yield started
    started.kill()


@pytest.mark.parametrize("template", SERVICE_SPELLINGS)
def test_worker_refuses_service_on_the_parsed_query_even_without_the_precheck(worker, template):
    listener = Listener()
    try:
        status, (message, context), _ = worker.ask(dict(query=template % {"port": listener.port},
                                                        result_format="json", max_rows=10, max_bytes=10_000), timeout=10)
        time.sleep(0.2)
        assert status == "error" and ("SERVICE" in message or "geen geldige SPARQL" in message), (message, context)
        assert listener.connections == 0
    finally:
        listener.close()


def test_worker_reports_its_walls(worker):
    assert "seccomp" in worker.walls  # seccomp needs no privilege; libseccomp2 is part of Debian's base system


def test_worker_answers_a_long_query_the_parser_reads_on_a_big_stack(worker):
    values = ", ".join(f'"value number {i}"' for i in range(900))
    query = f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o IN ({values})) }}"
    assert len(query) > 17_000
    status, body, _ = worker.ask(dict(query=query, result_format="json", max_rows=10, max_bytes=10_000), timeout=30)
    assert status == "ok", body


WALL_SCRIPT = """
import os, socket, sys
import pyoxigraph as ox
from registry.sandbox.isolation import isolate
walls = isolate()
port = int(sys.argv[1])
try:
    list(ox.Store().query("SELECT * WHERE { SERVICE <http://127.0.0.1:%d/> { ?s ?p ?o } }" % port))
    outcome = "answered"
except (OSError, SyntaxError, RuntimeError, ValueError) as error:
    outcome = "failed"
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    connect = "connected"
except OSError:
    connect = "refused"
print(",".join(walls), outcome, connect)
"""


@pytest.mark.parametrize("skip", ["netns", "seccomp"])
def test_each_wall_alone_keeps_a_worker_off_the_network(skip):
    """With one wall skipped, the other still stops SERVICE and a plain connect (netns needs the host's leave)."""
    listener = Listener()
    try:
        result = subprocess.run([sys.executable, "-c", WALL_SCRIPT, str(listener.port)], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "BAMBOE_SANDBOX_SKIP": skip})
        walls, outcome, connect = result.stdout.split()
        if walls == "" or walls == skip:
            pytest.skip(f"this host allows no wall but {skip}")
        time.sleep(0.2)
        assert outcome == "failed" and connect == "refused", result.stdout + result.stderr
        assert listener.connections == 0
    finally:
        listener.close()


def test_private_graphs_never_reach_a_query_worker(editing_node):
    """The audit trail (user names) lives in the store but not in what /sparql can see."""
    created = requests.post(editing_node.url + "api/v1/praktijken", json=community("Auditspoor test"),
                            headers=editing_node.headers())
    assert created.status_code == 201, created.text
    graphs = requests.get(editing_node.url + "sparql", headers=JSON,
                          params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    names = {row["g"]["value"] for row in graphs["results"]["bindings"]}
    assert names and not any(name.startswith("urn:bamboe:") for name in names)
    leaked = requests.get(editing_node.url + "sparql", headers=JSON, params={
        "query": "SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'redactie')) }"}).json()
    assert leaked["results"]["bindings"] == []
    snapshots = list((editing_node.node.data_dir / "run").glob("snapshot-*.nq"))
    assert snapshots and all(b"urn:bamboe:" not in path.read_bytes() for path in snapshots)


def test_no_public_queries_without_isolation_unless_allowed(tmp_path):
    refused = start_node(tmp_path / "bare", "den-haag-leiden.ttl", env={"BAMBOE_SANDBOX_SKIP": "netns,seccomp"})
    try:
        response = requests.get(refused.url + "sparql", params={"query": "ASK {}"}, headers=JSON, timeout=30)
        assert response.status_code == 503
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "niet van het netwerk afsluiten" in response.json()["detail"] and response.headers["Retry-After"]
        assert requests.get(refused.url).status_code == 200  # the rest of the node is untouched
        assert "Public SPARQL switched off" in refused.log
    finally:
        refused.stop()
    allowed = start_node(tmp_path / "allowed", "den-haag-leiden.ttl", env={
        "BAMBOE_SANDBOX_SKIP": "netns,seccomp", "BAMBOE_SPARQL_ALLOW_UNISOLATED": "true"})
    try:
        response = requests.get(allowed.url + "sparql", params={"query": "ASK {}"}, headers=JSON, timeout=30)
        assert response.status_code == 200
        assert "WITHOUT network isolation" in allowed.log
    finally:
        allowed.stop()


def test_one_huge_value_cannot_pass_the_byte_cap(node):
    """Twenty-two doublings of a ten-character string: 40 MB in one cell, capped at 20 MB."""
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(22))
    query = f'SELECT ?a22 WHERE {{ BIND("0123456789" AS ?a0) {binds} }}'
    response = requests.get(node.url + "sparql", params={"query": query}, headers=JSON, timeout=30)
    assert response.status_code == 200
    assert "Bamboe-Truncated" in response.headers
    assert len(response.content) < 20_000_000
    assert response.json()["results"]["bindings"] == []


def children(node, marker: str) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(node.process.pid).children(recursive=True):
        try:
            if marker in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def ask(node, timeout=30) -> requests.Response:
    """A query a worker must answer: STRUUID() keeps it out of the kept answers (sandbox/answers.py)."""
    query = "SELECT (COUNT(*) AS ?n) (STRUUID() AS ?fresh) WHERE { ?s ?p ?o }"
    return requests.get(node.url + "sparql", params={"query": query},
                        headers=JSON, timeout=timeout)


def test_a_worker_killed_for_another_reason_is_not_blamed_on_memory(tmp_path):
    node = start_node(tmp_path / "killed", "den-haag-leiden.ttl", env={"BAMBOE_SPARQL_TIMEOUT_S": "20"})
    try:
        assert ask(node).status_code == 200
        outcome = {}
        thread = threading.Thread(target=lambda: outcome.update(response=requests.get(
            node.url + "sparql", params={"query": SLOW}, headers=JSON, timeout=60)))
        thread.start()
        time.sleep(1.5)
        for worker in children(node, "registry.sandbox.worker"):
            worker.send_signal(signal.SIGKILL)
        thread.join(60)
        response = outcome["response"]
        assert response.status_code == 503
        detail = response.json()["detail"]
        assert "onverwacht" in detail and "MB" not in detail
        deadline = time.monotonic() + 30
        while ask(node).status_code != 200:
            assert time.monotonic() < deadline, "workers did not come back"
            time.sleep(0.5)
    finally:
        node.stop()


def test_store_killed_while_workers_reload_does_not_break_sparql(tmp_path):
    """kill -9 of the private store under load, right after a write: /sparql recovers by itself."""
    node = start_node(tmp_path / "blip", "den-haag-leiden.ttl", env={"BAMBOE_SPARQL_TIMEOUT_S": "5"})
    stop = threading.Event()
    statuses: list[int] = []

    def load():
        while not stop.is_set():
            try:
                statuses.append(ask(node, timeout=20).status_code)
            except requests.RequestException:
                statuses.append(0)

    try:
        assert ask(node).status_code == 200
        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        bamboe("load", EXAMPLES / "utrecht.ttl", data_dir=node.data_dir)  # a new generation: workers must reload
        for store in children(node, "oxigraph"):
            store.send_signal(signal.SIGKILL)
        time.sleep(4)
        stop.set()
        for client in clients:
            client.join(30)
        assert 0 not in statuses and set(statuses) <= {200, 503, 429}, statuses
        answered = []
        deadline = time.monotonic() + 30
        while len(answered) < 10:
            assert time.monotonic() < deadline, f"/sparql did not recover: {answered}"
            started = time.monotonic()
            response = ask(node)
            if response.status_code == 200:
                answered.append(time.monotonic() - started)
            else:
                answered.clear()
                time.sleep(0.5)
        assert max(answered) < 3, answered
        count = int(ask(node).json()["results"]["bindings"][0]["n"]["value"])
        assert count > 0
    finally:
        stop.set()
        node.stop()


def test_slow_queries_do_not_starve_pages(tmp_path):
    """Eight slow SPARQL clients at once: pages answer in under a second, /sparql never past its deadline."""
    node = start_node(tmp_path / "starve", "den-haag-leiden.ttl", env={
        "BAMBOE_SPARQL_TIMEOUT_S": "6", "BAMBOE_SPARQL_PER_CLIENT": "100", "BAMBOE_THREADS": "8"})
    try:
        assert ask(node).status_code == 200
        results: list[tuple[int, float]] = []

        def slow():
            started = time.monotonic()
            response = requests.get(node.url + "sparql", params={"query": SLOW}, headers=JSON, timeout=60)
            results.append((response.status_code, time.monotonic() - started, response.headers.get("Retry-After")))

        clients = [threading.Thread(target=slow) for _ in range(8)]
        for client in clients:
            client.start()
        time.sleep(1)
        pages = []
        for path in ("", "praktijken", "praktijken/katwijk-koestal", "dump.nq"):
            started = time.monotonic()
            response = requests.get(node.url + path, headers={"Accept": "text/html"}, timeout=30)
            pages.append((path, response.status_code, time.monotonic() - started))
        for client in clients:
            client.join(60)
        assert all(status == 200 and seconds < 1.0 for _, status, seconds in pages), pages
        assert len(results) == 8
        assert all(status == 503 and retry for status, _, retry in results), results
        assert max(seconds for _, seconds, _ in results) < 6 + 2, results
        assert sum(1 for _, seconds, _ in results if seconds < 1) >= 4, results  # beyond the bound: refused at once
    finally:
        node.stop()


def test_query_page_survives_a_hostile_query(node):
    """The browser form takes the same door: SERVICE refused, shown beside the editor, not a 500."""
    response = requests.get(node.url + "sparql", headers={"Accept": "text/html"}, params={
        "query": "SELECT * { BIND(1 AS ?x) .SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "format": "html"})
    assert response.status_code == 400
    assert "SERVICE" in response.text


def test_worker_ends_when_its_node_is_killed(tmp_path):
    node = start_node(tmp_path / "orphan-worker", "den-haag-leiden.ttl")
    try:
        assert ask(node).status_code == 200
        workers = children(node, "registry.sandbox.worker")
        assert workers
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, alive
    finally:
        if node.process.poll() is None:
            node.stop()
        node._log.close()


def test_snapshot_holds_published_graphs_only(tmp_path):
    from registry.runtime import Snapshots
    from registry.store import EmbeddedStore

    store = EmbeddedStore()
    store.update('INSERT DATA { GRAPH <urn:bamboe:audit> { <urn:x> <urn:y> "redactie" } '
                 'GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "o" } }')
    generation, path = Snapshots(store, tmp_path).current()
    data = Path(path).read_bytes()
    assert b"redactie" not in data and b"example.org/s" in data
    assert list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _spelled(word: str, draw) -> str:
    """SERVICE in any case, each letter maybe a \\u or \\U escape, as the SPARQL grammar allows."""
    from hypothesis import strategies as st

    letters = []
    for letter in word:
        letter = draw(st.sampled_from([letter.lower(), letter.upper()]))
        form = draw(st.sampled_from(["plain", "u", "U"]))
        letters.append(letter if form == "plain" else
                       f"\\u{ord(letter):04X}" if form == "u" else f"\\U{ord(letter):08x}")
    return "".join(letters)


def test_fuzzed_spellings_of_service_are_refused_by_one_wall_at_least():
    """Hypothesis writes SERVICE clauses with random case, escapes, comments and neighbours."""
    from hypothesis import given, settings, strategies as st

    from registry.errors import QueryRefused
    from registry.sandbox.parsed import Unreadable, service_clauses
    from registry.sandbox.precheck import check_query

    separators = st.sampled_from([" ", "\n", "\t", "#c\n", " #SERVICE\n ", ""])
    before = st.sampled_from(["?s ?p ?o .", "?s ?p ?o", "BIND(1 AS ?x) .", "BIND(1 AS ?x)", "?s ?p 1", "{}", ""])

    @st.composite
    def queries(draw):
        target = draw(st.sampled_from(["<http://127.0.0.1:9/>", "?endpoint", "<\\u0068ttp://127.0.0.1:9/>"]))
        silent = draw(st.sampled_from(["", " SILENT", " silent"]))
        clause = f"{_spelled('SERVICE', draw)}{silent}{draw(separators)}{target} {{ ?a ?b ?c }}"
        wrapper = draw(st.sampled_from(["{}", "OPTIONAL {{ {} }}", "FILTER EXISTS {{ {} }}", "{{ SELECT * {{ {} }} }}",
                                        "MINUS {{ {} }}", "{{ }} UNION {{ {} }}"]))
        return f"SELECT * WHERE {{ {draw(before)}{draw(separators)}{wrapper.format(clause)} }}"

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(queries())
    def refused(query):
        try:
            check_query(query, 20000)
        except QueryRefused:
            return
        try:
            assert service_clauses(query) > 0, query
        except Unreadable:
            pass

    refused()


def test_precheck_never_fails_on_arbitrary_text():
    from hypothesis import given, settings, strategies as st

    from registry.errors import QueryRefused
    from registry.sandbox.precheck import check_query

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.text(max_size=300))
    def never_crashes(text):
        try:
            check_query(text, 20000)
        except QueryRefused:
            pass

    never_crashes()
