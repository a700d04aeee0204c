"""The node's and the hub's description of themselves pass the official DCAT-AP shapes.

Checked with the shapes as published (vendored under tests/standards/, see its README):
Geonovum's DCAT-AP-NL 3.0 (core, and class ranges with code lists) and SEMIC's DCAT-AP 3.0.0
(core and range), run by pyshacl with RDFS inference over `GET /` in Turtle from real
nodes and a real hub. Warnings from the recommended shapes are reported, not failed on.
The VoID counts in the description must equal what the dumps really hold.
"""
from __future__ import annotations

import gzip
import os
import time
import uuid
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from pyshacl import validate
from rdflib import RDF, Namespace, URIRef

from conftest import NodeProcess, bamboe
from registry import node as node_description
from registry.config import DEFAULTS, load_settings
from registry.errors import ConfigError
from registry.store.server import free_port

STANDARDS = Path(__file__).parent / "standards"
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
SHAPES = {
    "NL core": ["dcat-ap-nl-3.0/nl-dcat-ap-SHACL.ttl", "dcat-ap-nl-3.0/nl-dcat-ap-nl-SHACL.ttl"],
    "NL class ranges": ["dcat-ap-nl-3.0/nl-dcat-ap-nl-SHACL-klassebereik.ttl",
                        "dcat-ap-nl-3.0/nl-dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl"],
    "SEMIC core": ["dcat-ap-3.0.0/semic-3.0.0-dcat-ap-SHACL.ttl"],
    "SEMIC range": ["dcat-ap-3.0.0/semic-3.0.0-range.ttl"],
    "NL recommended": ["dcat-ap-nl-3.0/nl-dcat-ap-nl-SHACL-aanbevolen.ttl"],
    "SEMIC recommended": ["dcat-ap-3.0.0/semic-3.0.0-shapes_recommended.ttl"],
}
RECOMMENDED = {"NL recommended", "SEMIC recommended"}
"""Shapes of what is recommended, not required: their findings are listed, not failed on."""
RDF_FORMATS = {"http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS": ox.RdfFormat.N_QUADS,
               "http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE": ox.RdfFormat.TURTLE}
T = "https://w3id.org/lerende-praktijken/id/"
COMMUNITY = {"soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
             "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"], "startdatum": "2026-01-15",
             "deelname": [{"perspectief": T + "perspectief/professional", "aantal": 3, "rollen": [T + "rol/deelnemer"]}],
             "contact": {"naam": "Leerkring (Welzijn)", "email": "leerkring@welzijn.example"}}
QUIET = {"BAMBOE_HARVEST_RETRIES": "1", "BAMBOE_HARVEST_CONNECT_TIMEOUT_S": "2", "BAMBOE_HARVEST_SCHEDULE": "false"}


def load_shapes(files: list[str]) -> rdflib.Graph:
    """One shapes graph, without the `sh:property` links to nodes that have no `sh:path`.

    Geonovum's nl-dcat-ap-SHACL.ttl links a few such nodes; pyshacl refuses the graph otherwise.
    """
    shapes = rdflib.Graph()
    for name in files:
        shapes.parse(STANDARDS / name, format="turtle")
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if (prop, SH.path, None) not in shapes:
            shapes.remove((shape, SH.property, prop))
    return shapes


@pytest.fixture(scope="module")
def shapes() -> dict[str, rdflib.Graph]:
    """Every shapes set, loaded once for the module."""
    return {name: load_shapes(files) for name, files in SHAPES.items()}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(STANDARDS / "dcat-ap-nl-3.0" / "org-axioms.ttl", format="turtle")


def findings(data: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph) -> Counter:
    """Validation results by severity, and the failing (focus node, path, message) of each violation."""
    _, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                            allow_warnings=True, advanced=True)
    found: Counter = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        found[severity.split("#")[-1]] += 1
        if severity == SH.Violation:
            found[(report.value(result, SH.focusNode), report.value(result, SH.resultPath),
                   str(report.value(result, SH.resultMessage)))] += 1
    return found


def check_all(data: rdflib.Graph, shapes, ontology) -> dict[str, Counter]:
    return {name: findings(data, graph, ontology) for name, graph in shapes.items()}


def assert_no_violations(results: dict[str, Counter]) -> None:
    failing = {name: [key for key in found if isinstance(key, tuple)]
               for name, found in results.items() if name not in RECOMMENDED and found["Violation"]}
    assert not failing, failing


