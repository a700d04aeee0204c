"""History models benchmark: three ways a hub could keep every version, beside the current data.

Generates a federation (`registry.generate`, 1,000 communities per member graph) and
lets it change over `--versions` monthly harvests: every community changes in every
harvest (one participation count moves; half of them add a meeting, a few end, about 1%
are removed), so each community has `--versions` versions. The records are those the
harvester compares (`harvesters.records.split`). Then each model is built in its own
in-memory pyoxigraph Store, *beside* the current copies (one graph per member, as the
hub keeps them today, so the current views cost the same in every model):

1. literal log: the LDES log as `registry.ldes.versions.log_triples` writes it (one
   version = private literals, content as an N-Triples literal). As of D: the newest
   version <= D per resource, its literals parsed into a scratch store.
2. graph per record version: graph `{resource}#v{n}` holds that version's triples;
   `prov:generatedAtTime` / `prov:invalidatedAtTime` / `prov:wasDerivedFrom` in a
   metadata graph. As of D: the graphs valid at D, read with CONSTRUCT over
   `default_graph=[...]`, or queried directly.
3. triple intervals: one history graph per member, every distinct triple once as an
   RDF 1.2 triple term with one reifier per validity interval (`rdf:reifies
   <<( s p o )>>; from; until`), plus a change set per harvest (which records moved).
   Triple terms are not asserted, so union queries never see history. As of D: one
   CONSTRUCT per member over the reifiers valid at D.

Measured in one run: quads and N-Quads bytes per model (and per 1,000 record changes),
optionally on-disk bytes (`--disk`); time to build the as-of state; an as-of COUNT of
communities per gemeente; an as-of national view (facts + 7 signals + assemble +
`build.national`, exactly as `views.index.read_part` computes a member's part, from the
state's N-Triples); a privacy erase of one community's name from every version; and the
same count and view on the current data as the baseline. Every as-of count is checked
against the truth kept in Python. Absolute times move on this shared machine; read the
ratio to the baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from harvesters.records import split
from registry.generate import GEMEENTEN, ID, date, generate_triples, integer, n
from registry.ldes import LOG_GRAPH
from registry.ldes.versions import GONE, Snapshot, log_triples
from registry.places import gemeente_iri
from registry.store import vocabulary
from registry.views import build
from registry.views.federation import Member, assemble
from registry.views.index import part_of

HUB = "http://hub.bench/"
PER_NODE = 1000
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
PROV = "http://www.w3.org/ns/prov#"
HIST = "urn:bamboe:history#"
META = ox.NamedNode("urn:bamboe:history")
RDF_REIFIES = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
COMMUNITY, COUNT_P, STATUS = n("lp:LearningCommunity"), n("lp:count"), n("adms:status")
RDF_TYPE, HAS_MEETING = n("rdf:type"), n("lp:hasMeeting")
COUNT_PER_GEMEENTE = f"""
PREFIX lp: <https://w3id.org/lerende-praktijken/def#> PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?place (COUNT(DISTINCT ?c) AS ?n) WHERE {{
  ?c a lp:LearningCommunity ; dct:spatial ?place . FILTER(STRSTARTS(STR(?place), "{gemeente_iri('GM0000')[:-6]}"))
}} GROUP BY ?place"""


@dataclass(frozen=True)
class Change:
    """One record version as a harvest stored it: its triples, or None when the record is gone."""

    number: int
    time: str
    member: str
    iri: str
    triples: tuple | None


def moment(version: int) -> str:
    return (START + dt.timedelta(days=30 * version)).isoformat().replace("+00:00", "Z")


def literal_time(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=XSD_DATETIME)


# --- the changing federation ------------------------------------------------------------

def members(nodes: int) -> list[Member]:
    codes = list(GEMEENTEN)
    return [Member(f"n{i:03d}", f"Node {i:03d}", "regionaal", (codes[i % len(codes)],), f"{HUB}graph/n{i:03d}")
            for i in range(nodes)]


def history(federation: list[Member], per_node: int, versions: int, as_of_version: int):
    """Every record version of every member over `versions` harvests; the states now and at `as_of_version`."""
    rng = random.Random(7)
    changes: list[Change] = []
    states, then = {}, {}
    for number, member in enumerate(federation):
        day = START.date()
        records, _ = split(generate_triples(f"http://{member.id}.bench/", per_node, seed=number, today=day))
        states[member.graph] = {iri: record.triples for iri, record in records.items()}
        changes += [Change(len(changes) + i + 1, moment(0), member.graph, iri, triples)
                    for i, (iri, triples) in enumerate(sorted(states[member.graph].items()))]
    for version in range(1, versions):
        if version == as_of_version + 1:
            then = {graph: dict(state) for graph, state in states.items()}
        for graph, state in states.items():
            for iri in sorted(iri for iri, triples in state.items() if is_community(iri, triples)):
                for changed_iri, triples in mutate(rng, iri, state[iri], version).items():
                    changes.append(Change(len(changes) + 1, moment(version), graph, changed_iri, triples))
                    if triples is None:
                        del state[changed_iri]
                    else:
                        state[changed_iri] = triples
    return changes, states, then or {graph: dict(state) for graph, state in states.items()}


def is_community(iri: str, triples: tuple) -> bool:
    return any(t.predicate == RDF_TYPE and t.object == COMMUNITY and t.subject.value == iri for t in triples)


def mutate(rng: random.Random, iri: str, triples: tuple, version: int) -> dict[str, tuple | None]:
    """A small change to one community: a count moves; perhaps a new meeting, an end, or removal."""
    if rng.random() < 0.01:
        return {iri: None}
    out, found = list(triples), {}
    counts = [i for i, t in enumerate(out) if t.predicate == COUNT_P]
    if counts:
        i = rng.choice(counts)
        out[i] = ox.Triple(out[i].subject, COUNT_P, integer(int(out[i].object.value) + 1, "xsd:nonNegativeInteger"))
    roll, community, day = rng.random(), ox.NamedNode(iri), (START + dt.timedelta(days=30 * version)).date()
    if roll < 0.5:
        meeting = ox.NamedNode(f"{iri}/bijeenkomsten/{day.isoformat()}-h{version}")
        out.append(ox.Triple(community, HAS_MEETING, meeting))
        found[meeting.value] = (ox.Triple(meeting, RDF_TYPE, n("lp:Meeting")),
                                ox.Triple(meeting, n("schema:startDate"), date(day)))
    elif roll < 0.55:
        out = [t for t in out if t.predicate != STATUS]
        out += [ox.Triple(community, STATUS, ox.NamedNode(f"{ID}status/beeindigd")),
                ox.Triple(community, n("schema:endDate"), date(day))]
    found[iri] = tuple(out)
    return found


# --- the models -------------------------------------------------------------------------

def current_quads(states: dict) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for graph, state in states.items() for triples in state.values() for t in triples]


def literal_log(changes: list[Change]) -> list[ox.Quad]:
    """Model 1: the LDES log, made by the project's own `log_triples`."""
    graph, quads = ox.NamedNode(LOG_GRAPH), []
    for change in changes:
        snapshot = Snapshot(change.iri, change.triples or (), GONE if change.triples is None else "d", change.member)
        kind = "https://www.w3.org/ns/activitystreams#" + ("Delete" if change.triples is None else "Update")
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph)
                  for t in log_triples(change.number, kind, snapshot, snapshot.digest, change.time)]
    return quads


