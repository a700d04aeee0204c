"""`/overzicht`: the hub's views across levels, as HTML, JSON, CSV and RDF.

- `/overzicht`: national; `/overzicht/regio/<id>`: one Werkplaats region;
  `/overzicht/gemeente/<GM code>`; `/overzicht/wijk/<WK code>`;
  `/overzicht/praktijk?iri=<IRI>`: one community with its links across levels.
- Filters in the query string: theme, kind, level, status, perspective, region,
  gemeente (IRIs or codes as the JSON shows them) and `q`: the words a node's list searches
  too (name, question, description, theme and place labels; `communities.search`).
- Representation by `?format=html|json|csv|ttl|jsonld|nt|rdf` or by Accept; CSV lists
  by `?lijst=praktijken|tellingen|reflectie|bijeenkomsten|verbanden`.
"""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext, ngettext

from harvesters.status import read_runs
from registry.communities import page_neighbours
from registry.errors import N_, BamboeError, NotAcceptable, NotFound
from registry.geo.choropleth import gemeente_map
from registry.places import place_name
from registry.store.cache import PerGeneration
from registry.views import build, formats
from registry.web import conditional, current_node, rdf_response
from registry.web.csv_download import csv_response
from registry.web.negotiation import EXTENSIONS, HTML, RDF_TYPES, prefers_html

blueprint = Blueprint("views", __name__)
JSON, CSV = "application/json", "text/csv"
OFFERED = [HTML, JSON, CSV, *RDF_TYPES]
ALL = "alle"
"""`pagina=alle`: the whole view as one JSON download."""
FORMATS = {"html": HTML, "json": JSON, "csv": CSV, **{k: v for k, v in EXTENSIONS.items() if v in RDF_TYPES}}


blueprint.add_app_template_global(build.with_params, "with_params")
blueprint.add_app_template_global(place_name, "place_name")


class UnknownList(BamboeError):
    title = N_("Onbekende lijst")


@blueprint.get("/overzicht")
def national():
    return _respond(build.national, recent=True)


@blueprint.get("/overzicht/regio/<member_id>")
def regional(member_id: str):
    return _respond(build.regional, member_id)


@blueprint.get("/overzicht/gemeente/<code>")
def municipal(code: str):
    return _respond(build.municipal, code)


@blueprint.get("/overzicht/wijk/<code>")
def neighbourhood(code: str):
    return _respond(build.neighbourhood, code)


@blueprint.get("/overzicht/praktijk")
def community():
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BamboeError(N_("Geef de IRI van een lerende praktijk mee: /overzicht/praktijk?iri=…"))
    return _respond(_community_view, iri)


def _community_view(ctx: build.Context, iri: str, filters: dict, page: int | None) -> dict:
    return build.community(ctx, iri, page)


def _context() -> build.Context:
    node = current_node()
    if node.federation is None:
        raise NotFound(N_("Deze node is geen hub: er zijn geen overzichten."))
    lang = g.get("lang", "nl")
    return build.Context(node.federation.get(), lambda iri: node.labels.label(iri, lang), labels=node.labels.label)


class ViewCache:
    """Views made from one federation index, by what was asked; emptied when the index changes."""

    most = 256

    def __init__(self):
        self._federation, self._made, self._lock = None, {}, threading.Lock()

    def get(self, federation, key: tuple, make):
        with self._lock:
            if federation is not self._federation or len(self._made) >= self.most:
                self._federation, self._made = federation, {}
            found = self._made.get(key)
        if found is None:
            found = make()
            with self._lock:
                if federation is self._federation:
                    self._made[key] = found
        return found


def _view(make, key: str | None, page: int | None, recent: bool) -> dict:
    """A view's data, made once per federation index, language, filters, page and day.

    The harvest news of the national view changes with every harvest, the index only
    when data did: it is added to a copy, so a harvest that changed nothing keeps the cache.
    """
    ctx = _context()
    filters = build.read_filters(request.args)
    cache_key = (make, key, tuple(sorted(filters.items())), g.get("lang", "nl"), page, ctx.today)
    cache = current_app.extensions.setdefault("bamboe_views", ViewCache())
    view = cache.get(ctx.federation, cache_key,
                     lambda: make(ctx, filters, page) if key is None else make(ctx, key, filters, page))
    return {**view, "recent": _recent_changes(current_node())} if recent else view


def _recent_changes(node) -> list[dict]:
    """Harvest runs that changed a member's copy, read once per store generation."""
    cache = current_app.extensions.get("bamboe_recent")
    if cache is None:
        cache = current_app.extensions["bamboe_recent"] = PerGeneration(node.store, lambda _: _read_recent(node))
    return cache.get()


