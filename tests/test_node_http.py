"""A real node on 127.0.0.1, checked over HTTP: content negotiation, caching, dump, headers."""
from __future__ import annotations

import gzip
import json
import warnings

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic, to_isomorphic

COMMUNITY = "praktijken/katwijk-koestal"


def rdflib_graph_from_pyoxigraph(data: bytes, fmt: ox.RdfFormat) -> rdflib.Graph:
    """Parse with pyoxigraph, hand over as N-Triples: the independent second parser for JSON-LD."""
    nt = ox.serialize((q.triple for q in ox.parse(data, format=fmt)), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=nt, format="nt")


@pytest.fixture(scope="module")
def turtle_graph(node):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.content, format="turtle")


def test_community_turtle_is_the_community(node, turtle_graph):
    iri = rdflib.URIRef(node.url + COMMUNITY)
    name = turtle_graph.value(iri, rdflib.URIRef("http://schema.org/name"))
    assert "Koestal" in str(name)
    meetings = list(turtle_graph.objects(iri, rdflib.URIRef("https://w3id.org/lerende-praktijken/def#hasMeeting")))
    assert len(meetings) >= 3


@pytest.mark.parametrize("accept, rdflib_format", [
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
])
def test_each_syntax_gives_the_same_graph(node, turtle_graph, accept, rdflib_format):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert isomorphic(to_isomorphic(graph), to_isomorphic(turtle_graph))


def test_jsonld_parses_with_pyoxigraph_to_the_same_graph(node, turtle_graph):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": "application/ld+json"})
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert isinstance(json.loads(response.content)["@context"], dict), "context is inline, never fetched"
    graph = rdflib_graph_from_pyoxigraph(response.content, ox.RdfFormat.JSON_LD)
    assert isomorphic(to_isomorphic(graph), to_isomorphic(turtle_graph))


