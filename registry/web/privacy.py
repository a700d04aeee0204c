"""`/privacy/verwijderingen`: the node's erasure notices, for the hubs that harvest it.

Each privacy erase (`bamboe privacy erase`, `POST /api/v1/privacy-verwijderingen`)
adds a notice saying which records it rewrote and, per rewritten value, a salted
hash and what the value became (`registry.history.notices`); never the erased text.
Hubs read the list on every harvest, so it is served for programs only (Turtle by
default, like the event stream) and never cached for long.
"""
from __future__ import annotations

from flask import Blueprint

from registry.history import notices
from registry.web import current_node, rdf_response
from registry.web.negotiation import RDF_TYPES, choose

blueprint = Blueprint("privacy", __name__)
PREFIXES = {"lpp": notices.LPP}


@blueprint.get("/privacy/verwijderingen")
@blueprint.get("/privacy/verwijderingen.<ext>")
def erasures(ext: str | None = None):
    media_type = choose(RDF_TYPES, ext)
    node = current_node()
    response = rdf_response(notices.listing(node.store, node.settings["base_url"]), media_type, PREFIXES)
    response.headers["Cache-Control"] = "no-cache"
    return response