def version_graphs(changes: list[Change]) -> list[ox.Quad]:
    """Model 2: a graph per record version, validity and provenance in the metadata graph."""
    quads, last = [], {}
    for change in changes:
        previous = last.pop(change.iri, None)
        if previous is not None:
            quads.append(ox.Quad(previous, ox.NamedNode(PROV + "invalidatedAtTime"), literal_time(change.time), META))
        if change.triples is None:
            continue
        graph = ox.NamedNode(f"{change.iri}#v{change.number}")
        last[change.iri] = graph
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in change.triples]
        quads += [ox.Quad(graph, ox.NamedNode(PROV + "generatedAtTime"), literal_time(change.time), META),
                  ox.Quad(graph, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(change.member), META),
                  ox.Quad(graph, ox.NamedNode("http://purl.org/dc/terms/isVersionOf"), ox.NamedNode(change.iri), META)]
        if previous is not None:
            quads.append(ox.Quad(graph, ox.NamedNode(PROV + "wasRevisionOf"), previous, META))
    return quads


def triple_intervals(changes: list[Change]) -> list[ox.Quad]:
    """Model 3: every distinct triple once per validity interval, as a reified triple term; change sets."""
    quads, open_since, held = [], {}, {}
    harvests: dict[tuple[str, str], list[str]] = defaultdict(list)
    for change in changes:
        graph = ox.NamedNode(change.member + "/geschiedenis")
        before, after = set(held.get(change.iri, ())), set(change.triples or ())
        for triple in before - after:
            reifier = open_since.pop((graph, triple))
            quads.append(ox.Quad(reifier, ox.NamedNode(HIST + "until"), literal_time(change.time), graph))
        for triple in after - before:
            reifier = ox.BlankNode()
            open_since[(graph, triple)] = reifier
            quads += [ox.Quad(reifier, RDF_REIFIES, triple, graph),
                      ox.Quad(reifier, ox.NamedNode(HIST + "from"), literal_time(change.time), graph)]
        held[change.iri] = change.triples or ()
        harvests[(change.member, change.time)].append(change.iri)
    for (member, time_), iris in harvests.items():  # change sets: which records each harvest moved
        node = ox.NamedNode(f"{member}/wijziging/{time_}")
        quads += [ox.Quad(node, ox.NamedNode(PROV + "generatedAtTime"), literal_time(time_), META),
                  ox.Quad(node, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(member), META)]
        quads += [ox.Quad(node, ox.NamedNode(HIST + "changed"), ox.NamedNode(iri), META) for iri in iris]
    return quads


