"""Follow your nose: every IRI a node mints answers, in Turtle, JSON-LD and HTML, with triples about it.

A crawler starts at a real node's root, reads it as Turtle and follows every IRI in the
node's namespace (its base URL) and the vocabulary's (what the node serves under `/def`
and `/id`) that appears as subject or object, breadth-first, fragments stripped. Each
must answer 200 in Turtle and in JSON-LD (both parsed with rdflib, a parser that is not
the node's) with at least one triple whose subject is that IRI, and 200 in HTML for a
browser's Accept header.
"""
from __future__ import annotations

import uuid
import warnings
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
import rdflib
import requests

from sparqlhub import shared_hub

VOCABULARY = "https://w3id.org/lerende-praktijken/"
SERVED_VOCABULARY = ("def", "id/")
"""The parts of the vocabulary's namespace a node serves (`/def`, `/id/...`); shapes and context are files."""
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json"}
NOT_DESCRIBED = ("dump", "wijzigingen", "api/v1/openapi.json", "privacy/verwijderingen")
"""Download and service locations, not described resources: the dumps (`void:dataDump`,
`dcat:downloadURL`; the history's `dump-geschiedenis.nq.gz` too) are files; the change feed
(`/wijzigingen`, an endpoint URL) answers Activity Streams JSON; the OpenAPI document is the
API's `dcat:endpointDescription`; the privacy erasure notices (`/privacy/verwijderingen`, the
`dcat:endpointURL` hubs read) are for programs, like the event stream. `/sparql` is followed: for RDF Accept types it answers its SPARQL Service Description."""
COLLECTIONS = {"praktijken", "bijeenkomsten", "verslagen", "resultaten", "organisaties", "begrippen", "werkplaats",
               "api", "v1", "def", "id", "cbs"}
MOST = 400
"""At most this many IRIs per node; kinds take turns, so each kind found is visited."""
T = VOCABULARY + "id/"


@dataclass
class Crawl:
    """What a crawl visited and what failed, by IRI."""

    visited: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def kinds(self, iris) -> dict[str, int]:
        counted: dict[str, int] = defaultdict(int)
        for iri in iris:
            counted[kind(iri)] += 1
        return dict(sorted(counted.items()))

    def report(self) -> str:
        lines = [f"{len(self.failures)} of {len(self.visited)} IRIs fail; by kind: {self.kinds(self.failures)}"]
        lines += [f"  {iri}: {'; '.join(reasons)}" for iri, reasons in list(self.failures.items())[:40]]
        return "\n".join(lines)


def kind(iri: str) -> str:
    """`praktijken/katwijk-koestal/bijeenkomsten/x` -> `praktijken/*/bijeenkomsten/*`: what sort of resource."""
    parts = urlsplit(iri)
    path = parts.path.lstrip("/")
    words = path.split("/") if path else [""]
    if iri.startswith(VOCABULARY) and path.startswith("lerende-praktijken/"):
        words = words[1:]
    if words[0] == "id" and len(words) > 2:  # one kind per concept scheme: id/thema/*, id/cbs/*/*
        words = words[:2] + ["*"] * (len(words) - 2)
    else:
        words = [w if w in COLLECTIONS or i == 0 else "*" for i, w in enumerate(words)]
    prefix = "vocab:" if iri.startswith(VOCABULARY) else ""
    query = "?" + "&".join(sorted(p.split("=")[0] for p in parts.query.split("&"))) if parts.query else ""
    return prefix + "/".join(words) + query


def url_of(iri: str, base: str) -> str:
    """Where the node serves an IRI: its own IRIs at themselves, the vocabulary's under its root."""
    return base + iri.removeprefix(VOCABULARY) if iri.startswith(VOCABULARY) else iri


def followed(iri: str, base: str) -> bool:
    """Whether the crawler follows an IRI: ours or the served vocabulary's, and not a download or service."""
    if iri.startswith(VOCABULARY):
        return iri.removeprefix(VOCABULARY).startswith(SERVED_VOCABULARY)
    if not iri.startswith(base):
        return False
    return not iri.removeprefix(base).startswith(NOT_DESCRIBED)


