"""The shared vocabulary at its namespace paths: `/def`, `/id/...`, `/context.jsonld`, `/shapes`."""
from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, g, redirect, render_template

import vocab
from registry import vocab_docs
from registry.errors import N_, NotFound
from registry.places import parse_place
from registry.web import conditional, rdf_response, resources
from registry.web.negotiation import HTML, RDF_TYPES, choose, split_extension

blueprint = Blueprint("vocabulary", __name__)
OFFERED = [HTML, *RDF_TYPES]


@blueprint.get("/def")
@blueprint.get("/def.<ext>")
def ontology(ext: str | None = None):
    media_type = choose(OFFERED, ext)
    if media_type == "text/turtle":
        return conditional(vocab_docs.vocabulary_turtle(), media_type)
    if media_type != HTML:
        return rdf_response(_oxigraph_triples(vocab_docs.vocabulary_graph()), media_type)
    return conditional(render_template("vocab.html", doc=vocab_docs.documentation(g.get("lang", "nl"))), HTML)


@blueprint.get("/id/<path:path>")
def concept(path: str):
    """A concept or scheme of the shared vocabulary; or a wijk or buurt the data names (`/id/cbs/2024/WK053700`)."""
    stem, ext = split_extension(path)
    iri = vocab.CONCEPTS + stem
    found = vocab_docs.concept(iri)
    if found is None and parse_place(iri):
        return resources.described(iri, "/id/" + stem, ext)
    if found is None:
        raise NotFound(N_("%(iri)s staat niet in de gedeelde vocabulaire; /def toont alle begrippen."), iri=iri)
    media_type = choose(OFFERED, ext)
    if media_type == HTML:
        return redirect("/def#" + vocab_docs.anchor(iri), code=303)
    return rdf_response(_oxigraph_triples(found), media_type)


@blueprint.get("/context.jsonld")
def context():
    return conditional(json.dumps(vocab.context(), ensure_ascii=False, indent=2), "application/ld+json", vary=False)


@blueprint.get("/shapes")
@blueprint.get("/shapes.ttl")
def shapes():
    body = b"".join(path.read_bytes() for path in (vocab.core_shapes_file(), vocab.recommended_shapes_file()))
    return conditional(body, "text/turtle", vary=False)


def _oxigraph_triples(graph) -> list[ox.Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