def description(url: str) -> rdflib.Graph:
    """`GET /` in Turtle, parsed by rdflib and by Oxigraph's parser, which must agree."""
    response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle", publicID=url)
    assert len(graph) == len(set(ox.parse(response.content, format=ox.RdfFormat.TURTLE, base_iri=url)))
    return graph


@pytest.fixture(scope="module")
def hub(node, tmp_path_factory):
    """A real hub that has harvested the example node."""
    root = tmp_path_factory.mktemp("dcat-hub")
    instances = root / "instances.yaml"
    instances.write_text(f"nodes:\n  - {{id: den-haag, name: 'WSD Den Haag', url: '{node.url}', "
                         "level: regionaal, area: [GM0518]}\n")
    port = free_port()
    bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
           "--contact", "hub@example.org", data_dir=root / "hub")
    started = NodeProcess(root / "hub", port, env=QUIET)
    bamboe("harvest", "--all", data_dir=root / "hub", env={**os.environ, **QUIET})
    yield started
    started.stop()


@pytest.fixture(scope="module")
def servers(node, editing_node, hub) -> dict[str, str]:
    """The example node, the editing node after a write through its API, and the hub."""
    community = {**COMMUNITY, "naam": f"Leerkring DCAT {uuid.uuid4().hex[:6]}"}
    created = requests.post(editing_node.url + "api/v1/praktijken", json=community, headers=editing_node.headers(),
                            timeout=30)
    assert created.status_code == 201, created.text
    return {"node": node.url, "editing node": editing_node.url, "hub": hub.url}


@pytest.mark.parametrize("which", ["node", "editing node", "hub"])
def test_description_passes_the_dcat_ap_shapes(which, servers, shapes, ontology):
    started = time.monotonic()
    results = check_all(description(servers[which]), shapes, ontology)
    counts = {name: dict(violations=found["Violation"], warnings=found["Warning"]) for name, found in results.items()}
    print(f"\n{which}: {counts} ({time.monotonic() - started:.1f} s)")
    assert_no_violations(results)


def dump_quads(url: str) -> list[ox.Quad]:
    """The N-Quads dump, one quad per line: as many lines as parsed quads."""
    response = requests.get(url + "dump.nq", timeout=30)
    assert response.status_code == 200
    quads = list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len([line for line in response.content.splitlines() if line.strip()])
    return quads


def number(graph: rdflib.Graph, subject, predicate) -> int:
    return int(graph.value(subject, predicate))


def entities(quads: list[ox.Quad], class_iri: str) -> int:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    return len({q.subject for q in quads if q.predicate.value == rdf_type and q.object.value == class_iri})


@pytest.mark.parametrize("which", ["node", "editing node", "hub"])
def test_void_counts_equal_what_the_dump_holds(which, servers):
    url = servers[which]
    graph, quads = description(url), dump_quads(url)
    dataset = URIRef(url + "#dataset")
    assert number(graph, dataset, VOID.triples) == len(quads)
    for partition in graph.objects(dataset, VOID.classPartition):
        assert number(graph, partition, VOID.entities) == entities(quads, str(graph.value(partition, VOID["class"])))
    subsets = list(graph.objects(dataset, VOID.subset))  # a hub's: one per graph it publishes
    by_graph = Counter(q.graph_name.value for q in quads)
    if which == "hub":
        assert {str(s) for s in subsets} == set(by_graph)
    for subset in subsets:
        assert number(graph, subset, VOID.triples) == by_graph[str(subset)]


@pytest.mark.parametrize("which", ["node", "hub"])
def test_every_distribution_can_be_downloaded_as_described(which, servers):
    """What a DCAT harvester reads is true: each download answers in its format, with every triple counted."""
    url = servers[which]
    graph = description(url)
    dataset = URIRef(url + "#dataset")
    downloads = [d for d in graph.objects(dataset, DCAT.distribution) if graph.value(d, DCAT.downloadURL)]
    assert len(downloads) == 4  # N-Quads and Turtle, each plain and gzipped
    for distribution in downloads:
        download, packed = str(graph.value(distribution, DCAT.downloadURL)), graph.value(distribution, DCAT.compressFormat)
        response = requests.get(download, headers={"Accept-Encoding": "identity"}, timeout=30)
        assert response.status_code == 200, download
        served_as = str(packed or graph.value(distribution, DCAT.mediaType)).rsplit("/media-types/", 1)[-1]
        assert response.headers["Content-Type"].split(";")[0] == served_as
        body = gzip.decompress(response.content) if packed else response.content
        syntax = RDF_FORMATS[str(graph.value(distribution, DCT["format"]))]
        assert len(list(ox.parse(body, format=syntax))) == number(graph, dataset, VOID.triples), download


