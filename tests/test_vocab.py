"""Tests for the shared Bamboe vocabulary in vocab/.

Covers the ontology (def/lp.ttl), the SKOS concept schemes (concepts/*.ttl),
the SHACL shapes (shapes/core.ttl, shapes/recommended.ttl), the JSON-LD
context (context/lp.jsonld) and the example nodes (examples/*.ttl).

Self-contained on purpose: no conftest fixtures, only pytest, rdflib, pyshacl
and pyoxigraph. Validation follows the registry's convention: ONE data graph
(data merged with all concept schemes), shapes = core + recommended, no
inference.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date as date_
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

import vocab

# ---------------------------------------------------------------------------
# Locations and namespaces
# ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "vocab"
ONTOLOGY_FILE = VOCAB / "def" / "lp.ttl"
CONCEPT_FILES = sorted((VOCAB / "concepts").glob("*.ttl"))
CORE_SHAPES = VOCAB / "shapes" / "core.ttl"
RECOMMENDED_SHAPES = VOCAB / "shapes" / "recommended.ttl"
CONTEXT_FILE = VOCAB / "context" / "lp.jsonld"
EXAMPLE_FILES = sorted((VOCAB / "examples").glob("*.ttl"))
ALL_TURTLE = [ONTOLOGY_FILE, *CONCEPT_FILES, CORE_SHAPES, RECOMMENDED_SHAPES, *EXAMPLE_FILES]

BASE = "https://node.example/"
ONTOLOGY = URIRef("https://w3id.org/lerende-praktijken/def")
LP = Namespace("https://w3id.org/lerende-praktijken/def#")
LPSH = Namespace("https://w3id.org/lerende-praktijken/shapes#")
ID = "https://w3id.org/lerende-praktijken/id/"
SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")

SCHEMES = ["soort", "thema", "perspectief", "kennis", "niveau", "rol", "leerlus", "status"]

EXPECTED_CONCEPTS = {
    "soort": ["kennisnetwerk", "lerend-netwerk", "leergemeenschap", "leerwerkgemeenschap",
              "community-of-practice", "living-lab"],
    "thema": ["bestaanszekerheid", "armoede", "zorgzame-samenleving", "energietransitie", "ouderenzorg",
              "psychische-kwetsbaarheid", "wijkteams", "zelfredzaamheid", "jeugd", "participatie", "wonen"],
    "perspectief": ["gemeente", "professional", "client", "bewoner", "vrijwilliger", "ervaringsdeskundige",
                    "onderwijs", "onderzoeker", "student", "bestuurder", "informeel-netwerk"],
    "kennis": ["ervaringskennis", "lokale-kennis", "professionele-kennis", "wetenschappelijke-kennis"],
    "niveau": ["landelijk", "regionaal", "lokaal", "wijk"],
    "rol": ["gespreksleider", "notulist", "begeleider", "grenswerker", "deelnemer"],
    "leerlus": ["enkelslag", "dubbelslag", "drieslag"],
    "status": ["in-voorbereiding", "actief", "gepauzeerd", "beeindigd"],
}
ORDERED_SCHEMES = ["soort", "niveau", "leerlus"]  # skos:notation "1".."n" in listed order

EXPECTED_CLASSES = {
    "LearningCommunity": ORG.OrganizationalCollaboration,
    "Meeting": SCHEMA.Event,
    "AnalyticReport": FOAF.Document,
    "Result": PROV.Entity,
    "Participation": None,
    "Wijk": SCHEMA.Place,
    "Buurt": SCHEMA.Place,
}
EXPECTED_PROPERTIES = {
    "sharedQuestion", "level", "participation", "perspective", "count", "role", "knowledgeKind",
    "meetingIntervalWeeks", "hasMeeting", "hasResult", "howToJoin", "confidentialityAgreement",
    "perspectivePresent", "reportsOn", "centralQuestion", "courseOfAction", "readByMember",
    "learningLoop", "bringsKnowledge", "cbsYear", "confirmed",
}
SIGNALS = ["FewerThanThreePerspectives", "NoExperientialKnowledge", "NoFacilitator", "NoReporter",
           "NoRecentMeeting", "LateReport", "NoAgreedFrequency", "NotConfirmedCurrent"]

PREFIXES = """\
@prefix lp:          <https://w3id.org/lerende-praktijken/def#> .
@prefix dct:         <http://purl.org/dc/terms/> .
@prefix schema:      <http://schema.org/> .
@prefix org:         <http://www.w3.org/ns/org#> .
@prefix skos:        <http://www.w3.org/2004/02/skos/core#> .
@prefix adms:        <http://www.w3.org/ns/adms#> .
@prefix dcat:        <http://www.w3.org/ns/dcat#> .
@prefix vcard:       <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd:         <http://www.w3.org/2001/XMLSchema#> .
@prefix soort:       <https://w3id.org/lerende-praktijken/id/soort/> .
@prefix thema:       <https://w3id.org/lerende-praktijken/id/thema/> .
@prefix perspectief: <https://w3id.org/lerende-praktijken/id/perspectief/> .
@prefix kennis:      <https://w3id.org/lerende-praktijken/id/kennis/> .
@prefix niveau:      <https://w3id.org/lerende-praktijken/id/niveau/> .
@prefix rol:         <https://w3id.org/lerende-praktijken/id/rol/> .
@prefix leerlus:     <https://w3id.org/lerende-praktijken/id/leerlus/> .
@prefix status:      <https://w3id.org/lerende-praktijken/id/status/> .
@prefix gemeente:    <https://identifier.overheid.nl/tooi/id/gemeente/> .
@prefix provincie:   <https://identifier.overheid.nl/tooi/id/provincie/> .
@prefix cbs2024:     <https://w3id.org/lerende-praktijken/id/cbs/2024/> .
"""

# ---------------------------------------------------------------------------
# Helpers (cached; deliberately not fixtures)
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def parsed(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=BASE)


@functools.lru_cache(maxsize=None)
def ontology_graph() -> Graph:
    return parsed(ONTOLOGY_FILE)


@functools.lru_cache(maxsize=None)
def concepts_graph() -> Graph:
    g = Graph()
    for f in CONCEPT_FILES:
        g += parsed(f)
    return g


@functools.lru_cache(maxsize=None)
def shapes_graph(core_only: bool = False) -> Graph:
    g = Graph()
    g += parsed(CORE_SHAPES)
    if not core_only:
        g += parsed(RECOMMENDED_SHAPES)
    return g


def langs(g: Graph, s, p) -> list[str]:
    return sorted((o.language or "") for o in g.objects(s, p) if isinstance(o, Literal))


def has_nl_en(g: Graph, s, p) -> bool:
    found = {o.language for o in g.objects(s, p) if isinstance(o, Literal)}
    return {"nl", "en"} <= found


@dataclass(frozen=True)
class Result:
    severity: str
    shape: URIRef | BNode
    focus: URIRef | BNode
    value: object


def shacl(turtle: str | None = None, path: Path | None = None, core_only: bool = False) -> list[Result]:
    """Validate data (Turtle text with PREFIXES, or a file) the registry way.

    core_only skips the warning shapes; it is used where only violations matter,
    because rdflib re-parses every SPARQL constraint on each run (slow).
    """
    dg = Graph()
    dg += concepts_graph()
    if path is not None:
        dg += parsed(path)
    if turtle is not None:
        dg.parse(data=PREFIXES + turtle, format="turtle", publicID=BASE)
    _, report, _ = pyshacl.validate(dg, shacl_graph=shapes_graph(core_only), inference="none", inplace=True)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        sev = report.value(r, SH.resultSeverity)
        out.append(Result(str(sev).rsplit("#", 1)[-1], report.value(r, SH.sourceShape),
                          report.value(r, SH.focusNode), report.value(r, SH.value)))
    return out


@functools.lru_cache(maxsize=None)
def validate_file(path: Path) -> tuple[Result, ...]:
    return tuple(shacl(path=path))


def violations(results) -> list[Result]:
    return [r for r in results if r.severity == "Violation"]


def warnings_by_signal(results: list[Result]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in SIGNALS}
    for r in results:
        if r.severity == "Warning":
            out.setdefault(str(r.shape).rsplit("#", 1)[-1], set()).add(str(r.focus))
    return out


@functools.lru_cache(maxsize=None)
def signal_queries() -> dict[str, str]:
    """Extract each warning query the way the registry does: PREFIX lines + sh:select."""
    g = parsed(RECOMMENDED_SHAPES)
    out = {}
    for name in SIGNALS:
        shape = LPSH[name]
        (constraint,) = list(g.objects(shape, SH.sparql))
        prefixes_node = g.value(constraint, SH.prefixes)
        lines = []
        for decl in g.objects(prefixes_node, SH.declare):
            lines.append(f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>")
        out[name] = "\n".join(sorted(lines)) + "\n" + str(g.value(constraint, SH.select))
    return out


def oxigraph_store(turtle: str | None = None, path: Path | None = None) -> ox.Store:
    store = ox.Store()
    for f in CONCEPT_FILES:
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    if path is not None:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    if turtle is not None:
        store.load(input=PREFIXES + turtle, format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return store


def oxigraph_signals(store: ox.Store) -> dict[str, list[str]]:
    return {name: [sol["this"].value for sol in store.query(q)] for name, q in signal_queries().items()}


def oxigraph_to_rdflib(quads) -> Graph:
    nt = ox.serialize([q.triple if hasattr(q, "triple") else q for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=nt.decode("utf-8"), format="nt")


# ---------------------------------------------------------------------------
# 1. Every file parses, with rdflib and with Oxigraph, to the same graph
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TURTLE, ids=lambda p: str(p.relative_to(VOCAB)))
def test_turtle_parses_identically_in_rdflib_and_oxigraph(path):
    g = parsed(path)
    assert len(g) > 0
    og = oxigraph_to_rdflib(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    assert len(og) == len(g)
    assert isomorphic(g, og)


def test_context_is_json_ld_1_1():
    ctx = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert set(ctx) == {"@context"}
    assert ctx["@context"]["@version"] == 1.1


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_use_relative_iris_without_base(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, flags=re.MULTILINE | re.IGNORECASE)
    assert BASE not in text
    assert "<werkplaats>" in text and "<praktijken/" in text


# ---------------------------------------------------------------------------
# 2. Ontology: exactly the listed terms, each labelled and defined nl + en
# ---------------------------------------------------------------------------


def test_ontology_metadata():
    g = ontology_graph()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    assert has_nl_en(g, ONTOLOGY, DCT.title)
    assert g.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(ONTOLOGY, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_ontology_mints_exactly_the_listed_terms():
    g = ontology_graph()
    minted = {str(s)[len(str(LP)):] for s in set(g.subjects()) if isinstance(s, URIRef) and str(s).startswith(str(LP))}
    assert minted == set(EXPECTED_CLASSES) | EXPECTED_PROPERTIES


@pytest.mark.parametrize("name, superclass", sorted(EXPECTED_CLASSES.items(), key=lambda kv: kv[0]))
def test_classes(name, superclass):
    g = ontology_graph()
    assert (LP[name], RDF.type, OWL.Class) in g
    if superclass is not None:
        assert (LP[name], RDFS.subClassOf, superclass) in g


@functools.lru_cache(maxsize=None)
def lp_terms_used_anywhere() -> frozenset[str]:
    """Every lp: IRI in any vocab file or in the JSON-LD context."""
    used = set()
    for path in ALL_TURTLE:
        for triple in parsed(path):
            used |= {str(t) for t in triple if isinstance(t, URIRef) and str(t).startswith(str(LP))}
    for path in [CORE_SHAPES, RECOMMENDED_SHAPES]:  # inside SPARQL strings
        used |= {str(LP) + m for m in re.findall(r"\blp:([A-Za-z]+)", path.read_text(encoding="utf-8"))}
    ctx = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    for v in ctx.values():
        iri = v["@id"] if isinstance(v, dict) else v
        if isinstance(iri, str) and iri.startswith("lp:") and iri != "lp:":
            used.add(str(LP) + iri[3:])
    return frozenset(used)


@pytest.mark.parametrize("term", sorted(set(EXPECTED_CLASSES) | EXPECTED_PROPERTIES))
def test_every_lp_term_is_labelled_and_defined_in_nl_and_en(term):
    g = ontology_graph()
    s = LP[term]
    assert has_nl_en(g, s, RDFS.label), f"{term}: rdfs:label @nl/@en"
    assert has_nl_en(g, s, RDFS.comment), f"{term}: rdfs:comment @nl/@en"
    assert (s, RDFS.isDefinedBy, ONTOLOGY) in g


def test_every_lp_term_used_anywhere_is_declared():
    declared = {str(LP[t]) for t in set(EXPECTED_CLASSES) | EXPECTED_PROPERTIES}
    assert set(lp_terms_used_anywhere()) - declared == set()


# ---------------------------------------------------------------------------
# 3. Concept schemes (NL-SBB profile of SKOS)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_file_and_metadata(scheme):
    g = parsed(VOCAB / "concepts" / f"{scheme}.ttl")
    s = URIRef(ID + scheme)
    assert (s, RDF.type, SKOS.ConceptScheme) in g
    assert has_nl_en(g, s, SKOS.prefLabel) and has_nl_en(g, s, SKOS.definition)
    concepts = {c for c in g.subjects(RDF.type, SKOS.Concept)}
    assert concepts == {URIRef(f"{ID}{scheme}/{slug}") for slug in EXPECTED_CONCEPTS[scheme]}
    tops = set(g.objects(s, SKOS.hasTopConcept))
    assert tops == set(g.subjects(SKOS.topConceptOf, s))


def all_concepts():
    return [(scheme, slug) for scheme in SCHEMES for slug in EXPECTED_CONCEPTS[scheme]]


@pytest.mark.parametrize("scheme, slug", all_concepts(), ids=lambda x: x if isinstance(x, str) else None)
def test_concept_labels_definition_and_scheme(scheme, slug):
    g = concepts_graph()
    c = URIRef(f"{ID}{scheme}/{slug}")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert langs(g, c, SKOS.prefLabel) == ["en", "nl"], "exactly one prefLabel per language"
    assert has_nl_en(g, c, SKOS.definition)
    assert list(g.objects(c, SKOS.inScheme)) == [URIRef(ID + scheme)], "in exactly one scheme"
    top = (c, SKOS.topConceptOf, URIRef(ID + scheme)) in g
    broader = list(g.objects(c, SKOS.broader))
    assert top or broader
    for b in broader:
        assert (b, SKOS.inScheme, URIRef(ID + scheme)) in g, "skos:broader stays within the scheme"


@pytest.mark.parametrize("scheme", ORDERED_SCHEMES)
def test_ordered_schemes_have_notations_in_order(scheme):
    g = concepts_graph()
    notations = [str(g.value(URIRef(f"{ID}{scheme}/{slug}"), SKOS.notation)) for slug in EXPECTED_CONCEPTS[scheme]]
    assert notations == [str(i) for i in range(1, len(notations) + 1)]


@pytest.mark.parametrize("slug", EXPECTED_CONCEPTS["perspectief"])
def test_every_perspective_brings_knowledge(slug):
    g = concepts_graph()
    known = list(g.objects(URIRef(f"{ID}perspectief/{slug}"), LP.bringsKnowledge))
    assert known and all((k, SKOS.inScheme, URIRef(ID + "kennis")) in g for k in known)


@pytest.mark.parametrize("subject, predicate, obj", [
    ("perspectief/ervaringsdeskundige", LP.bringsKnowledge, "kennis/ervaringskennis"),
    ("perspectief/client", LP.bringsKnowledge, "kennis/ervaringskennis"),
    ("perspectief/onderzoeker", LP.bringsKnowledge, "kennis/wetenschappelijke-kennis"),
    ("thema/armoede", SKOS.broader, "thema/bestaanszekerheid"),
])
def test_specific_concept_relations(subject, predicate, obj):
    assert (URIRef(ID + subject), predicate, URIRef(ID + obj)) in concepts_graph()


@pytest.mark.parametrize("scheme, slug, label", [
    ("soort", "living-lab", "urban living lab"),
    ("soort", "living-lab", "field lab"),
    ("soort", "kennisnetwerk", "kenniskring"),
    ("thema", "armoede", "eerder signaleren van armoede"),
    ("thema", "ouderenzorg", "levenskwaliteit ouderen"),
    ("perspectief", "informeel-netwerk", "kerk"),
    ("perspectief", "bewoner", "burger"),
])
def test_synonyms_from_domain_are_alt_labels(scheme, slug, label):
    alts = {str(a) for a in concepts_graph().objects(URIRef(f"{ID}{scheme}/{slug}"), SKOS.altLabel)}
    assert label in alts


# ---------------------------------------------------------------------------
# 4. Shapes: structure and messages
# ---------------------------------------------------------------------------


def test_every_constraint_shape_has_nl_and_en_messages():
    g = shapes_graph()
    shapes = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(LPSH))
              and ((s, SH.path, None) in g or (s, SH.sparql, None) in g or (s, SH.pattern, None) in g)}
    assert len(shapes) > 40
    missing = sorted(str(s) for s in shapes if not has_nl_en(g, s, SH.message))
    assert missing == []


@pytest.mark.parametrize("path, severity", [(CORE_SHAPES, SH.Violation), (RECOMMENDED_SHAPES, SH.Warning)],
                         ids=["core", "recommended"])
def test_node_shape_severities(path, severity):
    g = parsed(path)
    targeted = {s for s in g.subjects(RDF.type, SH.NodeShape)
                if any((s, p, None) in g for p in (SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf))}
    assert targeted
    assert all(g.value(s, SH.severity) == severity for s in targeted)


@pytest.mark.parametrize("name", SIGNALS)
def test_signal_shape_follows_the_fixed_convention(name):
    g = parsed(RECOMMENDED_SHAPES)
    s = LPSH[name]
    assert (s, RDF.type, SH.NodeShape) in g
    assert list(g.objects(s, SH.targetClass)) == [LP.LearningCommunity]
    assert g.value(s, SH.severity) == SH.Warning
    assert has_nl_en(g, s, SH.message) and has_nl_en(g, s, RDFS.label)
    constraints = list(g.objects(s, SH.sparql))
    assert len(constraints) == 1
    (c,) = constraints
    assert (c, RDF.type, SH.SPARQLConstraint) in g
    assert g.value(c, SH.prefixes) == LPSH.prefixes
    query = str(g.value(c, SH.select))
    assert re.match(r"\s*SELECT (DISTINCT )?\$this WHERE \{\s*\$this a lp:LearningCommunity \.", query)
    assert "NOT EXISTS" not in query, "Oxigraph runs NOT EXISTS per row: use OPTIONAL + !BOUND"
    assert "xsd:date(" not in query and "duration" not in query.replace("dayTimeDuration", "")
    # Offsets are only ever subtracted (see test_date_offsets_are_portable).
    assert not re.search(r"\+\s*\"P\d+D\"", query)
    declared = {str(g.value(d, SH.prefix)) for d in g.objects(LPSH.prefixes, SH.declare)}
    used = set(re.findall(r"(?<![\w\"])([a-z][\w-]*):[A-Za-z_*]", re.sub(r'"[^"]*"', '""', query)))
    assert used <= declared, f"undeclared prefixes {used - declared}"


@pytest.mark.parametrize("days", [1, 3, 7, 8, 14, 28, 42, 43, 70])
def test_date_offsets_are_portable(days):
    """date - "PnD"^^xsd:dayTimeDuration agrees in rdflib and Oxigraph for stored dates.

    (date + duration does not: Oxigraph 0.5 may reorder the commutative + into
    duration + date and fail, which is why the signal queries only subtract.)
    """
    dates = [date_(2024, 12, 30) + timedelta(days=17 * i) for i in range(60)]
    turtle = PREFIXES + "\n".join(f'<t/d{i}> schema:startDate "{d.isoformat()}"^^xsd:date .'
                                   for i, d in enumerate(dates))
    query = ("PREFIX schema: <http://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
             "SELECT ?s ?e WHERE { ?s schema:startDate ?d . "
             f'BIND ((?d - "P{days}D"^^xsd:dayTimeDuration) AS ?e) }}')
    expected = {f"{BASE}t/d{i}": (d - timedelta(days=days)).isoformat() for i, d in enumerate(dates)}
    store = ox.Store()
    store.load(input=turtle, format=ox.RdfFormat.TURTLE, base_iri=BASE)
    assert {sol["s"].value: sol["e"].value for sol in store.query(query) if sol["e"] is not None} == expected
    g = Graph().parse(data=turtle, format="turtle", publicID=BASE)
    assert {str(row.s): str(row.e) for row in g.query(query) if row.e is not None} == expected


def test_recommended_has_exactly_the_eight_signals():
    g = parsed(RECOMMENDED_SHAPES)
    assert {str(s).rsplit("#", 1)[-1] for s in g.subjects(RDF.type, SH.NodeShape)} == set(SIGNALS)
    assert (LPSH.prefixes, RDF.type, OWL.Ontology) in g


# ---------------------------------------------------------------------------
# 5. Core shapes: each catches its case, the corrected variant passes
# ---------------------------------------------------------------------------

LC = """
<lc> a lp:LearningCommunity ;
    schema:name "Testpraktijk" ;
    dct:type soort:leergemeenschap ;
    dct:subject thema:armoede ;
    lp:level niveau:wijk"""

MEETING = """
<m1> a lp:Meeting ; schema:startDate "2025-10-01"^^xsd:date"""

WIJK = """
cbs2024:WK053700 a lp:Wijk ;
    schema:name "Koestal" ;
    lp:cbsYear "2024"^^xsd:gYear"""

BUURT = """
cbs2024:BU05370000 a lp:Buurt ;
    schema:name "Koestal-Noord" ;
    skos:notation "BU05370000" ;
    lp:cbsYear "2024"^^xsd:gYear"""

# (id, violating data, corrected data, shape expected to fire on the violating data)
CORE_CASES = [
    ("name-missing",
     "<lc> a lp:LearningCommunity ; dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:wijk .",
     LC + " .", "LearningCommunity-name"),
    ("name-twice", LC + ' ; schema:name "Nog een naam" .', LC + " .", "LearningCommunity-name"),
    ("kind-missing",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:subject thema:armoede ; lp:level niveau:wijk .',
     LC + " .", "LearningCommunity-kind"),
    ("theme-missing",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ; lp:level niveau:wijk .',
     LC + " .", "LearningCommunity-theme"),
    ("level-missing",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ; dct:subject thema:armoede .',
     LC + " .", "LearningCommunity-level"),
    ("kind-unknown-iri",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type <https://node.example/soorten/x> ; '
     "dct:subject thema:armoede ; lp:level niveau:wijk .",
     LC + " .", "LearningCommunity-kindScheme"),
    ("kind-from-other-scheme",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type thema:armoede ; '
     "dct:subject thema:armoede ; lp:level niveau:wijk .",
     LC + " .", "LearningCommunity-kindScheme"),
    ("theme-from-other-scheme", LC + " ; dct:subject soort:living-lab .",
     LC + " ; dct:subject thema:wonen .", "LearningCommunity-themeScheme"),
    ("level-from-other-scheme",
     '<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ; '
     "dct:subject thema:armoede ; lp:level status:actief .",
     LC + " .", "LearningCommunity-levelScheme"),
    ("status-unknown", LC + " ; adms:status <https://node.example/status/bezig> .",
     LC + " ; adms:status status:actief .", "LearningCommunity-statusScheme"),
    ("knowledge-kind-unknown", LC + " ; lp:knowledgeKind perspectief:ervaringsdeskundige .",
     LC + " ; lp:knowledgeKind kennis:ervaringskennis .", "LearningCommunity-knowledgeKindScheme"),
    ("perspective-unknown", LC + " ; lp:participation [ lp:perspective rol:notulist ] .",
     LC + " ; lp:participation [ lp:perspective perspectief:student ] .", "Participation-perspectiveScheme"),
    ("perspective-missing", LC + ' ; lp:participation [ lp:count "2"^^xsd:nonNegativeInteger ] .',
     LC + ' ; lp:participation [ lp:perspective perspectief:student ; lp:count "2"^^xsd:nonNegativeInteger ] .',
     "Participation-perspective"),
    ("role-unknown", LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:role perspectief:student ] .",
     LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:role rol:notulist ] .",
     "Participation-roleScheme"),
    ("count-decimal", LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:count 2.5 ] .",
     LC + ' ; lp:participation [ lp:perspective perspectief:student ; lp:count "3"^^xsd:nonNegativeInteger ] .',
     "Participation-count"),
    ("count-string", LC + ' ; lp:participation [ lp:perspective perspectief:student ; lp:count "drie" ] .',
     LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:count 3 ] .",  # as read back from Oxigraph
     "Participation-count"),
    ("count-negative",
     LC + ' ; lp:participation [ lp:perspective perspectief:student ; lp:count "-1"^^xsd:nonNegativeInteger ] .',
     LC + ' ; lp:participation [ lp:perspective perspectief:student ; lp:count "0"^^xsd:nonNegativeInteger ] .',
     "Participation-count"),
    ("count-negative-integer", LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:count -1 ] .",
     LC + " ; lp:participation [ lp:perspective perspectief:student ; lp:count 0 ] .", "Participation-count"),
    ("interval-zero", LC + ' ; lp:meetingIntervalWeeks "0"^^xsd:positiveInteger .',
     LC + ' ; lp:meetingIntervalWeeks "4"^^xsd:positiveInteger .', "LearningCommunity-meetingIntervalWeeks"),
    ("interval-zero-integer", LC + " ; lp:meetingIntervalWeeks 0 .",
     LC + " ; lp:meetingIntervalWeeks 4 .", "LearningCommunity-meetingIntervalWeeks"),
    ("interval-string", LC + ' ; lp:meetingIntervalWeeks "vier" .',
     LC + ' ; lp:meetingIntervalWeeks "4"^^xsd:positiveInteger .', "LearningCommunity-meetingIntervalWeeks"),
    ("interval-twice", LC + ' ; lp:meetingIntervalWeeks "4"^^xsd:positiveInteger , "6"^^xsd:positiveInteger .',
     LC + ' ; lp:meetingIntervalWeeks "6"^^xsd:positiveInteger .', "LearningCommunity-meetingIntervalWeeks"),
    ("start-date-string", LC + ' ; schema:startDate "2025-01-01" .',
     LC + ' ; schema:startDate "2025-01-01"^^xsd:date .', "LearningCommunity-startDate"),
    ("end-date-datetime", LC + ' ; schema:endDate "2025-01-01T10:00:00"^^xsd:dateTime .',
     LC + ' ; schema:endDate "2025-01-01"^^xsd:date .', "LearningCommunity-endDate"),
    ("end-before-start",
     LC + ' ; schema:startDate "2025-06-01"^^xsd:date ; schema:endDate "2025-05-31"^^xsd:date .',
     LC + ' ; schema:startDate "2025-06-01"^^xsd:date ; schema:endDate "2025-06-01"^^xsd:date .',
     "LearningCommunity-dateOrder"),
    ("confidentiality-not-boolean", LC + ' ; lp:confidentialityAgreement "ja" .',
     LC + " ; lp:confidentialityAgreement true .", "LearningCommunity-confidentialityAgreement"),
    ("place-not-tooi", LC + " ; dct:spatial <https://www.katwijk.nl/> .",
     LC + " ; dct:spatial gemeente:gm0537 .", "PlaceValue"),
    ("place-uppercase-gm", LC + " ; dct:spatial <https://identifier.overheid.nl/tooi/id/gemeente/GM0537> .",
     LC + " ; dct:spatial <https://identifier.overheid.nl/tooi/id/gemeente/gm0537> .", "PlaceValue"),
    ("place-literal", LC + ' ; dct:spatial "Katwijk" .', LC + " ; dct:spatial provincie:pv28 .", "PlaceValue"),
    ("place-bad-cbs-iri", LC + " ; dct:spatial <https://w3id.org/lerende-praktijken/id/cbs/2024/Koestal> .",
     LC + " ; dct:spatial cbs2024:WK053700 .", "PlaceValue"),
    ("contact-email-https",
     LC + ' ; dcat:contactPoint [ a vcard:Organization ; vcard:fn "T" ; vcard:hasEmail <https://x.example/contact> ] .',
     LC + ' ; dcat:contactPoint [ a vcard:Organization ; vcard:fn "T" ; vcard:hasEmail <mailto:info@x.example> ] .',
     "ContactPoint-email"),
    ("contact-email-literal",
     LC + ' ; dcat:contactPoint [ a vcard:Organization ; vcard:fn "T" ; vcard:hasEmail "info@x.example" ] .',
     LC + ' ; dcat:contactPoint [ a vcard:Organization ; vcard:fn "T" ; vcard:hasEmail <mailto:info@x.example> ] .',
     "ContactPoint-email"),
    ("meeting-without-date", LC + ' ; lp:hasMeeting <m1> . <m1> a lp:Meeting ; schema:name "Start" .',
     LC + " ; lp:hasMeeting <m1> ." + MEETING + " .", "Meeting-startDate"),
    ("untyped-meeting-without-date", LC + ' ; lp:hasMeeting <m1> . <m1> schema:name "Start" .',
     LC + ' ; lp:hasMeeting <m1> . <m1> schema:startDate "2025-10-01"^^xsd:date .', "Meeting-startDate"),
    ("meeting-date-datetime",
     LC + ' ; lp:hasMeeting <m1> . <m1> a lp:Meeting ; schema:startDate "2025-10-01T19:00:00"^^xsd:dateTime .',
     LC + " ; lp:hasMeeting <m1> ." + MEETING + " .", "Meeting-startDate"),
    ("meeting-attendance-mode", MEETING + " ; schema:eventAttendanceMode schema:Online .",
     MEETING + " ; schema:eventAttendanceMode schema:OnlineEventAttendanceMode .", "Meeting-attendanceMode"),
    ("meeting-perspective-present-unknown", MEETING + " ; lp:perspectivePresent kennis:lokale-kennis .",
     MEETING + " ; lp:perspectivePresent perspectief:bewoner .", "Meeting-perspectivePresentScheme"),
    ("meeting-place", MEETING + " ; dct:spatial <https://www.openstreetmap.org/node/1> .",
     MEETING + " ; dct:spatial cbs2024:WK053700 .", "PlaceValue"),
    ("report-without-meeting", MEETING + ' . <r1> a lp:AnalyticReport ; dct:issued "2025-10-05"^^xsd:date .',
     MEETING + ' . <r1> a lp:AnalyticReport ; lp:reportsOn <m1> ; dct:issued "2025-10-05"^^xsd:date .',
     "AnalyticReport-reportsOn"),
    ("report-without-issued", MEETING + " . <r1> a lp:AnalyticReport ; lp:reportsOn <m1> .",
     MEETING + ' . <r1> a lp:AnalyticReport ; lp:reportsOn <m1> ; dct:issued "2025-10-05"^^xsd:date .',
     "AnalyticReport-issued"),
    ("report-issued-before-meeting",
     MEETING + ' . <r1> a lp:AnalyticReport ; lp:reportsOn <m1> ; dct:issued "2025-09-30"^^xsd:date .',
     MEETING + ' . <r1> a lp:AnalyticReport ; lp:reportsOn <m1> ; dct:issued "2025-10-01"^^xsd:date .',
     "ReportAfterMeetingShape"),
    ("report-url-literal",
     MEETING + ' . <r1> lp:reportsOn <m1> ; dct:issued "2025-10-02"^^xsd:date ; schema:url "verslag.pdf" .',
     MEETING + ' . <r1> lp:reportsOn <m1> ; dct:issued "2025-10-02"^^xsd:date ; schema:url <verslag.pdf> .',
     "AnalyticReport-url"),
    ("result-without-name", LC + ' ; lp:hasResult <res> . <res> a lp:Result ; dct:date "2025-12-03"^^xsd:date .',
     LC + ' ; lp:hasResult <res> . <res> a lp:Result ; schema:name "Feest" ; dct:date "2025-12-03"^^xsd:date .',
     "Result-name"),
    ("result-learning-loop-unknown", '<res> a lp:Result ; schema:name "Feest" ; lp:learningLoop rol:notulist .',
     '<res> a lp:Result ; schema:name "Feest" ; lp:learningLoop leerlus:drieslag .', "Result-learningLoopScheme"),
    ("wijk-iri-pattern",
     '<https://w3id.org/lerende-praktijken/id/cbs/2024/koestal> a lp:Wijk ; schema:name "Koestal" ; '
     'skos:notation "WK053700" ; lp:cbsYear "2024"^^xsd:gYear ; schema:containedInPlace gemeente:gm0537 .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "WijkShape"),
    ("wijk-notation-pattern", WIJK + ' ; skos:notation "wk053700" ; schema:containedInPlace gemeente:gm0537 .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "Wijk-notation"),
    ("wijk-notation-mismatch", WIJK + ' ; skos:notation "WK053701" ; schema:containedInPlace gemeente:gm0537 .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "CbsCodeShape"),
    ("wijk-year-mismatch",
     'cbs2024:WK053700 a lp:Wijk ; schema:name "Koestal" ; skos:notation "WK053700" ; '
     'lp:cbsYear "2023"^^xsd:gYear ; schema:containedInPlace gemeente:gm0537 .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "CbsCodeShape"),
    ("wijk-in-other-gemeente", WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0518 .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "CbsContainmentShape"),
    ("wijk-without-gemeente", WIJK + ' ; skos:notation "WK053700" .',
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "Wijk-containedInPlace"),
    ("buurt-in-other-wijk", BUURT + " ; schema:containedInPlace cbs2024:WK051800 .",
     BUURT + " ; schema:containedInPlace cbs2024:WK053700 .", "CbsContainmentShape"),
    ("buurt-in-wijk-of-other-year",
     BUURT + " ; schema:containedInPlace <https://w3id.org/lerende-praktijken/id/cbs/2023/WK053700> .",
     BUURT + " ; schema:containedInPlace cbs2024:WK053700 .", "CbsContainmentShape"),
    ("buurt-in-gemeente", BUURT + " ; schema:containedInPlace gemeente:gm0537 .",
     BUURT + " ; schema:containedInPlace cbs2024:WK053700 .", "Buurt-containedInPlace"),
    ("wijk-without-name",
     'cbs2024:WK053700 a lp:Wijk ; skos:notation "WK053700" ; lp:cbsYear "2024"^^xsd:gYear ; '
     "schema:containedInPlace gemeente:gm0537 .",
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "CbsPlace-name"),
    ("wijk-year-plain-string",
     'cbs2024:WK053700 a lp:Wijk ; schema:name "Koestal" ; skos:notation "WK053700" ; lp:cbsYear "2024" ; '
     "schema:containedInPlace gemeente:gm0537 .",
     WIJK + ' ; skos:notation "WK053700" ; schema:containedInPlace gemeente:gm0537 .', "CbsPlace-cbsYear"),
    ("buurt-iri-pattern",
     '<https://w3id.org/lerende-praktijken/id/cbs/2024/koestal-noord> a lp:Buurt ; schema:name "Koestal-Noord" ; '
     'skos:notation "BU05370000" ; lp:cbsYear "2024"^^xsd:gYear ; schema:containedInPlace cbs2024:WK053700 .',
     BUURT + " ; schema:containedInPlace cbs2024:WK053700 .", "BuurtShape"),
    ("buurt-notation-pattern",
     'cbs2024:BU05370000 a lp:Buurt ; schema:name "Koestal-Noord" ; skos:notation "BU053700" ; '
     'lp:cbsYear "2024"^^xsd:gYear ; schema:containedInPlace cbs2024:WK053700 .',
     BUURT + " ; schema:containedInPlace cbs2024:WK053700 .", "Buurt-notation"),
    ("status-twice", LC + " ; adms:status status:actief , status:gepauzeerd .",
     LC + " ; adms:status status:gepauzeerd .", "LearningCommunity-status"),
    ("meeting-location-iri", MEETING + " ; schema:location <https://www.openstreetmap.org/node/1> .",
     MEETING + ' ; schema:location "Buurthuis" .', "Meeting-location"),
    ("meeting-two-places", MEETING + " ; dct:spatial gemeente:gm0537 , cbs2024:WK053700 .",
     MEETING + " ; dct:spatial cbs2024:WK053700 .", "Meeting-place"),
    ("report-read-by-member-not-boolean",
     MEETING + ' . <r1> lp:reportsOn <m1> ; dct:issued "2025-10-02"^^xsd:date ; lp:readByMember "ja" .',
     MEETING + ' . <r1> lp:reportsOn <m1> ; dct:issued "2025-10-02"^^xsd:date ; lp:readByMember true .',
     "AnalyticReport-readByMember"),
    ("result-date-string", '<res> a lp:Result ; schema:name "Feest" ; dct:date "5 december" .',
     '<res> a lp:Result ; schema:name "Feest" ; dct:date "2025-12-05"^^xsd:date .', "Result-date"),
    ("result-two-learning-loops",
     '<res> a lp:Result ; schema:name "Feest" ; lp:learningLoop leerlus:enkelslag , leerlus:dubbelslag .',
     '<res> a lp:Result ; schema:name "Feest" ; lp:learningLoop leerlus:dubbelslag .', "Result-learningLoop"),
    ("brings-knowledge-unknown", "<https://node.example/begrippen/p> lp:bringsKnowledge thema:armoede .",
     "<https://node.example/begrippen/p> lp:bringsKnowledge kennis:lokale-kennis .", "BringsKnowledge-scheme"),
]


@pytest.mark.parametrize("bad, good, shape", [c[1:] for c in CORE_CASES], ids=[c[0] for c in CORE_CASES])
def test_core_shape_catches_its_case(bad, good, shape):
    fired = {str(r.shape).rsplit("#", 1)[-1] for r in violations(shacl(bad, core_only=True))}
    assert shape in fired
    assert violations(shacl(good, core_only=True)) == []


def test_core_case_table_covers_core_shapes():
    """Every named core shape with a constraint of its own has a case in the table."""
    g = parsed(CORE_SHAPES)
    fired_by_cases = {c[3] for c in CORE_CASES}
    constraint_shapes = {str(s).rsplit("#", 1)[-1] for s in g.subjects()
                         if isinstance(s, URIRef) and str(s).startswith(str(LPSH))
                         and ((s, SH.path, None) in g or (s, SH.sparql, None) in g or (s, SH.pattern, None) in g)}
    assert constraint_shapes - fired_by_cases == set()


# ---------------------------------------------------------------------------
# 6. Extensibility: node-local concepts narrower than shared ones
# ---------------------------------------------------------------------------

LOCAL_CASES = [
    ("local-theme-under-armoede", """
