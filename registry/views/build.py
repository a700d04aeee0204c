"""Each view as plain data: the HTML, JSON, CSV and RDF of a view are all made from this.

A view is a set of communities (after the filters in its query string), split into
sections, with counts, the reflection dashboard, meetings per month and links to the
wider and narrower areas around it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from registry import clock
from registry.communities import Label, search
from registry.editing.concepts import shared_concepts
from registry.errors import N_, BamboeError, NotFound
from registry.history.moments import Moment
from registry.places import is_cbs_code, place_iri
from registry.views import reflection
from registry.views.federation import Community, Federation
from registry.views.links import Link, links

MAX_QUERY_TEXT = 200
WIDER_SHOWN = 12
"""Wider networks listed per community in a wijk view (all of them on its own page)."""
PAGE_SIZE = 100
"""Communities per section on one page of HTML or JSON (CSV, RDF and the full JSON download hold all)."""
FILTERS = ("theme", "kind", "level", "status", "perspective", "region", "gemeente", "q")
COUNTED = ("region", "theme", "kind", "level", "perspective", "status")
NO_REGION = ""
"""The region key of communities no Werkplaats region takes in (national ones, mostly)."""


@dataclass
class Context:
    federation: Federation
    label: Callable[[str], str]  # IRI -> label in the reader's language
    today: dt.date = field(default_factory=clock.today)
    recent: list[dict] = field(default_factory=list)  # harvest runs that changed something
    labels: Label | None = None  # (IRI, language) -> label: the search looks in Dutch and English labels
    op: str = ""
    """The day (`2026-03-01`) of an as-of view (`?op=`), kept in every link it makes; '' for today."""
    moment: Moment | None = None  # the moment `federation` is as of (None: the current one)

    def url(self, kind: str, key: str = "", filters: dict | None = None) -> str:
        """A view's URL as linked from this one: on the same day."""
        return view_url(kind, key, filters, self.op)

    def search_label(self, iri: str, lang: str) -> str:
        return self.labels(iri, lang) if self.labels else self.label(iri)


def view_url(kind: str, key: str = "", filters: dict | None = None, op: str = "") -> str:
    """The stable URL of a view: its path, its non-empty filters in a fixed order, and its day."""
    path = {"landelijk": "/overzicht", "regio": f"/overzicht/regio/{key}", "gemeente": f"/overzicht/gemeente/{key}",
            "wijk": f"/overzicht/wijk/{key}", "praktijk": "/overzicht/praktijk"}[kind]
    query = [("iri", key)] if kind == "praktijk" else []
    query += [(name, (filters or {}).get(name)) for name in FILTERS if (filters or {}).get(name)]
    query += [("op", op)] if op else []
    return path + ("?" + urlencode(query) if query else "")


def with_params(url: str, **params: str) -> str:
    """`url` with these query parameters set (replacing any of the same name it has)."""
    path, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in params]
    pairs = kept + [(k, v) for k, v in params.items() if v]
    return path + ("?" + urlencode(pairs) if pairs else "")


def read_filters(args) -> dict[str, str]:
    filters = {name: args.get(name, "").strip() for name in FILTERS if args.get(name, "").strip()}
    if len(filters.get("q", "")) > MAX_QUERY_TEXT:
        raise BamboeError(N_("De zoektekst is langer dan %(limit)s tekens."), limit=MAX_QUERY_TEXT)
    return filters


def select(ctx: Context, communities: list[Community], filters: dict[str, str]) -> list[Community]:
    """The communities that pass every filter; `q` is the search a node's list uses too."""
    facets = [(name, wanted) for name, wanted in filters.items() if name != "q"]
    found = [c for c in communities if all(wanted in c.facet_values(name) for name, wanted in facets)]
    return search(found, filters.get("q", ""), ctx.search_label)


def directory(ctx: Context) -> dict:
    """Every view there is, for the hub's home page: regions, gemeenten and wijken with counts."""
    fed = ctx.federation
    regions, gemeenten, wijken = _tally(fed.communities)
    return {
        "national": _area(ctx, "landelijk", "", "Landelijk overzicht", len(fed.communities), {}),
        "regions": [_area(ctx, "regio", r.id, r.name, regions[r.id], {}) for r in fed.regions],
        "gemeenten": [_area(ctx, "gemeente", code, ctx.label(place_iri(code)), n, {})
                      for code, n in sorted(gemeenten.items())],
        "wijken": [_area(ctx, "wijk", code, _wijk_label(ctx, code), n, {}) for code, n in sorted(wijken.items())],
    }


