"""Links across levels (Wilken): up to wider networks, down to narrower ones, sideways.

- Up: the networks a community names with dct:isPartOf, and communities at a wider
  level on a shared theme whose area covers it (a national one covers everything, a
  regional one its region, a local one its gemeente).
- Down: the reverse of up.
- Sideways: communities at the same level with a shared theme or a shared partner in
  a neighbouring area: another wijk of the same gemeente, another gemeente of the same
  region; regional and national networks are each other's neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from registry.views.federation import Community, Federation, fold


@dataclass
class Link:
    community: Community | None  # None: a network outside the harvested federation
    iri: str
    why: str  # part_of, theme, partner


@dataclass
class Links:
    wider: list[Link] = field(default_factory=list)
    narrower: list[Link] = field(default_factory=list)
    nearby: list[Link] = field(default_factory=list)


def links(federation: Federation, community: Community, wider_only: bool = False) -> Links:
    """Links up, down and sideways; `wider_only` (a wijk view's lists) skips the other two,
    which at 100,000 communities cost most: thousands share a theme or partner."""
    found = Links()
    explicit = set()
    for target in community.all("part_of"):
        other = federation.get(target)
        if other is not community:
            found.wider.append(Link(other, other.iri if other else target, "part_of"))
            explicit.add(other.iri if other else target)
    for other in [] if wider_only else federation.parts.get(community.iri, []):
        if other is not community:
            found.narrower.append(Link(other, other.iri, "part_of"))
            explicit.add(other.iri)
    nearby: list[Link] = []
    for other in _sharing_theme(federation, community):
        if other.iri in explicit:
            continue
        if other.rank > community.rank >= 0 and covers(other, community):
            found.wider.append(Link(other, other.iri, "theme"))
        elif wider_only:
            continue
        elif community.rank > other.rank >= 0 and covers(community, other):
            found.narrower.append(Link(other, other.iri, "theme"))
        elif other.rank == community.rank >= 0 and near(community, other):
            nearby.append(Link(other, other.iri, "theme"))
    for other in [] if wider_only else _sharing_partner(federation, community):
        if other.rank == community.rank >= 0 and near(community, other):
            nearby.append(Link(other, other.iri, "partner"))
    taken = {link.iri for link in found.wider + found.narrower}
    for link in nearby:  # a theme link first, so a community shows once, for its first reason
        if link.iri not in taken:
            found.nearby.append(link)
            taken.add(link.iri)
    order = lambda link: (link.why != "part_of", link.community.rank if link.community else 9,  # noqa: E731
                          fold(link.community.name) if link.community else link.iri)
    found.wider.sort(key=order)
    found.narrower.sort(key=lambda link: (link.why != "part_of", -link.community.rank, fold(link.community.name)))
    found.nearby.sort(key=lambda link: (link.why, fold(link.community.name)))
    return found


def covers(wide: Community, narrow: Community) -> bool:
    """Does the wider community's area take in the narrower one's?"""
    if wide.level == "landelijk":
        return True
    if wide.level == "regionaal":
        return bool(set(wide.regions) & set(narrow.regions))
    if wide.level == "lokaal":
        return bool(set(wide.gemeenten) & set(narrow.gemeenten))
    return False


def near(one: Community, other: Community) -> bool:
    """Neighbouring areas at the same level."""
    if one.level == "wijk":
        return bool(set(one.gemeenten) & set(other.gemeenten))
    if one.level == "lokaal":
        return bool(set(one.regions) & set(other.regions))
    return one.level in ("regionaal", "landelijk")


def _sharing_theme(federation: Federation, community: Community) -> list[Community]:
    seen: dict[str, Community] = {}
    for theme in community.all("theme"):
        for other in federation.by_theme.get(theme, []):
            if other is not community:
                seen.setdefault(other.iri, other)
    return list(seen.values())


def _sharing_partner(federation: Federation, community: Community) -> list[Community]:
    seen: dict[str, Community] = {}
    for partner in {fold(name) for name in community.all("partner")}:
        for other in federation.by_partner.get(partner, []):
            if other is not community:
                seen.setdefault(other.iri, other)
    return list(seen.values())
