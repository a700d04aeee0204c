"""History benchmark (issue 15): the version log on main, as of a date beside the current data.

A federation of `--members` FakeNodes (`tests/fakenode.py`) serves generated data
(`registry.generate`) and is harvested by the production pipeline
(`harvesters.pipeline.harvest_node`) into an in-memory `EmbeddedStore` hub, once a month
for `--versions` months, with `registry.clock.now` moved to each month. Between two
harvests every community changes, as in `bench/history_models.py`: one participation
count moves; half of them get a new meeting, 5% end (status `beeindigd` and an
`endDate`) and 1% are removed with their meetings and reports. The hub records the
versions in the harvest's own transaction (`versions.harvest_versions` in `_apply`).
With `--direct` (for the full size: a harvest of 1,000 communities takes some 5 s),
members 1.. are written as `_apply` stores them (`harvest_versions` and `replace_graph`
in one transaction) without fetching, parsing and validating; member 0 is always
harvested. Python keeps what the nodes served, as the truth the as-of answers are checked
against: the count per gemeente of every month and, of the middle month, the N-Triples
(compactly, and the served triples are dropped before measuring: millions of live Python
objects make every garbage collection slower, which would charge `state_as_of` for them).

Measured in one run (median of 3 unless said otherwise):

- storage: N-Quads bytes of the private log graph `urn:bamboe:ldes` after the first
  harvest and at the end, per 1,000 record changes after the first harvest, and on-disk
  bytes of the whole store with and without the log (RocksDB, `optimize`; only with
  `--disk`: it loads the whole store twice);
- per-harvest write latency of member 0: the `_apply` store step with version recording,
  the `harvest_versions` part of it, and the same harvests into a twin hub that records
  no versions;
- as of the oldest, middle and newest harvest day: `states.state_as_of` (split into the one
  read of the versions valid then, `state_texts`, and the bulk load per graph), the
  national view as `Node.federation_as_of` makes it (`state_texts`, `federation_of`,
  `build.national`) and the shipped example query "praktijken per gemeente" over the
  state; beside the same view and query on the live store. The current and the middle
  day's view are run in turn, so the shared machine's noise falls on both; the oldest
  and newest views once.
- before, in the same run: the state and view as main made them at 4ea3f1e, without
  `#until` (every version up to the moment read, the newest per record picked in
  Python, contents parsed into Python quads, a `FederationIndex` over the state store).

Checks: the as-of count per gemeente equals the truth for that day; the as-of national
view equals the view of a store holding the truth of the middle day, and, at the newest
day, the current view.

Checks also that the state and view before equal those of main now. The history of the
measured approaches (a quadratic GROUP BY at 914f178, newest picked in Python at 65fadf4,
`#until` now) is in bench/notes/history.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakenode import FakeNode  # noqa: E402

from harvesters import pipeline  # noqa: E402
from harvesters.instances import Instance  # noqa: E402
from harvesters.log import graph_iri, member_iri  # noqa: E402
from harvesters.parse import as_stored  # noqa: E402
from harvesters.records import split, triples_of  # noqa: E402
from registry import clock  # noqa: E402
from registry.examples import example  # noqa: E402
from registry.generate import GEMEENTEN, ID, date, generate_triples, integer, n  # noqa: E402
from registry.history import states  # noqa: E402
from registry.history.moments import end_of  # noqa: E402
from registry.ldes import LOG_GRAPH, XSD, versions  # noqa: E402
from registry.node import data_graph  # noqa: E402
from registry.store import EmbeddedStore  # noqa: E402
from registry.views import build  # noqa: E402
from registry.views.federation import Member  # noqa: E402
from registry.views.index import FederationIndex, federation_of  # noqa: E402

HUB = "http://hub.bench/"
START = dt.datetime(2025, 1, 6, 10, 0, tzinfo=dt.timezone.utc)
OPTIONS = pipeline.Options()
COMMUNITY_IRI = re.compile(r"/praktijken/gen-\d+$")
PLACE_CODE = re.compile(r"^.*/(gm|wk|bu)([0-9]{4})[0-9]*$", re.IGNORECASE)  # as example 10 reads a place
COUNT_QUERY = example("10-praktijken-per-gemeente")
RDF_TYPE, COUNT_P, STATUS, END = n("rdf:type"), n("lp:count"), n("adms:status"), n("schema:endDate")
SPATIAL, HAS_MEETING, START_DATE = n("dct:spatial"), n("lp:hasMeeting"), n("schema:startDate")
OFFLINE = n("schema:OfflineEventAttendanceMode")


def month(version: int, member: int = 0) -> dt.datetime:
    return START + dt.timedelta(days=30 * version, minutes=member)


# --- the changing federation ------------------------------------------------------------

def change(rng: random.Random, records: dict[str, tuple], day: dt.date) -> None:
    """One month at one node: every community's count moves; half add a meeting, 5% end, 1% go."""
    for iri in sorted(i for i in records if COMMUNITY_IRI.search(i)):
        roll = rng.random()
        if roll < 0.01:
            for gone in [i for i in records if i == iri or i.startswith(iri + "/")]:
                del records[gone]
            continue
        triples = list(records[iri])
        counts = [i for i, t in enumerate(triples) if t.predicate == COUNT_P]
        if counts:
            i = rng.choice(counts)
            triples[i] = ox.Triple(triples[i].subject, COUNT_P,
                                   integer(int(triples[i].object.value) + 1, "xsd:nonNegativeInteger"))
        community = ox.NamedNode(iri)
        if roll < 0.5:
            meeting = ox.NamedNode(f"{iri}/bijeenkomsten/{day.isoformat()}")
            triples.append(ox.Triple(community, HAS_MEETING, meeting))
            records[meeting.value] = (ox.Triple(meeting, RDF_TYPE, n("lp:Meeting")),
                                      ox.Triple(meeting, START_DATE, date(day)),
                                      ox.Triple(meeting, n("schema:eventAttendanceMode"), OFFLINE))
        elif roll < 0.55 and not any(t.predicate == END for t in triples):
            triples = [t for t in triples if t.predicate != STATUS]
            triples += [ox.Triple(community, STATUS, ox.NamedNode(f"{ID}status/beeindigd")),
                        ox.Triple(community, END, date(day))]
        records[iri] = tuple(triples)


