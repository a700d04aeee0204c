"""Record versions: compare the data with the stream's newest versions, append what changed.

A *source* says where the data is and how far it has moved: a node's own data graph
(moved by every write, which the audit trail numbers) or a hub's harvested copies
(moved by every stored harvest). Its records are what `harvesters.records.split`
cuts a graph into: one resource with its blank nodes, compared by a digest that does
not depend on blank node labels, exactly as the harvester compares them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from harvesters.records import split
from registry.ldes import AS, KINDS, LOG_GRAPH, RDF_TYPE, XSD
from registry.queries import named
from registry.store import Store

TOMBSTONE = AS + "Tombstone"
CLOSING = ox.Triple(ox.NamedNode(LOG_GRAPH), ox.NamedNode("urn:bamboe:ldes#closing"), ox.Literal("until"))
"""The log's marker: every superseded version carries `#until` (written by every append, or once by
`close_superseded` for a log from before)."""
GONE = "gone"
"""Digest of a version that says the resource is no longer there at all."""
_lock = threading.Lock()
"""One catch-up at a time in this process: version numbers are given out in Python."""


@dataclass(frozen=True)
class Snapshot:
    """One resource as the source holds it now."""

    iri: str
    triples: tuple[ox.Triple, ...]
    digest: str
    derived_from: str | None = None


@dataclass(frozen=True)
class Recorded:
    """The newest version the log holds of one resource."""

    number: int
    kind: str
    digest: str


class Source(Protocol):
    def position(self, store: Store) -> tuple[str, str | None]:
        """A text that changes whenever the data may have, and the time of the newest change (if known)."""

    def compared(self, store: Store) -> list[tuple[dict[str, "Snapshot"], dict[str, "Recorded"], str | None]]:
        """Per graph: every resource as it is now (by IRI), its newest recorded version, and the graph
        (None on a node, whose versions name no graph)."""


class NodeData:
    """A node's own data graph; the audit trail numbers its changes."""

    def __init__(self, data_graph: str):
        self.data_graph = data_graph

    def position(self, store: Store) -> tuple[str, str | None]:
        rows = store.select(named("ldes/audit_position").text)
        if not rows:
            return "audit:0", None
        return f"audit:{rows[0]['sequence'].value}", rows[0]["time"].value

    def compared(self, store: Store) -> list[tuple[dict[str, Snapshot], dict[str, Recorded], str | None]]:
        records, _ = split(store.graph_triples(self.data_graph))
        return [({iri: Snapshot(iri, r.triples, r.digest) for iri, r in records.items()}, _recorded(store), None)]


class HarvestedCopies:
    """A hub's copies of its members' data: one graph per member, each resource under its node's URL."""

    def __init__(self, copies: Iterable[tuple[str, str]]):
        self.copies = list(copies)  # (graph IRI, node URL)

    def position(self, store: Store) -> tuple[str, str | None]:
        rows = store.select(named("ldes/harvest_position").text)
        stored = sorted(f"{row['graph'].value} {row['run'].value}" for row in rows)
        newest = max((row["time"].value for row in rows), default=None, key=dt.datetime.fromisoformat)
        return "copies:" + hashlib.sha256("\n".join(stored).encode()).hexdigest()[:32], newest

    def compared(self, store: Store) -> list[tuple[dict[str, Snapshot], dict[str, Recorded], str | None]]:
        """Per member graph: two members may describe one resource (a wijk), each keeps its own versions."""
        pairs = []
        for graph, _url in self.copies:
            records, _ = split(store.graph_triples(graph))
            pairs.append(({iri: Snapshot(iri, r.triples, r.digest, graph) for iri, r in records.items()},
                          _recorded(store, named("ldes/newest_of_graph").bind(graph=ox.Literal(graph))), graph))
        return pairs


