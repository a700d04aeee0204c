"""Follow a node's event stream (LDES) from where the last harvest stopped.

The hub keeps one *position* per node: the stream, the page it read last (with that
page's ETag) and the newest members it applied, by timestamp. The next harvest asks
for that page again: a 304 means nothing new; otherwise it takes the members it has
not applied and follows `tree:relation`s to later pages. Members are versions of the
node's resources; the newest version of each resource is its new record, a deletion
without content drops the record.

Anything unexpected (a page gone, no longer holding the members the position names,
a stream that is not one) raises `StreamGap`, and the harvest falls back to the dump.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests

from harvesters.fetch import Limits, get
from harvesters.parse import parse_dump
from harvesters.records import Record
from registry.errors import N_, BamboeError, FetchError
from registry.queries import insert_data, named
from registry.ldes import AS, LDES, PROV, RDF_TYPE, SPECIFICATION, TREE
from registry.rdf import digest

ACCEPT = {"Accept": "application/n-triples, text/turtle;q=0.9"}
ACTIVITIES = frozenset({AS + "Create", AS + "Update", AS + "Delete", AS + "Remove"})
STATE_GRAPH = "urn:bamboe:ldes-harvest"
"""Private graph of the hub's positions in its members' streams (never published)."""
MAX_PAGES = 1000
"""Pages one harvest follows at most; a stream longer than that is read from its dump."""


class StreamGap(BamboeError):
    """The stream cannot bring the hub's copy up to date; harvest the dump instead."""

    status = 502


@dataclass(frozen=True)
class Position:
    """Where the hub is in a node's stream."""

    stream: str
    page: str
    etag: str | None = None
    time: str | None = None  # newest member timestamp applied (xsd:dateTime)
    seen: frozenset[str] = frozenset()  # members applied with exactly that timestamp


@dataclass(frozen=True)
class Member:
    iri: str
    resource: str
    time: dt.datetime
    kind: str | None
    triples: tuple[ox.Triple, ...]  # said of the resource, stream metadata left out


@dataclass
class Followed:
    members: list[Member]
    position: Position
    pages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Stream:
    iri: str
    view: str
    timestamp_path: str
    version_of_path: str


def describe(session: requests.Session, url: str, limits: Limits) -> Stream:
    """Read the event stream's own document: its view and the paths to a member's timestamp and resource."""
    triples, _ = _read(session, url, limits)
    streams = {t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value == LDES + "EventStream"}

    def value(subject, predicate):
        return next((t.object.value for t in triples if t.subject == subject and t.predicate.value == predicate), None)

    for stream in streams:
        view, stamp, version_of = (value(stream, TREE + "view"), value(stream, LDES + "timestampPath"),
                                   value(stream, LDES + "versionOfPath"))
        if view and stamp and version_of:
            return Stream(stream.value, view, stamp, version_of)
    raise StreamGap(N_("%(url)s is geen event stream met tree:view, ldes:timestampPath en ldes:versionOfPath."),
                    url=url)


def follow(session: requests.Session, stream: Stream, position: Position, limits: Limits) -> Followed:
    """Members after `position`, oldest first, and the position after them (no members: a 304 or nothing new).

    Every page reachable from the position's page is read once, in the order the
    relations' values give; the new position is the page holding the newest member.
    """
    followed = Followed([], position)
    start, known = _time_or(position), position.seen
    queue, visited = [position.page], {position.page}
    while queue:
        if len(followed.pages) >= MAX_PAGES:
            raise StreamGap(N_("%(url)s heeft meer dan %(limit)s pagina's sinds de vorige oogst."),
                            url=stream.iri, limit=MAX_PAGES)
        url = queue.pop(0)
        triples, response = _read(session, url, limits, position.etag if url == position.page else None)
        followed.pages.append(url)
        if response.status == 304:
            continue
        members = _members(triples, stream)
        if url == position.page and not known <= {m.iri for m in members if m.time == start}:
            raise StreamGap(N_("%(url)s heeft de versies die de vorige oogst las niet meer; de hub haalt de dump."),
                            url=url)
        followed.members += [m for m in members
                             if start is None or m.time > start or (m.time == start and m.iri not in known)]
        newest = max((m.time for m in members), default=None)
        current = _time_or(followed.position)
        if newest is not None and (current is None or newest >= current):
            followed.position = Position(stream.iri, url, response.etag, _text(newest),
                                         frozenset(m.iri for m in members if m.time == newest))
        elif url == position.page:  # still the newest page, with a new ETag
            followed.position = Position(stream.iri, url, response.etag, position.time, position.seen)
        following = [target for target in _next(triples, url) if target not in visited]
        visited.update(following)
        queue += following
    followed.members.sort(key=_order)
    return followed


