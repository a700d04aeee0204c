"""Views benchmark: the hub's views across levels and the example queries, beside rdflib.

Generates a federation of N nodes with M communities each (as harvested: one named
graph per node plus the harvest-log graph with each copy's provenance) and, in one run:

- load: the same triples into pyoxigraph (an in-memory `EmbeddedStore`, one
  `replace_graph` per node, as the harvester stores a copy) and into an rdflib
  `Dataset(default_union=True)` (N-Triples of each graph parsed into its own graph).
  Both sides start from the same pyoxigraph triples and serialise them to N-Triples.
- federation index: the facts query, the 7 reflection-signal queries and the Python
  that merges, places and indexes communities (`views.federation.build`), on each
  store; rdflib runs through a small adapter with the store's `select` interface.
- views in process: national, regional, municipal, wijk and community view assembled
  from the built Federation (the same Python whichever store fed it, so reported once).
- views end to end: the real hub app (`registry.create_app`, store passed in) served by
  waitress on 127.0.0.1 and fetched with requests, as HTML and JSON. "first" is the
  first request after a store change (as after a harvest): label, signal and facts
  queries, index build, view and rendering. "warm" is the median of 5 requests after it.
- the 14 example queries for researchers (`registry/queries/examples`), on both stores,
  with row counts (rows should match; queries using NOW() may differ by a row when the
  date turns during the run). pyoxigraph: one run, or the median of 3 more when that
  took under a second; rdflib: one run.

Everything on pyoxigraph runs first, then rdflib loads: millions of rdflib objects in
the process make every cyclic garbage collection slower, which would charge pyoxigraph's
Python side (row dicts, the index build, the views) for rdflib's memory.

rdflib gets a time budget (`--rdflib-budget-s`): once its queries have used it, the rest
of its queries are reported as skipped rather than run. This machine is shared and
noisy: absolute times move between runs, ratios within one run much less, so read the
ratio column.
"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import tempfile
import threading
import time
import warnings
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import rdflib
import requests
from waitress import create_server

from harvesters.instances import Instance
from harvesters.log import HarvestRun, graph_iri, log_graph, record_update
from registry import create_app
from registry.examples import examples
from registry.generate import GEMEENTEN, generate_triples
from registry.labels import Labels
from registry.store import EmbeddedStore
from registry.store.server import free_port
from registry.views import build
from registry.views.federation import Federation, Member
from registry.views.index import FederationIndex

HUB = "http://hub.bench/"
WARM_REPEATS = 5


class Skipped(Exception):
    """rdflib's time budget is used up; the step is reported as skipped, not run."""


class Budget:
    """Seconds rdflib may spend on queries in all; checked before each query starts."""

    def __init__(self, seconds: float):
        self.left = seconds

    def spend(self, seconds: float) -> None:
        self.left -= seconds

    def check(self) -> None:
        if self.left <= 0:
            raise Skipped


class RdflibStore:
    """The store's `select` over an rdflib Dataset: rows of objects with a lexical `.value`."""

    def __init__(self, dataset: rdflib.Dataset, budget: Budget):
        self.dataset, self.budget = dataset, budget

    def select(self, text: str) -> list[dict]:
        self.budget.check()
        started = time.perf_counter()
        try:
            result = self.dataset.query(text)
            return [{str(name): SimpleNamespace(value=str(term)) for name, term in row.items() if term is not None}
                    for row in result.bindings]
        finally:
            self.budget.spend(time.perf_counter() - started)


# --- the federation ---------------------------------------------------------------------

def members(nodes: int) -> list[Member]:
    codes = list(GEMEENTEN)
    return [Member(f"n{i:03d}", f"Node {i:03d}", "regionaal", (codes[i % len(codes)],), graph_iri(HUB, f"n{i:03d}"))
            for i in range(nodes)]


def node_url(member: Member) -> str:
    return f"http://{member.id}.bench/"


def generate(federation: list[Member], communities: int) -> dict[str, list[ox.Triple]]:
    """Each node's triples by graph, then the harvest log recording each copy."""
    graphs = {m.graph: generate_triples(node_url(m), communities, seed=number) for number, m in enumerate(federation)}
    graphs[log_graph(HUB)] = harvest_log(federation, graphs)
    return graphs


