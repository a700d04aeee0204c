"""Change over time in one view: active communities per quarter, their mix, meetings per month, lifetimes.

Made from a `timeline.Timeline` for one `Area` (the views' placement rules, applied to
each version as `federation.assemble` placed it) and the view's filters (`keep`). A
region holds its own communities, those in its gemeenten, and the national networks its
own communities name as dct:isPartOf (in any version). What the numbers mean:

- A community is **active in a quarter** when its life (`timeline.Life.span`) overlaps
  it: it started on or before the quarter's last day and did not end before its first.
  Communities that ended or were deleted since count in every quarter they were active:
  that is what keeping history is for.
- Its **facts in a quarter** (area, theme, perspectives, status...) are those of its
  newest version recorded by the quarter's last day, so a community counts where and
  as the registry held it then. For a quarter before its first version, that first
  version stands in.
- **Before the history began** (the oldest version in the log) the registry kept no
  versions: a quarter that begins before then is counted from the communities that were
  still there when history began, their first versions standing in, and is marked
  (`Quarter.before_history`, "afgeleid" in the table): communities that ended and were
  removed before history began are missing from it, so it undercounts.
- Quarters run from the one holding the oldest start date in the view to today's (which
  counts up to today), at most `MAX_QUARTERS`; months likewise, at most `MAX_MONTHS`.
- Two descriptions of one community count once (`key_of`: the views' merging, as the
  current federation has it; ones deleted since count per description).
- **Experiential knowledge** is what the reflection dashboard counts (the shape
  lpsh:NoExperientialKnowledge): a perspective that brings ervaringskennis
  (ervaringsdeskundige, cliënt) or knowledge kind ervaringskennis; **≥ 3
  perspectives** counts distinct perspectives among the participations.
- A **meeting** counts in the month of its date if that date has come and is not after
  the meeting's removal (a meeting removed before its date did not take place), in the
  view its community was in on that date.
- **Lasting, without survivor bias** (`lasting`): of the communities that started at
  least `LASTING_DAYS` ago, including those that ended or were deleted since, the share
  whose life lasted at least that long. The dashboard's `reflection.lasting` counts only
  the communities in the registry now, and divides by all of them, young ones included.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from registry.history.moments import day_of
from registry.history.timeline import Life, Timeline
from registry.queries import named
from registry.store import EmbeddedStore, vocabulary
from registry.views.federation import Community
from registry.views.reflection import LASTING_DAYS

MAX_QUARTERS = 40
MAX_MONTHS = 120
Keep = Callable[[list[Community]], list[Community]]
"""The view's filters: which of these communities pass them."""


@cache
def experiential_concepts() -> frozenset[str]:
    """Knowledge kinds and perspectives that stand for experiential knowledge, from the shipped vocabulary."""
    scratch = EmbeddedStore()
    scratch.extend(vocabulary.quads())
    return frozenset(row["concept"].value for row in scratch.select(named("history/timeline_experiential").text))


def has_experience(community: Community) -> bool:
    concepts = experiential_concepts()
    return any(iri in concepts for iri in community.all("perspective") + community.all("knowledge"))


def has_perspectives(community: Community, least: int = 3) -> bool:
    return len(set(community.all("perspective"))) >= least


@dataclass(frozen=True)
class Area:
    """Which communities a view holds, by the views' rules (`registry.views.build`)."""

    kind: str  # landelijk, regio, gemeente, wijk
    key: str = ""
    gemeenten: frozenset[str] = frozenset()  # a region's area
    wholes: frozenset[str] = frozenset()  # a region: the national networks its own communities join

    def holds(self, key: str, community: Community) -> bool:
        if self.kind == "gemeente":
            return self.key in community.gemeenten
        if self.kind == "wijk":
            return self.key in community.wijken
        if self.kind == "regio":
            own = any(source.node == self.key for source in community.sources)
            return own or bool(self.gemeenten & set(community.gemeenten)) or (
                community.level == "landelijk" and key in self.wholes)
        return True


