"""Node root, the list of communities and a page per resource, each by content negotiation.

The list comes in pages (`?pagina=N`, `perPagina=`) in every format, with `Link`
headers to the first, previous, next and last page. What a page shows of the data (a
resource's description, a community page's content, its RDF, a card in the list) is
kept until the store changes or the day turns: the data changes a few times a day and
is read all day. Each request still builds its own frame around it (sign-in link,
language switch), so nothing of one visitor reaches another.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, current_app, g, get_template_attribute, jsonify, redirect, render_template, request
from markupsafe import Markup

import vocab
from registry import clock, communities, minted, node as node_description, rdf
from registry.community_page import community_page, schema_org
from registry.description import Description
from registry.errors import N_, BamboeError, Gone, NotFound
from registry.store.cache import PerGeneration
from registry.views import build
from registry.web import conditional, current_node, graphs, rdf_response
from registry.web.negotiation import HTML, RDF_TYPES, choose, split_extension

TOMBSTONE = "https://www.w3.org/ns/activitystreams#Tombstone"
JSON = "application/json"

blueprint = Blueprint("resources", __name__)
OFFERED = [HTML, *RDF_TYPES]
LIST_OFFERED = [*OFFERED, JSON]
LIST_PARAMS = (*communities.FACETS, "q", "perPagina")
"""What a page of the list is a page of: its links to other pages keep these (and `format`)."""


@dataclass(frozen=True)
class Kept:
    """What pages show of the data, each kept for its most recent keys until the data changes.

    Bounded, so a crawler walking all 10,000 communities of a node holds some 50 MB at most.
    """

    listing: Callable[[ListRequest], tuple[communities.Page, bytes | Markup]]  # a page of the list
    description: Callable[[str], tuple[list, Description]]  # IRI -> its triples, indexed
    community: Callable[[str, str], tuple[str, str, Markup]]  # (IRI, language) -> a community page's content
    rdf: Callable[[str, str], bytes]  # (IRI, media type) -> the description serialised
    card: Callable[[str, str], Markup]  # (IRI, language) -> a community's card in the list


@blueprint.record_once
def _keep_what_pages_show(state) -> None:
    """Give each app its own kept pages (the demo runs several nodes in one process)."""
    store = state.app.extensions["bamboe"].store
    state.app.extensions["bamboe_kept"] = Kept(
        listing=_kept(store, _list_page, 256), description=_kept(store, _describe, 256),
        community=_kept(store, _community_content, 2048), rdf=_kept(store, _rdf_body, 2048),
        card=_kept(store, _card, 20_000))


def _kept(store, make, size: int):
    """`make`, remembering its `size` most recent answers until the store changes or the day turns."""
    current = PerGeneration(store, lambda _: lru_cache(maxsize=size)(make), extra_key=clock.today)
    return lambda *key: current.get()(*key)


def kept() -> Kept:
    return current_app.extensions["bamboe_kept"]


@blueprint.get("/")
@blueprint.get("/index.<ext>")
def root(ext: str | None = None):
    node = current_node()
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        triples = node_description.describe_node(node.settings, node_description.counts(node.store))
        if node.hub is not None:
            triples += node_description.describe_subsets(node.settings["base_url"], graphs.subsets(node))
        return rdf_response(triples, media_type)
    recent = node.index.summaries()[:12]
    views = None
    if node.federation is not None:
        lang = g.get("lang", "nl")
        views = build.directory(build.Context(node.federation.get(), lambda iri: node.labels.label(iri, lang)))
    happened = node_description.happened(node.store, clock.today())  # planned meetings are not counted as held
    html = render_template("home.html", counts=happened, communities=recent, labels=node.labels, views=views)
    return conditional(html, HTML)


@blueprint.get("/.well-known/void")
def well_known_void():
    """The VoID description's well-known address (VoID §7.2): the node's root in Turtle."""
    return redirect("/index.ttl", 303)


@blueprint.get("/werkplaats")
def werkplaats():
    return root()


@dataclass(frozen=True)
class ListRequest:
    """What one page of the list depends on, and nothing else, so the page can be kept and served again."""

    path: str
    params: tuple[tuple[str, str], ...]
    """The filters, search, page size and format asked for, in LIST_PARAMS order; empty ones left out."""
    number: int
    size: int
    media_type: str
    lang: str

    @property
    def filters(self) -> dict[str, str]:
        given = dict(self.params)
        return {facet: given.get(facet, "") for facet in communities.FACETS}

    @property
    def text(self) -> str:
        return dict(self.params).get("q", "")

    def url(self, number: int, format: str | None = None) -> str:
        """Page `number` of this list, by path, in this format (or `format`)."""
        params = [(name, value) for name, value in self.params if not (format and name == "format")]
        return self.path + "?" + urlencode([*params, *([("format", format)] if format else []), ("pagina", number)])

    def iri(self, base_url: str, number: int | None = None) -> str:
        """The list's IRI with its filters and search, or one of its pages', whatever the format."""
        params = [(name, value) for name, value in self.params if name in (*communities.FACETS, "q")]
        if number is not None:
            params += [("perPagina", str(self.size))] if self.size != communities.PAGE_SIZE else []
            params.append(("pagina", str(number)))
        return base_url + "praktijken" + ("?" + urlencode(params) if params else "")


@blueprint.get("/praktijken")
@blueprint.get("/praktijken.<ext>")
def community_list(ext: str | None = None):
    """One page of the communities that pass the filters and hold the words of `q`."""
    asked = _list_request(ext)
    page, body = kept().listing(asked)
    if asked.media_type == HTML:
        response = conditional(render_template("communities.html", page=page, content=body), HTML)
    else:
        response = conditional(body, asked.media_type)
    response.headers["Link"] = ", ".join(f'<{asked.url(n)}>; rel="{rel}"' for rel, n in page.neighbours().items())
    return response


def _list_request(ext: str | None) -> ListRequest:
    """Read the list's format, filters, search and page from the request; 400 for a bad page or size."""
    wanted = ext or request.args.get("format") or ""
    media_type = JSON if wanted.lower() == "json" else choose(LIST_OFFERED, ext)  # RDF's table has no JSON
    number = request.args.get("pagina", "1")
    if not _counting_number(number):
        raise BamboeError(N_("pagina=%(text)r is geen paginanummer: geef een getal vanaf 1."), text=number)
    size = request.args.get("perPagina", str(communities.PAGE_SIZE))
    if not _counting_number(size) or int(size) > communities.MAX_PAGE_SIZE:
        raise BamboeError(N_("perPagina=%(text)r kan niet: geef een getal van 1 tot en met %(most)s."),
                          text=size, most=communities.MAX_PAGE_SIZE)
    given = {name: request.args.get(name, "").strip() for name in (*LIST_PARAMS, "format")}
    given["perPagina"] = str(int(size)) if "perPagina" in request.args else ""
    params = tuple((name, value) for name, value in given.items() if value)
    return ListRequest(request.path, params, int(number), int(size), media_type, g.get("lang", "nl"))


