"""Parse stage: the dump's bytes to triples with pyoxigraph, by media type.

The syntax comes from the response's Content-Type, else the URL's extension. A
parse error names the URL and line and fails this node only. Graph names in an
N-Quads dump are the node's own business: the hub keeps the triples.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pyoxigraph as ox

from harvesters.fetch import Fetched
from registry import rdf
from registry.errors import ParseError


def parse_dump(fetched: Fetched) -> list[ox.Triple]:
    """Triples of a fetched dump; raise ParseError naming the URL and line."""
    try:
        syntax = rdf.syntax_for(fetched.media_type)
    except ParseError:
        suffix = PurePosixPath(urlsplit(fetched.url).path).suffix
        try:
            syntax = rdf.syntax_for(suffix or "?")
        except ParseError:
            raise ParseError(f"{fetched.url} was served as {fetched.media_type or 'no media type'}, "
                             "which is not an RDF syntax Bamboe reads.", source=fetched.url) from None
    quads = rdf.parse(fetched.body or b"", syntax, base_iri=fetched.url, source=fetched.url)
    return as_stored([quad.triple for quad in quads])


def as_stored(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples as Oxigraph will keep them, so comparing with the stored copy is fair.

    Oxigraph stores derived integer types (xsd:nonNegativeInteger...) as xsd:integer
    and drops duplicates; a dump from a non-Oxigraph node would otherwise differ from
    its stored copy on every harvest.
    """
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return [quad.triple for quad in scratch]