def _tally(communities: list[Community]) -> tuple[Counter, Counter, Counter]:
    """Communities per region, gemeente and wijk, in one pass."""
    regions, gemeenten, wijken = Counter(), Counter(), Counter()
    for community in communities:
        regions.update(community.regions)
        gemeenten.update(community.gemeenten)
        wijken.update(community.wijken)
    return regions, gemeenten, wijken


def national(ctx: Context, filters: dict, page: int | None = None) -> dict:
    fed = ctx.federation
    found = select(ctx, fed.communities, filters)
    regions = fed.regions
    view = _view(ctx, "landelijk", "", "Landelijk overzicht", filters, [("all", found)], page)
    view["map_counts"] = _tally(found)[1]
    per_region = _tally(found)[0]
    view["down"] = [_area(ctx, "regio", r.id, r.name, per_region[r.id], filters) for r in regions]
    view["matrix"] = _matrix(ctx, found, regions)
    view["region_names"] = {r.id: r.name for r in regions}
    for theme in view["matrix"]["themes"]:
        view["labels"].setdefault(theme, ctx.label(theme))
    view["empty_regions"] = [{"id": r.id, "name": r.name, "url": ctx.url("regio", r.id)}
                             for r in regions if not per_region[r.id]]
    view["themes_nowhere"] = [{"iri": theme, "label": ctx.label(theme)}
                              for theme in view["matrix"]["themes"] if not any(view["matrix"]["cells"][theme].values())]
    view["recent"] = ctx.recent
    return view


def regional(ctx: Context, member_id: str, filters: dict, page: int | None = None) -> dict:
    fed = ctx.federation
    member = _member(fed, member_id)
    area = {code for code in member.area if code.startswith("GM")}
    mine = [c for c in fed.communities if member_id in {s.node for s in c.sources}]
    own = select(ctx, mine, filters)
    theirs = {c.iri for c in mine}
    nearby = select(ctx, [c for c in fed.communities if c.iri not in theirs and area & set(c.gemeenten)], filters)
    wholes: dict[str, Community] = {}
    for community in mine:  # the national networks its communities name as dct:isPartOf
        for target in community.all("part_of"):
            whole = fed.get(target)
            if whole is not None and whole.level == "landelijk":
                wholes.setdefault(whole.iri, whole)
    national_ones = select(ctx, list(wholes.values()), filters)
    view = _view(ctx, "regio", member_id, member.name, filters,
                 [("own", own), ("area", nearby), ("national", national_ones)], page)
    view["member"] = {"id": member.id, "name": member.name, "level": member.level, "area": list(member.area)}
    view["up"] = [_area(ctx, "landelijk", "", "Landelijk overzicht", None, filters)]
    per_gemeente = _tally(own + nearby)[1]
    view["map_counts"] = per_gemeente
    codes = sorted(area | {code for c in own for code in c.gemeenten})
    view["down"] = [_area(ctx, "gemeente", code, ctx.label(place_iri(code)), per_gemeente[code], filters)
                    for code in codes]
    return view


def municipal(ctx: Context, code: str, filters: dict, page: int | None = None) -> dict:
    code = _code(code, "GM")
    fed = ctx.federation
    found = select(ctx, [c for c in fed.communities if code in c.gemeenten], filters)
    view = _view(ctx, "gemeente", code, ctx.label(place_iri(code)), filters, [("all", found)], page)
    view["up"] = [_area(ctx, "landelijk", "", "Landelijk overzicht", None, filters)] + [
        _area(ctx, "regio", r.id, r.name, None, filters) for r in fed.regions_of_gemeente(code)]
    per_wijk = _tally(found)[2]
    view["down"] = [_area(ctx, "wijk", w, _wijk_label(ctx, w), n, filters) for w, n in sorted(per_wijk.items())]
    return view


def neighbourhood(ctx: Context, code: str, filters: dict, page: int | None = None) -> dict:
    code = _code(code, "WK")
    fed = ctx.federation
    gemeente = "GM" + code[2:6]
    found = select(ctx, [c for c in fed.communities if code in c.wijken], filters)
    view = _view(ctx, "wijk", code, _wijk_label(ctx, code), filters, [("all", found)], page)
    view["up"] = [_area(ctx, "landelijk", "", "Landelijk overzicht", None, filters)] + [
        _area(ctx, "regio", r.id, r.name, None, filters) for r in fed.regions_of_gemeente(gemeente)] + [
        _area(ctx, "gemeente", gemeente, ctx.label(place_iri(gemeente)), None, filters)]
    for section in view["sections"]:
        for entry in section["communities"]:
            wider = links(fed, fed.get(entry["iri"]), wider_only=True).wider
            entry["wider"] = [_link(ctx, link) for link in wider[:WIDER_SHOWN]]
            entry["wider_total"] = len(wider)
    return view