# --- as of a date: each model's state, as N-Triples per member graph ----------------------

def state_current(store: ox.Store, federation: list[Member], when: str) -> dict[str, bytes]:
    return {m.graph: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(m.graph)) for m in federation}


def state_literal_log(store: ox.Store, federation: list[Member], when: str) -> dict[str, bytes]:
    query = ("SELECT ?resource ?number ?content ?from WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#time> ?t ;"
             " <urn:bamboe:ldes#number> ?number ; <urn:bamboe:ldes#resource> ?resource ;"
             " <urn:bamboe:ldes#content> ?content ; <urn:bamboe:ldes#derivedFrom> ?from . FILTER(?t <= ?when) } }")
    newest: dict[str, tuple[int, str, str]] = {}
    for row in store.query(query.replace("?when", str(literal_time(when)))):
        number = int(row["number"].value)
        if row["resource"].value not in newest or newest[row["resource"].value][0] < number:
            newest[row["resource"].value] = (number, row["content"].value, row["from"].value)
    parts: dict[str, list[str]] = defaultdict(list)
    for _, content, member in newest.values():
        parts[member].append(content)  # a removal's content is empty: the resource is gone
    return {graph: "".join(contents).encode() for graph, contents in parts.items()}


def valid_graphs(store: ox.Store, when: str) -> dict[str, list[ox.NamedNode]]:
    query = (f"SELECT ?g ?from WHERE {{ GRAPH <{META.value}> {{ ?g <{PROV}generatedAtTime> ?t ; "
             f"<{PROV}wasDerivedFrom> ?from . OPTIONAL {{ ?g <{PROV}invalidatedAtTime> ?e }} "
             "FILTER(?t <= ?when && (!BOUND(?e) || ?e > ?when)) } }")
    found = defaultdict(list)
    for row in store.query(query.replace("?when", str(literal_time(when)))):
        found[row["from"].value].append(row["g"])
    return found


