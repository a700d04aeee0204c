"""What changed in the landscape between two moments: pure functions over two federations.

The change page of every view ("Wat is er veranderd tussen … en …") compares the
federation as of `van` with the one as of `tot`, both made from the version log
(`node.federation_as_of`). A community is matched across the two by any of its
sources' IRIs, so a twin that gained a second describing node is still the same one.

Kinds, in the order the page lists them:

- `started`: in the register at `tot`, not at `van`.
- `ended`: its status became *beëindigd*, or it left the register (deleted by its node
  or no longer served); `after` names the ended status, or is empty when it left.
- `level`, `theme`: its level or themes differ (`before` and `after` hold the IRIs).
- `perspective_gained`, `perspective_lost`: the perspectives that came or went.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.communities import fold
from registry.views.federation import NIVEAU, Community, Federation

ENDED = "https://w3id.org/lerende-praktijken/id/status/beeindigd"
KINDS = ("started", "ended", "level", "theme", "perspective_gained", "perspective_lost")
Within = Callable[[Community], bool]


@dataclass(frozen=True)
class Change:
    """One change to one community: what it was (`before`) and what it became (`after`), as IRIs."""

    iri: str
    name: str
    kind: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


def everywhere(community: Community) -> bool:
    return True


def within_area(kind: str, key: str = "") -> Within:
    """Which communities a view's change page covers: the same area its view shows.

    A region takes what lies in it or its node publishes (`Community.regions` holds
    both); a gemeente and a wijk what is placed in them by CBS code.
    """
    if kind == "landelijk":
        return everywhere
    if kind == "regio":
        return lambda c: key in c.regions or any(s.node == key for s in c.sources)
    if kind == "gemeente":
        return lambda c: key in c.gemeenten
    if kind == "wijk":
        return lambda c: key in c.wijken
    raise ValueError(f"no change page for a {kind!r} view")


def compare(before: Federation, after: Federation, within: Within = everywhere) -> list[Change]:
    """Every change between the two federations to a community in the area, by kind, then name."""
    found: list[Change] = []
    seen: set[int] = set()
    for now in after.communities:
        then = _counterpart(before, now)
        if not (within(now) or (then is not None and within(then))):
            continue
        if then is not None:
            seen.add(id(then))
        found += community_changes(then, now)
    for then in before.communities:
        if id(then) not in seen and within(then) and _counterpart(after, then) is None:
            found += community_changes(then, None)
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(found, key=lambda c: (order[c.kind], fold(c.name), c.iri))


def community_changes(then: Community | None, now: Community | None) -> list[Change]:
    """The changes from one community's earlier description to its later one (None: not there)."""
    if then is None and now is None:
        return []
    one = now or then
    change = lambda kind, old=(), new=(): Change(one.iri, one.name, kind, tuple(old), tuple(new))  # noqa: E731
    if then is None:
        return [change("started", (), now.all("status"))]
    if now is None:
        return [] if ENDED in then.all("status") else [change("ended", then.all("status"), ())]
    found = []
    if ENDED in now.all("status") and ENDED not in then.all("status"):
        found.append(change("ended", then.all("status"), now.all("status")))
    if then.level != now.level:
        found.append(change("level", _level(then), _level(now)))
    if set(then.all("theme")) != set(now.all("theme")):
        found.append(change("theme", sorted(then.all("theme")), sorted(now.all("theme"))))
    old, new = set(then.all("perspective")), set(now.all("perspective"))
    if new - old:
        found.append(change("perspective_gained", (), sorted(new - old)))
    if old - new:
        found.append(change("perspective_lost", sorted(old - new), ()))
    return found


def counts(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, every kind listed (zero included)."""
    tally = dict.fromkeys(KINDS, 0)
    for change in changes:
        tally[change.kind] += 1
    return tally


def _counterpart(federation: Federation, community: Community) -> Community | None:
    """The same community in the other federation, found by any of its sources' IRIs."""
    for source in community.sources:
        found = federation.get(source.iri)
        if found is not None:
            return found
    return None


def _level(community: Community) -> tuple[str, ...]:
    return (NIVEAU + community.level,) if community.level else ()