def community(ctx: Context, iri: str, page: int | None = None) -> dict:
    fed = ctx.federation
    found = fed.get(iri)
    if found is None:
        raise NotFound(N_("Geen lerende praktijk %(iri)s in de geoogste gegevens."), iri=iri)
    view = _view(ctx, "praktijk", found.iri, found.name, {}, [("all", [found])])
    connected = links(fed, found)
    view["community"] = view["sections"][0]["communities"][0]
    view["links"] = {direction: [_link(ctx, link) for link in getattr(connected, direction)]
                     for direction in ("wider", "narrower", "nearby")}
    view["up"] = [_area(ctx, "landelijk", "", "Landelijk overzicht", None, {})]
    view["up"] += [_area(ctx, "regio", r, fed.members[r].name, None, {}) for r in found.regions]
    view["up"] += [_area(ctx, "gemeente", g, ctx.label(place_iri(g)), None, {}) for g in found.gemeenten]
    view["up"] += [_area(ctx, "wijk", w, _wijk_label(ctx, w), None, {}) for w in found.wijken]
    for link in connected.wider + connected.narrower + connected.nearby:
        _collect_labels(ctx, view["labels"], link.community)
    return view


def _view(ctx: Context, kind: str, key: str, title: str, filters: dict, sections: list,
          page: int | None = None) -> dict:
    """A view's data; with a page number, each section holds only that page's communities."""
    everyone = list({c.iri: c for _, found in sections for c in found}.values())
    pages = max(1, *(-(-len(found) // PAGE_SIZE) for _, found in sections)) if sections else 1
    if page is not None and page > pages:
        raise NotFound(N_("Pagina %(page)s bestaat niet; de laatste pagina van dit overzicht is %(pages)s."),
                       page=page, pages=pages)
    shown = sections if page is None else [
        (name, found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]) for name, found in sections]
    labels: dict[str, str] = {}
    for community in {c.iri: c for _, found in shown for c in found}.values():
        _collect_labels(ctx, labels, community)
    counts = _counts(ctx, everyone)
    for rows in counts.values():
        for row in rows:
            if row["value"].startswith("http"):
                labels.setdefault(row["value"], row["label"])
    return {
        "view": kind, "id": key, "title": title,
        "url": ctx.url(kind, key, filters), "filters": filters, "op": ctx.op or None,
        "count": len(everyone),
        "page": {"number": page or 1, "size": PAGE_SIZE if page else None, "pages": pages if page else 1},
        "sections": [{"key": name, "total": len(all_found), "communities": [_entry(ctx, c) for c in found]}
                     for (name, all_found), (_, found) in zip(sections, shown)],
        "counts": counts,
        "reflection": [m.as_dict() for m in reflection.dashboard(everyone, ctx.today)],
        "cadence": [{"month": month, "meetings": n} for month, n in reflection.meetings_per_month(everyone, ctx.today)],
        "up": [], "down": [],
        "labels": labels,
    }


def _entry(ctx: Context, c: Community) -> dict:
    areas = [_area(ctx, "regio", r, ctx.federation.members[r].name, None, {}) for r in c.regions]
    areas += [_area(ctx, "gemeente", code, ctx.label(place_iri(code)), None, {}) for code in c.gemeenten]
    areas += [_area(ctx, "wijk", code, _wijk_label(ctx, code), None, {}) for code in c.wijken]
    return {
        "iri": c.iri, "name": c.name, "url": ctx.url("praktijk", c.iri), "level": c.level,
        "themes": c.all("theme"), "kinds": c.all("kind"), "status": c.all("status"),
        "places": c.all("place"), "gemeenten": list(c.gemeenten), "wijken": list(c.wijken),
        "regions": list(c.regions), "partners": c.all("partner"), "part_of": c.all("part_of"),
        "perspectives": c.all("perspective"), "start": c.first("start"), "end": c.first("end"),
        "interval_weeks": c.first("interval"),
        "modified": max(c.all("modified"), default=""), "confirmed": max(c.all("confirmed"), default=""),
        "sources": [{"node": s.node, "name": s.node_name, "iri": s.iri} for s in c.sources],
        "signals": sorted(c.signals), "areas": areas,
    }


def _link(ctx: Context, link: Link) -> dict:
    if link.community is None:  # a network outside the federation: linked only if it is a web address
        url = link.iri if link.iri.startswith(("http://", "https://")) else ""
        return {"iri": link.iri, "name": link.iri, "url": url, "level": "", "why": link.why, "harvested": False}
    other = link.community
    return {"iri": other.iri, "name": other.name, "url": ctx.url("praktijk", other.iri), "level": other.level,
            "themes": other.all("theme"), "gemeenten": list(other.gemeenten), "why": link.why, "harvested": True,
            "nodes": [s.node for s in other.sources]}


def _counts(ctx: Context, communities: list[Community]) -> dict[str, list[dict]]:
    counts: dict[str, dict[str, int]] = {facet: {} for facet in COUNTED}
    for community in communities:
        for facet in COUNTED:
            values = community.facet_values(facet) or ([NO_REGION] if facet == "region" else [])
            for value in values:
                counts[facet][value] = counts[facet].get(value, 0) + 1
    members = ctx.federation.members
    name = lambda facet, value: (members[value].name if value in members else "Landelijk / geen regio") \
        if facet == "region" else ctx.label(value)  # noqa: E731
    return {facet: [{"value": value, "label": name(facet, value), "count": n}
                    for value, n in sorted(found.items(), key=lambda item: (-item[1], name(facet, item[0])))]
            for facet, found in counts.items()}


def _matrix(ctx: Context, communities: list[Community], regions) -> dict:
    """Communities per theme and region, every theme of the scheme and every region listed."""
    themes = [c.iri for c in shared_concepts().values() if c.scheme == "thema"]
    themes += sorted({t for c in communities for t in c.all("theme")} - set(themes))
    columns = [r.id for r in regions] + [NO_REGION]
    cells = {theme: dict.fromkeys(columns, 0) for theme in themes}
    for community in communities:
        for theme in community.all("theme"):
            for region in community.regions or (NO_REGION,):
                cells[theme][region] += 1
    return {"themes": themes, "regions": columns, "cells": cells}


def _collect_labels(ctx: Context, labels: dict, community: Community | None) -> None:
    if community is None:
        return
    for key in ("theme", "kind", "level", "status", "place", "perspective"):
        for iri in community.all(key):
            labels.setdefault(iri, ctx.label(iri))


def area(ctx: Context, kind: str, key: str = "") -> dict:
    """A view's area (kind, id, title, URL) without making the view: what a change page is about."""
    if kind == "regio":
        return _area(ctx, kind, key, _member(ctx.federation, key).name, None, {})
    if kind == "gemeente":
        code = _code(key, "GM")
        return _area(ctx, kind, code, ctx.label(place_iri(code)), None, {})
    if kind == "wijk":
        code = _code(key, "WK")
        return _area(ctx, kind, code, _wijk_label(ctx, code), None, {})
    return _area(ctx, "landelijk", "", "Landelijk overzicht", None, {})


def changes_url(kind: str, key: str = "", van: str = "", tot: str = "") -> str:
    """The change page of a view: its path with `/veranderd`, and the two days compared."""
    path = view_url(kind, key).partition("?")[0].rstrip("/") + "/veranderd"
    return with_params(path, van=van, tot=tot)


def _member(fed: Federation, member_id: str):
    member = fed.members.get(member_id)
    if member is None:
        raise NotFound(N_("Geen Werkplaats %(member)r in deze federatie; bekend zijn: %(known)s."),
                       member=member_id, known=", ".join(fed.members))
    return member


def _area(ctx: Context, kind: str, key: str, title: str, count: int | None, filters: dict) -> dict:
    return {"view": kind, "id": key, "title": title, "url": ctx.url(kind, key, filters), "count": count}


def _code(code: str, prefix: str) -> str:
    code = code.upper()
    if not (code.startswith(prefix) and is_cbs_code(code)):
        example = {"GM": "GM0537", "WK": "WK053700"}[prefix]
        raise NotFound(N_("%(code)r is geen CBS-code van de vorm %(example)s."), code=code, example=example)
    return code


def _wijk_label(ctx: Context, code: str) -> str:
    """A wijk's name from the harvested data (any year's IRI), else its code."""
    for iri in ctx.federation.place_iris(code):
        found = ctx.label(iri)
        if found and not found.startswith("wijk "):
            return f"{found} ({code})"
    return f"Wijk {code}"
