"""JSON <-> RDF through the schemas' field metadata; no per-kind mapping code.

`to_triples` turns loaded JSON into the triples of one resource; `from_triples` reads
them back; `owned` says which stored triples a schema speaks for, so a replace keeps
what the API does not model (an @en description, a predicate loaded from Turtle).
"""
from __future__ import annotations

import json
from functools import cache

import pyoxigraph as ox
from marshmallow import fields

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@cache
def mapped_fields(schema_cls) -> tuple:
    """(name, field, Rdf, sibling collection) of every mapped field; read once per schema."""
    found = []
    for name, field in schema_cls().fields.items():
        rdf = field.metadata.get("rdf")
        if rdf is not None:
            inner = field.inner if isinstance(field, fields.List) else field
            found.append((name, field, rdf, inner.metadata.get("sibling") or field.metadata.get("sibling")))
    return tuple(found)


def to_triples(schema_cls, data: dict, subject: ox.NamedNode | ox.BlankNode, parent: str | None = None) -> list[ox.Triple]:
    """The triples for one resource (and its blank nodes) from loaded JSON."""
    triples = [ox.Triple(subject, RDF_TYPE, ox.NamedNode(schema_cls.Meta.rdf_type))]
    for name, field, rdf, sibling in mapped_fields(schema_cls):
        value = data.get(name)
        if value is None:
            continue
        predicate = ox.NamedNode(rdf.predicate)
        for item in value if isinstance(field, fields.List) else [value]:
            if rdf.nested is not None:
                node = ox.BlankNode()
                triples.append(ox.Triple(subject, predicate, node))
                triples += to_triples(rdf.nested, item, node)
            elif sibling:
                triples.append(ox.Triple(subject, predicate, ox.NamedNode(f"{parent}/{sibling}/{item}")))
            else:
                triples.append(ox.Triple(subject, predicate, rdf.encode(item)))
    return triples


def from_triples(schema_cls, triples: list[ox.Triple], subject) -> dict:
    """Loaded-form values (dates as dates) of one resource, lists sorted for stable ETags."""
    objects: dict[str, list] = {}
    for triple in triples:
        if triple.subject == subject:
            objects.setdefault(triple.predicate.value, []).append(triple.object)
    data: dict = {}
    for name, field, rdf, sibling in mapped_fields(schema_cls):
        found = [term for term in objects.get(rdf.predicate, []) if rdf.owns(term)]
        if rdf.nested is not None:
            values = [from_triples(rdf.nested, triples, term) for term in found if isinstance(term, ox.BlankNode)]
        elif sibling:
            values = [term.value.rsplit("/", 1)[-1] for term in found if isinstance(term, ox.NamedNode)]
        else:
            values = [value for value in map(rdf.decode, found) if value is not None]
        if isinstance(field, fields.List):
            if values:
                data[name] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True, default=str))
        elif values:
            data[name] = min(values, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return data


def owned(schema_cls, triple: ox.Triple) -> bool:
    """Whether a stored triple about the resource is one this schema writes."""
    if triple.predicate == RDF_TYPE:
        return triple.object.value == schema_cls.Meta.rdf_type
    return any(rdf.predicate == triple.predicate.value and rdf.owns(triple.object)
               for _, _, rdf, _ in mapped_fields(schema_cls))


def blank_closure(triples: list[ox.Triple], subject) -> list[ox.Triple]:
    """The triples of `subject` and of the blank nodes it reaches."""
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    out, frontier, seen = [], [subject], set()
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in by_subject.get(node, []):
            out.append(triple)
            if isinstance(triple.object, ox.BlankNode):
                frontier.append(triple.object)
    return out
