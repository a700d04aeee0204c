"""The stream's documents: the event stream, the root of its view, and numbered pages of versions.

The root links to every page (a client that saw the complete pages before skips
them, and finds the open page and any new ones from here); each link says the
versions there are at least as new as that page's first.

Page N holds versions (N-1)*PAGE_SIZE+1 to N*PAGE_SIZE, oldest first, and points to
page N+1 with a `tree:GreaterThanOrEqualToRelation` on the timestamp (every version
there is at least as new as the first one). A page is *complete* once page N+1
exists: its versions and its relation are then fixed for good, which is what lets it
be cached for a day (only a privacy erase rewrites one). The last page is open: it grows until it is full and the
next version opens a new page.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from registry.ldes import (AS, DCT, LDES, PAGE_SIZE, PROV, RDF_TYPE, TIMESTAMP, TREE, VERSION_OF, XSD, page_iri,
                           stream_iri, version_iri, view_iri)
from registry.ldes import versions
from registry.ldes.description import DEFAULT_LICENSE
from registry.queries import named
from registry.store import Store

RETENTION = {
    "nl": "Elke versie die deze stroom heeft vastgelegd blijft staan; versies worden nooit verwijderd. "
          "Wijzigingen tussen twee keer lezen van de stroom worden één versie.",
    "en": "Every version this stream recorded is kept; versions are never removed. "
          "Changes between two reads of the stream become one version.",
}


@dataclass(frozen=True)
class Page:
    number: int
    triples: list[ox.Triple]
    complete: bool


def count(store: Store) -> int:
    """How many versions the stream holds."""
    row = versions.head(store)
    return int(row["count"].value) if row.get("count") is not None else 0


def pages(total: int) -> int:
    """How many pages `total` versions fill (the first page exists, empty, before any version)."""
    return max(1, -(-total // PAGE_SIZE))


def describe_stream(base: str, title: str, license_iri: str | None) -> list[ox.Triple]:
    """The event stream, its one view and what the view keeps, with its title, licence and publisher."""
    stream = _iri(stream_iri(base))
    about = [
        (stream, DCT + "title", ox.Literal(f"Wijzigingen in {title}", language="nl")),
        (stream, DCT + "title", ox.Literal(f"Changes in {title}", language="en")),
        (stream, DCT + "license", _iri(license_iri or DEFAULT_LICENSE)),
        (stream, DCT + "publisher", _iri(base + "werkplaats")),
    ]
    return stream_shape(base) + [ox.Triple(s, _iri(p), o) for s, p, o in about]


def stream_shape(base: str) -> list[ox.Triple]:
    """What a client needs to read the stream's pages, and nothing that a setting can change:
    a complete page is cached for a day, so it carries only this."""
    stream, view = _iri(stream_iri(base)), _iri(view_iri(base))
    description, policy = _iri(stream_iri(base) + "#weergave"), _iri(stream_iri(base) + "#bewaren")
    triples = [
        (stream, RDF_TYPE, _iri(LDES + "EventStream")),
        (stream, LDES + "timestampPath", _iri(TIMESTAMP)),
        (stream, LDES + "versionOfPath", _iri(VERSION_OF)),
        (stream, LDES + "versionDeletePath", _iri(RDF_TYPE)),
        (stream, LDES + "versionDeleteObject", _iri(AS + "Delete")),
        (stream, TREE + "view", view),
        (view, RDF_TYPE, _iri(TREE + "Node")),
        (view, TREE + "viewDescription", description),
        (description, RDF_TYPE, _iri(TREE + "ViewDescription")),
        (description, LDES + "retentionPolicy", policy),
        (policy, RDF_TYPE, _iri(LDES + "LatestVersionSubset")),
        (policy, LDES + "amount", ox.Literal("1", datatype=_iri(XSD + "nonNegativeInteger"))),
    ]
    triples += [(description, DCT + "description", ox.Literal(text, language=lang)) for lang, text in RETENTION.items()]
    return [ox.Triple(s, _iri(p), o) for s, p, o in triples]


def root(store: Store, base: str, total: int) -> list[ox.Triple]:
    """The view's root node: a relation to each page, none to a stream without versions."""
    count = pages(total) if total else 0
    firsts = [(n - 1) * PAGE_SIZE + 1 for n in range(1, count + 1)]
    times = _times(store, firsts)
    node = _iri(view_iri(base))
    triples = [ox.Triple(node, _iri(RDF_TYPE), _iri(TREE + "Node"))]
    for n, first in enumerate(firsts, start=1):
        triples += _relation(node, _iri(page_iri(base, n)), times[first], f"pagina{n}")
    return triples