def harvest_log(federation: list[Member], graphs: dict[str, list[ox.Triple]]) -> list[ox.Triple]:
    """The log the hub's harvester writes (PROV-O), made by its own `record_update`."""
    scratch = EmbeddedStore()
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for member in federation:
        run = HarvestRun(node=member.id, started=ended - dt.timedelta(seconds=2), outcome="stored", ended=ended,
                         used=node_url(member) + "dump.nq", http_status=200,
                         triples=len(graphs[member.graph]), added=len(graphs[member.graph]))
        scratch.update(record_update(scratch, HUB, instance(member), run, stored=True))
    return scratch.graph_triples(log_graph(HUB))


def instance(member: Member) -> Instance:
    return Instance(member.id, member.name, node_url(member), member.level, member.area)


def write_instances(path: Path, federation: list[Member]) -> None:
    path.write_text("nodes:\n" + "".join(
        f"  - {{id: {m.id}, name: '{m.name}', url: '{node_url(m)}', level: {m.level}, area: [{m.area[0]}]}}\n"
        for m in federation))


# --- load -------------------------------------------------------------------------------

def load_oxigraph(graphs: dict[str, list[ox.Triple]]) -> tuple[EmbeddedStore, float]:
    store = EmbeddedStore()
    started = time.perf_counter()
    for graph, triples in graphs.items():
        store.replace_graph(graph, triples)
    return store, time.perf_counter() - started


def load_rdflib(graphs: dict[str, list[ox.Triple]]) -> tuple[rdflib.Dataset, float]:
    dataset = rdflib.Dataset(default_union=True)
    started = time.perf_counter()
    for graph, triples in graphs.items():
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        dataset.graph(rdflib.URIRef(graph)).parse(data=data, format="nt")
    return dataset, time.perf_counter() - started


# --- federation index and views ---------------------------------------------------------

def build_index(store, federation: list[Member]) -> tuple[Federation, float, FederationIndex]:
    """The whole index, as a hub builds it at start: every member graph read once."""
    index = FederationIndex(store, federation)
    started = time.perf_counter()
    built = index.refresh()
    return built, time.perf_counter() - started, index


def rewrite_one(store: EmbeddedStore, graphs: dict, member: Member, keep: int) -> None:
    """A harvest of one member that changed its copy: its graph and a new run in the log, in one write."""
    triples = graphs[member.graph]
    dropped = {t.subject for t in triples if t.subject.value.endswith(f"gen-{keep:05d}")}
    kept = [t for t in triples if t.subject not in dropped and t.object not in dropped]
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run = HarvestRun(node=member.id, started=ended, outcome="stored", ended=ended, used=node_url(member) + "dump.nq",
                     http_status=200, triples=len(kept), removed=1)
    store.replace_graph(member.graph, kept, also=record_update(store, HUB, instance(member), run, stored=True))


def groupby_baseline(store: EmbeddedStore) -> float:
    """One SPARQL GROUP BY over every community (communities per theme): the store's own speed."""
    query = ("SELECT ?theme (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <https://w3id.org/lerende-praktijken/def#"
             "LearningCommunity> ; <http://purl.org/dc/terms/subject> ?theme } GROUP BY ?theme")
    return statistics.median(timed(lambda: store.select(query))[0] for _ in range(3))


def pick_targets(fed: Federation) -> dict[str, tuple]:
    """A gemeente, region, wijk and community with data, so no view is empty.

    The busiest gemeente some region takes in; the first region whose area holds it; the
    busiest wijk in it; a community in that wijk (its page links up to wider levels).
    """
    covered = {code for m in fed.regions for code in m.area}
    gemeente = _busiest(code for c in fed.communities for code in c.gemeenten if code in covered)
    region = next(m.id for m in fed.regions if gemeente in m.area)
    wijk = _busiest(w for c in fed.communities for w in c.wijken if w.startswith("WK" + gemeente[2:]))
    community = next(c for c in fed.communities if wijk in c.wijken)
    return {
        "national": (lambda ctx: build.national(ctx, {}), build.view_url("landelijk")),
        f"regional {region}": (lambda ctx: build.regional(ctx, region, {}), build.view_url("regio", region)),
        f"municipal {gemeente}": (lambda ctx: build.municipal(ctx, gemeente, {}), build.view_url("gemeente", gemeente)),
        f"wijk {wijk}": (lambda ctx: build.neighbourhood(ctx, wijk, {}), build.view_url("wijk", wijk)),
        "community page": (lambda ctx: build.community(ctx, community.iri), build.view_url("praktijk", community.iri)),
    }


def _busiest(codes) -> str:
    return Counter(codes).most_common(1)[0][0]


