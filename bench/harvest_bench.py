"""Harvest benchmark: a generated federation on loopback, Bamboe's harvester beside a naive one.

A separate process serves N generated nodes (M communities each) on 127.0.0.1, each
with a root description and an N-Quads dump answering conditional requests, as a
Bamboe node does. Then, in one run:

- Bamboe: `Hub.harvest_many` into a private Oxigraph server (a hub's default store):
  discover, conditional GET, parse, scope, validate changed records (pySHACL core
  shapes), replace each node's graph and record provenance; `harvest_parallel` at a time.
- naive: sequential `requests.get` of every dump, parsed by rdflib into one Graph.

Each is timed for a full harvest and for a re-harvest when nothing changed.
Prints one table; compare ratios within one run.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import resource
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


def bamboe_harvest(hub: Hub) -> tuple[int, dict]:
    runs = hub.harvest_many([i.id for i in hub.instances])
    outcomes: dict[str, int] = {}
    for run in runs.values():
        outcomes[run.outcome] = outcomes.get(run.outcome, 0) + 1
    return sum(run.triples or 0 for run in runs.values()), outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args()

    port = free_port()
    ready = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_federation, args=(port, args.nodes, args.communities, ready), daemon=True)
    server.start()
    served_bytes = ready.get(timeout=1800)
    urls = [f"http://127.0.0.1:{port}/n{number:03d}/" for number in range(args.nodes)]
    print(f"federation: {args.nodes} nodes x {args.communities} communities, {served_bytes / 1e6:.1f} MB of N-Quads")

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        instances = folder / "instances.yaml"
        instances.write_text("nodes:\n" + "".join(
            f"  - {{id: n{n:03d}, name: Node {n}, url: '{url}', level: lokaal, area: [GM0344]}}\n"
            for n, url in enumerate(urls)))
        oxigraph = OxigraphServer(folder / "store").start()
        store = RemoteStore.for_oxigraph(oxigraph.url)
        settings = load_settings(None, {"base_url": HUB, "instances": str(instances),
                                        "harvest_parallel": args.parallel})
        hub = Hub(settings, folder, store)
        rows = []
        try:
            started = time.perf_counter()
            triples, outcomes = bamboe_harvest(hub)
            full = time.perf_counter() - started
            rows.append(("Bamboe: full harvest", full, triples, outcomes))
            started = time.perf_counter()
            _, outcomes = bamboe_harvest(hub)
            again = time.perf_counter() - started
            rows.append(("Bamboe: re-harvest, nothing changed", again, triples, outcomes))
        finally:
            store.close()
            oxigraph.stop()
    bamboe_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    started = time.perf_counter()
    naive_triples = naive_harvest(urls)
    naive_full = time.perf_counter() - started
    started = time.perf_counter()
    naive_harvest(urls)
    naive_again = time.perf_counter() - started
    server.kill()

    print()
    print("| task | seconds | triples | outcome | vs naive |")
    print("|---|---:|---:|---|---:|")
    for (name, seconds, count, outcomes), baseline in zip(rows, (naive_full, naive_again)):
        summary = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        print(f"| {name} | {seconds:.1f} | {count:,} | {summary} | {baseline / seconds:.2f}x |")
    print(f"| naive: sequential GET + rdflib, full | {naive_full:.1f} | {naive_triples:,} | one merged Graph | 1.00x |")
    print(f"| naive: same again (no conditional GET) | {naive_again:.1f} | {naive_triples:,} | one merged Graph | 1.00x |")
    print(f"\npeak RSS of this process after Bamboe's harvests: {bamboe_rss:.0f} MB "
          f"(the hub's store is a separate Oxigraph process)")


if __name__ == "__main__":
    main()
