"""Every community's life from the version log: when it began, when it ended, what it was meanwhile.

The log (`registry.history`) keeps each version of each record. A `Timeline` reads the
versions of communities and meetings and makes per community a `Life`: its versions in
order, each with the facts the views read (`views/facts.rq`: level, theme, places,
perspectives, status, start and end dates...) and placed as the views place a community
(`federation.assemble`: gemeenten, wijken, Werkplaats regions); per meeting, `Meeting`:
the date it was held and whether it was removed.

The heavy part runs in Rust: every version's content goes into its own named graph of
one scratch Oxigraph store, and the views' facts query runs once over all of them
(its `GRAPH ?graph` is then the version). Consecutive versions with the same facts are
kept once. A community described in a graph that is not (or no longer) a member's is
left out, as the views leave it out.

A life (`Life.span`), as known at a moment:
- **starts** on the schema:startDate of its newest version, or without one on the day
  its first version was recorded;
- **ends** on the earliest of: its schema:endDate; the day a version recorded its
  deletion or disappearance (a tombstone, or no longer in its node's data); with status
  beëindigd and no end date, the day a version first said so. A community that comes
  back after a deletion lives on (its newest version decides).

`Timelines` keeps one timeline per log token (`states.token`): a request takes it as it
is; when the log grew, only the new versions are read and added (a privacy erase
rebuilds it), in a background thread, so a request waits at most `wait_s` for it.
"""
from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter, itemgetter

import pyoxigraph as ox

from registry.errors import StoreError
from registry.history.moments import day_of
from registry.history.states import Token, token
from registry.ldes import KINDS, XSD
from registry.queries import named
from registry.store import Store
from registry.views.federation import Community, Member, assemble
from registry.views.index import GraphPart

log = logging.getLogger(__name__)
DELETE = KINDS[2]
ENDED = "https://w3id.org/lerende-praktijken/id/status/beeindigd"
AT, DAY = attrgetter("at"), attrgetter("day")
CHUNK = 20_000
"""Versions read into one scratch store at a time."""
SCRATCH = "urn:bamboe:timeline:"
"""Graph of version n in the scratch store: `urn:bamboe:timeline:n`."""


def parse_day(text: str) -> dt.date | None:
    """The date a start or end date literal gives (a date or dateTime), None for anything else."""
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Version:
    number: int
    at: dt.datetime
    day: dt.date  # `at` as a day in the Netherlands
    community: Community | None
    """The version's facts, placed as the views place them; None: deleted or gone."""


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date | None
    ended_by: str  # "einddatum", "verwijderd", "beeindigd", or "" while it runs
    first_seen: dt.date  # when its first version was recorded
    start_given: bool  # False: no start date in the data, the first version stands in

    def ended(self, today: dt.date) -> bool:
        return self.end is not None and self.end <= today

    def days(self, today: dt.date) -> int:
        """How long it lasted (an ended one) or has lasted so far."""
        last = min(self.end, today) if self.end else today
        return max(0, (last - self.start).days)


@dataclass(frozen=True)
class Life:
    iri: str
    versions: tuple[Version, ...]  # oldest first

    def known(self, until: dt.datetime) -> tuple[Version, ...]:
        """The versions recorded at or before `until`."""
        return self.versions[:bisect.bisect_right(self.versions, until, key=AT)]

    @cached_property
    def described(self) -> tuple[Version, ...]:
        """The versions that describe it (not its deletions)."""
        return tuple(v for v in self.versions if v.community is not None)

    def span(self, until: dt.datetime) -> Span | None:
        """Its life as the log knew it at `until` (None: not yet recorded then)."""
        known = self.known(until)
        content = [v for v in known if v.community is not None]
        if not content:
            return None
        newest = content[-1].community
        given = parse_day(newest.first("start"))
        ends = []
        if (end := parse_day(newest.first("end"))) is not None:
            ends.append((end, "einddatum"))
        if known[-1].community is None:
            ends.append((known[-1].day, "verwijderd"))
        elif ENDED in newest.all("status"):
            said = content[-1]
            for version in reversed(content):  # the first of the newest versions that say so
                if ENDED not in version.community.all("status"):
                    break
                said = version
            ends.append((said.day, "beeindigd"))
        end, how = min(ends) if ends else (None, "")
        return Span(given or content[0].day, end, how, content[0].day, given is not None)

    def on(self, day: dt.date, until: dt.datetime) -> tuple[Community, bool] | None:
        """Its facts on `day`: the newest version recorded by then, else its first (True: stood in)."""
        described = self.described
        known = bisect.bisect_right(described, until, key=AT)
        if not known:
            return None
        index = bisect.bisect_right(described, day, hi=known, key=DAY)
        return (described[index - 1].community, False) if index else (described[0].community, True)