@pytest.mark.parametrize("accept, expected", [
    ("text/html", "text/html"),
    ("text/turtle;q=0.9, application/ld+json", "application/ld+json"),
    ("application/ld+json;q=0.2, text/turtle;q=0.8", "text/turtle"),
    ("text/html;q=0.1, application/rdf+xml", "application/rdf+xml"),
    ("*/*", "text/html"),
    ("text/*", "text/html"),
])
def test_q_values_are_respected(node, accept, expected):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("suffix, expected", [
    (".ttl", "text/turtle"), (".jsonld", "application/ld+json"), (".nt", "application/n-triples"),
    (".rdf", "application/rdf+xml"), ("?format=ttl", "text/turtle"), ("?format=jsonld", "application/ld+json"),
])
def test_extension_and_format_override_accept(node, suffix, expected):
    response = requests.get(node.url + COMMUNITY + suffix, headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_unknown_accept_is_406_problem(node):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 406


def test_unknown_resource_is_404(node):
    response = requests.get(node.url + "praktijken/bestaat-niet", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_etag_gives_304(node):
    first = requests.get(node.url + COMMUNITY, headers={"Accept": "text/turtle"})
    again = requests.get(node.url + COMMUNITY, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    other = requests.get(node.url + COMMUNITY, headers={"Accept": "application/n-triples",
                                                        "If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


def test_meetings_and_reports_have_their_own_iri(node, turtle_graph):
    lp = "https://w3id.org/lerende-praktijken/def#"
    meeting = next(turtle_graph.objects(rdflib.URIRef(node.url + COMMUNITY), rdflib.URIRef(lp + "hasMeeting")))
    assert str(meeting).startswith(node.url + COMMUNITY + "/bijeenkomsten/")
    page = requests.get(str(meeting), headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    graph = rdflib.Graph().parse(data=page.content, format="turtle")
    assert (meeting, rdflib.RDF.type, rdflib.URIRef(lp + "Meeting")) in graph
    report = graph.value(None, rdflib.URIRef(lp + "reportsOn"), meeting)
    if report is not None:
        assert requests.get(str(report), headers={"Accept": "text/turtle"}).status_code == 200


def test_root_describes_the_node(node):
    response = requests.get(node.url, headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(node.url + "#dataset")
    assert (dataset, void.sparqlEndpoint, rdflib.URIRef(node.url + "sparql")) in graph
    assert (dataset, void.dataDump, rdflib.URIRef(node.url + "dump.nq")) in graph
    assert int(graph.value(dataset, void.entities)) == count_communities(node)
    assert (rdflib.URIRef(node.url), rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Catalog")) in graph
    assert (rdflib.URIRef(node.url + "werkplaats"), rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in graph


def count_communities(node) -> int:
    graph = rdflib.Graph().parse(data=requests.get(node.url + "dump.ttl").content, format="turtle")
    return len(set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/lerende-praktijken/def#LearningCommunity"))))


def test_dump_in_nquads_and_turtle_is_the_same_data(node):
    nquads = requests.get(node.url + "dump", headers={"Accept": "application/n-quads"})
    turtle = requests.get(node.url + "dump.ttl")
    assert nquads.headers["Content-Type"].startswith("application/n-quads")
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own Dataset internals
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=nquads.content, format="nquads")
    merged = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        merged.add((s, p, o))
    assert isomorphic(to_isomorphic(merged), to_isomorphic(rdflib.Graph().parse(data=turtle.content, format="turtle")))
    assert len(merged) > 500
    assert [str(g.identifier) for g in dataset.graphs() if len(g)] == [node.url + "graph"]


def test_dump_changed_since(node):
    first = requests.get(node.url + "dump.nq")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    by_etag = requests.get(node.url + "dump.nq", headers={"If-None-Match": first.headers["ETag"]})
    by_date = requests.get(node.url + "dump.nq", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_etag.status_code == 304 and by_date.status_code == 304


def test_dump_gzip_on_request(node):
    plain = requests.get(node.url + "dump.nq").content
    raw = requests.get(node.url + "dump.nq", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw.raw.read()) == plain
    file = requests.get(node.url + "dump.nq.gz", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(file.content) == plain


def test_security_and_cors_headers(node):
    response = requests.get(node.url + "praktijken")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Server"] != "Werkzeug"
    preflight = requests.options(node.url + "sparql", headers={"Origin": "https://example.org",
                                                               "Access-Control-Request-Method": "POST"})
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_oversized_request_is_413_before_parsing(node):
    response = requests.post(node.url + "sparql", data=b"x" * 2_000_000,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_vocabulary_served_at_namespace_path(node):
    html = requests.get(node.url + "def", headers={"Accept": "text/html"})
    assert "Lerende praktijk" in html.text and 'id="LearningCommunity"' in html.text
    turtle = requests.get(node.url + "def", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/lerende-praktijken/def#LearningCommunity"), rdflib.RDF.type,
            rdflib.OWL.Class) in graph
    concept = requests.get(node.url + "id/thema/armoede", headers={"Accept": "text/turtle"})
    assert "Armoede" in concept.text
    context = requests.get(node.url + "context.jsonld").json()
    assert "@context" in context


def test_html_pages_show_ingredients_and_signals(node):
    page = requests.get(node.url + "praktijken/den-haag-zorgzame-buurt", headers={"Accept": "text/html"}).text
    assert 'data-signal="NoReporter"' in page
    assert '<script type="application/ld+json">' in page
    listing = requests.get(node.url + "praktijken", params={"q": "Koestal"}).text
    assert "katwijk-koestal" in listing and "den-haag-zorgzame-buurt" not in listing
    english = requests.get(node.url + "praktijken", params={"lang": "en"}).text
    assert "Learning communities" in english


def test_script_in_data_is_escaped(node):
    listing = requests.get(node.url + "praktijken", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_link_header_lists_every_alternate_syntax(node):
    response = requests.get(node.url + COMMUNITY, headers={"Accept": "text/html"})
    links = response.headers["Link"]
    for path, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                             ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")):
        assert f'</{COMMUNITY}.{path}>; rel="alternate"; type="{media_type}"' in links