def per_gemeente(served: list[dict[str, tuple]]) -> dict[str, int]:
    """Communities per gemeente code in the data served, counted in Python (the truth)."""
    counted: Counter = Counter()
    for records in served:
        for iri, triples in records.items():
            if COMMUNITY_IRI.search(iri):
                counted.update({"GM" + m.group(2) for t in triples if t.predicate == SPATIAL
                                and (m := PLACE_CODE.match(t.object.value))})
    return dict(counted)


# --- harvesting, timed --------------------------------------------------------------------

class Timings:
    """Times of `_apply` and of `harvest_versions` inside it, per call; `recording` off skips the versions."""

    def __init__(self):
        self.apply: list[float] = []
        self.versions: list[float] = []
        self.recording = True
        self._apply, self._versions = pipeline._apply, versions.harvest_versions

    def install(self) -> None:
        def apply(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self._apply(*args, **kwargs)
            finally:
                self.apply.append(time.perf_counter() - started)

        def harvest_versions(*args, **kwargs):
            if not self.recording:
                return ""
            started = time.perf_counter()
            try:
                return self._versions(*args, **kwargs)
            finally:
                self.versions.append(time.perf_counter() - started)

        pipeline._apply, versions.harvest_versions = apply, harvest_versions


def harvest(store: EmbeddedStore, instance: Instance, at: dt.datetime, timings: Timings, recording: bool) -> dict:
    """One production harvest at `at`; what it took and how it ended."""
    clock.now = lambda: at
    timings.recording = recording
    applied, recorded = len(timings.apply), len(timings.versions)
    started = time.perf_counter()
    try:
        run = pipeline.harvest_node(store, HUB, instance, OPTIONS)
    finally:
        timings.recording = True
    return {"total": time.perf_counter() - started, "outcome": run.outcome, "quarantined": run.quarantined,
            "error": run.error, "apply": sum(timings.apply[applied:]), "versions": sum(timings.versions[recorded:])}


def write_directly(store: EmbeddedStore, instance: Instance, triples: list[ox.Triple], at: dt.datetime) -> float:
    """What a stored harvest writes, without fetching, parsing, scoping or validating: the copy and its versions."""
    started = time.perf_counter()
    graph = graph_iri(HUB, instance.id)
    records, _ = split(as_stored(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))
    about = {"run": f"{member_iri(HUB, instance.id)}/{at:%Y%m%dT%H%M%S%fZ}", "source": instance.url + "dump.nq",
             "etag": '"' + hashlib.sha256(f"{instance.id} {at}".encode()).hexdigest()[:16] + '"'}
    with versions.numbering():
        update = versions.harvest_versions(store, graph, records=records, when=at, about=about)
        store.replace_graph(graph, triples_of(records.values()), also=update or None)
    return time.perf_counter() - started


def log_size(store: EmbeddedStore) -> tuple[int, int, int]:
    """(versions, quads, N-Quads bytes) of the private log graph."""
    head = versions.head(store)
    count = int(head["count"].value) if head.get("count") is not None else 0
    quads = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LOG_GRAPH}> {{ ?s ?p ?o }} }}")
    return count, int(quads[0]["n"].value), len(store.dump([LOG_GRAPH]))