@dataclass(frozen=True)
class Meeting:
    iri: str
    versions: tuple[tuple[dt.datetime, dt.date | None], ...]
    """(recorded, the date it gives) oldest first; None: removed (or no date)."""

    def held_on(self, until: dt.datetime) -> dt.date | None:
        """Its date, if it had been held by `until`: a meeting removed before its date was not held."""
        known = self.versions[:bisect.bisect_right(self.versions, until, key=itemgetter(0))]
        dates = [(at, date) for at, date in known if date is not None]
        if not dates:
            return None
        date = dates[-1][1]
        removed = day_of(known[-1][0]) if known[-1][1] is None else day_of(until)
        return date if date <= removed else None


@dataclass
class Timeline:
    """What the log knew up to one token: every community's life and every meeting."""

    token: Token
    lives: dict[str, Life] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    meeting_of: dict[str, str] = field(default_factory=dict)  # meeting IRI -> community IRI naming it
    derived: dict = field(default_factory=dict, repr=False)
    """What callers made from this timeline (`series` per area and moment); goes with it."""

    @property
    def begins(self) -> dt.datetime | None:
        """When the oldest version was recorded: before then, the registry kept no history."""
        return dt.datetime.fromisoformat(self.token.first) if self.token.first else None

    def community_of(self, meeting: str) -> str:
        return self.meeting_of.get(meeting) or meeting.split("/bijeenkomsten/")[0]


def extend(timeline: Timeline | None, store: Store, members: list[Member], upto: Token | None = None) -> Timeline:
    """`timeline` with the versions recorded since its token (a new one after a privacy erase).

    The log is read `CHUNK` version numbers at a time, so the scratch store never holds more.
    """
    upto = upto or token(store)
    if timeline is None or timeline.token.erased != upto.erased or timeline.token.count > upto.count:
        timeline = Timeline(Token(0, upto.erased, upto.first))  # from the first version
    while timeline.token.count < upto.count:
        step = Token(min(timeline.token.count + CHUNK, upto.count), upto.erased, upto.first)
        timeline = _extend(timeline, store, members, step)
    return timeline


def _extend(timeline: Timeline, store: Store, members: list[Member], upto: Token) -> Timeline:
    integer = lambda n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))  # noqa: E731
    rows = store.select(named("history/timeline_versions").bind(after=integer(timeline.token.count),
                                                                  upto=integer(upto.count)))
    rows.sort(key=lambda row: int(row["number"].value))
    facts, dates, links = _read(rows)
    placed = _place(members, rows, _changed(timeline, rows, facts))
    lives = _Changing(timeline.lives, lambda life: life.versions)
    meetings = _Changing(timeline.meetings, lambda meeting: meeting.versions)
    for row in rows:
        number, iri = int(row["number"].value), row["resource"].value
        at = dt.datetime.fromisoformat(row["time"].value)
        if row["kind"].value == DELETE:
            if iri in lives and lives[iri][-1].community is not None:
                lives[iri].append(Version(number, at, day_of(at), None))
            if iri in meetings:
                meetings[iri].append((at, None))
        elif number in placed:
            lives[iri].append(Version(number, at, day_of(at), placed[number]))
        elif number in dates:
            meetings[iri].append((at, dates[number]))
    return Timeline(upto, lives.merged(Life), meetings.merged(Meeting), {**timeline.meeting_of, **links})


class _Changing(dict):
    """Version lists of the lives (or meetings) a read changes, copied on first touch; the others stay as they were."""

    def __init__(self, kept: dict, versions):
        super().__init__()
        self.kept, self.versions = kept, versions

    def __contains__(self, iri) -> bool:
        return dict.__contains__(self, iri) or iri in self.kept

    def __missing__(self, iri: str) -> list:
        found = self[iri] = list(self.versions(self.kept[iri])) if iri in self.kept else []
        return found

    def merged(self, make) -> dict:
        return {**self.kept, **{iri: make(iri, tuple(found)) for iri, found in self.items() if found}}


def _changed(timeline: Timeline, rows: list[dict], facts: dict[int, dict]) -> dict[int, dict]:
    """The facts of the versions that say something new: a first one, one after a deletion, a change."""
    last = {iri: life.versions[-1].community for iri, life in timeline.lives.items()}
    last = {iri: community.values if community else None for iri, community in last.items()}
    changed = {}
    for row in rows:
        number, iri = int(row["number"].value), row["resource"].value
        if row["kind"].value == DELETE:
            last[iri] = None
        elif number in facts:
            if last.get(iri) != facts[number]:
                changed[number] = facts[number]
            last[iri] = facts[number]
    return changed


