"""Reflection signals: the recommended (sh:Warning) shapes, run straight on the store.

One source of truth: each signal is a SHACL-SPARQL constraint in
`vocab/shapes/recommended.ttl`. pySHACL runs them when data is validated; this
module runs the same SELECT queries on Oxigraph with `$this` unbound, which yields
every community the signal applies to in one query. Results are cached per store
generation and day, since some signals depend on today's date.

Some signals follow the vocabulary (a perspective's `lp:bringsKnowledge`, `skos:broader`
between shared concepts), so they run with the shipped vocabulary beside the data: in
the store's private vocabulary graph (`registry.store.vocabulary`), or added to the one
community's triples in `for_one`. Today is passed in, never read from the query's clock:
the shapes' `STRDT(SUBSTR(STR(NOW()), 1, 10), xsd:date)` is replaced by the given date,
so what counts as past is the same for the signals, the dashboard and the tests.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

import vocab
from registry import clock
from registry.store import Store, vocabulary
from registry.store.cache import PerGeneration

TODAY = "STRDT(SUBSTR(STR(NOW()), 1, 10), xsd:date)"
"""How every shape writes today (the convention in vocab/shapes/recommended.ttl)."""
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


@dataclass(frozen=True)
class Signal:
    key: str  # local name of the shape, e.g. "NoExperientialKnowledge"
    label: dict[str, str]
    message: dict[str, str]
    query: str

    def on(self, today: dt.date) -> str:
        """The query with today fixed to the given date."""
        return self.query.replace(TODAY, str(ox.Literal(today.isoformat(), datatype=XSD_DATE)))


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

    def __init__(self, store: Store, today: Callable[[], dt.date] = clock.today):
        self._by_community = PerGeneration(store, lambda s: compute(s, today()), extra_key=today)

    def for_community(self, community: str) -> list[Signal]:
        return self.all().get(community, [])

    def all(self) -> dict[str, list[Signal]]:
        return self._by_community.get()


def compute(store: Store, today: dt.date | None = None) -> dict[str, list[Signal]]:
    """Every community's signals, with the shipped vocabulary installed in the store first."""
    vocabulary.install(store)
    today = today or clock.today()
    by_community: dict[str, list[Signal]] = {}
    for signal in signals():
        for row in store.select(signal.on(today)):
            by_community.setdefault(row["this"].value, []).append(signal)
    return by_community


def for_one(triples: list[ox.Triple], community: str, today: dt.date | None = None) -> list[Signal]:
    """The signals of one community, computed over its own description only.

    `triples` is what `communities.describe` gives plus the node's own concepts; the
    shipped vocabulary is added here. The bulk index recomputes every community after
    any write; one API read or edit needs one, and a store this small answers every
    signal query in milliseconds whatever the size of the node.
    """
    today = today or clock.today()
    small = ox.Store()
    small.extend(vocabulary.quads())
    small.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    values = f"WHERE {{ VALUES $this {{ {ox.NamedNode(community)} }} "
    return [signal for signal in signals() if list(small.query(signal.on(today).replace("WHERE {", values, 1)))]
