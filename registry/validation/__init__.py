"""Validate data against the shared SHACL shapes.

The data graph is the data merged with the shared ontology and concept schemes, so
a shape can check that every concept used is known (or narrower than a known one).
`validate` runs the shapes compiled to SPARQL on an in-memory Oxigraph store
(`compiled.py`, about a hundred times faster); `validate_with_pyshacl` runs pySHACL,
the reference the compiled checks are tested against.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import threading
import warnings
from functools import cache

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from registry.store import vocabulary
from registry.validation import compiled
from registry.validation.compiled import shapes_graph


@dataclass(frozen=True)
class Finding:
    """One SHACL result: what is wrong (or worth a look), where, and in which shape."""

    severity: str  # "Violation" or "Warning"
    focus: str
    path: str | None
    value: str | None
    message_nl: str
    message_en: str
    shape: str

    def describe(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        value = f" (waarde: {self.value})" if self.value else ""
        return f"{self.severity}: {where}{value}: {self.message_nl} / {self.message_en}"


@dataclass(frozen=True)
class Report:
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


@cache
def _concepts_ntriples() -> bytes:
    graph = rdflib.Graph()
    for path in vocabulary.files():
        graph.parse(path, format="turtle")
    return graph.serialize(format="nt", encoding="utf-8")


_one_at_a_time = threading.Lock()
"""rdflib's SPARQL parser (pyparsing) is not thread-safe, and pySHACL parses as it validates."""


def validate(triples: Iterable[ox.Triple], core_only: bool = False) -> Report:
    """Validate a graph; return every violation and warning found.

    `core_only` skips the reflection signals; the harvester uses it, as the hub
    computes signals itself over the stored data.
    """
    store = ox.Store()
    store.bulk_extend(vocabulary.quads())
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    findings = []
    for check in compiled.checks(core_only):
        rows = store.query(check.query)
        reports_value = any(variable.value == "value" for variable in rows.variables)
        for row in rows:
            focus, value = row["this"], row["value"] if reports_value else None
            findings.append(Finding(
                severity=check.severity, focus=focus.value, path=check.path,
                value=None if value is None or value == focus else value.value,
                message_nl=check.messages.get("nl", _fallback(check.messages)),
                message_en=check.messages.get("en", _fallback(check.messages)),
                shape=check.shape,
            ))
    return Report(findings)


def _fallback(messages: dict[str, str]) -> str:
    return next(iter(messages.values()), "")


def validate_with_pyshacl(triples: Iterable[ox.Triple], core_only: bool = False) -> Report:
    """Validate a graph with pySHACL: the reference implementation of the shapes.

    Only the results of the shapes themselves are returned (not pySHACL's nested
    sh:detail results), as `validate` does.
    """
    data = rdflib.Graph()
    data.parse(data=_concepts_ntriples(), format="nt")
    for triple in triples:
        data.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    with _one_at_a_time, warnings.catch_warnings():
        # rdflib warns on ill-typed literals (the shapes report them) and on comparing them
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        _, results, _ = shacl_validate(
            data, shacl_graph=shapes_graph(core_only), inference="none", allow_warnings=True, abort_on_first=False,
        )
    return Report([_finding(results, result) for result in results.objects(None, SH.result)])


def _term(term):
    """The rdflib term for a pyoxigraph one; blank nodes keep their label, so findings name them."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == _XSD_STRING else rdflib.URIRef(datatype))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _finding(results: rdflib.Graph, result) -> Finding:
    def one(predicate):
        value = results.value(result, predicate)
        return None if value is None else str(value)

    shape = results.value(result, SH.sourceShape)
    declared = list(shapes_graph().objects(shape, SH.message)) if shape is not None else []
    messages = {m.language: str(m) for m in declared or results.objects(result, SH.resultMessage)}
    fallback = next(iter(messages.values()), "")
    severity = one(SH.resultSeverity).rsplit("#", 1)[-1]
    value = one(SH.value)
    return Finding(
        severity=severity, focus=one(SH.focusNode), path=one(SH.resultPath),
        value=None if value == one(SH.focusNode) else value,
        message_nl=messages.get("nl", fallback), message_en=messages.get("en", fallback),
        shape=one(SH.sourceShape) or "",
    )


def rule_of(shape: str) -> str:
    """The named shape a constraint belongs to: a blank property shape answers for its node shape."""
    if shape.startswith(("http://", "https://")):
        return shape
    graph = shapes_graph()
    parent = next(graph.subjects(SH.property, rdflib.BNode(shape)), None)
    return str(parent) if parent is not None else shape
