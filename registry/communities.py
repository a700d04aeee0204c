"""Learning communities as the node shows them: an index for the list, a view per page.

Also the one search that the node's list (`/praktijken?q=`) and the hub's views
(`/overzicht?q=`) share, so the same words find the same communities on both.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import pyoxigraph as ox

from registry.places import parse_place, place_iri
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

FACETS = ("theme", "kind", "level", "status", "perspective", "gemeente")
MULTI = {"theme", "place", "perspective", "meeting"}
SEARCHED_TEXT = ("name", "question", "description")
"""A search looks in these texts, and in the Dutch and English labels of themes and places."""
LANGUAGES = ("nl", "en")

Label = Callable[[str, str], str]
"""(IRI, language) -> label, as `Labels.label` gives it."""


class Searchable(Protocol):
    def search_text(self, label: Label) -> str: ...


S = TypeVar("S", bound=Searchable)


def fold(text: str) -> str:
    """Case, accents, punctuation and spacing do not make another word."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def search_words(text: str) -> list[str]:
    """The words of a search, folded as the text searched is."""
    return sorted(set(fold(text).split()))


def searchable_text(values: Mapping[str, list[str]], gemeenten: Iterable[str], label: Label) -> str:
    """The folded text one community is found by.

    Its name, shared question and description, and the labels in Dutch and English of
    its themes and places, including the gemeente a wijk lies in, so that `Katwijk`
    finds a community that names only the wijk Koestal.
    """
    texts = [text for key in SEARCHED_TEXT for text in values.get(key, [])]
    labelled = [*values.get("theme", []), *values.get("place", []), *(place_iri(code) for code in gemeenten)]
    texts += [label(iri, lang) for iri in dict.fromkeys(labelled) for lang in LANGUAGES]
    return fold(" ".join(texts))


def search(communities: Iterable[S], text: str, label: Label) -> list[S]:
    """The communities whose text holds every word of `text` (all words must match)."""
    words = search_words(text)
    if not words:
        return list(communities)
    return [c for c in communities if all(word in c.search_text(label) for word in words)]


@dataclass
class CommunitySummary:
    """What the list page, its filters and its facet counts need of one community."""

    iri: str
    values: dict[str, list[str]] = field(default_factory=dict)
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    """The day the summary was made for: meetings after it are planned, not held."""
    _search_text: str | None = field(default=None, repr=False, compare=False)

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
        """The last meeting held (on or before today)."""
        past = [d for d in self.all("meeting") if d[:10] <= self.today]
        return max(past) if past else None

    @property
    def next_meeting(self) -> str | None:
        coming = [d for d in self.all("meeting") if d[:10] > self.today]
        return min(coming) if coming else None

    def facet_values(self, facet: str) -> list[str]:
        return self.gemeenten if facet == "gemeente" else self.all(facet)

    def matches(self, filters: dict[str, str]) -> bool:
        return all(not wanted or wanted in self.facet_values(facet) for facet, wanted in filters.items())

    def search_text(self, label: Label) -> str:
        if self._search_text is None:
            self._search_text = searchable_text(self.values, self.gemeenten, label)
        return self._search_text


class CommunityIndex:
    """Summaries of every community in the store, rebuilt when the store changes or the day turns.

    `label` gives the theme and place labels the search looks in (`Labels.label`).
    """

    def __init__(self, store: Store, label: Label | None = None, today: Callable[[], dt.date] = dt.date.today):
        self._summaries = PerGeneration(store, lambda s: build_summaries(s, today()), extra_key=today)
        self._label = label or _no_label

    def summaries(self) -> list[CommunitySummary]:
        return self._summaries.get()

    def search(self, filters: dict[str, str], text: str = "") -> list[CommunitySummary]:
        """The communities that pass every facet filter and hold every word of `text`."""
        return search([s for s in self.summaries() if s.matches(filters)], text, self._label)


def build_summaries(store: Store, today: dt.date | None = None) -> list[CommunitySummary]:
    day = (today or dt.date.today()).isoformat()
    by_iri: dict[str, CommunitySummary] = {}
    for row in store.select(named("communities/facts").text):
        iri = row["community"].value
        summary = by_iri.setdefault(iri, CommunitySummary(iri, today=day))
        values = summary.values.setdefault(row["key"].value, [])
        if row["value"].value not in values:
            values.append(row["value"].value)
    for summary in by_iri.values():
        for key in MULTI:
            summary.values.get(key, []).sort()
    return sorted(by_iri.values(), key=lambda s: (s.first("name") or "").lower())


def _no_label(iri: str, lang: str) -> str:
    return ""


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