def state_version_graphs(store: ox.Store, federation: list[Member], when: str) -> dict[str, bytes]:
    return {member: store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=graphs).serialize(
        format=ox.RdfFormat.N_TRIPLES) for member, graphs in valid_graphs(store, when).items()}


def state_intervals(store: ox.Store, federation: list[Member], when: str) -> dict[str, bytes]:
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?r <{RDF_REIFIES.value}> <<( ?s ?p ?o )>> ; <{HIST}from> ?f . "
             f"OPTIONAL {{ ?r <{HIST}until> ?u }} FILTER(?f <= ?when && (!BOUND(?u) || ?u > ?when)) }}")
    query = query.replace("?when", str(literal_time(when)))  # a literal we made, never user input
    return {m.graph: store.query(query, default_graph=ox.NamedNode(m.graph + "/geschiedenis")).serialize(
        format=ox.RdfFormat.N_TRIPLES) for m in federation}


# --- what is measured on a state ----------------------------------------------------------

def scratch_of(state: dict[str, bytes]) -> ox.Store:
    scratch = ox.Store()
    for graph, data in state.items():
        scratch.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return scratch


def count_per_gemeente(store: ox.Store, **dataset) -> dict[str, int]:
    return {row["place"].value: int(row["n"].value) for row in store.query(COUNT_PER_GEMEENTE, **dataset)}


def national_view(state: dict[str, bytes], federation: list[Member], day: dt.date, vocab_quads) -> int:
    """The national view from a state, each member's part computed as `views.index.read_part` does."""
    parts = {}
    for graph, data in state.items():
        scratch = ox.Store()
        scratch.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        scratch.bulk_extend(vocab_quads)
        parts[graph] = part_of(scratch, None, day)
    fed = assemble(federation, parts)
    return build.national(build.Context(fed, lambda iri: iri, today=day), {})["count"]


def timed(call, repeats: int = 1):
    """(median seconds, result) over `repeats` runs."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- privacy erase: one community's name out of every version -------------------------------

def erase_literal_log(store: ox.Store, iri: str, name: str) -> int:
    """Every version's content is a literal: find those that hold the name, parse, rewrite."""
    erase_current(store, iri)
    query = ("SELECT ?v ?content WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#content> ?content . "
             "FILTER(CONTAINS(?content, ?name)) } }")
    rows = list(store.query(query.replace("?name", str(ox.Literal(name)))))
    graph, predicate = ox.NamedNode(LOG_GRAPH), ox.NamedNode("urn:bamboe:ldes#content")
    for row in rows:
        kept = [t for t in ox.parse(row["content"].value.encode(), format=ox.RdfFormat.N_TRIPLES)
                if not (isinstance(t.object, ox.Literal) and t.object.value == name)]
        store.remove(ox.Quad(row["v"], predicate, row["content"], graph))
        store.add(ox.Quad(row["v"], predicate, ox.Literal(ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES).decode()),
                          graph))
    return len(rows)


def erase_by_pattern(store: ox.Store, iri: str, name: str, intervals: bool) -> int:
    before = len(store)
    erase_current(store, iri)
    if intervals:
        store.update(f"DELETE {{ GRAPH ?h {{ ?r ?x ?y }} }} WHERE {{ GRAPH ?h {{ ?r <{RDF_REIFIES.value}> "
                     f"<<( <{iri}> <http://schema.org/name> ?n )>> ; ?x ?y }} }}")
    else:
        store.update(f"DELETE {{ GRAPH ?g {{ <{iri}> <http://schema.org/name> ?n }} }} "
                     f"WHERE {{ GRAPH ?g {{ <{iri}> <http://schema.org/name> ?n }} }}")
    return before - len(store)


def erase_current(store: ox.Store, iri: str) -> None:
    """The current copies: the same update in every model."""
    store.update(f"DELETE {{ GRAPH ?g {{ <{iri}> <http://schema.org/name> ?n }} }} "
                 f"WHERE {{ GRAPH ?g {{ <{iri}> <http://schema.org/name> ?n }} }}")


