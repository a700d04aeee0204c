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


def for_one(store: Store, community: str) -> list[Signal]:
    """The signals of one community, each query restricted to it up front.

    The bulk index recomputes every community after any write; a single API read or
    edit needs only one, so `$this` is fixed with an inline VALUES at the start of the
    query's WHERE (every signal query starts `SELECT ... $this WHERE {`).
    """
    values = f"WHERE {{ VALUES $this {{ {ox.NamedNode(community)} }} "
    return [signal for signal in signals() if store.select(signal.query.replace("WHERE {", values, 1))]
