"""Node benchmark: requests/s and p95 latency of a node's pages at N concurrent clients.

Generates communities, loads them into a node's store, serves the node with
`bamboe serve` (waitress + private Oxigraph server + SPARQL worker pool) on
127.0.0.1, and drives each target with concurrent clients for a bounded time. The
same run measures the framework ceiling: a bare Flask app under waitress with the
same threads, answering a fixed page of about a community page's size. Nothing a
node does can beat it, so `p95 / ceiling` says how much of a page's time is ours;
compare ratios within one run (the machine may be shared). `--rdflib` adds the older
comparison of a few SPARQL queries with rdflib's in-memory Graph.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psutil
import pyoxigraph as ox
import requests

from registry.config import write_config
from registry.generate import generate_triples
from registry.node import data_graph
from registry.store import EmbeddedStore
from registry.store.server import free_port

PREFIXES = """PREFIX lp: <https://w3id.org/lerende-praktijken/def#>
PREFIX schema: <http://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
"""
COUNT = PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lp:LearningCommunity }"
RDFLIB_QUERIES = {
    "sparql: count by theme": PREFIXES + """SELECT ?theme (COUNT(?c) AS ?n) WHERE {
        ?c a lp:LearningCommunity ; dct:subject ?theme } GROUP BY ?theme ORDER BY DESC(?n)""",
    "sparql: with ervaringsdeskundigen": PREFIXES + """SELECT ?c ?name WHERE {
        ?c a lp:LearningCommunity ; schema:name ?name ; lp:participation/lp:perspective
        <https://w3id.org/lerende-praktijken/id/perspectief/ervaringsdeskundige> } ORDER BY ?name LIMIT 100""",
    "sparql: meetings of one community": PREFIXES + """SELECT ?m ?date WHERE {
        <{community}> lp:hasMeeting ?m . ?m schema:startDate ?date } ORDER BY ?date""",
}
ARMOEDE = "https://w3id.org/lerende-praktijken/id/thema/armoede"
HTML, JSON, TURTLE = {"Accept": "text/html"}, {"Accept": "application/json"}, {"Accept": "text/turtle"}
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
CEILING_PAGE = "<!doctype html><title>ceiling</title><main>" + "<p>Lerende praktijk.</p>" * 220 + "</main>"
REQUEST_TIMEOUT_S = 30


def targets(base: str, community: str) -> list[tuple[str, str, dict]]:
    """What a visitor, a harvester and a dashboard ask a node at national scale."""
    sparql = lambda query: base + "sparql?" + urlencode({"query": query})  # noqa: E731
    return [
        ("list page 1 (HTML)", base + "praktijken", HTML),
        ("list page 1 (JSON)", base + "praktijken", JSON),
        ("list page 100 (HTML)", base + "praktijken?pagina=100", HTML),
        ("list filtered: theme + q (HTML)", base + "praktijken?" + urlencode({"theme": ARMOEDE, "q": "leiden"}), HTML),
        ("community page (HTML)", community, HTML),
        ("community Turtle", community, TURTLE),
        ("sparql: COUNT communities", sparql(COUNT), SPARQL_JSON),
    ]


def drive(url: str, clients: int, seconds: float, headers: dict, server: int) -> dict:
    """Hit one URL from `clients` threads for `seconds`: req/s, p50 and p95 ms, errors, size of an answer.

    `cpu` is the CPU time the server (process `server` and its children: the Oxigraph
    server, the query workers) spent per request: unlike latency, other load on the
    machine hardly moves it.
    """
    latencies: list[float] = []
    errors, sizes = [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        session = requests.Session()
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                response = session.get(url, headers=headers, timeout=REQUEST_TIMEOUT_S)
                failed += response.status_code != 200
                sizes[0] = len(response.content)
            except requests.RequestException:
                failed += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started, cpu = time.monotonic(), _cpu_seconds(server)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.monotonic() - started, _cpu_seconds(server) - cpu
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": _p95(latencies) * 1000, "errors": errors[0], "kb": sizes[0] / 1000,
            "cpu": cpu / len(latencies) * 1000}


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and everything it started (still running)."""
    process = psutil.Process(pid)
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def serve_ceiling(port: int, threads: int) -> None:
    """The framework ceiling: bare Flask under waitress, one fixed page, nothing of Bamboe's."""
    from flask import Flask
    from waitress import serve

    app = Flask("ceiling")
    app.add_url_rule("/", "page", lambda: CEILING_PAGE)
    serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def measure_ceiling(clients: int, seconds: float) -> dict:
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-ceiling", str(port), "--clients", str(clients)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for(url)
        return drive(url, clients, seconds, HTML, server.pid)
    finally:
        server.terminate()
        server.wait(30)