<begrippen/schuldhulp> a skos:Concept ; skos:prefLabel "Schuldhulp"@nl ; skos:broader thema:armoede .
<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ;
    dct:subject <begrippen/schuldhulp> ; lp:level niveau:wijk .""", True),
    ("local-theme-two-levels-deep", """
<https://node.example/begrippen/a> skos:broader thema:armoede .
<https://node.example/begrippen/b> skos:broader <https://node.example/begrippen/a> .
<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ;
    dct:subject <https://node.example/begrippen/b> ; lp:level niveau:wijk .""", True),
    ("local-role-under-notulist", """
<begrippen/verslaglegger> skos:broader rol:notulist .
<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ;
    dct:subject thema:armoede ; lp:level niveau:wijk ;
    lp:participation [ lp:perspective perspectief:student ; lp:role <begrippen/verslaglegger> ] .""", True),
    ("unknown-theme-iri", """
<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ;
    dct:subject <https://node.example/begrippen/schuldhulp> ; lp:level niveau:wijk .""", False),
    ("local-concept-under-wrong-scheme", """
<begrippen/schuldhulp> skos:broader soort:leergemeenschap .
<lc> a lp:LearningCommunity ; schema:name "T" ; dct:type soort:leergemeenschap ;
    dct:subject <begrippen/schuldhulp> ; lp:level niveau:wijk .""", False),
]


