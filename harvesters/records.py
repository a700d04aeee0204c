"""Records: a node's data cut into one description per named resource.

A record is everything said about one IRI, with the blank nodes hanging off it
(a community with its perspectives, a meeting, a report). Records are what the
harvester compares, validates and quarantines; their digest ignores blank node
labels, so an unchanged record is recognised whatever labels a parser chose.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.rdf import digest


@dataclass(frozen=True)
class Record:
    iri: str
    triples: tuple[ox.Triple, ...]
    digest: str


@dataclass(frozen=True)
class Diff:
    added: frozenset[str]
    updated: frozenset[str]
    removed: frozenset[str]

    @property
    def changed(self) -> frozenset[str]:
        return self.added | self.updated

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def split(triples: Iterable[ox.Triple]) -> tuple[dict[str, Record], int]:
    """Cut a graph into records; return them and the number of triples no record reaches."""
    by_subject: dict = defaultdict(list)
    for triple in dict.fromkeys(triples):
        by_subject[triple.subject].append(triple)
    records, reached = {}, set()
    for subject, own in by_subject.items():
        if isinstance(subject, ox.BlankNode):
            continue
        found = list(own)
        frontier = [t.object for t in own if isinstance(t.object, ox.BlankNode)]
        seen = set(frontier)
        while frontier:
            blank = frontier.pop()
            for triple in by_subject.get(blank, ()):
                found.append(triple)
                if isinstance(triple.object, ox.BlankNode) and triple.object not in seen:
                    seen.add(triple.object)
                    frontier.append(triple.object)
        reached |= seen
        records[subject.value] = Record(subject.value, tuple(found), digest(found, subject))
    orphans = sum(len(own) for subject, own in by_subject.items()
                  if isinstance(subject, ox.BlankNode) and subject not in reached)
    return records, orphans


def diff(before: dict[str, Record], after: dict[str, Record]) -> Diff:
    """Which records are new, changed or gone."""
    return Diff(
        added=frozenset(after.keys() - before.keys()),
        updated=frozenset(iri for iri in after.keys() & before.keys() if after[iri].digest != before[iri].digest),
        removed=frozenset(before.keys() - after.keys()),
    )


def triples_of(records: Iterable[Record]) -> list[ox.Triple]:
    return [triple for record in records for triple in record.triples]
