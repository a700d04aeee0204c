"""The parts of a node's DCAT-AP description (DCAT-AP 3.0, DCAT-AP-NL 3.0) and their code lists.

The profiles take values from the EU Publications Office's authority tables (access
rights, data themes, file types, languages) and IANA media types, and their shapes check
the class of each value: a theme is a `skos:Concept`, a `dct:conformsTo` target a
`dct:Standard`. Harvesters do not fetch those tables, so `with_code_lists` states each
value's class (and a label) next to its use.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.description import named_node as n
from registry.places import place_iri

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
PUBLIC = EU + "access-right/PUBLIC"
SOCIETY = EU + "data-theme/SOCI"
DUTCH = EU + "language/NLD"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
ACTIVITY_STREAMS = "https://www.w3.org/TR/activitystreams-core/"
API_DESIGN_RULES = "https://gitdocumentatie.logius.nl/publicatie/api/adr/"
N_QUADS = "https://www.w3.org/TR/n-quads/"
TURTLE = "https://www.w3.org/TR/turtle/"
PROV_O = "https://www.w3.org/TR/prov-o/"
KEYWORDS = ("lerende praktijken", "sociaal domein", "Werkplaats Sociaal Domein", "linked data")
LABELS = {
    PUBLIC: "Publiek", SOCIETY: "Bevolking en samenleving", DUTCH: "Nederlands",
    SPARQL_PROTOCOL: "SPARQL 1.1 Protocol", ACTIVITY_STREAMS: "Activity Streams 2.0",
    API_DESIGN_RULES: "API Design Rules (Logius)", "https://w3id.org/ldes/specification": "Linked Data Event Streams",
    N_QUADS: "RDF 1.1 N-Quads", TURTLE: "RDF 1.1 Turtle", PROV_O: "PROV-O: The PROV Ontology", EU + "data-theme": "Datathema's van de EU",
}
RANGES = {
    "dct:conformsTo": "dct:Standard",
    "dct:license": "dct:LicenseDocument",
    "dct:accessRights": "dct:RightsStatement",
    "dcat:theme": "skos:Concept",
    "dct:language": "dct:LinguisticSystem",
    "dcat:mediaType": "dct:MediaType",
    "dcat:compressFormat": "dct:MediaType",
    "dct:format": "dct:MediaTypeOrExtent",
    "dct:spatial": "dct:Location",
    "dcat:themeTaxonomy": "skos:ConceptScheme",
}
"""The class the shapes expect of each property's value."""


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=n("xsd:integer"))


A = n("rdf:type")


@dataclass(frozen=True)
class Dump:
    """One file of the whole dataset: its path under the base URL, title and formats."""

    path: str
    title: str
    media_type: str
    file_type: str
    """Local name in the EU file-type table."""
    standard: str
    """The syntax's specification."""
    gzip: bool = False
    models: tuple[str, ...] = ()
    """Specifications of what the file says, beside its syntax (PROV-O for the history)."""


