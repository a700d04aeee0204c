"""Learning communities as the node shows them: an index for the list, a view per page.

Also the one search that the node's list (`/praktijken?q=`) and the hub's views
(`/overzicht?q=`) share, so the same words find the same communities on both.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol, TypeVar

import pyoxigraph as ox

from registry import clock
from registry.description import named_node
from registry.errors import N_, NotFound
from registry.places import parse_place, place_iri
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

FACETS = ("theme", "kind", "level", "status", "perspective", "gemeente")
MULTI = {"theme", "place", "perspective", "meeting"}
SEARCHED_TEXT = ("name", "question", "description")
"""A search looks in these texts, and in the Dutch and English labels of themes and places."""
LANGUAGES = ("nl", "en")
HYDRA = "http://www.w3.org/ns/hydra/core#"
PAGE_SIZE = 50
"""Communities on one page of the list, in every format (`perPagina` asks for another size)."""
MAX_PAGE_SIZE = 100
SEARCHES_KEPT = 256
"""Distinct filter-and-search combinations whose results are kept until the data changes."""

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
    today: str = field(default_factory=lambda: clock.today().isoformat())
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

    def as_dict(self) -> dict:
        """The summary as the list's JSON gives it: facet values under the names its filters take."""
        return {
            "iri": self.iri, "name": self.first("name"), "question": self.first("question"),
            **{facet: self.facet_values(facet) for facet in FACETS}, "place": self.all("place"),
            "start": self.first("start"), "end": self.first("end"), "interval_weeks": self.first("interval"),
            "last_meeting": self.last_meeting, "next_meeting": self.next_meeting,
        }

    def search_text(self, label: Label) -> str:
        if self._search_text is None:
            self._search_text = searchable_text(self.values, self.gemeenten, label)
        return self._search_text


class CommunityIndex:
    """Summaries of every community in the store, rebuilt when the store changes or the day turns.

    `label` gives the theme and place labels the search looks in (`Labels.label`).
    What every list page asks again (the facet counts, the same filters and words)
    is worked out once per store generation and day, not once per request.
    """

    def __init__(self, store: Store, label: Label | None = None, today: Callable[[], dt.date] = clock.today):
        self._summaries = PerGeneration(store, lambda s: build_summaries(s, today()), extra_key=today)
        self._by_iri = PerGeneration(store, lambda _: {s.iri: s for s in self.summaries()}, extra_key=today)
        self._facets = PerGeneration(store, lambda _: facet_counts(self.summaries()), extra_key=today)
        self._options = PerGeneration(store, lambda _: lru_cache(maxsize=len(LANGUAGES))(self._facet_options),
                                      extra_key=today)
        self._found = PerGeneration(store, lambda _: lru_cache(maxsize=SEARCHES_KEPT)(self._select), extra_key=today)
        self._label = label or _no_label

    def summaries(self) -> list[CommunitySummary]:
        return self._summaries.get()

    def summary(self, iri: str) -> CommunitySummary | None:
        return self._by_iri.get().get(iri)

    def facets(self) -> dict[str, dict[str, int]]:
        """How many communities carry each value of each facet (of all communities, not of a search)."""
        return self._facets.get()

    def facet_options(self, lang: str) -> dict[str, list[tuple[str, str, int]]]:
        """Per facet: (value, label in `lang`, count), in the order the list's filters show them."""
        return self._options.get()(lang)

    def search(self, filters: dict[str, str], text: str = "") -> Sequence[CommunitySummary]:
        """The communities that pass every facet filter and hold every word of `text`.

        The result is shared between requests: iterate over it, do not change it.
        """
        wanted = tuple(sorted((facet, value) for facet, value in filters.items() if value))
        return self._found.get()(wanted, " ".join(search_words(text)))

    def _select(self, wanted: tuple[tuple[str, str], ...], words: str) -> tuple[CommunitySummary, ...]:
        summaries = self.summaries()
        if wanted:
            summaries = [s for s in summaries if s.matches(dict(wanted))]
        return tuple(search(summaries, words, self._label))

    def _facet_options(self, lang: str) -> dict[str, list[tuple[str, str, int]]]:
        label = lambda facet, value: value if facet == "gemeente" else self._label(value, lang)  # noqa: E731
        return {facet: [(value, label(facet, value), n) for value, n in sorted(counts.items())]
                for facet, counts in self.facets().items()}


def page_neighbours(number: int, last: int) -> dict[str, int]:
    """Link relation -> page number for page `number` of `last`: first, prev, next, last (those that exist)."""
    found = {"first": 1, "prev": number - 1, "next": number + 1, "last": last}
    return {rel: n for rel, n in found.items() if 1 <= n <= last}


@dataclass(frozen=True)
class Page:
    """One page of a list: the communities on it and where it lies among the others."""

    communities: Sequence[CommunitySummary]
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        """The number of the last page; an empty list still has one (empty) page."""
        return max(1, math.ceil(self.total / self.size))

    def neighbours(self) -> dict[str, int]:
        """The pages a pager and `Link` header point to: first, prev, next, last (those that exist)."""
        return page_neighbours(self.number, self.last)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers a pager shows: the first, the last and `around` either side; None marks a gap."""
        shown = sorted({1, self.last, *range(max(1, self.number - around), min(self.last, self.number + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def page_of(found: Sequence[CommunitySummary], number: int, size: int = PAGE_SIZE) -> Page:
    """Page `number` (from 1) of `found`; NotFound past the last page, so a crawler knows it is done."""
    page = Page(found[(number - 1) * size: number * size], number, size, len(found))
    if number > page.last:
        raise NotFound(N_("Pagina %(page)s bestaat niet; de laatste pagina van deze lijst is %(pages)s."),
                       page=number, pages=page.last)
    return page


def build_summaries(store: Store, today: dt.date | None = None) -> list[CommunitySummary]:
    day = (today or clock.today()).isoformat()
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


def list_triples(page: Page, collection: str, page_iri: Callable[[int], str]) -> list[ox.Triple]:
    """One page of the list as a Hydra collection: its members, the total, and the pages around it.

    The list is the dataset's VoID root resource; a crawler follows `hydra:next`
    from the first page to the last (the whole data at once is in the dump).
    """
    hydra = lambda local: ox.NamedNode(HYDRA + local)  # noqa: E731
    a = named_node("rdf:type")
    whole, view = ox.NamedNode(collection), ox.NamedNode(page_iri(page.number))
    triples = [
        (whole, a, hydra("Collection")),
        (whole, hydra("totalItems"), ox.Literal(str(page.total), datatype=named_node("xsd:integer"))),
        (whole, hydra("view"), view),
        (view, a, hydra("PartialCollectionView")),
    ]
    rels = {"first": "first", "prev": "previous", "next": "next", "last": "last"}
    triples += [(view, hydra(rels[rel]), ox.NamedNode(page_iri(number))) for rel, number in page.neighbours().items()]
    for summary in page.communities:
        member = ox.NamedNode(summary.iri)
        triples += [(whole, hydra("member"), member), (member, a, named_node("lp:LearningCommunity"))]
        triples += [(member, named_node("schema:name"), ox.Literal(name)) for name in summary.all("name")]
    return [ox.Triple(*triple) for triple in triples]


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """Triples that describe one community, meeting, report or result (empty if unknown)."""
    return store.construct(named("communities/describe").bind(resource=ox.NamedNode(iri)))