def _read_recent(node, newest: int = 10) -> list[dict]:
    """Harvest runs that changed a member's copy, newest first, across the federation."""
    hub = node.hub
    names = {i.id: i.name for i in hub.instances}
    runs = read_runs(hub.store, hub.base, names)
    changed = [run for found in runs.values() for run in found
               if run.outcome == "stored" and run.ended and (run.added or run.updated or run.removed)]
    changed.sort(key=lambda run: run.ended, reverse=True)
    return [{"node": run.node, "name": names[run.node], "when": run.ended.isoformat(timespec="seconds"),
             "added": run.added, "updated": run.updated, "removed": run.removed} for run in changed[:newest]]


def _respond(make, key: str | None = None, recent: bool = False):
    """Make the view in the chosen format: HTML and JSON by page, the rest (and `pagina=alle`) whole."""
    media_type = _choose()
    whole = media_type not in (HTML, JSON) or (media_type == JSON and request.args.get("pagina") == ALL)
    page = None if whole else _page_number()
    view = _view(make, key, page, recent)
    if media_type == JSON:
        response = conditional(jsonify(view).get_data(), JSON)
        if page is None:
            name = "-".join(p for p in (view["view"], _safe(view["id"]) if view["view"] != "praktijk" else "") if p)
            response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return _with_page_links(response, view)
    if media_type == CSV:
        which = request.args.get("lijst", formats.LISTS[0])
        if which not in formats.LISTS:
            raise UnknownList(N_("Geen lijst %(name)r; kies uit %(choices)s."), name=which,
                              choices=", ".join(formats.LISTS))
        name = "-".join(part for part in (view["view"], _safe(view["id"]) if view["view"] != "praktijk" else "", which) if part)
        return csv_response(*formats.csv_table(view, which), f"{name}.csv")
    if media_type != HTML:
        return rdf_response(formats.view_triples(view, current_node().settings["base_url"]), media_type)
    cache = current_app.extensions["bamboe_views"]
    drawn = cache.get(current_node().federation.get(), ("map", view["url"], g.get("lang", "nl")),
                      lambda: _gemeente_map(view))
    return _with_page_links(conditional(render_template(
        "views/view.html", view=view, gemeente_map=drawn, page=page, page_size=build.PAGE_SIZE), HTML), view)


def _with_page_links(response, view: dict):
    """RFC 8288 `Link` headers to the first, previous, next and last page, and the totals."""
    paging = view["page"]
    if paging["size"] is None:
        return response
    here = request.full_path.rstrip("?")
    links = [(build.with_params(here, pagina=str(n)), rel)
             for rel, n in page_neighbours(paging["number"], paging["pages"]).items()]
    links += [(build.with_params(here, pagina=ALL, format="json"), "alternate")]
    response.headers["Link"] = ", ".join(f'<{target}>; rel="{rel}"' for target, rel in links)
    response.headers["X-Total-Count"] = str(view["count"])
    return response


@blueprint.app_template_global()
def area_title(area: dict) -> str:
    """An area's title for people: the national view's in the page's language, others by name."""
    return gettext("Landelijk overzicht") if area.get("view") == "landelijk" else area["title"]


def _gemeente_map(view: dict):
    """The map of the national and regional views (None on the others): communities per gemeente."""
    if view["view"] not in ("landelijk", "regio"):
        return None
    regional = view["view"] == "regio"
    regions = ([(view["member"]["name"], view["member"]["area"])] if regional
               else [(r.name, r.area) for r in current_node().federation.get().regions])
    return gemeente_map(
        view["map_counts"],
        lambda code: build.view_url("gemeente", code, view["filters"]),
        regions=regions, focus=view["member"]["area"] if regional else None,
        describe=lambda name, n: ngettext("%(name)s: %(num)d lerende praktijk",
                                          "%(name)s: %(num)d lerende praktijken", n, name=name))


def _page_number() -> int:
    text = request.args.get("pagina", "1")
    if not (text.isascii() and text.isdigit()) or int(text) < 1:  # "²".isdigit() is True
        raise BamboeError(N_("pagina=%(text)r is geen paginanummer: geef een getal vanaf 1."), text=text)
    return int(text)


def _choose() -> str:
    wanted = request.args.get("format")
    if wanted:
        media_type = FORMATS.get(wanted.lower()) or (wanted if wanted in OFFERED else None)
        if media_type is None:
            raise NotAcceptable(N_("format=%(wanted)s wordt niet aangeboden; kies uit %(choices)s."),
                                wanted=wanted, choices=", ".join(FORMATS))
        return media_type
    if not request.accept_mimetypes or prefers_html([t for t in OFFERED if t != HTML]):
        return HTML
    best = request.accept_mimetypes.best_match(OFFERED)
    if best is None:
        raise NotAcceptable(N_("Geen van de gevraagde formaten is beschikbaar; deze overzichten zijn er als %(choices)s."),
                            choices=", ".join(OFFERED))
    return best


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum() or ch in "-_")
