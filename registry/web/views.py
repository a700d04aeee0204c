"""`/overzicht`: the hub's views across levels, as HTML, JSON, CSV and RDF.

- `/overzicht`: national; `/overzicht/regio/<id>`: one Werkplaats region;
  `/overzicht/gemeente/<GM code>`; `/overzicht/wijk/<WK code>`;
  `/overzicht/praktijk?iri=<IRI>`: one community with its links across levels.
- Filters in the query string: theme, kind, level, status, perspective, region,
  gemeente (IRIs or codes as the JSON shows them) and `q`: the words a node's list searches
  too (name, question, description, theme and place labels; `communities.search`).
- Representation by `?format=html|json|csv|ttl|jsonld|nt|rdf` or by Accept; CSV lists
  by `?lijst=praktijken|tellingen|reflectie|bijeenkomsten|verbanden`.
- `?op=2026-03-01` on any view: the landscape as it was that day, made from the version
  log (`node.federation_as_of`); every link the view makes keeps `op`.
- `.../veranderd?van=…&tot=…` after any area view: what changed between two days
  (`history.changes`), as HTML, JSON, CSV or Atom (`?format=atom`).
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext, ngettext

from harvesters.status import read_runs
from registry.communities import page_neighbours
from registry.editing.mapping import mapped_fields
from registry.editing.schemas import KINDS
from registry.errors import N_, BamboeError, NotAcceptable
from registry.geo.choropleth import gemeente_map
from registry.history import resource_history
from registry.places import place_name
from registry.store.cache import PerGeneration
from registry.views import build, formats
from registry.web import as_of, conditional, current_node, rdf_response, view_changes
from registry.web.csv_download import csv_response
from registry.web.editor import field_label
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


@blueprint.get("/overzicht/veranderd")
def national_changes():
    return view_changes.respond(_choose(view_changes.FORMATS), "landelijk")


@blueprint.get("/overzicht/regio/<member_id>/veranderd")
def regional_changes(member_id: str):
    return view_changes.respond(_choose(view_changes.FORMATS), "regio", member_id)


@blueprint.get("/overzicht/gemeente/<code>/veranderd")
def municipal_changes(code: str):
    return view_changes.respond(_choose(view_changes.FORMATS), "gemeente", code)


@blueprint.get("/overzicht/wijk/<code>/veranderd")
def neighbourhood_changes(code: str):
    return view_changes.respond(_choose(view_changes.FORMATS), "wijk", code)


@blueprint.get("/overzicht/praktijk")
def community():
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BamboeError(N_("Geef de IRI van een lerende praktijk mee: /overzicht/praktijk?iri=…"))
    return _respond(_community_view, iri)


def _community_view(ctx: build.Context, iri: str, filters: dict, page: int | None) -> dict:
    return build.community(ctx, iri, page)


def _view(ctx: build.Context, make, key: str | None, page: int | None, recent: bool) -> dict:
    """A view's data, made once per federation index, language, filters, page, day and moment.

    The harvest news of the national view changes with every harvest, the index only
    when data did: it is added to a copy, so a harvest that changed nothing keeps the cache.
    An as-of view shows no harvest news: it is about that day, not about the harvests since.
    """
    filters = build.read_filters(request.args)
    cache_key = (make, key, tuple(sorted(filters.items())), g.get("lang", "nl"), page, ctx.today, ctx.op)
    made = (lambda: make(ctx, filters, page)) if key is None else (lambda: make(ctx, key, filters, page))
    view = as_of.views_cache(ctx).get(ctx.federation, cache_key, made)
    return {**view, "recent": _recent_changes(current_node())} if recent and not ctx.op else view


def _with_history(ctx: build.Context, view: dict) -> dict:
    """A community view with its versions ("geschiedenis"), read per request: the log moves with every harvest."""
    members = {member.graph: member.name for member in ctx.federation.members.values()}
    until = ctx.moment.at if ctx.moment else None
    found = resource_history.history(as_of.hub_node().store, [s["iri"] for s in view["community"]["sources"]],
                                     ctx.label, members, until, _field_label)
    return {**view, "geschiedenis": found}


def _field_label(part: str, predicate: str) -> str | None:
    """A field of a version as the editor's form names it (`schema:name` is "Naam"); None if it has none."""
    kind = part or "praktijken"
    schema = KINDS.get(kind)
    found = [name for name, _, rdf, _ in mapped_fields(schema) if rdf.predicate == predicate] if schema else []
    return field_label(kind, found[0]) if found else None


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
    ctx = as_of.context(*as_of.asked_moment())
    view = _view(ctx, make, key, page, recent)
    if view["view"] == "praktijk" and media_type in (HTML, JSON):
        view = _with_history(ctx, view)
    if media_type == JSON:
        response = conditional(jsonify(view).get_data(), JSON)
        if page is None:
            response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(view)}.json"'
        return _with_page_links(response, view)
    if media_type == CSV:
        which = request.args.get("lijst", formats.LISTS[0])
        if which not in formats.LISTS:
            raise UnknownList(N_("Geen lijst %(name)r; kies uit %(choices)s."), name=which,
                              choices=", ".join(formats.LISTS))
        return csv_response(*formats.csv_table(view, which), f"{_file_name(view, which)}.csv")
    if media_type != HTML:
        return rdf_response(formats.view_triples(view, current_node().settings["base_url"]), media_type)
    drawn = as_of.views_cache(ctx).get(ctx.federation, ("map", view["url"], g.get("lang", "nl")),
                                       lambda: _gemeente_map(ctx, view))
    return _with_page_links(conditional(render_template(
        "views/view.html", view=view, gemeente_map=drawn, page=page, page_size=build.PAGE_SIZE,
        as_of=as_of.banner(ctx), changes_url=_changes_link(view, ctx), last_day=as_of.local_today().isoformat(),
        history_shown=resource_history.SHOWN), HTML), view)


