"""The federation as the views see it: every harvested community, placed, merged and indexed.

Assembled from what `index.FederationIndex` reads per member graph (facts and
reflection signals) and the member list of the instances file; views then only
filter and count in memory.

Placement follows the CBS codes: a wijk or buurt lies in the gemeente its code begins
with; a gemeente lies in every Werkplaats region whose instances entry lists it; a
community published by a regional node also belongs to that node's region.

Two nodes describing the same community (same name, same places, same partner names)
become one `Community` with both as sources.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from registry.communities import Label, fold, searchable_text
from registry.places import parse_place, wijk_of

NIVEAU = "https://w3id.org/lerende-praktijken/id/niveau/"
LEVELS = ("wijk", "lokaal", "regionaal", "landelijk")
"""Narrow to wide: a community links up to wider levels, down to narrower ones."""


@dataclass(frozen=True)
class Member:
    """One node of the federation as the views need it (from the instances file)."""

    id: str
    name: str
    level: str
    area: tuple[str, ...]
    graph: str

    @property
    def is_region(self) -> bool:
        """Does it stand for a Werkplaats region: regional, or any non-national member with an area."""
        return self.level == "regionaal" or (bool(self.area) and self.level != "landelijk")


@dataclass(frozen=True)
class Source:
    """Where one description of a community comes from."""

    node: str
    node_name: str
    iri: str


@dataclass
class Community:
    iri: str  # the first source's IRI: the key in URLs
    values: dict[str, list[str]]
    sources: list[Source]
    signals: frozenset[str] = frozenset()
    gemeenten: tuple[str, ...] = ()
    wijken: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    _search_text: str | None = field(default=None, repr=False, compare=False)

    def first(self, key: str) -> str:
        found = self.values.get(key)
        return found[0] if found else ""

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])

    @property
    def name(self) -> str:
        return self.first("name")

    @cached_property
    def level(self) -> str:
        """Local name of the widest level given (`wijk`, `lokaal`, ...), or ''."""
        levels = [iri.removeprefix(NIVEAU) for iri in self.all("level") if iri.startswith(NIVEAU)]
        known = [level for level in LEVELS if level in levels]
        return known[-1] if known else ""

    @cached_property
    def sort_key(self) -> tuple[str, str]:
        return fold(self.name), self.iri

    @cached_property
    def partner_keys(self) -> frozenset[str]:
        """Partner names folded, as two nodes' names for one organisation are matched."""
        return frozenset(fold(name) for name in self.all("partner"))

    @cached_property
    def place_codes(self) -> tuple[tuple[str, str], ...]:
        """(CBS code, IRI) of each place it names that is a CBS place."""
        return tuple((place.code, iri) for iri in self.all("place") if (place := parse_place(iri)))

    @cached_property
    def rank(self) -> int:
        return LEVELS.index(self.level) if self.level else -1

    def search_text(self, label: Label) -> str:
        """What a search looks in (`communities.searchable_text`), made on the first search."""
        if self._search_text is None:
            self._search_text = searchable_text(self.values, self.gemeenten, label)
        return self._search_text

    def facet_values(self, facet: str) -> list[str]:
        if facet == "gemeente":
            return list(self.gemeenten)
        if facet == "region":
            return list(self.regions)
        return self.all(facet)


class Federation:
    """Every community of every member, with indexes for placing and linking them."""

    def __init__(self, members: list[Member], communities: list[Community]):
        self.members = {member.id: member for member in members}
        self.regions = [member for member in members if member.is_region]
        """Members that stand for a Werkplaats region, in instances-file order."""
        self.communities = sorted(communities, key=lambda c: c.sort_key)
        self.by_iri: dict[str, Community] = {}
        for community in self.communities:
            for source in community.sources:
                self.by_iri[source.iri] = community
        self.by_theme: dict[str, list[Community]] = defaultdict(list)
        self.by_partner: dict[str, list[Community]] = defaultdict(list)
        for community in self.communities:
            for theme in community.all("theme"):
                self.by_theme[theme].append(community)
            for partner in community.partner_keys:
                self.by_partner[partner].append(community)
        self._places: dict[str, set[str]] = defaultdict(set)
        for community in self.communities:
            for code, iri in community.place_codes:
                self._places[code].add(iri)
        self.parts: dict[str, list[Community]] = defaultdict(list)
        """Communities that name another with dct:isPartOf, by the other's key IRI."""
        for community in self.communities:
            for target in community.all("part_of"):
                whole = self.by_iri.get(target)
                self.parts[whole.iri if whole else target].append(community)

    def get(self, iri: str) -> Community | None:
        """The community with this IRI on any node (merged ones answer to each source's IRI)."""
        return self.by_iri.get(iri)

    def place_iris(self, code: str) -> list[str]:
        """IRIs the data uses for one CBS code (a wijk may be named for several years)."""
        return sorted(self._places.get(code, ()))

    def regions_of_gemeente(self, code: str) -> list[Member]:
        return [member for member in self.regions if code in member.area]


