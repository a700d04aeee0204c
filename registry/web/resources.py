"""Node root, the list of communities and a page per resource, each by content negotiation."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
from flask import Blueprint, g, redirect, render_template, request

import vocab
from registry import communities, node as node_description, rdf
from registry.community_page import community_page, schema_org
from registry.description import Description
from registry.errors import N_, Gone, NotFound
from registry.views import build
from registry.web import conditional, current_node, rdf_response
from registry.web.negotiation import HTML, RDF_TYPES, choose, split_extension

TOMBSTONE = "https://www.w3.org/ns/activitystreams#Tombstone"

blueprint = Blueprint("resources", __name__)
OFFERED = [HTML, *RDF_TYPES]


@blueprint.get("/")
@blueprint.get("/index.<ext>")
def root(ext: str | None = None):
    node = current_node()
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        triples = node_description.describe_node(node.settings, node_description.counts(node.store))
        if node.hub is not None:
            triples += node_description.describe_subsets(node.settings["base_url"], _subsets(node))
        return rdf_response(triples, media_type)
    recent = node.index.summaries()[:12]
    views = None
    if node.federation is not None:
        lang = g.get("lang", "nl")
        views = build.directory(build.Context(node.federation.get(), lambda iri: node.labels.label(iri, lang)))
    happened = node_description.happened(node.store, dt.date.today())  # planned meetings are not counted as held
    html = render_template("home.html", counts=happened, communities=recent, labels=node.labels, views=views)
    return conditional(html, HTML)


@blueprint.get("/.well-known/void")
def well_known_void():
    """The VoID description's well-known address (VoID §7.2): the node's root in Turtle."""
    return redirect("/index.ttl", 303)


def _subsets(node) -> list[tuple[str, str, str, dict]]:
    """Every harvested graph of a hub (and its own data and harvest log), with statistics."""
    from harvesters.log import graph_iri, log_graph

    stats = node_description.graph_stats(node.store)
    base = node.settings["base_url"]
    found = [(node_description.data_graph(base), node.settings["name"], base),
             (log_graph(base), "Oogstlog / harvest log", "")]
    found += [(graph_iri(base, i.id), i.name, i.url) for i in node.hub.instances]
    return [(graph, title, source, stats[graph]) for graph, title, source in found if graph in stats]


@blueprint.get("/werkplaats")
def werkplaats():
    return root()


@blueprint.get("/praktijken")
@blueprint.get("/praktijken.<ext>")
def community_list(ext: str | None = None):
    node = current_node()
    media_type = choose(OFFERED, ext)
    filters = {facet: request.args.get(facet, "") for facet in communities.FACETS}
    text = request.args.get("q", "").strip()
    found = node.index.search(filters, text)
    if media_type != HTML:
        return rdf_response(_list_triples(found), media_type)
    html = render_template(
        "communities.html", communities=found, filters=filters, text=text,
        facets=communities.facet_counts(node.index.summaries()), labels=node.labels,
    )
    return conditional(html, HTML)


@blueprint.get("/praktijken/<path:path>")
@blueprint.get("/begrippen/<path:path>")
def resource(path: str):
    node = current_node()
    stem, ext = split_extension(path)
    prefix = request.path.split("/")[1]
    iri = node.settings["base_url"] + prefix + "/" + stem
    triples = communities.describe(node.store, iri)
    description = Description(triples)
    if not description.predicates(iri):
        raise NotFound(N_("Er is geen %(iri)s op deze node."), iri=iri)
    if TOMBSTONE in description.types(iri):
        deleted = description.text(iri, TOMBSTONE.replace("Tombstone", "deleted"))
        raise Gone(N_("%(iri)s is verwijderd op %(deleted)s."), iri=iri, deleted=deleted)
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        response = rdf_response(triples, media_type)
    else:
        response = conditional(_html(node, description, iri), HTML)
    response.headers["Link"] = ", ".join(
        f'</{prefix}/{stem}.{syntax.extensions[0]}>; rel="alternate"; type="{syntax.media_type}"'
        for syntax in rdf.GRAPH_SYNTAXES
    )
    return response


def _html(node, description: Description, iri: str) -> str:
    lang = g.get("lang", "nl")
    if vocab.LP + "LearningCommunity" in description.types(iri):
        page = community_page(description, iri, node.labels, node.signals.for_community(iri), lang)
        return render_template("community.html", page=page, schema_org=schema_org(page))
    return render_template("resource.html", iri=iri, description=description, labels=node.labels)


def _list_triples(found: list[communities.CommunitySummary]) -> list[ox.Triple]:
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    name = ox.NamedNode("http://schema.org/name")
    kind = ox.NamedNode(vocab.LP + "LearningCommunity")
    triples = []
    for summary in found:
        subject = ox.NamedNode(summary.iri)
        triples.append(ox.Triple(subject, a, kind))
        triples += [ox.Triple(subject, name, ox.Literal(value)) for value in summary.all("name")]
    return triples
