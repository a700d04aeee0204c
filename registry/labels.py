"""Human labels for IRIs in the reader's language: shared schemes, then the node's own."""
from __future__ import annotations

from functools import cache

import pyoxigraph as ox

import vocab
from registry.places import parse_place, place_name
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

LABEL_PREDICATES = {
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
}


@cache
def vocabulary_labels() -> dict[str, dict[str, str]]:
    """Labels of every term and concept in the shipped vocabulary files."""
    labels: dict[str, dict[str, str]] = {}
    for path in [vocab.ontology_file(), *vocab.concept_files()]:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if quad.predicate.value in LABEL_PREDICATES and isinstance(quad.object, ox.Literal):
                labels.setdefault(quad.subject.value, {}).setdefault(quad.object.language or "", quad.object.value)
    return labels


class Labels:
    """Look labels up; refreshes the node's own labels when the store changes."""

    def __init__(self, store: Store):
        self._local = PerGeneration(store, local_labels)

    def label(self, iri: str, lang: str = "nl") -> str:
        labels = vocabulary_labels().get(iri) or self._local.get().get(iri)
        if labels:
            return labels.get(lang) or labels.get("nl") or labels.get("") or next(iter(labels.values()))
        place = parse_place(iri)
        if place:
            name = place_name(place.code)  # gemeenten and provinces of the CBS table
            return name if name != place.code else f"{place.kind} {place.code}"
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def local_labels(store: Store) -> dict[str, dict[str, str]]:
    """Labels the node's own data gives to concepts, places and partners."""
    local: dict[str, dict[str, str]] = {}
    for row in store.select(named("communities/local_labels").text):
        label = row["label"]
        local.setdefault(row["thing"].value, {}).setdefault(label.language or "", label.value)
    return local