def run_history(args, nodes, instances, hub, twin, timings) -> dict:
    """Every month: change the data, serve it, harvest every member (member 0 also into the twin)."""
    rng = random.Random(7)
    records = []
    for number, fake in enumerate(nodes):
        found, _ = split(generate_triples(fake.base_url, args.per_member, seed=number, today=START.date()))
        records.append({iri: record.triples for iri, record in found.items()})
    out = {"counts": {}, "middle": None, "member0": [], "problems": Counter(), "first": None, "harvests": [],
           "direct": []}
    for version in range(args.versions):
        started = time.perf_counter()
        for number, fake in enumerate(nodes):
            if version:
                change(rng, records[number], month(version).date())
            served = [t for triples in records[number].values() for t in triples]
            if number and args.direct:
                out["direct"].append(write_directly(hub, instances[number], served, month(version, number)))
                continue
            fake.serve(served)
            run = harvest(hub, instances[number], month(version, number), timings, True)
            out["harvests"].append(run["total"])
            if run["outcome"] != "stored" or run["quarantined"]:
                out["problems"][f"{run['outcome']} ({run['quarantined']} quarantined) {run['error'] or ''}"] += 1
            if number == 0:
                without = harvest(twin, instances[0], month(version), timings, False)
                out["member0"].append((run, without))
        out["counts"][version] = per_gemeente(records)
        if version == (args.versions - 1) // 2:
            out["middle"] = [ox.serialize([t for triples in member.values() for t in triples],
                                          format=ox.RdfFormat.N_TRIPLES) for member in records]
        if version == 0:
            out["first"] = log_size(hub)
        print(f"  month {version + 1}: {len(nodes)} harvests in {time.perf_counter() - started:.1f} s", flush=True)
    return out


# --- as of a date ---------------------------------------------------------------------------

def timed(call, repeats: int = 3):
    """(median seconds, last result) over `repeats` runs."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def national(store, members: list[Member], day: dt.date) -> dict:
    """The national view as the hub makes it: a fresh federation index over `store`, then the view."""
    federation = FederationIndex(store, members, today=lambda: day).get()
    return build.national(build.Context(federation, lambda iri: iri, today=day), {})


def counted(store) -> dict[str, int]:
    return {row["gemeente"].value: int(row["praktijken"].value) for row in store.select(COUNT_QUERY.text)}


def state_parts(hub: EmbeddedStore, moment) -> dict:
    """Where `state_as_of` spends its time: the one read of the valid versions (`state_texts`), then the load."""
    select_s, texts = timed(lambda: states.state_texts(hub, moment, data_graph(HUB)), 1)
    load_s, state = timed(lambda: states.loaded(texts), 1)
    return {"select": select_s, "load": load_s, "quads": len(state._store), "texts MB": sum(map(len, texts.values())) / 1e6}


def view_as_of(hub: EmbeddedStore, members: list[Member], moment) -> dict:
    """The as-of national view as `Node.federation_as_of` makes it: the state's texts, a part per member, the view."""
    federation = federation_of(states.state_texts(hub, moment, data_graph(HUB)), members, moment.day)
    return build.national(build.Context(federation, lambda iri: iri, today=moment.day), {})


# --- before: main at 4ea3f1e, without `#until` (the newest version per record picked in Python) ---

BEFORE_VERSIONS = """SELECT ?number ?resource ?derived WHERE { GRAPH <urn:bamboe:ldes> {
  ?version <urn:bamboe:ldes#resource> ?resource ; <urn:bamboe:ldes#number> ?number ; <urn:bamboe:ldes#time> ?t .
  FILTER(?t <= ?moment) OPTIONAL { ?version <urn:bamboe:ldes#derivedFrom> ?derived } } }"""
