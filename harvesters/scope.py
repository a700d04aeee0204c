"""Scope stage: a node speaks only about its own resources.

Every triple must have a subject under the node's base URL (or a blank node hanging
off one). Shared resources may be referenced freely; the one exception is naming a
wijk or buurt, which has no shared catalogue: a node may give its type, name, code,
CBS year and containing place. Anything else is dropped and reported, so no node
can overwrite or poison another node's data.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

import vocab
from registry.places import parse_place

P = vocab.PREFIXES
PLACE_PREDICATES = frozenset({
    P["rdf"] + "type", P["schema"] + "name", P["rdfs"] + "label", P["skos"] + "prefLabel",
    P["skos"] + "notation", P["lp"] + "cbsYear", P["schema"] + "containedInPlace",
})


@dataclass(frozen=True)
class Scoped:
    kept: list[ox.Triple]
    dropped: Counter  # subject IRI -> triples dropped

    @property
    def dropped_count(self) -> int:
        return sum(self.dropped.values())


def scope(triples: list[ox.Triple], base_url: str) -> Scoped:
    """Keep triples about the node's own resources; count the rest per subject."""
    kept, dropped = [], Counter()
    for triple in triples:
        subject = triple.subject
        if isinstance(subject, ox.BlankNode) or subject.value.startswith(base_url) or _names_place(triple):
            kept.append(triple)
        else:
            dropped[subject.value] += 1
    return Scoped(kept, dropped)


def _names_place(triple: ox.Triple) -> bool:
    place = parse_place(triple.subject.value)
    return place is not None and place.kind in ("wijk", "buurt") and triple.predicate.value in PLACE_PREDICATES
