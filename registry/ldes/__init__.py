"""The change feed as a Linked Data Event Stream (LDES), for tools that replicate a node.

`/wijzigingen` tells *that* something changed; the event stream at `/wijzigingen/ldes`
also carries *what* it became. Its members are versions: one snapshot of one resource
(a community, a meeting, a report, a concept...) with `dct:isVersionOf` the resource
and `prov:generatedAtTime` the moment the version entered the stream. A deletion is a
version typed `as:Delete` holding the resource's tombstone. Replaying the stream and
keeping the newest version of every resource gives the node's data as its dump does.

A node keeps only the current state of its data, so versions are recorded as the data
is written: a hub records the versions a harvest makes in the same transaction as the
copy (`versions.harvest_versions`), a node after every edit or load, at the audit
trail's time (`versions.catch_up`, which compares the data with the newest recorded
version of every resource). The content is kept as an N-Triples literal in the private
graph `urn:bamboe:ldes`, so no query over the union of the graphs takes a version for a
community. Reading the stream catches up too, for writes that came from elsewhere.
The same log is the registry's history (`registry.history`).

Versions are never removed (a privacy erase rewrites their content, nothing else):
pages of `PAGE_SIZE` versions are numbered from 1, and a page followed by another is
complete and never changes again; the view's root links to every page.
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