def time_views(fed: Federation, store: EmbeddedStore, targets: dict) -> list[tuple]:
    """Each view assembled in process: first call and median of the next ones."""
    labels = Labels(store)
    ctx = build.Context(fed, lambda iri: labels.label(iri, "nl"))
    rows = []
    started = time.perf_counter()
    build.directory(ctx)
    rows.append(("view in process: directory (hub home)", time.perf_counter() - started, "", ""))
    for name, (make, _) in targets.items():
        first, view = timed(lambda: make(ctx))
        warm = statistics.median(timed(lambda: make(ctx))[0] for _ in range(WARM_REPEATS))
        rows.append((f"view in process: {name}", warm, "", f"{view['count']:,} communities; first call {first:.3f} s"))
    return rows


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


# --- end to end over HTTP ---------------------------------------------------------------

def serve_hub(store: EmbeddedStore, folder: Path, federation: list[Member]):
    """The real hub app over our store, served by waitress on 127.0.0.1 in a thread."""
    instances = folder / "instances.yaml"
    write_instances(instances, federation)
    app = create_app({"data_dir": folder, "store_instance": store, "name": "Bench hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False})
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4, ident="bamboe")
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{port}", server, app


def time_http(store: EmbeddedStore, base: str, targets: dict, graphs: dict, federation: list[Member],
              index: FederationIndex) -> list[tuple]:
    """Per view and format: the first request after a harvest changed one member, the wait
    until the refreshed index is served, and the warm median."""
    rows = []
    with requests.Session() as session:
        for number, (name, (_, path)) in enumerate(targets.items()):
            for fmt in ("html", "json"):
                url = build.with_params(base + path, format=fmt)
                session.get(url, timeout=1800).raise_for_status()
                refreshes = index.refreshes
                rewrite_one(store, graphs, federation[number % len(federation)], keep=len(rows))
                first, response = timed(lambda: session.get(url, timeout=1800))
                response.raise_for_status()
                started = time.perf_counter()
                while index.refreshes == refreshes and time.perf_counter() - started < 600:
                    session.get(url, timeout=1800)
                    time.sleep(0.05)
                refreshed = time.perf_counter() - started + first
                session.get(url, timeout=1800)
                warm = statistics.median(timed(lambda: session.get(url, timeout=600))[0] for _ in range(WARM_REPEATS))
                rows.append((f"HTTP {fmt.upper()}: {name}, first request after a harvest", first, "",
                             f"{size(response.content)}; previous index served"))
                rows.append((f"HTTP {fmt.upper()}: {name}, refreshed index served after", refreshed, "",
                             f"read: {', '.join(g.rsplit('/', 1)[-1] for g in index.last_reads)}"))
                rows.append((f"HTTP {fmt.upper()}: {name}, warm median", warm, "", ""))
        whole, response = timed(lambda: session.get(base + "/overzicht?format=json&pagina=alle", timeout=1800))
        rows.append(("HTTP JSON: national, whole download (pagina=alle)", whole, "", size(response.content)))
    return rows


def size(body: bytes) -> str:
    return f"{len(body) / 1e6:.2f} MB" if len(body) >= 1e5 else f"{len(body) / 1e3:.0f} kB"


# --- example queries --------------------------------------------------------------------

def run_examples(store, repeat_fast: bool) -> dict[str, tuple]:
    """slug -> (seconds, rows), or (None, None) once rdflib's budget is used up.

    With `repeat_fast`, a query that took under a second is run 3 more times and the
    median kept, so one noisy run does not decide the ratio.
    """
    results = {}
    for example in examples():
        try:
            seconds, found = timed(lambda: store.select(example.text))
        except Skipped:
            results[example.slug] = (None, None)
            continue
        if repeat_fast and seconds < 1:
            seconds = statistics.median(timed(lambda: store.select(example.text))[0] for _ in range(3))
        results[example.slug] = (seconds, found)
    return results


def example_rows(ours: dict, theirs: dict) -> list[tuple]:
    rows = []
    for slug, (seconds, found) in ours.items():
        their_seconds, their_rows = theirs[slug]
        notes = f"{len(found):,} rows"
        if their_rows is not None and len(their_rows) != len(found):
            notes += f" MISMATCH: rdflib {len(their_rows):,} rows"
            if not found and not any(their_rows):
                notes += " with no bindings (rdflib gives GROUP BY over no solutions one empty group)"
        rows.append((f"query {slug}", seconds, their_seconds, notes))
    return rows


# --- output -----------------------------------------------------------------------------

def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cell(seconds) -> str:
    if seconds is None:
        return "skipped"
    if seconds == "":
        return ""
    return f"{seconds:.3f}"


def print_table(rows: list[tuple]) -> None:
    print("| step | pyoxigraph s | rdflib s | rdflib ÷ pyoxigraph | notes |")
    print("|---|---:|---:|---:|---|")
    for name, ours, theirs, notes in rows:
        ratio = ""
        if isinstance(theirs, float) and ours:
            ratio = f"{theirs / ours:.1f}x" if theirs >= ours else f"{theirs / ours:.2f}x"
        print(f"| {name} | {cell(ours)} | {cell(theirs)} | {ratio} | {notes} |")


def bamboe_side(graphs: dict, federation: list[Member], with_examples: bool) -> dict:
    """Everything on pyoxigraph, before rdflib holds its data in this process."""
    store, load = load_oxigraph(graphs)
    before_index = current_rss_mb()
    fed, index_s, index = build_index(store, federation)
    index_mb = current_rss_mb() - before_index
    print(f"pyoxigraph: loaded in {load:.1f} s, federation index in {index_s:.1f} s (+{index_mb:.0f} MB)", flush=True)
    baseline = groupby_baseline(store)
    rewrite_one(store, graphs, federation[0], keep=0)
    update_s = timed(index.refresh)[0]
    one_graph = index.last_reads
    queries = run_examples(store, repeat_fast=True) if with_examples else {}
    targets = pick_targets(fed)
    views = [("baseline: one SPARQL GROUP BY over every community", baseline, "", "communities per theme"),
             ("index update after one member's harvest", update_s, "", f"read {len(one_graph)} graph(s)")]
    views += time_views(fed, store, targets)
    with tempfile.TemporaryDirectory(prefix="bamboe-views-bench-") as folder:
        base, server, app = serve_hub(store, Path(folder), federation)
        hub_index = app.extensions["bamboe"].federation
        hub_index.refresh()  # as `bamboe serve` does at start
        try:
            views += time_http(store, base, targets, graphs, federation, hub_index)
        finally:
            server.task_dispatcher.shutdown()
            server.close()
    print("pyoxigraph: queries and views done", flush=True)
    return dict(load=load, index=index_s, index_mb=index_mb, fed=fed, queries=queries, views=views, rss=rss_mb())


def rdflib_side(graphs: dict, budget: Budget) -> dict:
    dataset, load = load_rdflib(graphs)
    rss = rss_mb()
    other = RdflibStore(dataset, budget)
    print(f"rdflib: loaded in {load:.1f} s", flush=True)
    return dict(load=load, queries=run_examples(other, repeat_fast=False), rss=rss)


def current_rss_mb() -> float:
    """Resident memory now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--communities", type=int, default=100, help="communities per node")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib and the example queries (at 100k)")
    parser.add_argument("--rdflib-budget-s", type=float, default=1800,
                        help="seconds rdflib's queries may take in all before the rest are skipped")
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    run_started = time.perf_counter()

    federation = members(args.nodes)
    graphs = generate(federation, args.communities)
    triples = sum(len(t) for t in graphs.values())
    print(f"federation: {args.nodes} nodes x {args.communities} communities, {triples:,} triples "
          f"in {len(graphs)} graphs (peak RSS after generating: {rss_mb():.0f} MB)", flush=True)

    with_rdflib = not args.no_rdflib
    ours = bamboe_side(graphs, federation, with_examples=with_rdflib)
    budget = Budget(args.rdflib_budget_s)
    theirs = rdflib_side(graphs, budget) if with_rdflib else None
    rows = [
        ("load (N-Triples of each graph into its named graph)", ours["load"], theirs["load"] if theirs else "",
         f"{triples:,} triples; peak RSS {ours['rss']:.0f} MB after the pyoxigraph part"
         + (f", {theirs['rss']:.0f} MB after loading rdflib too" if theirs else "")),
        ("federation index, whole (at start): every graph read, facts + 7 signals + assemble", ours["index"], "",
         f"{len(ours['fed'].communities):,} communities; the index holds {ours['index_mb']:.0f} MB"),
        *(example_rows(ours["queries"], theirs["queries"]) if theirs else []),
        *ours["views"],
    ]
    print()
    print_table(rows)
    print(f"\nviews in process and over HTTP: pyoxigraph only; HTTP = waitress on 127.0.0.1, one client. "
          + (f"rdflib budget left: {max(budget.left, 0):.0f} of {args.rdflib_budget_s:.0f} s." if theirs else ""))
    print(f"peak RSS of this process: {rss_mb():.0f} MB (generated triples, store and hub app in one process); "
          f"whole run {time.perf_counter() - run_started:.0f} s")


if __name__ == "__main__":
    main()