class About:
    """The parts of one node's DCAT description, from its settings."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.base = settings["base_url"]
        self.name = settings["werkplaats"] or settings["name"]
        self.catalog_iri, self.dataset_iri = self.iri(""), self.iri("#dataset")
        self.agent, self.contact = self.iri("werkplaats"), self.iri("#contact")

    def iri(self, path: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + path)

    def publisher(self) -> list[tuple]:
        """The Werkplaats running the node, and its contact point (a role address, or its home page)."""
        agent, contact, name = self.agent, self.contact, ox.Literal(self.name)
        triples = [(agent, A, n("org:Organization")), (agent, A, n("foaf:Agent")),
                   (agent, n("foaf:name"), name), (agent, n("schema:name"), name),
                   (contact, A, n("vcard:Organization")), (contact, A, n("vcard:Kind")),
                   (contact, n("vcard:fn"), name), (contact, n("vcard:hasURL"), self.catalog_iri)]
        if self.settings["hogeschool"]:
            triples.append((agent, n("schema:parentOrganization"), ox.Literal(self.settings["hogeschool"])))
        if self.settings["contact"]:
            triples.append((contact, n("vcard:hasEmail"), ox.NamedNode("mailto:" + self.settings["contact"])))
        triples += [(agent, n("schema:areaServed"), ox.NamedNode(place_iri(code))) for code in self.settings["area"]]
        return triples

    def catalog(self) -> list[tuple]:
        catalog = self.catalog_iri
        text = (f"Bamboe-node van {self.name}: lerende praktijken in het sociaal domein, te downloaden (dumps) "
                "en te bevragen (SPARQL, API, wijzigingen).")
        return [(catalog, A, n("dcat:Catalog")),
                (catalog, n("dct:title"), ox.Literal(self.settings["name"])),
                (catalog, n("dct:description"), ox.Literal(text, language="nl")),
                (catalog, n("dct:publisher"), self.agent),
                (catalog, n("dcat:contactPoint"), self.contact),
                (catalog, n("dct:language"), ox.NamedNode(DUTCH)),
                (catalog, n("dct:license"), ox.NamedNode(self.settings["license"])),
                (catalog, n("dct:creator"), self.agent),
                (catalog, n("dcat:themeTaxonomy"), ox.NamedNode(EU + "data-theme")),
                (catalog, n("dcat:dataset"), self.dataset_iri),
                *self._places(catalog)]

    def dataset(self) -> list[tuple]:
        dataset = self.dataset_iri
        text = (f"Lerende praktijken van {self.name} (sociaal domein): de gemeenschappen, hun bijeenkomsten, "
                "analytische verslagen en resultaten, als linked data in het Bamboe-vocabulaire.")
        if self.settings["instances"]:  # a hub publishes what it harvested, a graph per node, and its harvest log
            text = (f"Lerende praktijken die {self.settings['name']} oogst van de aangesloten Bamboe-nodes, "
                    "één named graph per node, met het oogstlog.")
        return [(dataset, A, n("dcat:Dataset")),
                (dataset, n("dct:title"), ox.Literal(f"Lerende praktijken van {self.settings['name']}")),
                (dataset, n("dct:description"), ox.Literal(text, language="nl")),
                (dataset, n("dct:identifier"), ox.Literal(dataset.value)),
                *self._shared(dataset), *self._places(dataset)]

    def distributions(self, dumps: Iterable[Dump]) -> list[tuple]:
        """One distribution per dump file, each a download of the whole dataset."""
        triples = []
        for dump in dumps:
            distribution = self.iri("#" + dump.path.replace(".", "-"))
            triples.append((self.dataset_iri, n("dcat:distribution"), distribution))
            text = f"De hele dataset in één bestand ({dump.title}), bij elke wijziging opnieuw gemaakt."
            triples += self._download(dump, distribution, f"Alle gegevens als {dump.title}", text)
        return triples

    def history(self, dump: Dump, iri: ox.NamedNode) -> list[tuple]:
        """The history as a dataset of its own, beside the current data, and its one download.

        Not a distribution of `#dataset`: a distribution is the same data in another form
        (DCAT 3, `dcat:Distribution`), and the history holds more (every earlier version,
        deleted records, provenance), over another period, following another model (PROV-O).
        It is derived from the dataset (`dct:source`) as the dataset changed.
        """
        text = (f"Elke versie van elke lerende praktijk, bijeenkomst, verslag en resultaat van {self.name} sinds de "
                "geschiedenis begint, ook van wat later is gewijzigd of verwijderd: elke versie in een eigen named "
                "graph, met de herkomst in PROV-O (wanneer vastgelegd, waarvan afgeleid, welke versie ze herziet, "
                "wanneer een nieuwere haar verving).")
        if self.settings["instances"]:
            text = (f"Elke versie die {self.settings['name']} oogstte van de aangesloten Bamboe-nodes, sinds de "
                    "geschiedenis begint: elke versie in een eigen named graph, met de herkomst in PROV-O (de oogst, "
                    "de dump of stroom waaruit ze kwam, welke versie ze herziet, wanneer een nieuwere haar verving).")
        distribution = self.iri("#" + dump.path.replace(".", "-"))
        return [(self.catalog_iri, n("dcat:dataset"), iri),
                (iri, A, n("dcat:Dataset")),
                (iri, n("dct:title"), ox.Literal(f"Geschiedenis van lerende praktijken van {self.settings['name']}")),
                (iri, n("dct:description"), ox.Literal(text, language="nl")),
                (iri, n("dct:identifier"), ox.Literal(iri.value)),
                (iri, n("dct:source"), self.dataset_iri),
                (iri, n("dcat:distribution"), distribution),
                *self._shared(iri), *self._places(iri),
                *self._download(dump, distribution, f"De hele geschiedenis als {dump.title}",
                                "Eén bestand met elke versie, bij elke nieuwe versie opnieuw gemaakt.")]

    def _download(self, dump: Dump, distribution: ox.NamedNode, title: str, text: str) -> list[tuple]:
        """A file to download: where, in which format and syntax, following what, under which licence."""
        url = self.iri(dump.path)
        triples = [(distribution, A, n("dcat:Distribution")),
                   (distribution, n("dct:title"), ox.Literal(title, language="nl")),
                   (distribution, n("dct:description"), ox.Literal(text, language="nl")),
                   *[(distribution, n("dct:conformsTo"), ox.NamedNode(s)) for s in (dump.standard, *dump.models)],
                   (distribution, n("dct:language"), ox.NamedNode(DUTCH)),
                   (distribution, n("dcat:accessURL"), url),
                   (distribution, n("dcat:downloadURL"), url),
                   (distribution, n("dcat:mediaType"), ox.NamedNode(IANA + dump.media_type)),
                   (distribution, n("dct:format"), ox.NamedNode(EU + "file-type/" + dump.file_type)),
                   (distribution, n("dct:license"), ox.NamedNode(self.settings["license"]))]
        if dump.gzip:
            triples.append((distribution, n("dcat:compressFormat"), ox.NamedNode(IANA + "application/gzip")))
        return triples

    def service(self, path: str, title: str, text: str, standard: str, described_by: ox.NamedNode) -> list[tuple]:
        """A data service at `path`: its endpoint, the standard it follows and what documents its use."""
        service = self.iri(path)
        return [(self.catalog_iri, n("dcat:service"), service),
                (service, A, n("dcat:DataService")),
                (service, n("dct:title"), ox.Literal(title)),
                (service, n("dct:description"), ox.Literal(text, language="nl")),
                (service, n("dcat:endpointURL"), service),
                (service, n("dcat:endpointDescription"), described_by),
                (service, n("dcat:servesDataset"), self.dataset_iri),
                (service, n("dct:conformsTo"), ox.NamedNode(standard)),
                (service, n("dct:identifier"), ox.Literal(service.value)),
                (service, n("dct:license"), ox.NamedNode(self.settings["license"])),
                *self._shared(service)]

    def complete(self, extra: list[ox.Triple]) -> list[tuple]:
        """What the node states of all it publishes, for services and distributions added as `extra`.

        Each is linked from the dataset or the catalog, and gets the node's licence (and a
        service its publisher, contact, theme and access rights) unless `extra` names its own.
        """
        given = {(t.subject, t.predicate) for t in extra}
        linked = {t.object for t in extra if t.predicate in (n("dcat:service"), n("dcat:distribution"))}
        licence = ox.NamedNode(self.settings["license"])
        triples = []
        for thing in _typed(extra, "dcat:Distribution"):
            triples += [] if thing in linked else [(self.dataset_iri, n("dcat:distribution"), thing)]
            triples += [t for t in [(thing, n("dct:license"), licence)] if (t[0], t[1]) not in given]
        for thing in _typed(extra, "dcat:DataService"):
            triples += [] if thing in linked else [(self.catalog_iri, n("dcat:service"), thing)]
            defaults = [(thing, n("dct:identifier"), ox.Literal(thing.value)), (thing, n("dct:license"), licence),
                        *self._shared(thing)]
            triples += [t for t in defaults if (t[0], t[1]) not in given]
        return triples

    def _shared(self, subject: ox.NamedNode) -> list[tuple]:
        """Who makes and publishes it, whom to ask, what it is about, and that anyone may see it."""
        return [(subject, n("dct:publisher"), self.agent),
                (subject, n("dct:creator"), self.agent),
                (subject, n("dct:language"), ox.NamedNode(DUTCH)),
                *[(subject, n("dcat:keyword"), ox.Literal(word, language="nl")) for word in KEYWORDS],
                (subject, n("dcat:contactPoint"), self.contact),
                (subject, n("dcat:theme"), ox.NamedNode(SOCIETY)),
                (subject, n("dct:accessRights"), ox.NamedNode(PUBLIC))]

    def _places(self, subject: ox.NamedNode) -> list[tuple]:
        """The gemeenten the Werkplaats serves, as the area the data covers."""
        return [(subject, n("dct:spatial"), ox.NamedNode(place_iri(code))) for code in self.settings["area"]]


def _typed(triples: list[ox.Triple], curie: str) -> list[ox.NamedNode | ox.BlankNode]:
    return list(dict.fromkeys(t.subject for t in triples if t.predicate == A and t.object == n(curie)))


def with_code_lists(triples: list[tuple]) -> list[ox.Triple]:
    """The triples, each code-list value typed (and labelled) as the shapes expect, without repeats."""
    ranges = {n(p): n(c) for p, c in RANGES.items()}
    typed = []
    for _, predicate, value in triples:
        if predicate in ranges and isinstance(value, ox.NamedNode):
            typed.append((value, A, ranges[predicate]))
            if value.value in LABELS:
                titled = ranges[predicate] in (n("dct:Standard"), n("skos:ConceptScheme"))
                label = n("dct:title") if titled else n("skos:prefLabel")  # the EU tables are SKOS
                typed.append((value, label, ox.Literal(LABELS[value.value], language="nl")))
            if value.value == SOCIETY:
                typed.append((value, n("skos:inScheme"), ox.NamedNode(EU + "data-theme")))
    return [ox.Triple(*t) for t in dict.fromkeys([*triples, *typed])]
