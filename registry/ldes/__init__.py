"""The change feed as a Linked Data Event Stream (LDES), for tools that replicate a node.

`/wijzigingen` tells *that* something changed; the event stream at `/wijzigingen/ldes`
also carries *what* it became. Its members are versions: one snapshot of one resource
(a community, a meeting, a report, a concept...) with `dct:isVersionOf` the resource
and `prov:generatedAtTime` the moment the version entered the stream. A deletion is a
version typed `as:Delete` holding the resource's tombstone. Replaying the stream and
keeping the newest version of every resource gives the node's data as its dump does.

A node keeps only the current state of its data, so versions are recorded, not
reconstructed: `versions.catch_up` compares the data with the newest recorded version
of every resource and appends a version for each one that changed (private graph
`urn:bamboe:ldes`, the content kept as an N-Triples literal so that no query over the
union of the graphs takes a version for a community). It runs when the stream is read
and the source has moved since (the audit trail on a node, the harvest log on a hub),
so two edits between two reads become one version. Versions are never removed: pages of `PAGE_SIZE` versions are
numbered from 1, and a page followed by another is complete and never changes again;
the view's root links to every page.
"""
from __future__ import annotations

PAGE_SIZE = 50
"""Versions on one page of the stream."""
LOG_GRAPH = "urn:bamboe:ldes"
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPECIFICATION = "https://w3id.org/ldes/specification"
TIMESTAMP = PROV + "generatedAtTime"
VERSION_OF = DCT + "isVersionOf"
KINDS = (AS + "Create", AS + "Update", AS + "Delete")
PATH = "wijzigingen/ldes"


def stream_iri(base: str) -> str:
    return base + PATH


def view_iri(base: str) -> str:
    """The root of the stream's one view: it links to every page, so a client resuming finds new ones."""
    return f"{base}{PATH}/pagina"


def page_iri(base: str, number: int) -> str:
    return f"{base}{PATH}/pagina/{number}"


def version_iri(base: str, number: int) -> str:
    return f"{base}{PATH}/versie/{number}"
