"""The API's own address, `/api/v1`: the `dcat:endpointURL` of the node's API data service.

DCAT clients and follow-your-nose crawlers look the endpoint up. People get a short page
pointing to the documentation, the OpenAPI document and the collections; programs get
the node's description of the service (the triples whose subject is `/api/v1`). It is
not part of the API itself (no OpenAPI path), so it speaks RDF as well as HTML; like
every answer under `/api/v1` it carries `API-Version` (registry/web/api.py).
"""
from __future__ import annotations

from flask import Blueprint, render_template

from registry import minted, node as node_description
from registry.editing.schemas import Begrip, Praktijk
from registry.errors import N_, NotFound
from registry.web import conditional, current_node, rdf_response
from registry.web.api_spec import PREFIX
from registry.web.negotiation import HTML, RDF_TYPES, choose

blueprint = Blueprint("api_root", __name__)
OFFERED = [HTML, *RDF_TYPES]
COLLECTIONS = (Praktijk.Meta.collection, Begrip.Meta.collection)


@blueprint.get(PREFIX)
@blueprint.get(PREFIX + ".<ext>")
def api_root(ext: str | None = None):
    node = current_node()
    media_type = choose(OFFERED, ext)
    if media_type == HTML:
        return conditional(render_template("api_root.html", prefix=PREFIX, collections=COLLECTIONS), HTML)
    iri = node.settings["base_url"] + PREFIX.lstrip("/")
    triples = minted.about(node_description.describe_node(node.settings, node_description.counts(node.store)), iri)
    if not triples:  # the description no longer names the API: nothing to say about it
        raise NotFound(N_("Er is geen %(iri)s op deze node."), iri=iri)
    return rdf_response(triples, media_type)