@pytest.mark.parametrize("which", ["node", "editing node", "hub"])
def test_the_history_can_be_downloaded_as_described(which, servers):
    """The history is a dataset of its own in the catalog; its one download answers as described, fully counted."""
    url = servers[which]
    graph = description(url)
    history = URIRef(url + "#geschiedenis")
    assert (URIRef(url), DCAT.dataset, history) in graph and (history, DCT.source, URIRef(url + "#dataset")) in graph
    (distribution,) = graph.objects(history, DCAT.distribution)
    download = str(graph.value(distribution, DCAT.downloadURL))
    assert download == str(graph.value(history, VOID.dataDump)) == url + "dump-geschiedenis.nq.gz"
    assert URIRef("https://www.w3.org/TR/prov-o/") in set(graph.objects(distribution, DCT.conformsTo))
    response = requests.get(download, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert response.status_code == 200
    packed, media_type = (str(graph.value(distribution, p)) for p in (DCAT.compressFormat, DCAT.mediaType))
    assert response.headers["Content-Type"] == packed.rsplit("/media-types/", 1)[-1] == "application/gzip"
    assert media_type.endswith("/application/n-quads")
    syntax = RDF_FORMATS[str(graph.value(distribution, DCT["format"]))]
    quads = list(ox.parse(gzip.decompress(response.content), format=syntax))
    assert len(quads) == number(graph, history, VOID.triples) > 0, download


LDES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{base}#dataset> dcat:distribution <{base}ldes#distribution> .
<{base}ldes#distribution> a dcat:Distribution ;
    dcat:accessURL <{base}ldes> ;
    dct:conformsTo <https://w3id.org/ldes/specification> .
"""
LDES_SERVICE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{base}ldes#distribution> dcat:accessService <{base}ldes> .
<{base}ldes> a dcat:DataService ;
    dct:title "Wijzigingen als LDES" ;
    dct:description "Linked Data Event Stream van de wijzigingen." ;
    dcat:endpointURL <{base}ldes> ;
    dcat:endpointDescription <https://w3id.org/ldes/specification> ;
    dcat:servesDataset <{base}#dataset> ;
    dct:conformsTo <https://w3id.org/ldes/specification> .
"""


@pytest.mark.parametrize("announced", [LDES, LDES + LDES_SERVICE], ids=["distribution", "with its service"])
def test_an_extra_distribution_such_as_an_event_stream_keeps_the_shapes_passing(announced, shapes, ontology):
    """Others add services or distributions (an LDES stream) through `extra`; what they need is filled in."""
    settings = {**DEFAULTS, "base_url": "http://127.0.0.1:5000/", "name": "Testnode", "contact": "node@example.org"}
    base = settings["base_url"]
    extra = [ox.Triple(t.subject, t.predicate, t.object)
             for t in ox.parse(announced.format(base=base).encode(), format=ox.RdfFormat.TURTLE)]
    counts = dict.fromkeys(("triples", *node_description.CLASSES), 0)
    triples = node_description.describe_node(settings, counts, extra=extra)
    data = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.TURTLE), format="turtle")
    assert (URIRef(base + "ldes#distribution"), DCAT.accessURL, URIRef(base + "ldes")) in data
    assert_no_violations(check_all(data, {k: v for k, v in shapes.items() if k not in RECOMMENDED}, ontology))


def test_the_license_setting_is_named_on_every_distribution(monkeypatch):
    monkeypatch.setenv("BAMBOE_LICENSE", "http://creativecommons.org/publicdomain/zero/1.0/")
    settings = load_settings(None, {"base_url": "http://127.0.0.1:5000/"})
    counts = dict.fromkeys(("triples", *node_description.CLASSES), 0)
    data = rdflib.Graph().parse(data=ox.serialize(node_description.describe_node(settings, counts),
                                                  format=ox.RdfFormat.TURTLE), format="turtle")
    distributions = set(data.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 5  # four dumps of the dataset, one of its history
    assert {str(data.value(d, DCT.license)) for d in distributions} == {settings["license"]}
    assert DEFAULTS["license"] == "http://creativecommons.org/licenses/by/4.0/"


def test_a_license_that_is_not_an_iri_is_refused():
    with pytest.raises(ConfigError, match="license"):
        load_settings(None, {"license": "CC BY 4.0"})