def check(session: requests.Session, iri: str, base: str) -> tuple[list[str], rdflib.Graph | None]:
    """Fetch one IRI in every format: the reasons it fails, and its Turtle graph if that parsed."""
    reasons, turtle = [], None
    url = url_of(iri, base)
    for syntax, media_type in FORMATS.items():
        response = session.get(url, headers={"Accept": media_type}, timeout=30)
        if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith(media_type):
            reasons.append(f"{syntax} {response.status_code} {response.headers.get('Content-Type')}")
            continue
        try:
            graph = parsed(response.content, syntax, url)
        except Exception as error:  # noqa: BLE001 - any parser error is the finding, with its message
            reasons.append(f"{syntax} does not parse: {error}")
            continue
        if (rdflib.URIRef(iri), None, None) not in graph:
            reasons.append(f"{syntax} has no triple about it")
        if syntax == "turtle":
            turtle = graph
    page = session.get(url, headers={"Accept": CHROME}, timeout=30)
    if page.status_code != 200 or not page.headers.get("Content-Type", "").startswith("text/html"):
        reasons.append(f"html {page.status_code} {page.headers.get('Content-Type')}")
    return reasons, turtle


def parsed(data: bytes, syntax: str, url: str) -> rdflib.Graph:
    """Parse with rdflib, whose JSON-LD parser warns of its own use of `ConjunctiveGraph` (rdflib 7.x)."""
    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return graph.parse(data=data, format=syntax, publicID=url)


def crawl(base: str, most: int = MOST) -> Crawl:
    """Breadth-first from the root, each kind in turn, de-duplicated, fragments stripped."""
    result, seen, waiting, turns = Crawl(), {base}, defaultdict(deque), defaultdict(int)
    waiting[kind(base)].append(base)
    with requests.Session() as session:
        while len(result.visited) < most and any(waiting.values()):
            next_kind = min((k for k, queue in waiting.items() if queue), key=lambda k: turns[k])
            turns[next_kind] += 1
            iri = waiting[next_kind].popleft()
            result.visited.append(iri)
            reasons, graph = check(session, iri, base)
            if reasons:
                result.failures[iri] = reasons
            for term in set(graph.subjects()) | set(graph.objects()) if graph is not None else ():
                found = urldefrag(str(term)).url if isinstance(term, rdflib.URIRef) else None
                if found and found not in seen and followed(found, base):
                    seen.add(found)
                    waiting[kind(found)].append(found)
    return result


def test_kinds_name_what_a_resource_is():
    assert kind("http://n/praktijken/x/bijeenkomsten/2026-01-01") == "praktijken/*/bijeenkomsten/*"
    assert kind("http://n/praktijken?pagina=2") == "praktijken?pagina"
    assert kind(VOCABULARY + "id/thema/armoede") == "vocab:id/thema/*"
    assert kind(VOCABULARY + "id/cbs/2024/WK053700") == "vocab:id/cbs/*/*"
    assert kind("http://n/") == ""


def test_every_iri_of_a_loaded_node_answers(node):
    found = crawl(node.url)
    kinds = found.kinds(found.visited)
    print("visited:", kinds, found.report())
    assert {"praktijken/*", "praktijken/*/bijeenkomsten/*", "organisaties/*", "vocab:id/cbs/*/*",
            "praktijken", "api/v1", "sparql"} <= set(kinds)
    assert not found.failures, found.report()


def test_every_iri_of_a_hub_answers(request, node):
    """A hub's own IRIs: its graphs per member and its harvest log (`sd:name`, `void:subset`)."""
    hub = shared_hub(request, node)
    found = crawl(hub.url)
    kinds = found.kinds(found.visited)
    print("visited:", kinds, found.report())
    assert {"graph/*", "oogst/*", "sparql", "api/v1"} <= set(kinds)
    assert not found.failures, found.report()