def page(store: Store, base: str, number: int, total: int) -> Page | None:
    """Page `number` of a stream of `total` versions; None when there is no such page."""
    if number < 1 or number > pages(total):
        return None
    first, last = (number - 1) * PAGE_SIZE + 1, min(number * PAGE_SIZE, total)
    found = _versions(store, base, first, last) if total else []
    node, stream = _iri(page_iri(base, number)), _iri(stream_iri(base))
    triples = [ox.Triple(node, _iri(RDF_TYPE), _iri(TREE + "Node"))]
    members = [_iri(version_iri(base, n)) for n in range(first, last + 1)] if total else []
    triples += [ox.Triple(stream, _iri(TREE + "member"), version) for version in members]
    complete = total > number * PAGE_SIZE
    if complete:
        following = number * PAGE_SIZE + 1
        triples += _relation(node, _iri(page_iri(base, number + 1)), _times(store, [following])[following], "volgende")
    return Page(number, triples + found, complete)


def _versions(store: Store, base: str, first: int, last: int) -> list[ox.Triple]:
    """Versions as published: the resource's triples said of the version, and what the version is."""
    triples = []
    for row in store.select(named("ldes/versions").bind(first=_int(first), last=_int(last))):
        number = int(row["number"].value)
        version, resource = _iri(version_iri(base, number)), _iri(row["resource"].value)

        def own(term):  # a version's blank nodes are its own, whatever labels the data had
            return ox.BlankNode(f"v{number}{term.value}") if isinstance(term, ox.BlankNode) else term

        for t in ox.parse(row["content"].value.encode(), format=ox.RdfFormat.N_TRIPLES):
            triples.append(ox.Triple(version if t.subject == resource else own(t.subject), t.predicate, own(t.object)))
        about = [(RDF_TYPE, _iri(row["kind"].value)), (VERSION_OF, resource), (AS + "object", resource),
                 (TIMESTAMP, row["time"])]
        if row.get("derived") is not None:
            about.append((PROV + "wasDerivedFrom", _iri(row["derived"].value)))
        triples += [ox.Triple(version, _iri(p), o) for p, o in about]
    return triples


def _times(store: Store, numbers: list[int]) -> dict[int, ox.Literal]:
    if not numbers:
        return {}
    query = named("ldes/times")
    rows = store.select(query.bind_values(query.text, "number", [_int(n) for n in numbers]))
    return {int(row["number"].value): row["time"] for row in rows}


def _relation(node: ox.NamedNode, target: ox.NamedNode, value: ox.Literal, label: str) -> list[ox.Triple]:
    relation = ox.BlankNode(label)
    return [ox.Triple(node, _iri(TREE + "relation"), relation),
            ox.Triple(relation, _iri(RDF_TYPE), _iri(TREE + "GreaterThanOrEqualToRelation")),
            ox.Triple(relation, _iri(TREE + "path"), _iri(TIMESTAMP)),
            ox.Triple(relation, _iri(TREE + "value"), value),
            ox.Triple(relation, _iri(TREE + "node"), target)]


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(XSD + "integer"))


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def version(store: Store, base: str, number: int) -> list[ox.Triple]:
    """One version by its number (empty when there is none)."""
    return _versions(store, base, number, number) if number >= 1 else []
