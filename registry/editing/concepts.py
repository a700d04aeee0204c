"""Which concepts an editor may pick per scheme: the shared ones plus the node's own.

The pick-lists of the forms and the first validation layer of the API both ask this
catalogue, so nobody has to type an IRI and an unknown one is named before SHACL runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

import vocab
from registry.queries import named
from registry.store import Store
from registry.store.cache import PerGeneration

SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMES = ("soort", "thema", "perspectief", "kennis", "niveau", "rol", "leerlus", "status")


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    labels: dict
    order: int

    def label(self, lang: str = "nl") -> str:
        return self.labels.get(lang) or self.labels.get("nl") or next(iter(self.labels.values()), self.iri)


@cache
def shared_concepts() -> dict[str, Concept]:
    """Every concept of the shipped schemes, in file order (the order the pick-lists show)."""
    found: dict[str, Concept] = {}
    labels: dict[str, dict] = {}
    for path in vocab.concept_files():
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
            if predicate == SKOS + "inScheme" and obj.value.startswith(vocab.CONCEPTS):
                scheme = obj.value.removeprefix(vocab.CONCEPTS)
                found.setdefault(subject, Concept(subject, scheme, labels.setdefault(subject, {}), len(found)))
            elif predicate == SKOS + "prefLabel":
                labels.setdefault(subject, {})[obj.language or "nl"] = obj.value
    return found


class ConceptCatalogue:
    def __init__(self, store: Store):
        self._local = PerGeneration(store, _local_concepts)

    def all(self) -> dict[str, Concept]:
        return {**shared_concepts(), **self._local.get()}

    def in_scheme(self, iri: str, scheme: str) -> bool:
        concept = self.all().get(iri)
        return concept is not None and concept.scheme == scheme

    def options(self, scheme: str, lang: str = "nl") -> list[tuple[str, str]]:
        """(iri, label) pairs of one scheme: shared concepts first, then the node's own."""
        chosen = [c for c in self.all().values() if c.scheme == scheme]
        return [(c.iri, c.label(lang)) for c in sorted(chosen, key=lambda c: c.order)]


def _local_concepts(store: Store) -> dict[str, Concept]:
    """The node's concepts, each in the scheme of the shared concept it narrows."""
    shared = shared_concepts()
    broader: dict[str, str] = {}
    labels: dict[str, dict] = {}
    for row in store.select(named("editing/local_concepts").text):
        iri = row["concept"].value
        broader[iri] = row["broader"].value
        if row.get("label") is not None:
            labels.setdefault(iri, {})[row["label"].language or "nl"] = row["label"].value
    local = {}
    for iri in broader:
        if iri in shared:
            continue
        seen, up = {iri}, broader[iri]
        while up in broader and up not in seen and up not in shared:
            seen.add(up)
            up = broader[up]
        if up in shared:
            local[iri] = Concept(iri, shared[up].scheme, labels.get(iri, {}), 10_000 + len(local))
    return local
