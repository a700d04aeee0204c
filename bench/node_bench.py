"""Node benchmark: requests/s and p95 latency at N concurrent clients, beside rdflib.

Generates communities, loads them into a node's store, serves the node with
`bamboe serve` (waitress + private Oxigraph server + SPARQL worker pool) on
127.0.0.1, and drives it with concurrent clients for a bounded time per target.
The same SPARQL queries then run on an rdflib in-memory Graph of the same data in
this process, as the baseline. Prints one table; compare ratios within one run.
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

import pyoxigraph as ox
import rdflib
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
QUERIES = {
    "sparql: count by theme": PREFIXES + """SELECT ?theme (COUNT(?c) AS ?n) WHERE {
        ?c a lp:LearningCommunity ; dct:subject ?theme } GROUP BY ?theme ORDER BY DESC(?n)""",
    "sparql: with ervaringsdeskundigen": PREFIXES + """SELECT ?c ?name WHERE {
        ?c a lp:LearningCommunity ; schema:name ?name ; lp:participation/lp:perspective
        <https://w3id.org/lerende-praktijken/id/perspectief/ervaringsdeskundige> } ORDER BY ?name LIMIT 100""",
    "sparql: meetings of one community": PREFIXES + """SELECT ?m ?date WHERE {
        <{community}> lp:hasMeeting ?m . ?m schema:startDate ?date } ORDER BY ?date""",
}


def drive(url: str, clients: int, seconds: float, headers: dict) -> tuple[float, float, int]:
    """Hit one URL from `clients` threads for `seconds`; return (req/s, p95 ms, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client():
        session = requests.Session()
        mine, failed = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=30)
            mine.append(time.perf_counter() - started)
            failed += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return len(latencies) / elapsed, _p95(latencies) * 1000, errors[0]


def rdflib_baseline(graph: rdflib.Graph, query: str, seconds: float) -> tuple[float, float]:
    """Run one query repeatedly on rdflib in this process; return (queries/s, p95 ms)."""
    latencies = []
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at or not latencies:
        started = time.perf_counter()
        list(graph.query(query))
        latencies.append(time.perf_counter() - started)
    return len(latencies) / sum(latencies), _p95(latencies) * 1000


def rdflib_turtle(graph: rdflib.Graph, iri: str, seconds: float) -> tuple[float, float]:
    """Describe one community (its triples and blank nodes) and serialise it, like the node does."""
    latencies = []
    stop_at = time.monotonic() + seconds
    subject = rdflib.URIRef(iri)
    while time.monotonic() < stop_at or not latencies:
        started = time.perf_counter()
        described = rdflib.Graph()
        for s, p, o in graph.triples((subject, None, None)):
            described.add((s, p, o))
            if isinstance(o, rdflib.BNode):
                for triple in graph.triples((o, None, None)):
                    described.add(triple)
        described.serialize(format="turtle")
        latencies.append(time.perf_counter() - started)
    return len(latencies) / sum(latencies), _p95(latencies) * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bamboe-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    triples = generate_triples(base, args.communities, seed=42)
    started = time.monotonic()
    write_config(folder, dict(name="Bench", base_url=base, sparql_per_client=args.clients * 2,
                              sparql_timeout_s=30))
    store = EmbeddedStore(folder / "store")
    store.replace_graph(data_graph(base), triples)
    store.close()
    load_seconds = time.monotonic() - started
    print(f"{args.communities} communities, {len(triples)} triples; loaded into the on-disk store in "
          f"{load_seconds:.1f} s", flush=True)

    node = subprocess.Popen([sys.executable, "-m", "registry.cli", "serve", "--data", str(folder),
                             "--port", str(port), "--threads", str(max(8, args.clients))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        _wait_for(base)
        community = base + "praktijken/gen-00042"
        requests.get(base + "sparql", params={"query": "ASK {}"})  # start the query workers
        targets = [
            ("community page (HTML)", community, {"Accept": "text/html"}),
            ("community Turtle", community, {"Accept": "text/turtle"}),
        ] + [(name, base + "sparql?" + requests.compat.urlencode({"query": q.replace("{community}", community)}),
              {"Accept": "application/sparql-results+json"}) for name, q in QUERIES.items()]
        for name, url, headers in targets:
            requests.get(url, headers=headers)  # warm caches once
            rows.append([name, *drive(url, args.clients, args.seconds, headers)])
    finally:
        node.terminate()
        node.wait(30)

    graph = rdflib.Graph()
    started = time.monotonic()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    rdflib_load = time.monotonic() - started
    baseline = {"community Turtle": rdflib_turtle(graph, community, args.seconds / 2)}
    for name, query in QUERIES.items():
        baseline[name] = rdflib_baseline(graph, query.replace("{community}", community), args.seconds / 2)

    print(f"\nrdflib in-memory Graph: parsed the same data in {rdflib_load:.1f} s (single thread, no HTTP)\n")
    header = f"| {'target':<36} | node req/s | node p95 ms | errors | rdflib q/s | rdflib p95 ms | node/rdflib req/s |"
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for name, rps, p95, errors in rows:
        base_rps, base_p95 = baseline.get(name, (None, None))
        ratio = f"{rps / base_rps:.1f}x" if base_rps else "n/a"
        print(f"| {name:<36} | {rps:10.0f} | {p95:11.1f} | {errors:6d} | "
              f"{base_rps or 0:10.1f} | {base_p95 or 0:13.1f} | {ratio:>17} |")
    print(f"\nclients: {args.clients}, {args.seconds:g} s per target; node = waitress + Oxigraph server "
          f"+ {2} SPARQL workers; rdflib = same query, one thread, in process.")


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
