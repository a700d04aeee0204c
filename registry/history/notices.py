"""Erasure notices: how a node tells the hubs that harvested it what its privacy erase rewrote.

A hub holds a copy of the node's data and versions of it that the node cannot reach.
A node publishes, at `/privacy/verwijderingen`, one notice per erase: when, which
records it rewrote, and per rewritten literal value the SHA-256 of a random salt (one
per notice) followed by the value, with the value it became. Never the erased text:
a hub finds the values to rewrite by hashing its own literals with the notice's salt.

The salt keeps one name from giving the same hash in two notices or at two nodes, and
makes tables of precomputed hashes useless. It cannot stop someone who already
suspects a value from confirming it (hash the guess with the published salt): the
price of a notice any hub can read without an account.

Vocabulary (`lpp:` = `https://w3id.org/lerende-praktijken/privacy#`):

    <…/privacy/verwijderingen> a lpp:ErasureList ; lpp:erasure <…#id> .
    <…#id> a lpp:Erasure ; dct:issued "…"^^xsd:dateTime ; lpp:resource <record> … ;
        lpp:salt "hex" ; lpp:rewrite <…#id-1> … .
    <…#id-1> lpp:sha256 "hex" ; lpp:replacement "the value it became" .
"""
from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.description import named_node as n
from registry.history.erase import value_hash
from registry.ldes import RDF_TYPE, XSD
from registry.ldes.description import DEFAULT_LICENSE
from registry.queries import insert_data, named
from registry.store import Store

PATH = "privacy/verwijderingen"
GRAPH = "urn:bamboe:privacy"
"""Private graph of a node's own notices (served at PATH, never in the dump)."""
APPLIED_GRAPH = "urn:bamboe:privacy-applied"
"""Private graph of a hub: the notices it applied, per member."""
LPP = "https://w3id.org/lerende-praktijken/privacy#"
SPECIFICATION = "https://w3id.org/lerende-praktijken/privacy"
"""What the announcing service conforms to: harvesters find the list by it."""
DCT = "http://purl.org/dc/terms/"
DESCRIPTION = ("Wat de privacy-verwijderingen van deze node hebben herschreven, zonder de verwijderde tekst: per "
               "waarde een SHA-256 met zout en wat ze werd. Een hub die deze node oogst, past ze toe op zijn kopie "
               "en op elke versie die hij bewaart.")


@dataclass(frozen=True)
class Notice:
    """One erase as hubs need it: the records it touched and, per old value's hash, the new value."""

    iri: str
    time: str
    resources: tuple[str, ...]
    salt: str
    replacements: tuple[tuple[str, str], ...]  # (sha256 of salt + old value, new value)


def list_iri(base: str) -> str:
    return base + PATH


def new_notice(base: str, when: str, resources: Iterable[str], values: dict[str, str]) -> Notice:
    """A notice for an erase that turned each old value into `values[old]`; the salt is fresh."""
    salt = secrets.token_hex(16)
    pairs = sorted((value_hash(salt, old), new) for old, new in values.items())
    return Notice(f"{list_iri(base)}#{uuid.uuid4().hex}", when, tuple(sorted(resources)), salt, tuple(pairs))


def to_triples(notice: Notice, base: str) -> list[ox.Triple]:
    subject = ox.NamedNode(notice.iri)
    triples = [
        (ox.NamedNode(list_iri(base)), ox.NamedNode(LPP + "erasure"), subject),
        (subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(LPP + "Erasure")),
        (subject, ox.NamedNode(DCT + "issued"), ox.Literal(notice.time, datatype=ox.NamedNode(XSD + "dateTime"))),
        (subject, ox.NamedNode(LPP + "salt"), ox.Literal(notice.salt)),
    ]
    triples += [(subject, ox.NamedNode(LPP + "resource"), ox.NamedNode(iri)) for iri in notice.resources]
    for number, (hashed, new) in enumerate(notice.replacements, start=1):
        rewrite = ox.NamedNode(f"{notice.iri}-{number}")
        triples += [(subject, ox.NamedNode(LPP + "rewrite"), rewrite),
                    (rewrite, ox.NamedNode(LPP + "sha256"), ox.Literal(hashed)),
                    (rewrite, ox.NamedNode(LPP + "replacement"), ox.Literal(new))]
    return [ox.Triple(*t) for t in triples]


