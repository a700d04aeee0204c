"""The vocabulary as a documentation page, generated from the shipped Turtle."""
from __future__ import annotations

from functools import cache

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

import vocab


@cache
def vocabulary_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in [vocab.ontology_file(), *vocab.concept_files()]:
        graph.parse(path, format="turtle")
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


@cache
def vocabulary_turtle() -> bytes:
    return vocabulary_graph().serialize(format="turtle", encoding="utf-8")


def documentation(lang: str) -> dict:
    """Classes, properties and concept schemes with labels and definitions in `lang`."""
    graph = vocabulary_graph()

    def text(subject, *predicates) -> str:
        for predicate in predicates:
            values = list(graph.objects(subject, predicate))
            for value in values:
                if getattr(value, "language", None) == lang:
                    return str(value)
            if values:
                return str(values[0])
        return ""

    def term(subject) -> dict:
        return {
            "iri": str(subject),
            "anchor": anchor(str(subject)),
            "curie": graph.namespace_manager.normalizeUri(subject),
            "label": text(subject, RDFS.label, SKOS.prefLabel),
            "definition": text(subject, RDFS.comment, SKOS.definition),
            "parents": [graph.namespace_manager.normalizeUri(p) for p in graph.objects(subject, RDFS.subClassOf)]
            + [graph.namespace_manager.normalizeUri(p) for p in graph.objects(subject, RDFS.subPropertyOf)],
            "domain": [graph.namespace_manager.normalizeUri(p) for p in graph.objects(subject, RDFS.domain)],
            "range": [graph.namespace_manager.normalizeUri(p) for p in graph.objects(subject, RDFS.range)],
        }

    def ours(subject) -> bool:
        return str(subject).startswith(vocab.LP)

    classes = sorted({s for s in graph.subjects(RDF.type, OWL.Class) if ours(s)})
    properties = sorted({
        s for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
        for s in graph.subjects(RDF.type, kind) if ours(s)
    })
    schemes = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        concepts = sorted(graph.subjects(SKOS.inScheme, scheme),
                          key=lambda c: (str(graph.value(c, SKOS.notation) or ""), text(c, SKOS.prefLabel)))
        schemes.append({**term(scheme), "concepts": [
            {**term(c), "broader": [text(b, SKOS.prefLabel) for b in graph.objects(c, SKOS.broader)],
             "alt": sorted({str(a) for a in graph.objects(c, SKOS.altLabel) if a.language == lang})}
            for c in concepts
        ]})
    ontology = rdflib.URIRef(vocab.ONTOLOGY)
    return {
        "title": text(ontology, rdflib.URIRef("http://purl.org/dc/terms/title"), RDFS.label),
        "description": text(ontology, rdflib.URIRef("http://purl.org/dc/terms/description"), RDFS.comment),
        "version": text(ontology, OWL.versionInfo),
        "namespace": vocab.LP,
        "classes": [term(c) for c in classes],
        "properties": [term(p) for p in properties],
        "schemes": schemes,
        "rules": rules(lang),
    }


def rules(lang: str) -> list[dict]:
    """The named shapes (core rules and reflection signals), for links from validation reports."""
    from registry.validation import shapes_graph

    graph = shapes_graph()
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")

    def text(subject, predicate) -> str:
        values = list(graph.objects(subject, predicate))
        return str(next((v for v in values if getattr(v, "language", None) == lang), values[0] if values else ""))

    found = []
    for subject in sorted({s for kind in (sh.NodeShape, sh.PropertyShape) for s in graph.subjects(RDF.type, kind)
                           if isinstance(s, rdflib.URIRef)}):
        messages = [text(subject, sh.message)] + [text(p, sh.message) for p in graph.objects(subject, sh.property)]
        found.append({"iri": str(subject), "anchor": rule_anchor(str(subject)), "label": text(subject, RDFS.label),
                      "severity": str(graph.value(subject, sh.severity) or sh.Violation).rsplit("#", 1)[-1],
                      "messages": [m for m in messages if m]})
    return found


def rule_anchor(iri: str) -> str:
    """Fragment id of a shape on the documentation page: `regel-MeetingShape`."""
    return "regel-" + iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def anchor(iri: str) -> str:
    """Fragment id on the documentation page: `thema-armoede`, `LearningCommunity`."""
    if iri.startswith(vocab.CONCEPTS):
        return iri.removeprefix(vocab.CONCEPTS).replace("/", "-")
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def concept(iri: str) -> rdflib.Graph | None:
    """The triples about one concept or scheme (None if the vocabulary has no such IRI)."""
    graph, subject = vocabulary_graph(), rdflib.URIRef(iri)
    if (subject, None, None) not in graph:
        return None
    found = rdflib.Graph()
    for triple in graph.triples((subject, None, None)):
        found.add(triple)
    return found