@pytest.mark.parametrize("data, accepted", [c[1:] for c in LOCAL_CASES], ids=[c[0] for c in LOCAL_CASES])
def test_node_local_concepts(data, accepted):
    v = violations(shacl(data, core_only=True))
    assert (v == []) is accepted, v


# ---------------------------------------------------------------------------
# 7. Examples: conform, one fully clean community, signals agree with Oxigraph
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_conforms(path):
    assert violations(validate_file(path)) == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_conforms_after_oxigraph_store_round_trip(path):
    """A node stores data in Oxigraph, which normalises integer types to xsd:integer."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    dumped = store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.DefaultGraph()).decode("utf-8")
    assert "nonNegativeInteger" not in dumped and "positiveInteger" not in dumped
    dg = Graph()
    dg += concepts_graph()
    dg.parse(data=dumped, format="nt")
    _, report, _ = pyshacl.validate(dg, shacl_graph=shapes_graph(True), inference="none", inplace=True)
    assert (None, SH.resultSeverity, SH.Violation) not in report


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_shape(path):
    g = parsed(path)
    communities = set(g.subjects(RDF.type, LP.LearningCommunity))
    assert 2 <= len(communities) <= 4
    werkplaats = URIRef(BASE + "werkplaats")
    assert (werkplaats, RDF.type, ORG.Organization) in g
    for c in communities:
        assert str(c).startswith(BASE + "praktijken/")
        assert g.value(c, DCT.publisher) == werkplaats
        assert len(list(g.objects(c, LP.hasMeeting))) >= 2
        assert list(g.objects(c, ORG.hasMember)), "partners"
        for cp in g.objects(c, URIRef("http://www.w3.org/ns/dcat#contactPoint")):
            assert (cp, RDF.type, URIRef("http://www.w3.org/2006/vcard/ns#Organization")) in g
    # every shared concept an example points to exists
    shared = {o for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(ID) and "/cbs/" not in str(o)}
    assert shared - set(concepts_graph().subjects()) == set()


def test_examples_contain_a_wijk_and_cross_node_links():
    g = parsed(VOCAB / "examples" / "den-haag-leiden.ttl")
    koestal = URIRef(BASE + "praktijken/katwijk-koestal")
    wijk = URIRef(ID + "cbs/2024/WK053700")
    assert (koestal, DCT.spatial, wijk) in g and (wijk, RDF.type, LP.Wijk) in g
    assert str(g.value(koestal, DCT.isPartOf)).startswith("https://landelijk.bamboe.example/")
    landelijk = parsed(VOCAB / "examples" / "landelijk.ttl")
    target = URIRef(str(g.value(koestal, DCT.isPartOf)).replace("https://landelijk.bamboe.example/", BASE))
    assert (target, RDF.type, LP.LearningCommunity) in landelijk


def test_clean_example_community_has_no_results_at_all(tmp_path):
    """Koestal shows every ingredient on the day the examples describe; moved to today (as the
    demo loads them), it still does, however long after that day the suite runs."""
    current = tmp_path / "den-haag-leiden.ttl"
    current.write_text(vocab.example_text(VOCAB / "examples" / "den-haag-leiden.ttl"), encoding="utf-8")
    results = validate_file(current)
    koestal = BASE + "praktijken/katwijk-koestal"
    assert [r for r in results if str(r.focus) == koestal] == []
    # ...and the other communities in the file do show signals
    assert any(r.severity == "Warning" for r in results)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_signals_same_in_pyshacl_and_oxigraph(path):
    expected = warnings_by_signal(validate_file(path))
    got = oxigraph_signals(oxigraph_store(path=path))
    for name in SIGNALS:
        assert len(got[name]) == len(set(got[name])), f"{name}: each focus node at most once"
        assert set(got[name]) == expected[name], name


# ---------------------------------------------------------------------------
# 8. Reflection signals on crafted communities (dates relative to today)
# ---------------------------------------------------------------------------

# SPARQL NOW() is UTC in both rdflib and Oxigraph, so "today" is the UTC date.
TODAY = datetime.now(timezone.utc).date()


def d(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def community(case: str, *, participations=None, knowledge=(), interval: int | None = 4, status="actief",
              start: int | None = -365, meetings=((-60, 5), (-14, 5), (14, None)), extra="") -> str:
    """A learning community named <t/{case}/lc>; by default it triggers no signal.

    meetings: (days from today, report shared n days after or None for no report).
    """
    if participations is None:
        participations = [("ervaringsdeskundige", ["deelnemer"]), ("onderzoeker", ["gespreksleider"]),
                          ("student", ["notulist"])]
    lc = f"<t/{case}/lc>"
    lines = [f"{lc} a lp:LearningCommunity ;", '    schema:name "Test" ;', "    dct:type soort:leergemeenschap ;",
             "    dct:subject thema:armoede ;", "    lp:level niveau:wijk ;"]
    for perspective, roles in participations:
        role = "".join(f" ; lp:role {r if ':' in r or r.startswith('<') else 'rol:' + r}" for r in roles)
        p = perspective if ":" in perspective or perspective.startswith("<") else "perspectief:" + perspective
        lines.append(f"    lp:participation [ lp:perspective {p}{role} ] ;")
    for k in knowledge:
        lines.append(f"    lp:knowledgeKind {k} ;")
    if interval is not None:
        lines.append(f'    lp:meetingIntervalWeeks "{interval}"^^xsd:positiveInteger ;')
    if status:
        lines.append(f"    adms:status status:{status} ;")
    if start is not None:
        lines.append(f'    schema:startDate "{d(start)}"^^xsd:date ;')
    body = []
    for i, (offset, report_after) in enumerate(meetings):
        m = f"<t/{case}/m{i}>"
        lines.append(f"    lp:hasMeeting {m} ;")
        body.append(f'{m} a lp:Meeting ; schema:startDate "{d(offset)}"^^xsd:date .')
        if report_after is not None:
            body.append(f'<t/{case}/r{i}> a lp:AnalyticReport ; lp:reportsOn {m} ; '
                        f'dct:issued "{d(offset + report_after)}"^^xsd:date .')
    lines.append('    lp:howToJoin "Mail ons." .')
    return "\n".join(lines) + "\n" + "\n".join(body) + "\n" + extra + "\n"


# (case id, signal, keyword arguments for community(), signal expected to fire)
SIGNAL_CASES = [
    ("two-perspectives", "FewerThanThreePerspectives",
     dict(participations=[("ervaringsdeskundige", ["deelnemer"]), ("onderzoeker", ["gespreksleider", "notulist"])]), True),
    ("three-participations-two-perspectives", "FewerThanThreePerspectives",
     dict(participations=[("ervaringsdeskundige", []), ("onderzoeker", ["gespreksleider"]),
                          ("onderzoeker", ["notulist"])]), True),
    ("no-participation", "FewerThanThreePerspectives", dict(participations=[]), True),
    ("three-perspectives", "FewerThanThreePerspectives", dict(), False),

    ("no-experience", "NoExperientialKnowledge",
     dict(participations=[("professional", []), ("onderzoeker", ["gespreksleider"]), ("student", ["notulist"])]), True),
    ("client-brings-experience", "NoExperientialKnowledge",
     dict(participations=[("client", []), ("onderzoeker", ["gespreksleider"]), ("student", ["notulist"])]), False),
    ("experience-as-knowledge-kind", "NoExperientialKnowledge",
     dict(participations=[("professional", []), ("onderzoeker", ["gespreksleider"]), ("student", ["notulist"])],
          knowledge=["kennis:ervaringskennis"]), False),
    ("local-perspective-under-expert", "NoExperientialKnowledge",
     dict(participations=[("<begrippen/ervaringswerker>", []), ("onderzoeker", ["gespreksleider"]),
                          ("student", ["notulist"])],
          extra="<begrippen/ervaringswerker> skos:broader perspectief:ervaringsdeskundige ."), False),

    ("no-facilitator", "NoFacilitator",
     dict(participations=[("ervaringsdeskundige", []), ("onderzoeker", ["begeleider"]), ("student", ["notulist"])]), True),
    ("facilitator", "NoFacilitator", dict(), False),
    ("no-reporter", "NoReporter",
     dict(participations=[("ervaringsdeskundige", []), ("onderzoeker", ["gespreksleider"]), ("student", [])]), True),
    ("reporter", "NoReporter", dict(), False),

    ("last-meeting-60-days-ago", "NoRecentMeeting", dict(meetings=[(-60, 5)]), True),
    ("only-future-meetings", "NoRecentMeeting", dict(meetings=[(-90, 5), (3, None)]), True),
    ("no-meetings-no-start", "NoRecentMeeting", dict(meetings=[], start=None), True),
    ("meeting-40-days-ago", "NoRecentMeeting", dict(meetings=[(-40, 5)]), False),
    ("meeting-today", "NoRecentMeeting", dict(meetings=[(0, None)]), False),
    ("started-recently", "NoRecentMeeting", dict(meetings=[], start=-20), False),
    ("paused", "NoRecentMeeting", dict(meetings=[(-60, 5)], status="gepauzeerd"), False),
    ("no-status", "NoRecentMeeting", dict(meetings=[(-60, 5)], status=None), False),

    ("report-10-days-after", "LateReport", dict(meetings=[(-30, 10), (-14, 5)]), True),
    ("report-missing", "LateReport", dict(meetings=[(-30, None), (-14, 5)]), True),
    ("report-exactly-7-days-after", "LateReport", dict(meetings=[(-30, 7), (-14, 5)]), False),
    ("report-not-yet-due", "LateReport", dict(meetings=[(-30, 5), (-3, None)]), False),
    ("all-reports-on-time", "LateReport", dict(), False),

    ("no-interval", "NoAgreedFrequency", dict(interval=None), True),
    ("interval", "NoAgreedFrequency", dict(), False),

    ("untouched-13-months", "NotConfirmedCurrent", dict(meetings=[(-400, 5)], start=-800), True),
    ("never-met-never-changed", "NotConfirmedCurrent", dict(meetings=[], start=None), True),
    ("only-a-planned-meeting", "NotConfirmedCurrent", dict(meetings=[(-400, 5), (30, None)]), True),
    ("changed-13-months-ago", "NotConfirmedCurrent",
     dict(meetings=[(-400, 5)], extra=f'<t/changed-13-months-ago/lc> dct:modified "{d(-400)}"^^xsd:date .'), True),
    ("meeting-11-months-ago", "NotConfirmedCurrent", dict(meetings=[(-330, 5)]), False),
    ("changed-11-months-ago", "NotConfirmedCurrent",
     dict(meetings=[(-400, 5)], extra=f'<t/changed-11-months-ago/lc> dct:modified "{d(-330)}"^^xsd:date .'), False),
    ("changed-as-datetime", "NotConfirmedCurrent",
     dict(meetings=[], extra=f'<t/changed-as-datetime/lc> dct:modified "{d(-30)}T10:00:00Z"^^xsd:dateTime .'), False),
    ("confirmed-recently", "NotConfirmedCurrent",
     dict(meetings=[(-400, 5)], extra=f'<t/confirmed-recently/lc> lp:confirmed "{d(-10)}"^^xsd:date .'), False),
    ("ended-long-ago", "NotConfirmedCurrent", dict(meetings=[(-400, 5)], status="beeindigd"), False),
]


def crafted_data() -> str:
    """All crafted communities in one graph: each has its own IRIs, so they do not interfere."""
    return community("clean") + "".join(community(c[0], **c[2]) for c in SIGNAL_CASES)


@functools.lru_cache(maxsize=None)
def crafted_results() -> tuple[Result, ...]:
    return tuple(shacl(crafted_data()))


def test_crafted_cases_are_valid_data():
    assert violations(crafted_results()) == []


@pytest.mark.parametrize("case, signal, kwargs, fires", SIGNAL_CASES, ids=[c[0] for c in SIGNAL_CASES])
def test_signal_fires_on_crafted_case(case, signal, kwargs, fires):
    focus = f"{BASE}t/{case}/lc"
    assert (focus in warnings_by_signal(crafted_results())[signal]) is fires


def test_clean_crafted_community_has_no_warnings():
    assert [r for r in crafted_results() if str(r.focus) == f"{BASE}t/clean/lc"] == []
    assert shacl(community("clean-alone")) == []


def test_crafted_signals_same_in_pyshacl_and_oxigraph():
    data = crafted_data()
    expected = warnings_by_signal(crafted_results())
    got = oxigraph_signals(oxigraph_store(turtle=data))
    assert any(expected.values())
    for name in SIGNALS:
        assert len(got[name]) == len(set(got[name])), f"{name}: each focus node at most once"
        assert set(got[name]) == expected[name], name


# ---------------------------------------------------------------------------
# 9. JSON-LD context: a document expanded with it gives the Turtle graph
# ---------------------------------------------------------------------------

JSONLD_DATA = {
    "id": "praktijken/katwijk-koestal",
    "type": "LearningCommunity",
    "name": "Leergemeenschap Koestal",
    "alternateName": "Leerwerkgemeenschap armoede Katwijk",
    "description": {"@value": "Bewust klein begonnen in de wijk Koestal.", "@language": "nl"},
    "url": "https://welzijnskwartier-katwijk.example/koestal",
    "sharedQuestion": {"@value": "Hoe signaleren we armoede eerder?", "@language": "nl"},
    "theme": ["lpid:thema/armoede", "begrippen/schuldhulp"],
    "kind": "lpid:soort/leergemeenschap",
    "level": "lpid:niveau/wijk",
    "place": ["lpid:cbs/2024/WK053700", "tooi:gemeente/gm0537"],
    "participation": [
        {"type": "Participation", "perspective": "lpid:perspectief/ervaringsdeskundige", "count": 2,
         "role": ["lpid:rol/deelnemer", "lpid:rol/grenswerker"]},
        {"type": "Participation", "perspective": "lpid:perspectief/student", "count": 1, "role": "lpid:rol/notulist"},
    ],
    "knowledgeKind": ["lpid:kennis/ervaringskennis"],
    "meetingIntervalWeeks": 4,
    "startDate": "2025-09-02",
    "endDate": "2028-12-31",
    "status": "lpid:status/actief",
    "howToJoin": {"@value": "Mail de leergemeenschap.", "@language": "nl"},
    "confidentialityAgreement": True,
    "contactPoint": {"type": "vcard:Organization", "fn": "Leergemeenschap Koestal",
                     "email": "mailto:leergemeenschap@welzijnskwartier-katwijk.example"},
    "publisher": "werkplaats",
    "partOf": "https://landelijk.bamboe.example/praktijken/lerende-praktijken-bestaanszekerheid",
    "partners": ["organisaties/welzijnskwartier-katwijk"],
    "meetings": [{
        "id": "praktijken/katwijk-koestal/bijeenkomsten/2025-09-16",
        "type": "Meeting",
        "name": "Startbijeenkomst",
        "startDate": "2025-09-16",
        "location": "Kerkgemeente in Koestal",
        "place": "lpid:cbs/2024/WK053700",
        "eventAttendanceMode": "schema:OfflineEventAttendanceMode",
        "perspectivePresent": ["lpid:perspectief/student", "lpid:perspectief/ervaringsdeskundige"],
    }],
    "results": [{
        "id": "praktijken/katwijk-koestal/resultaten/koningsdag",
        "type": "Result",
        "name": "Koningsdag in Koestal",
        "date": "2026-04-27",
        "learningLoop": "lpid:leerlus/dubbelslag",
    }],
    "@included": [
        {"id": "werkplaats", "type": "Organization", "name": "Werkplaats Sociaal Domein Den Haag & Leiden"},
        {"id": "organisaties/welzijnskwartier-katwijk", "type": "Organization", "name": "Welzijnskwartier Katwijk"},
        {"id": "praktijken/katwijk-koestal/verslagen/2025-09-16", "type": "AnalyticReport",
         "reportsOn": "praktijken/katwijk-koestal/bijeenkomsten/2025-09-16", "issued": "2025-09-22",
         "title": {"@value": "Wat zien we van armoede?", "@language": "nl"},
         "centralQuestion": {"@value": "Waaraan herkennen we armoede?", "@language": "nl"},
         "courseOfAction": [{"@value": "Signalen inbrengen.", "@language": "nl"}],
         "readByMember": True, "url": "https://welzijnskwartier-katwijk.example/verslag.pdf"},
        {"id": "lpid:cbs/2024/WK053700", "type": "Wijk", "name": "Koestal", "notation": "WK053700",
         "cbsYear": "2024", "containedInPlace": "tooi:gemeente/gm0537"},
        {"id": "begrippen/schuldhulp", "type": "Concept", "broader": "lpid:thema/armoede",
         "inScheme": "begrippen", "prefLabel": {"@value": "Schuldhulp", "@language": "nl"},
         "definition": {"@value": "Hulp bij schulden.", "@language": "nl"}},
        {"id": "lpid:perspectief/ervaringsdeskundige", "bringsKnowledge": "lpid:kennis/ervaringskennis"},
    ],
}

JSONLD_AS_TURTLE = """
<praktijken/katwijk-koestal> a lp:LearningCommunity ;
    schema:name "Leergemeenschap Koestal" ;
    schema:alternateName "Leerwerkgemeenschap armoede Katwijk" ;
    schema:description "Bewust klein begonnen in de wijk Koestal."@nl ;
    schema:url <https://welzijnskwartier-katwijk.example/koestal> ;
    lp:sharedQuestion "Hoe signaleren we armoede eerder?"@nl ;
    dct:subject thema:armoede , <begrippen/schuldhulp> ;
    dct:type soort:leergemeenschap ;
    lp:level niveau:wijk ;
    dct:spatial cbs2024:WK053700 , gemeente:gm0537 ;
    lp:participation
        [ a lp:Participation ; lp:perspective perspectief:ervaringsdeskundige ;
          lp:count "2"^^xsd:nonNegativeInteger ; lp:role rol:deelnemer , rol:grenswerker ] ,
        [ a lp:Participation ; lp:perspective perspectief:student ;
          lp:count "1"^^xsd:nonNegativeInteger ; lp:role rol:notulist ] ;
    lp:knowledgeKind kennis:ervaringskennis ;
    lp:meetingIntervalWeeks "4"^^xsd:positiveInteger ;
    schema:startDate "2025-09-02"^^xsd:date ;
    schema:endDate "2028-12-31"^^xsd:date ;
    adms:status status:actief ;
    lp:howToJoin "Mail de leergemeenschap."@nl ;
    lp:confidentialityAgreement true ;
    dcat:contactPoint [ a vcard:Organization ; vcard:fn "Leergemeenschap Koestal" ;
        vcard:hasEmail <mailto:leergemeenschap@welzijnskwartier-katwijk.example> ] ;
    dct:publisher <werkplaats> ;
    dct:isPartOf <https://landelijk.bamboe.example/praktijken/lerende-praktijken-bestaanszekerheid> ;
    org:hasMember <organisaties/welzijnskwartier-katwijk> ;
    lp:hasMeeting <praktijken/katwijk-koestal/bijeenkomsten/2025-09-16> ;
    lp:hasResult <praktijken/katwijk-koestal/resultaten/koningsdag> .