def _read(rows: list[dict]) -> tuple[dict[int, dict], dict[int, dt.date], dict[str, str]]:
    """Facts per community version, the date per meeting version, and community per meeting, in one scratch store."""
    scratch = ox.Store()
    resource = {}
    for row in rows:
        if row["kind"].value != DELETE and row["content"].value:
            number = int(row["number"].value)
            resource[number] = row["resource"].value
            scratch.load(row["content"].value, format=ox.RdfFormat.N_TRIPLES, lenient=True,
                         to_graph=ox.NamedNode(f"{SCRATCH}{number}"))
    facts: dict[int, dict[str, list[str]]] = defaultdict(dict)
    same: dict[str, str] = {}  # one string per distinct value, however many versions repeat it
    for graph, community, key, value in scratch.query(named("views/facts").text):
        number = int(graph.value[len(SCRATCH):])
        if community.value == resource[number]:
            found = facts[number].setdefault(same.setdefault(key.value, key.value), [])
            text = same.setdefault(value.value, value.value)
            if text not in found:
                found.append(text)
    for values in facts.values():
        for found in values.values():
            found.sort()
    dates, links = {}, {}
    for graph, meeting, date, community in scratch.query(named("history/timeline_meetings").text):
        number = int(graph.value[len(SCRATCH):])
        if community is not None:
            links[meeting.value] = community.value
        elif meeting.value == resource[number] and (day := parse_day(date.value)):
            dates[number] = day
    return facts, dates, links


def _place(members: list[Member], rows: list[dict], facts: dict[int, dict]) -> dict[int, Community]:
    """Each community version placed by the views' own `assemble`, as a community of its own (never merged)."""
    parts: dict[str, GraphPart] = {}
    for row in rows:
        number = int(row["number"].value)
        if number in facts and row.get("derived") is not None:
            part = parts.setdefault(row["derived"].value, GraphPart(None, {}, {}, dt.date.min))
            key = f"{SCRATCH}{number}"
            part.facts[key] = facts[number]
            part.merge_keys[key] = ("iri", key)
    federation = assemble(members, parts)
    return {int(c.iri[len(SCRATCH):]): c for c in federation.communities}


class Timelines:
    """The timeline of one store's log, kept per log token and brought up to date in the background.

    Reading the token costs a scan of the log, so a request reads it only when the
    store's change token moved (a hub writes versions in the harvest's transaction) or
    `check_every_s` passed (for writes that keep the change token, such as an erase).
    """

    def __init__(self, store: Store, members: list[Member], wait_s: float = 10.0, check_every_s: float = 300.0):
        self.store, self.members, self.wait_s, self.check_every_s = store, members, wait_s, check_every_s
        self._current: Timeline | None = None
        self._checked: tuple[str, float] | None = None  # (change token, monotonic time) of the last token read
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def get(self, wait_s: float | None = None) -> Timeline | None:
        """The timeline of the log as it is; if it grew, the newer one when made within `wait_s`, else the last.

        Only the request that starts a build waits for it; the others meanwhile get the
        previous timeline (None before the first: the page says it is being worked out).
        """
        generation = self.store.state()[0]
        current, checked = self._current, self._checked
        if current is not None and checked and checked[0] == generation and \
                time.monotonic() - checked[1] < self.check_every_s:
            return current
        if self._worker is not None and self._worker.is_alive():
            return current  # another request started a build: no second wait
        wanted = token(self.store)
        with self._lock:
            current = self._current
            if current is not None and current.token == wanted:
                self._checked = (generation, time.monotonic())
                return current
            if self._worker is not None and self._worker.is_alive():
                return current
            done = threading.Event()
            self._worker = threading.Thread(target=self._build, args=(wanted, generation, done),
                                            name="timeline", daemon=True)
            self._worker.start()
        done.wait(self.wait_s if wait_s is None else wait_s)
        return self._current

    def _build(self, wanted: Token, generation: str, done: threading.Event) -> None:
        try:
            made = extend(self._current, self.store, self.members, wanted)
            with self._lock:
                self._current, self._checked = made, (generation, time.monotonic())
        except StoreError as error:  # keep the previous timeline; the next request tries again
            log.warning("could not bring the timeline up to date: %s", error.detail)
        finally:
            done.set()
