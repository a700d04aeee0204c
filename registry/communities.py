"""Learning communities as the node shows them: an index for the list, a view per page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox

from registry.places import parse_place
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

FACETS = ("theme", "kind", "level", "status", "perspective", "gemeente")
MULTI = {"theme", "place", "perspective", "meeting"}


@dataclass
class CommunitySummary:
    """What the list page, its filters and its facet counts need of one community."""

    iri: str
    values: dict[str, list[str]] = field(default_factory=dict)

    def first(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[0] if found else None

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])

    @property
    def gemeenten(self) -> list[str]:
        places = (parse_place(iri) for iri in self.all("place"))
        return sorted({p.gemeente for p in places if p and p.gemeente})

    @property
    def last_meeting(self) -> str | None:
        today = dt.date.today().isoformat()
        past = [d for d in self.all("meeting") if d <= today]
        return max(past) if past else None

    @property
    def next_meeting(self) -> str | None:
        today = dt.date.today().isoformat()
        coming = [d for d in self.all("meeting") if d > today]
        return min(coming) if coming else None

    def facet_values(self, facet: str) -> list[str]:
        return self.gemeenten if facet == "gemeente" else self.all(facet)

    def matches(self, filters: dict[str, str], text: str = "") -> bool:
        for facet, wanted in filters.items():
            if wanted and wanted not in self.facet_values(facet):
                return False
        if text:
            haystack = " ".join(self.all("name") + self.all("description") + self.all("question")).lower()
            return all(word in haystack for word in text.lower().split())
        return True


class CommunityIndex:
    """Summaries of every community in the store, rebuilt when the store changes."""

    def __init__(self, store: Store):
        self._summaries = PerGeneration(store, build_summaries)

    def summaries(self) -> list[CommunitySummary]:
        return self._summaries.get()

    def search(self, filters: dict[str, str], text: str = "") -> list[CommunitySummary]:
        return [s for s in self.summaries() if s.matches(filters, text)]


def build_summaries(store: Store) -> list[CommunitySummary]:
    by_iri: dict[str, CommunitySummary] = {}
    for row in store.select(named("communities/facts").text):
        iri = row["community"].value
        summary = by_iri.setdefault(iri, CommunitySummary(iri))
        values = summary.values.setdefault(row["key"].value, [])
        if row["value"].value not in values:
            values.append(row["value"].value)
    for summary in by_iri.values():
        for key in MULTI:
            summary.values.get(key, []).sort()
    return sorted(by_iri.values(), key=lambda s: (s.first("name") or "").lower())


def facet_counts(summaries: list[CommunitySummary]) -> dict[str, dict[str, int]]:
    """How many communities carry each value of each facet."""
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for summary in summaries:
        for facet in FACETS:
            for value in summary.facet_values(facet):
                counts[facet][value] = counts[facet].get(value, 0) + 1
    return counts


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """Triples that describe one community, meeting, report or result (empty if unknown)."""
    return store.construct(named("communities/describe").bind(resource=ox.NamedNode(iri)))