def newest_records(members: list[Member]) -> dict[str, Record | None]:
    """The newest version of each resource as a record; None for a deletion that leaves nothing."""
    records: dict[str, Record | None] = {}
    for member in sorted(members, key=_order):
        subject = ox.NamedNode(member.resource)
        records[member.resource] = (Record(member.resource, member.triples, digest(list(member.triples), subject))
                                    if member.triples else None)
    return records


def _order(member: Member) -> tuple:
    """Oldest first; versions with the same timestamp by IRI, numbers in number order (`versie/9` < `versie/10`)."""
    return member.time, len(member.iri), member.iri


def _members(triples: list[ox.Triple], stream: Stream) -> list[Member]:
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    found = []
    for member in (t.object for t in triples if t.predicate.value == TREE + "member" and t.subject.value == stream.iri):
        own = by_subject.get(member, [])
        stamp = next((t.object.value for t in own if t.predicate.value == stream.timestamp_path), None)
        resource = next((t.object for t in own if t.predicate.value == stream.version_of_path), None)
        if stamp is None or not isinstance(resource, ox.NamedNode):
            raise StreamGap(N_("Versie %(member)s in %(url)s mist een tijdstip of de bron waarvan ze een versie is."),
                            member=str(member), url=stream.iri)
        kind = next((t.object.value for t in own if t.predicate.value == RDF_TYPE and t.object.value in ACTIVITIES),
                    None)
        found.append(Member(member.value, resource.value, _time(stamp), kind,
                            tuple(_content(member, resource, by_subject, stream))))
    return found


def _content(member, resource: ox.NamedNode, by_subject: dict, stream: Stream) -> list[ox.Triple]:
    """The member's triples said of the resource, its blank nodes renamed so no two members share one."""
    metadata = {stream.timestamp_path, stream.version_of_path, AS + "object", PROV + "wasDerivedFrom"}
    fresh: dict = {}

    def renamed(term):
        return fresh.setdefault(term, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term

    out, frontier, seen = [], [member], {member}
    while frontier:
        subject = frontier.pop()
        for t in by_subject.get(subject, []):
            if subject == member and (t.predicate.value in metadata
                                      or (t.predicate.value == RDF_TYPE and t.object.value in ACTIVITIES)):
                continue
            out.append(ox.Triple(resource if subject == member else renamed(subject), t.predicate, renamed(t.object)))
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                frontier.append(t.object)
    return out


def _next(triples: list[ox.Triple], url: str) -> list[str]:
    """The nodes a page's relations lead to, oldest first (by the relation's value, then page number)."""
    relations = {t.object for t in triples if t.subject.value == url and t.predicate.value == TREE + "relation"}
    said = lambda relation, name: next((t.object.value for t in triples  # noqa: E731
                                        if t.subject == relation and t.predicate.value == TREE + name), "")
    targets = {said(r, "node"): said(r, "value") for r in relations if said(r, "node")}
    return sorted(targets, key=lambda target: (targets[target], len(target), target))


def _read(session: requests.Session, url: str, limits: Limits, etag: str | None = None):
    headers = dict(ACCEPT, **({"If-None-Match": etag} if etag else {}))
    response = get(session, url, limits, headers)
    if response.status == 304:
        return [], response
    if response.status != 200:
        raise FetchError(N_("%(url)s antwoordde HTTP %(http_status)s."), url=url, http_status=response.status)
    return parse_dump(response, limits), response


def _time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _time_or(position: Position) -> dt.datetime | None:
    return _time(position.time) if position.time else None


def _text(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def saved(store, node_id: str) -> Position | None:
    """The position the last good harvest of this node left, if it read the node's stream."""
    rows = store.select(named("ldes/followed").bind(member=_subject(node_id)))
    if not rows:
        return None
    row = rows[0]
    text = lambda name: row[name].value if row.get(name) is not None else None  # noqa: E731
    return Position(row["stream"].value, row["page"].value, text("etag"), text("time"),
                    frozenset((text("seen") or "").split()))


def remember(node_id: str, position: Position | None) -> str:
    """The update that saves where the hub now is in this node's stream (or forgets it, for None)."""
    member = _subject(node_id)
    update = named("ldes/forget_followed").bind(member=member)
    if position is None:
        return update
    said = {"stream": ox.NamedNode(position.stream), "page": ox.NamedNode(position.page),
            "etag": position.etag and ox.Literal(position.etag), "time": position.time and ox.Literal(position.time),
            "seen": position.seen and ox.Literal(" ".join(sorted(position.seen)))}
    triples = [ox.Triple(member, ox.NamedNode(f"{STATE_GRAPH}#{name}"), value) for name, value in said.items() if value]
    return update + " ;\n" + insert_data(STATE_GRAPH, triples)


def _subject(node_id: str) -> ox.NamedNode:
    """What the hub's position in one member's stream is said of (ids are slugs, so this is an IRI)."""
    return ox.NamedNode(f"{STATE_GRAPH}:{node_id}")