def catch_up(store: Store, source: Source) -> int:
    """Append a version for every resource that changed since the last catch-up; return how many.

    Writers record their versions as they write (`harvest_versions` on a hub, a call
    to this after every edit on a node), so this finds nothing to do unless a write
    was lost between its data and its versions (a crash) or came from elsewhere.
    """
    with _lock:
        row = head(store)
        position, changed_at = source.position(store)
        if row.get("position") is not None and row["position"].value == position:
            return 0
        first = int(row["count"].value) + 1 if row.get("count") is not None else 1
        newest = row["time"].value if row.get("time") is not None else None
        when = _latest(changed_at, newest)
        changes = [change for current, recorded, graph in source.compared(store)
                   for change in _changes(current, recorded, graph)]
        triples = []
        for number, (snapshot, kind, digest, superseded) in enumerate(changes, start=first):
            triples += log_triples(number, kind, snapshot, digest, when, superseded=superseded)
        last = first + len(changes) - 1
        store.update_private(append(first, last, position, triples))  # the private log only: every cache stays valid
        return len(changes)


@contextmanager
def numbering():
    """Hold while computing versions and writing them: numbers are given out in this process."""
    with _lock:
        yield


def harvest_versions(store: Store, graph: str, records: dict, when: dt.datetime,
                     about: dict[str, str]) -> str:
    """The update recording a stored harvest's versions of one member's copy ('' when none changed).

    Every record of the copy is versioned, a wijk the node describes too: the views
    of a past day need its name. `records` are the copy's records after the harvest (`harvesters.records.Record`),
    `about` the harvest's own literals (run, source, etag). A resource whose newest
    version differs (or that has none: recorded before history was kept) gets one; a
    resource no longer there gets a version saying so. Call inside `numbering()` and
    apply in the same transaction as the copy, so the copy and its history never part.
    """
    row = head(store)  # first: it gives an older log its `#until` literals, which the next read relies on
    current = {iri: Snapshot(iri, r.triples, r.digest, graph) for iri, r in records.items()}
    recorded = _recorded(store, named("ldes/newest_of_graph").bind(graph=ox.Literal(graph)))
    first = int(row["count"].value) + 1 if row.get("count") is not None else 1
    newest = row["time"].value if row.get("time") is not None else None
    stamp = _latest(when.isoformat(), newest)
    changes = list(_changes(current, recorded, graph))
    if not changes:
        return ""
    triples = []
    for number, (snapshot, kind, digest, superseded) in enumerate(changes, start=first):
        triples += log_triples(number, kind, snapshot, digest, stamp, about, superseded)
    query = named("ldes/append_versions")
    text = query.bind(first=_integer(first), last=_integer(first + len(changes) - 1))
    return query.bind_triples(text, "VERSIONS", triples)


def head(store: Store) -> dict:
    """How far the log is: `count` and `time` of its newest version, `position`, `first` (the oldest's time).

    Read from the head marker each append writes; a log from before the marker is
    counted once (the next append writes the marker). A log from before versions were
    closed with `#until` gets those literals here, once (`close_superseded`).
    """
    rows = store.select(named("ldes/head").text)
    row = max(rows, key=lambda r: int(r["count"].value) if r.get("count") is not None else 0) if rows else {}
    if row.get("first") is not None and row.get("closing") is None:
        close_superseded(store)
    if row.get("count") is None and row.get("first") is not None:
        counted = store.select(named("ldes/head_counted").text)
        row = {**row, **(counted[0] if counted else {})}
    return row


UNTIL = ox.NamedNode("urn:bamboe:ldes#until")
CLOSED_BATCH = 5000
"""`#until` literals one update writes when an older log is closed (bounded text for remote stores)."""