def count_via_metadata(store: ox.Store, when: str) -> dict[str, int]:
    """Model 2 queried in place: each pattern's graph joined with its validity in the metadata graph."""
    query = COUNT_PER_GEMEENTE.replace("?c a lp:LearningCommunity ; dct:spatial ?place .", (
        f"GRAPH ?g {{ ?c a lp:LearningCommunity ; dct:spatial ?place }} GRAPH <{META.value}> {{ "
        f"?g <{PROV}generatedAtTime> ?t OPTIONAL {{ ?g <{PROV}invalidatedAtTime> ?e }} }} "
        f"FILTER(?t <= ?when && (!BOUND(?e) || ?e > ?when))").replace("?when", str(literal_time(when))))
    return {row["place"].value: int(row["n"].value) for row in store.query(query)}


# --- run ----------------------------------------------------------------------------------

MODELS = {
    "1 literal log (LDES today)": (literal_log, state_literal_log),
    "2 graph per record version": (version_graphs, state_version_graphs),
    "3 triple intervals (RDF 1.2) + change sets": (triple_intervals, state_intervals),
}


def disk_bytes(quads: list[ox.Quad]) -> int:
    with tempfile.TemporaryDirectory(prefix="bamboe-history-") as folder:
        store = ox.Store(folder)
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store
        return int(subprocess.run(["du", "-sb", folder], capture_output=True, text=True).stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=2000, help="communities in all (1,000 per member graph)")
    parser.add_argument("--versions", type=int, default=5, help="harvests; each community changes in every one")
    parser.add_argument("--disk", action="store_true", help="also bulk-load each model into an on-disk store")
    parser.add_argument("--direct-limit", type=int, default=5_000,
                        help="model 2's direct query over default_graph=[valid graphs] only up to this many graphs")
    args = parser.parse_args()
    run_started = time.perf_counter()
    federation = members(max(1, args.communities // PER_NODE))
    as_of_version = (args.versions - 1) // 2
    when, day = moment(as_of_version), (START + dt.timedelta(days=30 * as_of_version + 1)).date()
    changes, now, then = history(federation, min(PER_NODE, args.communities), args.versions, as_of_version)
    record_changes = sum(1 for c in changes if c.time != moment(0))
    communities = sum(1 for c in changes if c.time == moment(0) and c.triples and is_community(c.iri, c.triples))
    print(f"{len(federation)} member graphs, {communities:,} communities, {args.versions} versions: {len(changes):,} record versions "
          f"({record_changes:,} changes after the first harvest); as of {when} (version {as_of_version + 1})",
          flush=True)
    vocab_quads = vocabulary.quads(vocabulary.VOCAB_GRAPH)
    current = current_quads(now)
    truth = count_per_gemeente(scratch_of({g: ox.serialize([t for ts in s.values() for t in ts],
                                                           format=ox.RdfFormat.N_TRIPLES) for g, s in then.items()}),
                               use_default_graph_as_union=True)

    rows = []
    base = ox.Store()
    base.bulk_extend(current)
    graphs = [ox.NamedNode(m.graph) for m in federation]
    count_s, _ = timed(lambda: count_per_gemeente(base, default_graph=graphs), 3)
    state_s, state = timed(lambda: state_current(base, federation, when), 3)
    view_s, view_count = timed(lambda: national_view(state, federation, day, vocab_quads))
    repeats = 3 if view_s < 2 else 1
    view_s, view_count = timed(lambda: national_view(state, federation, day, vocab_quads), repeats)
    nq = len(ox.serialize(base, format=ox.RdfFormat.N_QUADS))
    rows.append(("0 current copies only (baseline)", len(base), nq, "", disk_bytes(current) if args.disk else None,
                 state_s, count_s, view_s, "", f"{view_count:,} communities now"))
    print("baseline done", flush=True)
    name_of = {c.iri: next(t.object.value for t in c.triples if t.predicate == n("schema:name"))
               for c in changes[:50] if c.triples and is_community(c.iri, c.triples)}
    victim, victim_name = next(iter(name_of.items()))
    for label, (make, as_of) in MODELS.items():
        started = time.perf_counter()
        history_quads = make(changes)
        store = ox.Store()
        store.bulk_extend(current)
        store.bulk_extend(history_quads)
        load_s = time.perf_counter() - started
        nq_model = len(ox.serialize(store, format=ox.RdfFormat.N_QUADS))
        first = ox.Store()
        first.bulk_extend(make([c for c in changes if c.time == moment(0)]))
        growth = (nq_model - nq - len(ox.serialize(first, format=ox.RdfFormat.N_QUADS))) / record_changes * 1000
        del first
        on_disk = disk_bytes(current + history_quads) if args.disk else None
        state_s, state = timed(lambda: as_of(store, federation, when), 3)
        count_s, counts = timed(lambda: count_per_gemeente(scratch_of(state), use_default_graph_as_union=True), 3)
        check = "ok" if counts == truth else "MISMATCH"
        view_s, _ = timed(lambda: national_view(state, federation, day, vocab_quads), repeats)
        notes = f"count {check}; built in {load_s:.1f} s"
        if as_of is state_version_graphs:
            joined_s, joined = timed(lambda: count_via_metadata(store, when), 3)
            notes += (f"; COUNT in place, GRAPH ?g joined with its validity: {joined_s:.3f} s "
                      f"({'ok' if joined == truth else 'MISMATCH'})")
            valid = [g for gs in valid_graphs(store, when).values() for g in gs]
            if len(valid) <= args.direct_limit:
                direct_s, direct = timed(lambda: count_per_gemeente(store, default_graph=valid))
                notes += (f"; direct COUNT over default_graph=[{len(valid):,} graphs]: {direct_s:.2f} s "
                          f"({'ok' if direct == truth else 'MISMATCH'})")
            else:
                notes += f"; direct COUNT over {len(valid):,} graphs skipped (--direct-limit)"
        erase_s, erased = timed(lambda: erase_literal_log(store, victim, victim_name) if as_of is state_literal_log
                                else erase_by_pattern(store, victim, victim_name, as_of is state_intervals))
        gone = victim_name.encode() not in ox.serialize(store, format=ox.RdfFormat.N_QUADS)
        notes += f"; erase one name from every version: {erase_s * 1000:.0f} ms ({erased} rewritten/removed, " \
                 f"{'purged' if gone else 'STILL PRESENT'})"
        rows.append((label, len(store), nq_model, growth, on_disk,
                     state_s, count_s, view_s, check, notes))
        print(f"{label} done", flush=True)
        del store, history_quads

    print()
    print("| model | quads | N-Quads MB | growth kB per 1,000 record changes | on disk MB | as-of state s | "
          "COUNT per gemeente s (+ state) | national view s (+ state) | ÷ current view | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    current_total = rows[0][5] + rows[0][7]
    for label, quads, nq_bytes, per_k, disk, state_s, count_s, view_s, _, notes in rows:
        total = state_s + view_s
        print(f"| {label} | {quads:,} | {nq_bytes / 1e6:.1f} | {per_k / 1e3:.0f} | " if per_k != "" else
              f"| {label} | {quads:,} | {nq_bytes / 1e6:.1f} | – | ", end="")
        print(f"{disk / 1e6:.1f} | " if disk else "– | ", end="")
        print(f"{state_s:.3f} | {count_s:.3f} ({state_s + count_s:.2f}) | {view_s:.2f} ({total:.2f}) | "
              f"{total / current_total:.2f}x | {notes} |")
    print(f"\ncurrent = the same steps over the current copies (state = each member graph dumped as N-Triples, "
          f"as read_part does). Whole run {time.perf_counter() - run_started:.0f} s.")


if __name__ == "__main__":
    main()
