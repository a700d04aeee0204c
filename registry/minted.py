"""Descriptions of the IRIs a node mints besides the resources its data describes in full.

A follow-your-nose client looks up every IRI it meets. The data names organisations
(`org:hasMember`), the node's own concept scheme (`skos:inScheme`), wijken and buurten
(`dct:spatial`) and the API (`dcat:endpointURL`), but says little or nothing about them
as subjects; these functions give each the triples a node can vouch for, from its data,
from what a CBS code says by itself, and from the node's description of itself.
"""
from __future__ import annotations

import pyoxigraph as ox

import vocab
from registry.description import named_node
from registry.places import Place, gemeente_iri, parse_place, place_name
from registry.queries import named
from registry.store import Store

RDF_TYPE = ox.NamedNode(vocab.PREFIXES["rdf"] + "type")
CBS_WIJKEN = "https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/wijk-en-buurtstatistieken"
"""Where CBS publishes the wijk and buurt codes and their statistics, year by year."""


def organisation(store: Store, iri: str) -> list[ox.Triple]:
    """What the data says of an organisation, and the communities it is a member of."""
    return store.construct(named("minted/organisation").bind(resource=ox.NamedNode(iri)))


def scheme_iri(base_url: str) -> str:
    return base_url + "begrippen"


def concept_scheme(store: Store, base_url: str, node_name: str) -> list[ox.Triple]:
    """The node's own concept scheme, with the concepts in it (the editor's `/begrippen`)."""
    scheme = ox.NamedNode(scheme_iri(base_url))
    triples = [
        ox.Triple(scheme, RDF_TYPE, named_node("skos:ConceptScheme")),
        ox.Triple(scheme, named_node("skos:prefLabel"), ox.Literal(f"Eigen begrippen van {node_name}", language="nl")),
        ox.Triple(scheme, named_node("skos:prefLabel"), ox.Literal(f"Own concepts of {node_name}", language="en")),
        ox.Triple(scheme, named_node("dct:publisher"), ox.NamedNode(base_url + "werkplaats")),
    ]
    return triples + store.construct(named("minted/scheme").bind(scheme=scheme))


def place(store: Store, iri: str) -> list[ox.Triple]:
    """A wijk or buurt in the node's namespace: what its code says, and what the data adds.

    The code alone gives its kind, notation, CBS year and the place it lies in (a
    wijk's gemeente, a buurt's wijk), so every code the data uses answers, even one
    harvested from elsewhere that no graph here describes. [] when `iri` is no such place
    or the data does not name it.
    """
    found = parse_place(iri)
    subject = ox.NamedNode(iri)
    if found is None or found.kind not in ("wijk", "buurt") or not store.ask(named("minted/place_used").bind(resource=subject)):
        return []
    described = store.construct(named("minted/place").bind(resource=subject))
    return _deduplicated(described + _from_code(found))


def _from_code(found: Place) -> list[ox.Triple]:
    subject = ox.NamedNode(found.iri)
    year = found.iri.rsplit("/", 2)[-2]
    gemeente = ox.NamedNode(gemeente_iri(found.gemeente))
    within = gemeente if found.kind == "wijk" else ox.NamedNode(found.iri.rsplit("/", 1)[0] + "/WK" + found.code[2:8])
    triples = [
        (subject, RDF_TYPE, named_node("lp:Wijk" if found.kind == "wijk" else "lp:Buurt")),
        (subject, named_node("skos:notation"), ox.Literal(found.code)),
        (subject, named_node("lp:cbsYear"), ox.Literal(year, datatype=named_node("xsd:gYear"))),
        (subject, named_node("schema:containedInPlace"), within),
        (subject, named_node("schema:containedInPlace"), gemeente),
        (subject, named_node("dct:source"), ox.NamedNode(CBS_WIJKEN)),
    ]
    name = place_name(found.gemeente)
    if name != found.gemeente:
        triples.append((gemeente, named_node("schema:name"), ox.Literal(name)))
    return [ox.Triple(*triple) for triple in triples]


def _deduplicated(triples: list[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


def about(triples: list[ox.Triple], iri: str) -> list[ox.Triple]:
    """The triples whose subject is `iri`, from a larger description (the node's of itself)."""
    return [t for t in triples if t.subject == ox.NamedNode(iri)]
