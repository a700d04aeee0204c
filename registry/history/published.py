"""The public dataset as of a moment: what `/sparql?asOf=` queries and `bamboe export --as-of` writes.

The data graphs come from the version log (`states`): each member graph of a hub, or a
node's data graph, as it was at that moment. On a hub the harvest log's description of
each member whose copy the dataset holds is added, in the log graph (`{hub}oogst/log`),
so questions per Werkplaats (`?graaf lph:member/schema:name ?naam`) read the same as of
a date as they read today. Those members are described as the hub knows them now (name,
level, area: the member list keeps no history). The harvest runs are left out: the log
keeps only the newest runs of each member, so the runs "as of" an older date would be a
partial list that looks complete. Private graphs (`urn:bamboe:`) never enter, as in the
live dump.
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox

from registry.history.moments import Moment
from registry.history.states import state_as_of
from registry.queries import named
from registry.store import Store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PROV_ENTITY = ox.NamedNode("http://www.w3.org/ns/prov#Entity")
LPH_MEMBER = ox.NamedNode("https://w3id.org/lerende-praktijken/harvest#member")


def members(store: Store, log_graph: str) -> list[tuple[str, ox.Quad]]:
    """Each member graph the log knows, with the quads that describe it and its member: (graph, quad)."""
    log = ox.NamedNode(log_graph)
    found = []
    for row in store.select(named("history/as_of_members").bind(log=log)):
        graph, member = row["graph"], row["member"]
        found += [(graph.value, ox.Quad(graph, RDF_TYPE, PROV_ENTITY, log)),
                  (graph.value, ox.Quad(graph, LPH_MEMBER, member, log)),
                  (graph.value, ox.Quad(member, row["p"], row["o"], log))]
    return found


def members_digest(described: list[tuple[str, ox.Quad]]) -> str:
    """A short digest of the member descriptions: an as-of file made with other names is another file."""
    lines = sorted({f"{graph} {quad}" for graph, quad in described})
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def nquads(state: Store, described: list[tuple[str, ox.Quad]] | None = None) -> bytes:
    """The dataset in N-Quads: the state's graphs, and the members whose copies it holds."""
    body = state.dump()
    if described:
        held = set(state.graphs())
        quads = list(dict.fromkeys(quad for graph, quad in described if graph in held))
        body += ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b""
    return body


def dataset_as_of(store: Store, moment: Moment, default_graph: str, log_graph: str | None = None) -> bytes:
    """The public dataset as of `moment` in N-Quads, made straight from the log (the command line's way)."""
    state = state_as_of(store, moment, default_graph)
    try:
        return nquads(state, members(store, log_graph) if log_graph else None)
    finally:
        state.close()