def _file_name(view: dict, *more: str) -> str:
    """A download's name: the view, its area, what list, and the day of an as-of view."""
    parts = (view["view"], _safe(view["id"]) if view["view"] != "praktijk" else "", *more, _safe(view.get("op") or ""))
    return "-".join(part for part in parts if part)


def _changes_link(view: dict, ctx: build.Context) -> str:
    """The view's change page, ending on the view's day; none for a community's view."""
    if view["view"] == "praktijk":
        return ""
    return build.changes_url(view["view"], view["id"], tot=ctx.op)


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


def _gemeente_map(ctx: build.Context, view: dict):
    """The map of the national and regional views (None on the others): communities per gemeente."""
    if view["view"] not in ("landelijk", "regio"):
        return None
    regional = view["view"] == "regio"
    regions = ([(view["member"]["name"], view["member"]["area"])] if regional
               else [(r.name, r.area) for r in ctx.federation.regions])
    return gemeente_map(
        view["map_counts"],
        lambda code: ctx.url("gemeente", code, view["filters"]),
        regions=regions, focus=view["member"]["area"] if regional else None,
        describe=lambda name, n: ngettext("%(name)s: %(num)d lerende praktijk",
                                          "%(name)s: %(num)d lerende praktijken", n, name=name))


def _page_number() -> int:
    text = request.args.get("pagina", "1")
    if not (text.isascii() and text.isdigit()) or int(text) < 1:  # "²".isdigit() is True
        raise BamboeError(N_("pagina=%(text)r is geen paginanummer: geef een getal vanaf 1."), text=text)
    return int(text)


def _choose(formats: dict[str, str] = FORMATS) -> str:
    """The media type asked for by `?format=` or by Accept, among `formats` (by extension)."""
    offered = OFFERED if formats is FORMATS else list(dict.fromkeys(formats.values()))
    wanted = request.args.get("format")
    if wanted:
        media_type = formats.get(wanted.lower()) or (wanted if wanted in offered else None)
        if media_type is None:
            raise NotAcceptable(N_("format=%(wanted)s wordt niet aangeboden; kies uit %(choices)s."),
                                wanted=wanted, choices=", ".join(formats))
        return media_type
    if not request.accept_mimetypes or prefers_html([t for t in offered if t != HTML]):
        return HTML
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable(N_("Geen van de gevraagde formaten is beschikbaar; deze overzichten zijn er als %(choices)s."),
                            choices=", ".join(offered))
    return best


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum() or ch in "-_")
