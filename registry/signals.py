"""Reflection signals: the recommended (sh:Warning) shapes, run straight on the store.

One source of truth: each signal is a SHACL-SPARQL constraint in
`vocab/shapes/recommended.ttl`. pySHACL runs them when data is validated; this
module runs the same SELECT queries on Oxigraph with `$this` unbound, which yields
every community the signal applies to in one query. Results are cached per store
generation and day, since some signals depend on today's date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

import vocab
from registry.store import Store
from registry.store.cache import PerGeneration


@dataclass(frozen=True)
class Signal:
    key: str  # local name of the shape, e.g. "NoExperientialKnowledge"
    label: dict[str, str]
    message: dict[str, str]
    query: str


@cache
def signals() -> tuple[Signal, ...]:
    """Read every warning shape with its query from the recommended shapes file."""
    graph = rdflib.Graph().parse(vocab.recommended_shapes_file(), format="turtle")
    found = []
    for shape in sorted(graph.subjects(SH.severity, SH.Warning)):
        constraint = graph.value(shape, SH.sparql)
        if constraint is None:
            continue
        select = str(graph.value(constraint, SH.select))
        prefixes = "".join(
            f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
            for declarer in graph.objects(constraint, SH.prefixes)
            for d in graph.objects(declarer, SH.declare)
        )
        found.append(Signal(
            key=str(shape).rsplit("#", 1)[-1],
            label={l.language: str(l) for l in graph.objects(shape, RDFS.label)},
            message={m.language: str(m) for m in graph.objects(shape, SH.message)},
            query=prefixes + select,
        ))
    return tuple(found)


class SignalIndex:
    """Which signals apply to which community, recomputed when data or day changes."""

    def __init__(self, store: Store):
        self._by_community = PerGeneration(store, compute, extra_key=dt.date.today)

    def for_community(self, community: str) -> list[Signal]:
        return self.all().get(community, [])

    def all(self) -> dict[str, list[Signal]]:
        return self._by_community.get()


def compute(store: Store) -> dict[str, list[Signal]]:
    by_community: dict[str, list[Signal]] = {}
    for signal in signals():
        for row in store.select(signal.query):
            by_community.setdefault(row["this"].value, []).append(signal)
    return by_community


def for_one(triples: list[ox.Triple], community: str) -> list[Signal]:
    """The signals of one community, computed over its own description only.

    `triples` is what `communities.describe` gives plus the node's own concepts; the
    shipped vocabulary is added here. The bulk index recomputes every community after
    any write; one API read or edit needs one, and a store this small answers every
    signal query in milliseconds whatever the size of the node.
    """
    small = ox.Store()
    small.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in _vocabulary_triples())
    small.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    values = f"WHERE {{ VALUES $this {{ {ox.NamedNode(community)} }} "
    return [signal for signal in signals() if list(small.query(signal.query.replace("WHERE {", values, 1)))]


@cache
def _vocabulary_triples() -> tuple[ox.Triple, ...]:
    found = []
    for path in [vocab.ontology_file(), *vocab.concept_files()]:
        found += [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return tuple(found)