<praktijken/katwijk-koestal/bijeenkomsten/2025-09-16> a lp:Meeting ;
    schema:name "Startbijeenkomst" ;
    schema:startDate "2025-09-16"^^xsd:date ;
    schema:location "Kerkgemeente in Koestal" ;
    dct:spatial cbs2024:WK053700 ;
    schema:eventAttendanceMode schema:OfflineEventAttendanceMode ;
    lp:perspectivePresent perspectief:student , perspectief:ervaringsdeskundige .

<praktijken/katwijk-koestal/resultaten/koningsdag> a lp:Result ;
    schema:name "Koningsdag in Koestal" ;
    dct:date "2026-04-27"^^xsd:date ;
    lp:learningLoop leerlus:dubbelslag .

<werkplaats> a org:Organization ; schema:name "Werkplaats Sociaal Domein Den Haag & Leiden" .
<organisaties/welzijnskwartier-katwijk> a org:Organization ; schema:name "Welzijnskwartier Katwijk" .

<praktijken/katwijk-koestal/verslagen/2025-09-16> a lp:AnalyticReport ;
    lp:reportsOn <praktijken/katwijk-koestal/bijeenkomsten/2025-09-16> ;
    dct:issued "2025-09-22"^^xsd:date ;
    dct:title "Wat zien we van armoede?"@nl ;
    lp:centralQuestion "Waaraan herkennen we armoede?"@nl ;
    lp:courseOfAction "Signalen inbrengen."@nl ;
    lp:readByMember true ;
    schema:url <https://welzijnskwartier-katwijk.example/verslag.pdf> .