def _counting_number(text: str) -> bool:
    """ASCII digits ("²".isdigit() is True), short enough for a page, from 1."""
    return text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= 1


def _list_page(asked: ListRequest) -> tuple[communities.Page, bytes | Markup]:
    """A page of the list and its body (for HTML: the content its frame goes around); NotFound past the last."""
    node = current_node()
    page = communities.page_of(node.index.search(asked.filters, asked.text), asked.number, asked.size)
    base_url = node.settings["base_url"]
    if asked.media_type == JSON:
        return page, jsonify(_list_json(node, page, asked)).get_data()
    if asked.media_type != HTML:
        collection = asked.iri(base_url)
        triples = communities.list_triples(page, collection, lambda number: asked.iri(base_url, number))
        triples += _list_labels(collection)
        return page, rdf.serialize(triples, rdf.BY_MEDIA_TYPE[asked.media_type])
    cards = [kept().card(c.iri, asked.lang) for c in page.communities]
    return page, Markup(render_template("communities_content.html", page=page, asked=asked, cards=cards,
                                        options=node.index.facet_options(asked.lang)))


def _list_labels(collection: str) -> list[ox.Triple]:
    """Name the list (the dataset's VoID root resource) in every page's RDF, for clients that show it."""
    label = ox.NamedNode(vocab.PREFIXES["rdfs"] + "label")
    return [ox.Triple(ox.NamedNode(collection), label, ox.Literal(text, language=lang))
            for text, lang in (("Lerende praktijken", "nl"), ("Learning communities", "en"))]