BEFORE_CONTENT = """SELECT ?number ?content ?derived WHERE { VALUES ?number { } GRAPH <urn:bamboe:ldes> {
  ?version <urn:bamboe:ldes#number> ?number ; <urn:bamboe:ldes#content> ?content .
  OPTIONAL { ?version <urn:bamboe:ldes#derivedFrom> ?derived } } }"""


def state_before(hub: EmbeddedStore, moment) -> EmbeddedStore:
    """The as-of state as main made it before `#until`: every version up to the moment, the newest per record
    picked in Python, contents read 2,000 at a time, each parsed into Python quads, then one scratch store."""
    stamp = str(ox.Literal(moment.text, datatype=ox.NamedNode(XSD + "dateTime")))
    newest: dict[tuple, int] = {}
    for row in hub.select(BEFORE_VERSIONS.replace("?moment", stamp)):
        key = (row["resource"].value, row["derived"].value if row.get("derived") is not None else None)
        newest[key] = max(newest.get(key, 0), int(row["number"].value))
    numbers, quads = sorted(newest.values()), []
    for start in range(0, len(numbers), 2000):
        listed = " ".join(f'"{number}"^^<{XSD}integer>' for number in numbers[start:start + 2000])
        for row in hub.select(BEFORE_CONTENT.replace("VALUES ?number { }", f"VALUES ?number {{ {listed} }}")):
            graph = ox.NamedNode(row["derived"].value if row.get("derived") is not None else data_graph(HUB))
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(
                row["content"].value, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)]
    scratch = EmbeddedStore()
    scratch.extend(quads)
    return scratch


def view_key(view: dict) -> str:
    return json.dumps(view, sort_keys=True, default=str)