def region(timeline: Timeline, member: str, gemeenten, key_of: Callable[[str], str]) -> Area:
    """A region's area: its own communities, those in its gemeenten, and the national ones its own join."""
    wholes = {key_of(target) for life in timeline.lives.values() for version in life.versions
              if version.community and any(s.node == member for s in version.community.sources)
              for target in version.community.all("part_of")}
    return Area("regio", member, frozenset(code for code in gemeenten if code.startswith("GM")), frozenset(wholes))


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4
    first: dt.date
    last: dt.date
    active: int
    experiential: int
    perspectives: int
    before_history: bool  # begins before the oldest version: counted from what was still there then
    current: bool  # today's quarter, counted up to today

    @property
    def experiential_share(self) -> int | None:
        return round(100 * self.experiential / self.active) if self.active else None

    @property
    def perspectives_share(self) -> int | None:
        return round(100 * self.perspectives / self.active) if self.active else None


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    meetings: int
    before_history: bool


@dataclass(frozen=True)
class Lasting:
    """Of the communities that started at least `LASTING_DAYS` ago (`started`), how many lasted that long."""

    started: int
    lasted: int
    ended: int  # of `started`: ended (end date, status or deletion) since
    deleted: int  # of `started`: deleted or gone from their node's data
    cutoff: dt.date  # started on or before this day

    @property
    def share(self) -> int | None:
        return round(100 * self.lasted / self.started) if self.started else None


@dataclass(frozen=True)
class Series:
    quarters: list[Quarter]
    months: list[Month]
    lasting: Lasting
    begins: dt.date | None  # when history began
    today: dt.date
    lives: int = field(default=0)  # communities of this view the history knows


def series(timeline: Timeline, area: Area, keep: Keep, key_of: Callable[[str], str], until: dt.datetime) -> Series:
    """Every series of one view, as the log knew it at `until` (now, or an as-of moment)."""
    today = day_of(until)
    begins = day_of(timeline.begins) if timeline.begins else None
    chosen = _chooser(area, keep, key_of)
    spans = {iri: span for iri, life in timeline.lives.items()  # those ever in the view, as known at `until`
             if any(chosen(iri, v.community) for v in life.described) and (span := life.span(until))}
    mine = [iri for iri in spans if chosen(iri, timeline.lives[iri].on(today, until)[0])]
    first = min((spans[iri].start for iri in mine), default=today)
    quarters = _quarters(timeline, spans, chosen, key_of, (first, today, begins, until))
    months = _months(timeline, spans, chosen, key_of, (today, begins, until))
    return Series(quarters, months, _lasting({iri: spans[iri] for iri in mine}, key_of, today), begins, today,
                  len({key_of(iri) for iri in mine}))


def _chooser(area: Area, keep: Keep, key_of: Callable[[str], str]) -> Callable[[str, Community], bool]:
    """Is this version of this community in the view: in the area and through the filters (each decided once)."""
    decided: dict[int, bool] = {}

    def chosen(iri: str, community: Community) -> bool:
        found = decided.get(id(community))
        if found is None:
            found = decided[id(community)] = area.holds(key_of(iri), community) and bool(keep([community]))
        return found
    return chosen


def _quarters(timeline: Timeline, spans: dict, chosen, key_of, when: tuple) -> list[Quarter]:
    first, today, begins, until = when
    bounds = quarter_bounds(first, today)[-MAX_QUARTERS:]
    starts, ends = [start for _, _, start, _ in bounds], [end for _, _, _, end in bounds]
    counted: list[dict[str, tuple[bool, bool]]] = [{} for _ in bounds]
    found_traits: dict[int, tuple[bool, bool]] = {}

    def traits(community: Community) -> tuple[bool, bool]:  # each version's, worked out once
        found = found_traits.get(id(community))
        if found is None:
            found = found_traits[id(community)] = (has_experience(community), has_perspectives(community))
        return found
    for iri, span in spans.items():
        life: Life = timeline.lives[iri]
        last = bisect.bisect_right(starts, span.end) if span.end else len(bounds)
        for index in range(bisect.bisect_left(ends, span.start), last):  # the quarters its life overlaps
            community, _ = life.on(min(ends[index], today), until)
            if chosen(iri, community):
                key = key_of(iri)
                was, now = counted[index].get(key, (False, False)), traits(community)
                counted[index][key] = (was[0] or now[0], was[1] or now[1])
    return [Quarter(year, number, start, end, len(found), sum(e for e, _ in found.values()),
                    sum(p for _, p in found.values()), begins is None or start < begins, end >= today)
            for (year, number, start, end), found in zip(bounds, counted)]


