"""`/wijzigingen/ldes`: the node's changes as a Linked Data Event Stream (see `registry.ldes`).

Every read first records what changed since the last one (cheap when nothing did),
then serves, in the negotiated RDF syntax (Turtle by default):

- `/wijzigingen/ldes`: the event stream and what its view keeps;
- `/wijzigingen/ldes/pagina`: the root of its one view, linking every page;
- `/wijzigingen/ldes/pagina/N`: page N, versions (N-1)*50+1 to N*50;
- `/wijzigingen/ldes/versie/N`: version N alone.

A complete page and a version never change, so they may be cached for a week without
asking again; the stream, the root and the open last page only briefly (with an ETag,
so asking again costs a 304).
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint

from harvesters.log import graph_iri
from registry.errors import N_, NotFound
from registry.ldes import AS, LDES, TREE, pages, versions
from registry.node import data_graph
from registry.web import current_node, rdf_response
from registry.web.negotiation import RDF_TYPES, choose

COMPLETE = "public, max-age=86400"
"""A complete page gains no versions, but a privacy erase may rewrite one: caches keep it a day, not forever."""
OPEN = "public, max-age=10, must-revalidate"
PREFIXES = {"ldes": LDES, "tree": TREE, "as": AS}

blueprint = Blueprint("ldes", __name__)


@blueprint.get("/wijzigingen/ldes")
@blueprint.get("/wijzigingen/ldes.<ext>")
def stream(ext: str | None = None):
    media_type = choose(RDF_TYPES, ext)
    node, _ = _caught_up()
    return _respond(_described(node), media_type, OPEN)


@blueprint.get("/wijzigingen/ldes/pagina")
def view():
    media_type = choose(RDF_TYPES)
    node, total = _caught_up()
    return _respond(_described(node) + pages.root(node.store, node.settings["base_url"], total), media_type, OPEN)


@blueprint.get("/wijzigingen/ldes/pagina/<int:number>")
def page(number: int):
    media_type = choose(RDF_TYPES)
    node, total = _caught_up()
    found = pages.page(node.store, node.settings["base_url"], number, total)
    if found is None:
        raise NotFound(N_("Deze wijzigingsstroom heeft geen pagina %(number)s; hij begint bij /wijzigingen/ldes."),
                       number=number)
    if found.complete:  # never changes again, whatever the settings become
        return _respond(pages.stream_shape(node.settings["base_url"]) + found.triples, media_type, COMPLETE)
    return _respond(_described(node) + found.triples, media_type, OPEN)


@blueprint.get("/wijzigingen/ldes/versie/<int:number>")
def version(number: int):
    media_type = choose(RDF_TYPES)
    node = current_node()
    found = pages.version(node.store, node.settings["base_url"], number)
    if not found:
        raise NotFound(N_("Deze wijzigingsstroom heeft geen versie %(number)s; hij begint bij /wijzigingen/ldes."),
                       number=number)
    return _respond(found, media_type, COMPLETE)


def _caught_up():
    """The node, after recording what changed since the stream was last read, and its number of versions."""
    node = current_node()
    versions.catch_up(node.store, source(node))
    return node, pages.count(node.store)


def _described(node) -> list[ox.Triple]:
    settings = node.settings
    return pages.describe_stream(settings["base_url"], settings["name"], settings.get("license"))


def _respond(triples: list[ox.Triple], media_type: str, cache: str):
    response = rdf_response(triples, media_type, PREFIXES)
    response.headers["Cache-Control"] = cache
    return response


def source(node) -> versions.Source:
    """A hub streams what it harvested; any other node its own data."""
    base = node.settings["base_url"]
    if node.hub is not None:
        return versions.HarvestedCopies((graph_iri(base, i.id), i.url) for i in node.hub.instances)
    return versions.NodeData(data_graph(base))