def test_the_harvest_logs_members_and_runs_answer_on_a_hub(request, node):
    """IRIs of the harvest log, which `/sparql` shows: each member (`lph:Member`) and each run."""
    hub = shared_hub(request, node)
    rows = requests.get(hub.url + "sparql", headers={"Accept": "application/sparql-results+json"}, timeout=30, params={
        "query": "SELECT ?run ?member WHERE { GRAPH ?log { ?run a <https://w3id.org/lerende-praktijken/harvest#HarvestRun> ;"
                 " <https://w3id.org/lerende-praktijken/harvest#member> ?member } } LIMIT 1"}).json()
    row = rows["results"]["bindings"][0]
    with requests.Session() as session:
        for iri in (row["run"]["value"], row["member"]["value"]):
            reasons, _ = check(session, iri, hub.url)
            assert not reasons, f"{iri}: {reasons}"
    missing = requests.get(row["member"]["value"] + "/20000101T000000000000Z", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_every_iri_of_an_edited_node_answers(editing_node):
    """The node's own concepts (`/begrippen/...`, in the scheme `/begrippen`) and a new wijk are followed too."""
    slug = uuid.uuid4().hex[:6]
    concept = requests.post(editing_node.url + "api/v1/begrippen", headers=editing_node.headers(), timeout=30,
                            json={"label": f"Schuldhulp {slug}", "breder": T + "thema/armoede"})
    assert concept.status_code == 201, concept.text
    community = requests.post(editing_node.url + "api/v1/praktijken", headers=editing_node.headers(), timeout=30, json={
        "naam": f"Kring {slug}", "soort": T + "soort/leergemeenschap", "themas": [concept.json()["id"]],
        "niveau": T + "niveau/wijk", "plaatsen": ["GM0546", "WK054601"], "startdatum": "2026-01-15"})
    assert community.status_code == 201, community.text
    found = crawl(editing_node.url)
    kinds = found.kinds(found.visited)
    print("visited:", kinds, found.report())
    assert {"begrippen", "begrippen/*"} <= set(kinds)
    assert not found.failures, found.report()


@pytest.mark.parametrize("path", ["dump.nq", "dump.ttl.gz", "dump-geschiedenis.nq.gz", "wijzigingen", "wijzigingen?na=3",
                                  "api/v1/openapi.json", "privacy/verwijderingen"])
def test_downloads_and_services_are_not_followed(path):
    assert not followed("http://n/" + path, "http://n/")


def turtle(url: str) -> rdflib.Graph:
    response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    return parsed(response.content, "turtle", url)


def test_organisation_wijk_and_api_say_what_they_are(node):
    org, schema, skos = (rdflib.Namespace(ns) for ns in ("http://www.w3.org/ns/org#", "http://schema.org/",
                                                         "http://www.w3.org/2004/02/skos/core#"))
    organisation = rdflib.URIRef(node.url + "organisaties/mbo-katwijk")
    graph = turtle(str(organisation))
    assert (organisation, rdflib.RDF.type, org.Organization) in graph
    assert (rdflib.URIRef(node.url + "praktijken/katwijk-koestal"), org.hasMember, organisation) in graph
    wijk = rdflib.URIRef(T + "cbs/2024/WK053700")
    graph = turtle(node.url + "id/cbs/2024/WK053700")
    assert graph.value(wijk, skos.notation) == rdflib.Literal("WK053700")
    assert graph.value(wijk, schema.name) == rdflib.Literal("Koestal")
    gemeente = rdflib.URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0537")
    assert (wijk, schema.containedInPlace, gemeente) in graph and graph.value(gemeente, schema.name) is not None
    api = requests.get(node.url + "api/v1", headers={"Accept": CHROME}, timeout=30)
    assert api.headers["API-Version"] and 'href="/api/v1/docs"' in api.text and 'href="/api/v1/openapi.json"' in api.text
    graph = turtle(node.url + "api/v1")
    assert (rdflib.URIRef(node.url + "api/v1"), rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#DataService")) in graph
    assert turtle(node.url + "praktijken").value(rdflib.URIRef(node.url + "praktijken"), rdflib.RDFS.label) is not None


@pytest.mark.parametrize("path", ["organisaties/a%20b", "praktijken/%3Cx%3E", "id/cbs/2024/WK053700%20",
                                  "id/cbs/2024/WK999999", "graph/onbekend"])
def test_a_path_that_names_nothing_is_404_not_500(node, path):
    assert requests.get(node.url + path, headers={"Accept": "text/turtle"}, timeout=30).status_code == 404