def quarter_bounds(first: dt.date, last: dt.date) -> list[tuple[int, int, dt.date, dt.date]]:
    """(year, quarter, first day, last day) from the quarter holding `first` to the one holding `last`."""
    found = []
    year, number = first.year, (first.month - 1) // 3 + 1
    while (year, number) <= (last.year, (last.month - 1) // 3 + 1):
        start = dt.date(year, 3 * number - 2, 1)
        following = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
        found.append((year, number, start, following - dt.timedelta(days=1)))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return found


def _months(timeline: Timeline, spans: dict, chosen, key_of, when: tuple) -> list[Month]:
    today, begins, until = when
    held: dict[str, set] = {}
    for meeting in timeline.meetings.values():
        life = timeline.lives.get(timeline.community_of(meeting.iri))
        if life is None or life.iri not in spans or (date := meeting.held_on(until)) is None or date > today:
            continue
        found = life.on(date, until)
        if found and chosen(life.iri, found[0]):
            held.setdefault(date.isoformat()[:7], set()).add((key_of(life.iri), date))
    if not held:
        return []
    year, month = (int(part) for part in min(held).split("-"))
    months = []
    while (year, month) <= (today.year, today.month):
        key = f"{year:04d}-{month:02d}"
        months.append(Month(key, len(held.get(key, ())), begins is None or dt.date(year, month, 1) < begins))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MAX_MONTHS:]


def _lasting(spans: dict, key_of: Callable[[str], str], today: dt.date) -> Lasting:
    cutoff = today - dt.timedelta(days=LASTING_DAYS)
    by_key: dict[str, list] = {}
    for iri, span in spans.items():
        if span.start <= cutoff:
            by_key.setdefault(key_of(iri), []).append(span)
    lasted = sum(any(span.days(today) >= LASTING_DAYS for span in found) for found in by_key.values())
    ended = sum(all(span.ended(today) for span in found) for found in by_key.values())
    deleted = sum(all(span.ended_by == "verwijderd" for span in found) for found in by_key.values())
    return Lasting(len(by_key), lasted, ended, deleted, cutoff)


@dataclass(frozen=True)
class Lifetime:
    """How long one community has lived (or lived): 'bestaat 2 jaar en 3 maanden'."""

    start: dt.date
    end: dt.date | None
    ended: bool
    ended_by: str  # as `timeline.Span.ended_by`
    start_given: bool
    years: int
    months: int

    @classmethod
    def between(cls, start: dt.date, end: dt.date | None, today: dt.date, ended_by: str = "",
                start_given: bool = True) -> "Lifetime":
        ended = end is not None and end <= today
        last = end if ended else today
        months = max(0, (last.year - start.year) * 12 + last.month - start.month - (last.day < start.day))
        return cls(start, end, ended, ended_by if ended else "", start_given, *divmod(months, 12))


def lifetime(timeline: Timeline, iris: list[str], until: dt.datetime) -> Lifetime | None:
    """The life of a community described under these IRIs (one per node): from the first start to the last end."""
    spans = [span for iri in iris if (life := timeline.lives.get(iri)) and (span := life.span(until))]
    if not spans:
        return None
    today, first = day_of(until), min(spans, key=lambda span: span.start)
    running = [span for span in spans if not span.ended(today)]
    last = running[0] if running else max(spans, key=lambda span: span.end)
    return Lifetime.between(first.start, last.end, today, last.ended_by, first.start_given)