cbs2024:WK053700 a lp:Wijk ;
    schema:name "Koestal" ;
    skos:notation "WK053700" ;
    lp:cbsYear "2024"^^xsd:gYear ;
    schema:containedInPlace gemeente:gm0537 .

<begrippen/schuldhulp> a skos:Concept ;
    skos:broader thema:armoede ;
    skos:inScheme <begrippen> ;
    skos:prefLabel "Schuldhulp"@nl ;
    skos:definition "Hulp bij schulden."@nl .

perspectief:ervaringsdeskundige lp:bringsKnowledge kennis:ervaringskennis .
"""


def test_jsonld_context_expands_to_the_same_graph_as_turtle():
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    doc = {"@context": context, **JSONLD_DATA}
    from_jsonld = oxigraph_to_rdflib(ox.parse(json.dumps(doc), format=ox.RdfFormat.JSON_LD, base_iri=BASE))
    from_turtle = oxigraph_to_rdflib(ox.parse(PREFIXES + JSONLD_AS_TURTLE, format=ox.RdfFormat.TURTLE, base_iri=BASE))
    assert len(from_jsonld) == len(from_turtle)
    assert isomorphic(from_jsonld, from_turtle)
    # and the data is valid, with no violations
    assert violations(shacl(JSONLD_AS_TURTLE, core_only=True)) == []


def test_context_maps_every_lp_property():
    ctx = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    mapped = {(v["@id"] if isinstance(v, dict) else v) for v in ctx.values() if isinstance(v, (str, dict))}
    assert {f"lp:{p}" for p in EXPECTED_PROPERTIES} <= mapped
    assert {f"lp:{c}" for c in EXPECTED_CLASSES} <= mapped


@pytest.mark.parametrize("term, iri, coercion", [
    ("theme", "dct:subject", "@id"), ("kind", "dct:type", "@id"), ("level", "lp:level", "@id"),
    ("place", "dct:spatial", "@id"), ("perspective", "lp:perspective", "@id"),
    ("count", "lp:count", "xsd:nonNegativeInteger"),
    ("meetingIntervalWeeks", "lp:meetingIntervalWeeks", "xsd:positiveInteger"),
    ("meetings", "lp:hasMeeting", "@id"), ("results", "lp:hasResult", "@id"), ("partners", "org:hasMember", "@id"),
    ("startDate", "schema:startDate", "xsd:date"), ("endDate", "schema:endDate", "xsd:date"),
    ("status", "adms:status", "@id"), ("email", "vcard:hasEmail", "@id"), ("publisher", "dct:publisher", "@id"),
    ("partOf", "dct:isPartOf", "@id"), ("reportsOn", "lp:reportsOn", "@id"), ("issued", "dct:issued", "xsd:date"),
    ("url", "schema:url", "@id"), ("cbsYear", "lp:cbsYear", "xsd:gYear"),
    ("modified", "dct:modified", "xsd:date"), ("confirmed", "lp:confirmed", "xsd:date"),
])
def test_context_terms(term, iri, coercion):
    ctx = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    assert ctx[term]["@id"] == iri
    assert ctx[term]["@type"] == coercion


def test_every_harvest_term_the_hub_writes_is_declared_in_nl_and_en():
    """The harvest log's lph: terms (harvesters/, registry/queries/harvest/) are in vocab/def/harvest.ttl."""
    g = Graph().parse(vocab.harvest_vocabulary_file(), format="turtle")
    lph = Namespace(vocab.LPH)
    sources = [*(ROOT / "harvesters").glob("*.py"), *(ROOT / "registry" / "queries" / "harvest").glob("*.r[qu]")]
    used = {m for path in sources for m in re.findall(r"(?:lph:|harvest#)([A-Za-z]+)", path.read_text(encoding="utf-8"))}
    assert len(used) > 10
    for term in used:
        assert has_nl_en(g, lph[term], RDFS.label) and has_nl_en(g, lph[term], RDFS.comment), term


def test_example_dates_move_by_whole_weeks_to_today():
    path = VOCAB / "examples" / "den-haag-leiden.ttl"
    assert vocab.example_text(path, vocab.EXAMPLES_WRITTEN_ON + timedelta(days=6)) == path.read_text(encoding="utf-8")
    moved = vocab.example_text(path, vocab.EXAMPLES_WRITTEN_ON + timedelta(days=5 * 7 + 3))
    before = re.findall(r'"(\d{4}-\d{2}-\d{2})"\^\^xsd:date\b', path.read_text(encoding="utf-8"))
    after = re.findall(r'"(\d{4}-\d{2}-\d{2})"\^\^xsd:date\b', moved)
    assert len(before) == len(after) > 20
    assert all(date_.fromisoformat(b) - date_.fromisoformat(a) == timedelta(weeks=5) for a, b in zip(before, after))
    assert '"2024"^^xsd:gYear' in moved  # only days move
