"""Harvest benchmark: a generated federation on loopback, Bamboe's harvester beside a naive one.

A separate process serves N generated nodes (M communities each) on 127.0.0.1, each
with a root description and an N-Quads dump answering conditional requests, as a
Bamboe node does. Then, in one run:

- Bamboe: `Hub.harvest_many` into a private Oxigraph server (a hub's default store):
  discover, conditional GET, parse, scope, validate changed records (core
  shapes compiled to SPARQL), replace each node's graph and record provenance;
  `harvest_parallel` at a time.
- naive: sequential `requests.get` of every dump, parsed by rdflib into one Graph.
- parse only: sequential GETs, each dump parsed by pyoxigraph and dropped: the floor.

Bamboe is timed for a full harvest into a fresh hub and for a re-harvest when nothing
changed. Every task runs `--rounds` times (default 3); the table shows medians and
ratios within the run. Also: `--nodes 1000 --communities 10`.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import resource
import statistics
import tempfile
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import rdflib
import requests

from harvesters.hub import Hub
from registry.config import load_settings
from registry.generate import generate_triples
from registry.store import RemoteStore
from registry.store.server import OxigraphServer, free_port

HUB = "http://hub.bench/"


def serve_federation(port: int, nodes: int, communities: int, ready) -> None:
    """Serve every generated node under http://127.0.0.1:port/nNNN/ until killed."""
    base = f"http://127.0.0.1:{port}/"
    dumps, tags = {}, {}
    for number in range(nodes):
        node = f"{base}n{number:03d}/"
        scratch = ox.Store()  # as a Bamboe node's dump is: written by Oxigraph
        graph = ox.NamedNode(node + "graph")
        scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                            for t in generate_triples(node, communities, seed=number))
        dumps[f"/n{number:03d}/"] = ox.serialize(scratch, format=ox.RdfFormat.N_QUADS)
        tags[f"/n{number:03d}/"] = '"' + hashlib.sha256(dumps[f"/n{number:03d}/"]).hexdigest()[:16] + '"'

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            prefix = "/" + self.path.strip("/").split("/")[0] + "/"
            if prefix not in dumps:
                return self._send(404, b"", "text/plain")
            if self.path == prefix:
                node = base + prefix.lstrip("/")
                body = f"<{node}#dataset> <http://rdfs.org/ns/void#dataDump> <{node}dump.nq> .\n".encode()
                return self._send(200, body, "text/turtle")
            if self.headers.get("If-None-Match") == tags[prefix]:
                return self._send(304, b"", "application/n-quads", tags[prefix])
            return self._send(200, dumps[prefix], "application/n-quads", tags[prefix])

        def _send(self, status, body, media_type, etag=None):
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.put(sum(len(d) for d in dumps.values()))
    server.serve_forever()


def naive_harvest(urls: list[str]) -> int:
    """Sequential GETs, rdflib parse into one Graph: what a first script would do."""
    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for url in urls:
            response = requests.get(url + "dump.nq", timeout=60)
            dataset = rdflib.Dataset()
            dataset.parse(data=response.content, format="nquads")
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
    return len(graph)


def parse_only(urls: list[str]) -> int:
    """Sequential GETs, pyoxigraph parse of each dump: the floor any harvester stands on."""
    triples = 0
    with requests.Session() as session:
        for url in urls:
            body = session.get(url + "dump.nq", timeout=60).content
            triples += sum(1 for _ in ox.parse(body, format=ox.RdfFormat.N_QUADS))
    return triples


def bamboe_harvest(hub: Hub) -> tuple[int, dict]:
    runs = hub.harvest_many([i.id for i in hub.instances])
    outcomes: dict[str, int] = {}
    for run in runs.values():
        outcomes[run.outcome] = outcomes.get(run.outcome, 0) + 1
    return sum(run.triples or 0 for run in runs.values()), outcomes


def bamboe_round(urls: list[str], parallel: int) -> list[tuple[str, float, int, dict]]:
    """A fresh hub (its own Oxigraph server) harvests everything, then again with nothing changed."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        instances = folder / "instances.yaml"
        instances.write_text("nodes:\n" + "".join(
            f"  - {{id: n{n:04d}, name: Node {n}, url: '{url}', level: lokaal, area: [GM0344]}}\n"
            for n, url in enumerate(urls)))
        oxigraph = OxigraphServer(folder / "store").start()
        store = RemoteStore.for_oxigraph(oxigraph.url)
        settings = load_settings(None, {"base_url": HUB, "instances": str(instances), "harvest_parallel": parallel})
        hub = Hub(settings, folder, store)
        try:
            for name in ("Bamboe: full harvest (validate, scope, store, record)", "Bamboe: re-harvest, nothing changed"):
                started = time.perf_counter()
                triples, outcomes = bamboe_harvest(hub)
                rows.append((name, time.perf_counter() - started, triples, outcomes))
        finally:
            store.close()
            oxigraph.stop()
    return rows


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="medians of this many rounds")
    args = parser.parse_args()

    port = free_port()
    ready = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_federation, args=(port, args.nodes, args.communities, ready), daemon=True)
    server.start()
    served_bytes = ready.get(timeout=1800)
    urls = [f"http://127.0.0.1:{port}/n{number:03d}/" for number in range(args.nodes)]
    print(f"federation: {args.nodes} nodes x {args.communities} communities, {served_bytes / 1e6:.1f} MB of N-Quads; "
          f"{args.rounds} rounds", flush=True)

    samples: dict[str, list[float]] = {}
    facts: dict[str, tuple[int, str]] = {}
    for number in range(args.rounds):
        for name, seconds, triples, outcomes in bamboe_round(urls, args.parallel):
            samples.setdefault(name, []).append(seconds)
            facts[name] = (triples, ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
        seconds, triples = timed(lambda: naive_harvest(urls))
        samples.setdefault("naive: sequential GET + rdflib parse, no validation", []).append(seconds)
        facts["naive: sequential GET + rdflib parse, no validation"] = (triples, "one merged Graph")
        seconds, triples = timed(lambda: parse_only(urls))
        samples.setdefault("parse only: sequential GET + pyoxigraph parse", []).append(seconds)
        facts["parse only: sequential GET + pyoxigraph parse"] = (triples, "nothing kept")
        print(f"round {number + 1}: " + ", ".join(f"{k.split(':')[0]} {v[-1]:.1f} s" for k, v in samples.items()),
              flush=True)
    server.kill()

    median = {name: statistics.median(found) for name, found in samples.items()}
    naive = median["naive: sequential GET + rdflib parse, no validation"]
    floor = median["parse only: sequential GET + pyoxigraph parse"]
    print()
    print("| task | median s | triples | outcome | naive ÷ this | this ÷ parse-only |")
    print("|---|---:|---:|---|---:|---:|")
    for name, seconds in median.items():
        triples, outcome = facts[name]
        print(f"| {name} | {seconds:.2f} | {triples:,} | {outcome} | {naive / seconds:.2f}x | {seconds / floor:.2f}x |")
    again = median["Bamboe: re-harvest, nothing changed"]
    print(f"\nre-harvest with nothing changed: {1000 * again / args.nodes:.1f} ms of hub time per node. "
          f"Goals: full harvest >= 4x faster than naive and <= 4x parse-only; re-harvest <= 10 ms per node. "
          f"Peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(the hub's store is a separate Oxigraph process).")


if __name__ == "__main__":
    main()
