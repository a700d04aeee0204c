"""The named graphs at their own IRIs: `/graph` (the node's data), on a hub `/graph/<member>` and `/oogst/log`.

A SPARQL client meets these IRIs in the endpoint's service description (`sd:name`) and,
on a hub, in VoID (`void:subset`), and uses them in `GRAPH` and `default-graph-uri`.
Looked up, each answers its VoID description (title, source, counts, class partitions),
the same triples the root gives about it.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from registry import node as node_description
from registry.description import Description
from registry.errors import N_, NotFound
from registry.web import conditional, current_node, rdf_response
from registry.web.negotiation import HTML, RDF_TYPES, choose, split_extension

blueprint = Blueprint("graphs", __name__)
OFFERED = [HTML, *RDF_TYPES]


@blueprint.get("/graph")
@blueprint.get("/graph.<ext>")
@blueprint.get("/graph/<path:path>")
@blueprint.get("/oogst/log", defaults={"prefix": "/oogst/log"})
@blueprint.get("/oogst/log.<ext>", defaults={"prefix": "/oogst/log"})
def graph(path: str | None = None, ext: str | None = None, prefix: str = "/graph"):
    """A graph's VoID; a hub's harvest log (`/oogst/log`, beside the member pages) is one too."""
    node = current_node()
    stem, ext = split_extension(path) if path else (None, ext)
    here = prefix + (f"/{stem}" if stem else "")
    iri = node.settings["base_url"] + here.lstrip("/")
    triples = [t for t in node_description.describe_subsets(node.settings["base_url"], subsets(node))
               if t.subject.value.split("#")[0] == iri]  # the graph and its class partitions
    if not triples:
        raise NotFound(N_("Er is geen %(iri)s op deze node."), iri=iri)
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        return rdf_response(triples, media_type)
    page = render_template("resource.html", iri=iri, here=here, description=Description(triples), labels=node.labels)
    return conditional(page, HTML)


def subsets(node) -> list[tuple[str, str, str, dict]]:
    """The named graphs with their title, source and statistics: the node's data; on a hub every harvested graph too."""
    from harvesters.log import graph_iri, log_graph

    stats = node_description.graph_stats(node.store)
    base = node.settings["base_url"]
    found = [(node_description.data_graph(base), node.settings["name"], base)]
    if node.hub is not None:
        found += [(log_graph(base), "Oogstlog / harvest log", "")]
        found += [(graph_iri(base, i.id), i.name, i.url) for i in node.hub.instances]
    return [(graph, title, source, stats[graph]) for graph, title, source in found if graph in stats]