def from_triples(triples: Iterable[ox.Triple]) -> list[Notice]:
    """The notices a list holds, oldest first; a notice missing its time or salt is left out."""
    by_subject: dict[str, dict[str, list]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    notices = []
    for iri, said in by_subject.items():
        if ox.NamedNode(LPP + "Erasure") not in said.get(RDF_TYPE, []) or not said.get(DCT + "issued") \
                or not said.get(LPP + "salt"):
            continue
        pairs = []
        for rewrite in said.get(LPP + "rewrite", []):
            values = by_subject.get(rewrite.value, {})
            if values.get(LPP + "sha256") and values.get(LPP + "replacement"):
                pairs.append((values[LPP + "sha256"][0].value, values[LPP + "replacement"][0].value))
        notices.append(Notice(iri, said[DCT + "issued"][0].value,
                              tuple(sorted(r.value for r in said.get(LPP + "resource", []))),
                              said[LPP + "salt"][0].value, tuple(sorted(pairs))))
    return sorted(notices, key=lambda notice: (notice.time, notice.iri))


def record(notice: Notice, base: str) -> str:
    """The update keeping a node's notice (in its private graph, until it is served)."""
    return insert_data(GRAPH, to_triples(notice, base))


def listing(store: Store, base: str) -> list[ox.Triple]:
    """The list as `/privacy/verwijderingen` serves it: what it is, and every notice."""
    subject = ox.NamedNode(list_iri(base))
    head = [ox.Triple(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(LPP + "ErasureList")),
            ox.Triple(subject, ox.NamedNode(DCT + "conformsTo"), ox.NamedNode(SPECIFICATION)),
            ox.Triple(subject, ox.NamedNode(DCT + "description"), ox.Literal(DESCRIPTION, language="nl"))]
    return head + store.graph_triples(GRAPH)


def applied(store: Store, member: str) -> set[str]:
    """The notices of one member (by its id) that this hub applied."""
    rows = store.select(named("history/erase_applied").bind(member=ox.Literal(member)))
    return {row["notice"].value for row in rows}


def remember_applied(notices: Iterable[Notice], member: str, when: str) -> str:
    """The update recording that this hub applied these notices of one member."""
    triples = []
    for notice in notices:
        subject = ox.NamedNode(notice.iri)
        triples += [ox.Triple(subject, ox.NamedNode(APPLIED_GRAPH + "#member"), ox.Literal(member)),
                    ox.Triple(subject, ox.NamedNode(APPLIED_GRAPH + "#applied"),
                              ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime")))]
    return insert_data(APPLIED_GRAPH, triples)


def announce(settings: dict) -> list[ox.Triple]:
    """The list as a `dcat:DataService` of the node's catalogue; harvesters find it by `dct:conformsTo`."""
    base = settings["base_url"]
    catalog, service = ox.NamedNode(base), ox.NamedNode(base + "#privacyverwijderingen")
    triples = [
        (catalog, n("dcat:service"), service),
        (service, n("rdf:type"), n("dcat:DataService")),
        (service, n("dcat:endpointURL"), ox.NamedNode(list_iri(base))),
        (service, n("dcat:endpointDescription"), ox.NamedNode(SPECIFICATION)),
        (service, n("dcat:servesDataset"), ox.NamedNode(base + "#dataset")),
        (service, n("dct:conformsTo"), ox.NamedNode(SPECIFICATION)),
        (service, n("dct:title"), ox.Literal("Privacy-verwijderingen", language="nl")),
        (service, n("dct:title"), ox.Literal("Privacy erasures", language="en")),
        (service, n("dct:description"), ox.Literal(DESCRIPTION, language="nl")),
        (service, n("dct:license"), ox.NamedNode(settings.get("license") or DEFAULT_LICENSE)),
    ]
    return [ox.Triple(*t) for t in triples]