def close_superseded(store: Store) -> int:
    """Give every superseded version of a log written before `#until` was kept its `#until`; return how many.

    A version is valid from its `#time` until the `#time` of the next version of the same
    resource in the same graph. Writers say so as they supersede a version; this does it
    once for versions written before they did, then sets the log's `#closing` marker, so
    a log is either closed everywhere or read as not closed. Idempotent: two processes
    doing it at once write the same triples.
    """
    chains: dict[tuple[str, str | None], list[tuple[int, ox.NamedNode, ox.Literal, bool]]] = {}
    for row in store.select(named("ldes/version_times").text):
        key = (row["resource"].value, row["derived"].value if row.get("derived") is not None else None)
        chains.setdefault(key, []).append((int(row["number"].value), row["version"], row["time"],
                                           row.get("until") is not None))
    triples = []
    for chain in chains.values():
        chain.sort(key=lambda version: version[0])
        triples += [ox.Triple(older[1], UNTIL, newer[2]) for older, newer in zip(chain, chain[1:]) if not older[3]]
    query = named("ldes/close_superseded")
    for start in range(0, len(triples), CLOSED_BATCH):
        store.update_private(query.bind_triples(query.text, "UNTIL", triples[start:start + CLOSED_BATCH]))
    store.update_private(query.bind_triples(query.text, "UNTIL", [CLOSING]))
    return len(triples)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def append(first: int, last: int, position: str, triples: list[ox.Triple]) -> str:
    """The update recording versions numbered from `first` and the new position, unless `first` is taken.

    The lock above serialises one process; this guard serialises processes over one store.
    """
    query = named("ldes/append")
    text = query.bind(first=_integer(first), last=_integer(max(last, first - 1)), position=ox.Literal(position))
    return query.bind_triples(text, "VERSIONS", triples)


def _changes(current: dict[str, Snapshot], recorded: dict[str, Recorded], graph: str | None = None):
    """(snapshot, kind, digest, number of the version it supersedes or None) for every resource whose
    newest version no longer matches, in IRI order."""
    for iri in sorted(current.keys() | recorded.keys()):
        snapshot, last = current.get(iri), recorded.get(iri)
        if snapshot is None:
            if last.digest != GONE:
                yield Snapshot(iri, (), GONE, graph), KINDS[2], GONE, last.number
            continue
        if last is not None and last.digest == snapshot.digest:
            continue
        deleted = any(t.predicate.value == RDF_TYPE and t.object.value == TOMBSTONE and t.subject.value == iri
                      for t in snapshot.triples)
        kind = KINDS[2] if deleted else KINDS[1] if last is not None and last.kind != KINDS[2] else KINDS[0]
        yield snapshot, kind, snapshot.digest, last.number if last is not None else None


def _recorded(store: Store, query: str | None = None) -> dict[str, Recorded]:
    newest: dict[str, Recorded] = {}
    for row in store.select(query or named("ldes/latest_versions").text):
        number, iri = int(row["number"].value), row["resource"].value
        if iri not in newest or newest[iri].number < number:
            newest[iri] = Recorded(number, row["kind"].value, row["digest"].value)
    return newest


def log_triples(number: int, kind: str, snapshot: Snapshot, digest: str, when: str,
                about: dict[str, str] | None = None, superseded: int | None = None) -> list[ox.Triple]:
    """A version as the private log keeps it: literals in private predicates, the content as N-Triples.

    Nothing of a version is visible as a community, a meeting or a link to one to
    queries over the union of the graphs (the views, the signals, the counts). The
    version it `superseded` (if any) gets `#until` this version's time: a version is
    valid from its `#time` until its `#until`, which makes the data as of a moment one
    read of the versions valid then (`history/state.rq`).
    """
    version = version_iri(number)
    content = ox.serialize(snapshot.triples, format=ox.RdfFormat.N_TRIPLES).decode()
    said = {"number": ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")),
            "resource": ox.Literal(snapshot.iri), "kind": ox.Literal(kind), "digest": ox.Literal(digest),
            "time": ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime")), "content": ox.Literal(content)}
    if snapshot.derived_from:
        said["derivedFrom"] = ox.Literal(snapshot.derived_from)
    said.update({name: ox.Literal(value) for name, value in (about or {}).items() if value})
    triples = [ox.Triple(version, ox.NamedNode(f"urn:bamboe:ldes#{name}"), value) for name, value in said.items()]
    if superseded is not None:
        triples.append(ox.Triple(version_iri(superseded), UNTIL, said["time"]))
    return triples


def version_iri(number: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:bamboe:ldes:versie:{number}")


def _latest(changed_at: str | None, newest: str | None) -> str:
    """The time of the newest change, never before a version already recorded (a stream's times only grow)."""
    moments = [dt.datetime.fromisoformat(text) for text in (changed_at, newest) if text]
    moment = max(moments) if moments else dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