def assemble(members: list[Member], parts: dict) -> Federation:
    """The federation from each member graph's facts and signals (`index.GraphPart`), merged and placed.

    A community described by one member only (nearly all) is made once per read of its
    graph and kept in that graph's part, so assembling after one member's harvest costs
    little more than grouping; only communities described twice are merged anew.
    """
    by_graph = {member.graph: member for member in members}
    by_id = {member.id: member for member in members}
    order = {member.id: number for number, member in enumerate(members)}
    placing = _Placing(members)
    groups: dict[tuple, list[tuple[str, str, dict, object]]] = defaultdict(list)
    for graph, part in parts.items():
        member = by_graph.get(graph)
        if member is None:
            continue
        for iri, values in part.facts.items():
            groups[part.merge_keys[iri]].append((member.id, iri, values, part))
    communities = []
    for described in groups.values():
        if len(described) == 1:
            node_id, iri, _, part = described[0]
            made = part.made.get((node_id, iri))
            if made is None:
                made = part.made[(node_id, iri)] = _community([described[0][:3]], by_id, placing, part.signals)
            communities.append(made)
            continue
        described.sort(key=lambda d: (order[d[0]], d[1]))
        signals = {iri: part.signals.get(iri, ()) for _, iri, _, part in described}
        for apart in _one_per_node([d[:3] for d in described]):
            communities.append(_community(apart, by_id, placing, signals))
    return Federation(members, communities)


class _Placing:
    """Which regions take in a gemeente, and which members stand for a region."""

    def __init__(self, members: list[Member]):
        self.regions = {member.id for member in members if member.is_region}
        self.of_gemeente: dict[str, set[str]] = defaultdict(set)
        for member in members:
            if member.is_region:
                for code in member.area:
                    self.of_gemeente[code].add(member.id)


def _community(described, by_id: dict[str, Member], placing: _Placing, signals_by_iri) -> Community:
    if len(described) == 1:  # most communities have one source: share its values, don't copy them
        values = described[0][2]
    else:
        values = {}
        for _, _, one in described:
            for key, found in one.items():
                values.setdefault(key, [])
                values[key] += [value for value in found if value not in values[key]]
    sources = [Source(node_id, by_id[node_id].name, iri) for node_id, iri, _ in described]
    signal_sets = [{signal.key for signal in signals_by_iri.get(iri, ())} for _, iri, _ in described]
    places = [p for p in (parse_place(iri) for iri in values.get("place", [])) if p]
    gemeenten = tuple(sorted({p.gemeente for p in places if p.gemeente}))
    wijken = tuple(sorted({w for w in (wijk_of(p) for p in places) if w}))
    in_regions = {region for code in gemeenten for region in placing.of_gemeente.get(code, ())}
    in_regions |= {s.node for s in sources if s.node in placing.regions}  # a regional node's own lie in its region
    return Community(
        iri=sources[0].iri, values=values, sources=sources,
        signals=frozenset(set.intersection(*signal_sets)),
        gemeenten=gemeenten, wijken=wijken, regions=tuple(sorted(in_regions)),
    )


def _one_per_node(described: list) -> list[list]:
    """A node describes each of its communities once: two of one node stay apart."""
    groups: list[list] = []
    for one in described:
        target = next((g for g in groups if one[0] not in {node for node, _, _ in g}), None)
        if target is None:
            groups.append([one])
        else:
            target.append(one)
    return groups


def merge_key(iri: str, values: dict[str, list[str]]) -> tuple:
    """Same name, same places and same partner names: the same community, twice described.

    Without a name, or with neither a place nor a partner to tell it by, nothing is
    merged: two placeless "Netwerk armoede" of different regions are not one.
    """
    names = values.get("name")
    if not names or not (values.get("place") or values.get("partner")):
        return ("iri", iri)
    return (fold(names[0]), frozenset(values.get("place", [])), frozenset(fold(p) for p in values.get("partner", [])))