def _list_json(node, page: communities.Page, asked: ListRequest) -> dict:
    """A page of the list for programs: its communities, the totals, the pages around it, facet counts."""
    labelled = {iri for c in page.communities for key in ("theme", "kind", "level", "status", "perspective", "place")
                for iri in c.all(key)}
    return {
        "iri": asked.iri(node.settings["base_url"]), "total": page.total, "page": page.number,
        "page_size": page.size, "pages": page.last,
        "filters": {facet: value for facet, value in asked.filters.items() if value}, "q": asked.text,
        "links": {rel: asked.url(number) for rel, number in page.neighbours().items()},
        "communities": [c.as_dict() for c in page.communities],
        "labels": {iri: node.labels.label(iri, asked.lang) for iri in sorted(labelled)},
        "facets": {facet: [{"value": value, "label": name, "count": n} for value, name, n in options]
                   for facet, options in node.index.facet_options(asked.lang).items()},
    }


@blueprint.get("/praktijken/<path:path>")
@blueprint.get("/begrippen/<path:path>")
@blueprint.get("/organisaties/<path:path>")
def resource(path: str):
    stem, ext = split_extension(path)
    prefix = request.path.split("/")[1]
    return described(current_node().settings["base_url"] + prefix + "/" + stem, f"/{prefix}/{stem}", ext)


@blueprint.get("/begrippen")
@blueprint.get("/begrippen.<ext>")
def concept_scheme(ext: str | None = None):
    """The node's own concept scheme, which its own concepts are `skos:inScheme`."""
    return described(minted.scheme_iri(current_node().settings["base_url"]), "/begrippen", ext)


def described(iri: str, path: str, ext: str | None):
    """A resource's description in the negotiated format, with links to its other formats at `path`."""
    try:
        ox.NamedNode(iri)
    except ValueError:  # a space or `<` in the path: no IRI the node could have minted
        raise NotFound(N_("Er is geen %(iri)s op deze node."), iri=iri) from None
    description = kept().description(iri)[1]
    if TOMBSTONE in description.types(iri):
        deleted = description.text(iri, TOMBSTONE.replace("Tombstone", "deleted"))
        raise Gone(N_("%(iri)s is verwijderd op %(deleted)s."), iri=iri, deleted=deleted)
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        response = conditional(kept().rdf(iri, media_type), media_type)
    else:
        response = conditional(_html(current_node(), description, iri, path), HTML)
    response.headers["Link"] = ", ".join(
        f'<{path}.{syntax.extensions[0]}>; rel="alternate"; type="{syntax.media_type}"'
        for syntax in rdf.GRAPH_SYNTAXES
    )
    return response


def _html(node, description: Description, iri: str, path: str) -> str:
    if vocab.LP + "LearningCommunity" in description.types(iri):
        name, schema, content = kept().community(iri, g.get("lang", "nl"))
        return render_template("community.html", iri=iri, name=name, schema_org=schema, content=content)
    return render_template("resource.html", iri=iri, here=path, description=description, labels=node.labels)


def _describe(iri: str) -> tuple[list, Description]:
    """A resource's triples and their index; NotFound (never kept) when the node has nothing on it."""
    node = current_node()
    base = node.settings["base_url"]
    if iri.startswith(base + "organisaties/"):
        triples = minted.organisation(node.store, iri)
    elif iri == minted.scheme_iri(base):
        triples = minted.concept_scheme(node.store, base, node.settings["name"])
    elif iri.startswith(vocab.CONCEPTS):  # the vocabulary's `/id/` sends only wijken and buurten here
        triples = minted.place(node.store, iri)
    else:
        triples = communities.describe(node.store, iri)
    description = Description(triples)
    if not description.predicates(iri):
        raise NotFound(N_("Er is geen %(iri)s op deze node."), iri=iri)
    return triples, description


def _community_content(iri: str, lang: str) -> tuple[str, str, Markup]:
    """A community page's name, schema.org JSON-LD and rendered content in one language."""
    node = current_node()
    page = community_page(kept().description(iri)[1], iri, node.labels, node.signals.for_community(iri), lang)
    return page["name"], schema_org(page), Markup(render_template("community_content.html", page=page))


def _rdf_body(iri: str, media_type: str) -> bytes:
    return rdf.serialize(kept().description(iri)[0], rdf.BY_MEDIA_TYPE[media_type])


def _card(iri: str, lang: str) -> Markup:
    """One community's card in the list, in one language."""
    node = current_node()
    return get_template_attribute("_macros.html", "community_card")(node.index.summary(iri), node.labels)