def truth_store(served: list[bytes], members: list[Member]) -> EmbeddedStore:
    """A store holding what each member served (N-Triples), in its member graph."""
    store = EmbeddedStore()
    for member, data in zip(members, served):
        graph = ox.NamedNode(member.graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                     for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return store


def paired(first, second, repeats: int = 3):
    """((median s, result), (median s, result)) of two calls run in turn, so the machine's noise falls on both."""
    times, results = ([], []), [None, None]
    for _ in range(repeats):
        for i, call in enumerate((first, second)):
            started = time.perf_counter()
            results[i] = call()
            times[i].append(time.perf_counter() - started)
    return (statistics.median(times[0]), results[0]), (statistics.median(times[1]), results[1])


def as_of(args, hub, members, history) -> dict:
    """The as-of measurements and checks at the oldest, middle and newest harvest day."""
    last = args.versions - 1
    versions_at = {"oldest": 0, "middle": last // 2, "newest": last}
    moments = {label: end_of(month(version).date()) for label, version in versions_at.items()}
    (view_s, current_view), (middle_view_s, middle_view) = paired(
        lambda: national(hub, members, month(last).date()), lambda: view_as_of(hub, members, moments["middle"]))
    count_s, current_counts = timed(lambda: counted(hub))
    out = {"current": {"view": view_s, "count": count_s, "communities": current_view["count"],
                       "count ok": current_counts == history["counts"][last]}}
    for label, version in versions_at.items():
        moment = moments[label]
        found = state_parts(hub, moment)
        found["state"], state = timed(lambda: states.state_as_of(hub, moment, data_graph(HUB)))
        found["query"], counts = timed(lambda: counted(state))
        found["count ok"] = counts == history["counts"][version]
        found["view"], view = ((middle_view_s, middle_view) if label == "middle"
                               else timed(lambda: view_as_of(hub, members, moment), 1))
        found["communities"] = view["count"]
        if label == "middle":
            truth = national(truth_store(history["middle"], members), members, moment.day)
            found["view ok"] = view_key(view) == view_key(truth)
            found["before state"], before = timed(lambda: state_before(hub, moment), 1)
            found["before view"], before_view = timed(lambda: national(state_before(hub, moment), members,
                                                                       moment.day), 1)
            found["before ok"] = len(before._store) == found["quads"] and view_key(before_view) == view_key(view)
        if label == "newest":
            found["view ok"] = view_key(view) == view_key(current_view)
        out[label] = found
        print(f"  as of {moment.label} ({label}) measured", flush=True)
    return out


# --- storage on disk ------------------------------------------------------------------------

def disk_bytes(hub: EmbeddedStore, graphs: list[str]) -> int:
    """Bytes of a RocksDB store holding these graphs, after `optimize`."""
    with tempfile.TemporaryDirectory(prefix="bamboe-history-") as folder:
        disk = ox.Store(folder)
        disk.bulk_load(hub.dump(graphs), format=ox.RdfFormat.N_QUADS)
        disk.flush()
        disk.optimize()
        del disk
        return int(subprocess.run(["du", "-sb", folder], capture_output=True, text=True).stdout.split()[0])


def all_graphs(hub: EmbeddedStore) -> list[str]:
    return sorted(row["g"].value for row in hub.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))


# --- run ----------------------------------------------------------------------------------

def start_federation(args) -> tuple[list[FakeNode], list[Instance], list[Member]]:
    codes = list(GEMEENTEN)
    nodes = [FakeNode(communities=0) for _ in range(args.members)]
    instances = [Instance(f"n{i:03d}", f"Node {i:03d}", fake.base_url, "regionaal", (codes[i % len(codes)],))
                 for i, fake in enumerate(nodes)]
    members = [Member(i.id, i.name, i.level, i.area, graph_iri(HUB, i.id)) for i in instances]
    return nodes, instances, members


def mb(size: float) -> str:
    return f"{size / 1e6:.1f}"


def print_storage(first, final, disk) -> None:
    (v1, q1, b1), (vn, qn, bn) = first, final
    print("\n| private log `urn:bamboe:ldes` | versions | quads | N-Quads MB | kB per version |")
    print("|---|---:|---:|---:|---:|")
    print(f"| after the first harvest | {v1:,} | {q1:,} | {mb(b1)} | {b1 / max(v1, 1) / 1e3:.2f} |")
    print(f"| after the last harvest | {vn:,} | {qn:,} | {mb(bn)} | {bn / max(vn, 1) / 1e3:.2f} |")
    changes = max(vn - v1, 1)
    print(f"| **growth per 1,000 record changes** after the first harvest ({vn - v1:,} changes) | 1,000 | "
          f"{(qn - q1) / changes * 1000:,.0f} | **{(bn - b1) / changes * 1000 / 1e6:.2f}** | |")
    if disk:
        whole, without, seconds = disk
        print(f"\nOn disk (RocksDB, after `optimize`): the whole hub store {mb(whole)} MB, without the log "
              f"{mb(without)} MB, so the log takes {mb(whole - without)} MB "
              f"({(whole - without) / max(vn, 1) * 1000 / 1e6:.2f} MB per 1,000 versions); "
              f"measured in {seconds:.0f} s.")


def print_writes(member0: list) -> None:
    rows = {"whole harvest (`harvest_node`), with versions": lambda w, wo: w["total"],
            "`_apply` store step, with versions": lambda w, wo: w["apply"],
            "of which `harvest_versions` (compute the versions' update)": lambda w, wo: w["versions"],
            "`_apply` store step, twin hub without versions": lambda w, wo: wo["apply"],
            "whole harvest, twin hub without versions": lambda w, wo: wo["total"]}
    print("\n| member 0 (one node's harvest), seconds | first harvest | median of later harvests | last harvest |")
    print("|---|---:|---:|---:|")
    for label, pick in rows.items():
        values = [pick(w, wo) for w, wo in member0]
        later = statistics.median(values[1:]) if len(values) > 1 else float("nan")
        print(f"| {label} | {values[0]:.2f} | {later:.2f} | {values[-1]:.2f} |")
    print("\nPer harvest, `_apply` with / without versions: "
          + ", ".join(f"{w['apply']:.2f} / {wo['apply']:.2f}" for w, wo in member0))


def print_as_of(found: dict, days: dict) -> None:
    cur, labels = found["current"], ("oldest", "middle", "newest")
    print("\n| seconds | current | " + " | ".join(f"as of {days[k]} ({k})" for k in labels) + " | middle ÷ current |")
    print("|---|---:|---:|---:|---:|---:|")
    line = lambda name, now, key, ratio=None: print(  # noqa: E731
        f"| {name} | {now} | " + " | ".join(key(found[k]) for k in labels) + f" | {ratio or ''} |")
    middle = found["middle"]
    line("**national view** (`state_texts` + `federation_of` + `build.national`, as `Node.federation_as_of`)",
         f"{cur['view']:.2f}", lambda f: f"{f['view']:.2f}", f"**{middle['view'] / cur['view']:.2f}x**")
    line("&nbsp; before (4ea3f1e: newest versions picked in Python, quads in Python, `FederationIndex` over the "
         "state), once", "", lambda f: f"{f['before view']:.2f}" if "before view" in f else "",
         f"{middle['before view'] / cur['view']:.2f}x")
    line("as-of state (`state_as_of`)", "–", lambda f: f"{f['state']:.2f}")
    line("&nbsp; read of the valid versions (`state_texts`) / bulk load per graph", "–",
         lambda f: f"{f['select']:.2f} / {f['load']:.2f}")
    line("&nbsp; before, once", "–", lambda f: f"{f['before state']:.2f}" if "before state" in f else "")
    line("&nbsp; quads in the state; N-Triples MB kept per state", "–",
         lambda f: f"{f['quads']:,}; {f['texts MB']:.0f}")
    line("COUNT per gemeente, first request (state + query)", f"{cur['count']:.3f}",
         lambda f: f"{f['state'] + f['query']:.2f}", f"{(middle['state'] + middle['query']) / cur['count']:.1f}x")
    line("COUNT per gemeente on a kept state", f"{cur['count']:.3f}", lambda f: f"{f['query']:.3f}",
         f"{middle['query'] / cur['count']:.2f}x")
    line("communities in the national view", f"{cur['communities']:,}", lambda f: f"{f['communities']:,}")
    ok = lambda value: "ok" if value else "**WRONG**"  # noqa: E731
    line("count per gemeente = truth of that day", ok(cur["count ok"]), lambda f: ok(f["count ok"]))
    line("view = view of the truth (middle) / current view (newest)", "", lambda f: ok(f["view ok"]) if "view ok" in f
         else "")
    line("before = now (same quads, same view)", "", lambda f: ok(f["before ok"]) if "before ok" in f else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=1000, help="communities in all, spread over the members")
    parser.add_argument("--versions", type=int, default=5, help="monthly harvests; every community changes in each")
    parser.add_argument("--members", type=int, default=None,
                        help="member nodes (default: one per 1,000 communities, at least 2)")
    parser.add_argument("--direct", action="store_true",
                        help="write members 1.. with harvest_versions + replace_graph instead of harvesting them "
                             "(member 0 and its twin are always harvested)")
    parser.add_argument("--disk", action="store_true", help="also the on-disk (RocksDB) sizes")
    args = parser.parse_args()
    args.members = args.members or max(2, args.communities // 1000)
    args.per_member = args.communities // args.members
    run_started = time.perf_counter()
    real_now = clock.now
    nodes, instances, members = start_federation(args)
    hub, twin, timings = EmbeddedStore(), EmbeddedStore(), Timings()
    timings.install()
    print(f"{args.members} members x {args.per_member:,} communities, {args.versions} monthly harvests"
          f"{', members 1.. written directly' if args.direct else ''}", flush=True)
    try:
        history = run_history(args, nodes, instances, hub, twin, timings)
        build_s = time.perf_counter() - run_started
        clock.now = lambda: month(args.versions - 1) + dt.timedelta(days=1)
        final = log_size(hub)
        disk_started = time.perf_counter()
        disk = (disk_bytes(hub, all_graphs(hub)), disk_bytes(hub, [g for g in all_graphs(hub) if g != LOG_GRAPH]),
                time.perf_counter() - disk_started) if args.disk else None
        found = as_of(args, hub, members, history)
    finally:
        clock.now = real_now
        for fake in nodes:
            fake.stop()
    report(args, history, build_s, final, disk, found)
    print(f"Whole run {time.perf_counter() - run_started:.0f} s.")


def report(args, history: dict, build_s: float, final, disk, found: dict) -> None:
    days = {label: month(v).date().isoformat()
            for label, v in (("oldest", 0), ("middle", (args.versions - 1) // 2), ("newest", args.versions - 1))}
    harvests, direct = history["harvests"], history["direct"]
    print(f"\nBuilt in {build_s:.0f} s by {len(harvests)} production harvests "
          f"(median {statistics.median(harvests):.2f} s)"
          + (f" and {len(direct)} direct writes (median {statistics.median(direct):.2f} s)" if direct else "")
          + f", plus {len(history['member0'])} harvests of member 0 into the twin; "
          + (f"problems: {dict(history['problems'])}" if history["problems"]
             else "every harvest stored, none quarantined"))
    print_storage(history["first"], final, disk)
    print_writes(history["member0"])
    print_as_of(found, days)
    ratio = found["middle"]["view"] / found["current"]["view"]
    before = found["middle"]["before view"] / found["current"]["view"]
    print(f"\nAs-of national view {ratio:.2f}x the current one: {'within' if ratio <= 2 else 'NOT within'} the 2x goal "
          f"(before `#until` and `federation_of`: {before:.2f}x, measured in this run).")


if __name__ == "__main__":
    main()