def load_node(communities: int, clients: int) -> tuple[Path, str, list[ox.Triple]]:
    """A data directory holding `communities` generated communities, and the node's base URL."""
    folder = Path(tempfile.mkdtemp(prefix="bamboe-bench-"))
    base = f"http://127.0.0.1:{free_port()}/"
    triples = generate_triples(base, communities, seed=42)
    started = time.monotonic()
    write_config(folder, dict(name="Bench", base_url=base, sparql_per_client=clients * 2, sparql_timeout_s=30))
    store = EmbeddedStore(folder / "store")
    store.replace_graph(data_graph(base), triples)
    store.close()
    print(f"{communities} communities, {len(triples)} triples; loaded into the on-disk store in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    return folder, base, triples


def measure_node(folder: Path, base: str, clients: int, seconds: float) -> list[tuple[str, dict]]:
    port = base.rsplit(":", 1)[1].strip("/")
    node = subprocess.Popen([sys.executable, "-m", "registry.cli", "serve", "--data", str(folder),
                             "--port", port, "--threads", str(max(8, clients))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        _wait_for(base)
        requests.get(base + "sparql", params={"query": "ASK {}"}, timeout=120)  # start the query workers
        for name, url, headers in targets(base, base + "praktijken/gen-00042"):
            _warm(url, headers)
            rows.append((name, drive(url, clients, seconds, headers, node.pid)))
            print(f"  {name}: p95 {rows[-1][1]['p95']:.1f} ms", flush=True)
    finally:
        node.terminate()
        node.wait(30)
    return rows


def _warm(url: str, headers: dict) -> None:
    """One request first, so the table shows the steady state, not the first build of an index."""
    try:
        requests.get(url, headers=headers, timeout=300)
    except requests.RequestException:
        pass


def rdflib_rows(triples: list[ox.Triple], community: str, seconds: float) -> list[tuple[str, float, float]]:
    """The older comparison: a few SPARQL queries on rdflib's in-memory Graph, one thread, no HTTP."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    rows = []
    for name, query in RDFLIB_QUERIES.items():
        query = query.replace("{community}", community)
        latencies = []
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at or not latencies:
            started = time.perf_counter()
            list(graph.query(query))
            latencies.append(time.perf_counter() - started)
        rows.append((name, len(latencies) / sum(latencies), _p95(latencies) * 1000))
    return rows


def print_table(rows: list[tuple[str, dict]], ceiling: dict) -> None:
    header = (f"| {'target':<36} | req/s | p50 ms | p95 ms | errors | KB/answer | server CPU ms/req "
              f"| p95 / ceiling | CPU / ceiling |")
    print("\n" + header)
    print("|" + "|".join("-" * len(part) for part in header.split("|")[1:-1]) + "|")
    for name, row in [("framework ceiling (Flask + waitress)", ceiling), *rows]:
        print(f"| {name:<36} | {row['rps']:5.0f} | {row['p50']:6.1f} | {row['p95']:6.1f} | {row['errors']:6d} | "
              f"{row['kb']:9.1f} | {row['cpu']:17.2f} | {row['p95'] / ceiling['p95']:12.1f}x "
              f"| {row['cpu'] / ceiling['cpu']:12.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10, help="seconds per target")
    parser.add_argument("--rdflib", action="store_true", help="also time a few SPARQL queries on rdflib")
    parser.add_argument("--serve-ceiling", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ceiling:
        return serve_ceiling(args.serve_ceiling, max(8, args.clients))

    folder, base, triples = load_node(args.communities, args.clients)
    ceiling = measure_ceiling(args.clients, args.seconds)
    rows = measure_node(folder, base, args.clients, args.seconds)
    print_table(rows, ceiling)
    print(f"\nclients: {args.clients}, {args.seconds:g} s per target; node = waitress + Oxigraph server + "
          f"SPARQL worker pool; ceiling = bare Flask + waitress, same threads, a {len(CEILING_PAGE) // 1000} KB page.")
    if args.rdflib:
        print("\n| rdflib in-memory Graph, one thread, no HTTP | q/s | p95 ms |\n|---|---|---|")
        for name, rate, p95 in rdflib_rows(triples, base + "praktijken/gen-00042", args.seconds / 2):
            print(f"| {name} | {rate:.1f} | {p95:.1f} |")


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=60)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"node at {url} did not start")


if __name__ == "__main__":
    main()
