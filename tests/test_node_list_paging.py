"""The node's list in pages (HTML, JSON, RDF), its facet counts once per store generation, kept pages.

Most tests run an in-process node over an in-memory store holding 23 generated
communities, asked for pages of 10 (`perPagina=10`): pages of 10, 10 and 3. The last
test asks a real node's `/sparql` across a write.
"""
from __future__ import annotations

import re
import uuid

import pytest
import rdflib
import requests
from rdflib.namespace import RDF

from axe import assert_accessible, install_axe
from registry import communities, create_app
from registry.generate import generate_triples
from registry.node import data_graph
from registry.sandbox import Answers, QueryResult, check_query
from registry.store import EmbeddedStore

BASE = "http://node.test/"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
LP = rdflib.Namespace("https://w3id.org/lerende-praktijken/def#")
ARMOEDE = "https://w3id.org/lerende-praktijken/id/thema/armoede"
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}
COMMUNITIES = 23


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = EmbeddedStore()
    store.replace_graph(data_graph(BASE), generate_triples(BASE, COMMUNITIES, seed=7))
    app = create_app({"data_dir": tmp_path_factory.mktemp("paging"), "store_instance": store, "base_url": BASE})
    yield app
    app.extensions["bamboe"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def links(response) -> dict[str, str]:
    """The `Link` header as rel -> target."""
    return {rel: target for target, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', response.headers.get("Link", ""))}


def page_json(client, **params) -> dict:
    response = client.get("/praktijken", query_string={"perPagina": 10, **params}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# --- pages, totals and links ----------------------------------------------------------

def test_pages_hold_the_page_size_and_the_last_one_the_rest(client):
    pages = [page_json(client, pagina=n) for n in (1, 2, 3)]
    assert [len(p["communities"]) for p in pages] == [10, 10, 3]
    assert {(p["total"], p["pages"], p["page_size"]) for p in pages} == {(COMMUNITIES, 3, 10)}
    seen = [c["iri"] for p in pages for c in p["communities"]]
    assert len(set(seen)) == COMMUNITIES  # every community once, none twice


def test_the_default_page_size_is_fifty(client):
    listing = client.get("/praktijken", headers=JSON).get_json()
    assert listing["page_size"] == communities.PAGE_SIZE == 50
    assert listing["pages"] == 1 and len(listing["communities"]) == COMMUNITIES


def test_link_headers_point_to_first_prev_next_last_and_keep_the_filters(client):
    middle = client.get("/praktijken", query_string={"perPagina": 3, "q": "netwerk", "pagina": 2}, headers=JSON)
    found = middle.get_json()
    assert found["total"] > 6  # enough for three pages
    assert links(middle) == {
        "first": "/praktijken?q=netwerk&perPagina=3&pagina=1",
        "prev": "/praktijken?q=netwerk&perPagina=3&pagina=1",
        "next": "/praktijken?q=netwerk&perPagina=3&pagina=3",
        "last": f"/praktijken?q=netwerk&perPagina=3&pagina={found['pages']}",
    }
    assert found["links"] == links(middle)


def test_the_last_page_has_no_next_and_the_first_no_prev(client):
    first = client.get("/praktijken?perPagina=10", headers=JSON)
    last = client.get("/praktijken?perPagina=10&pagina=3", headers=JSON)
    assert set(links(first)) == {"first", "next", "last"}
    assert set(links(last)) == {"first", "prev", "last"}


@pytest.mark.parametrize("page", ["4", "999999999"])
def test_a_page_past_the_last_is_404_problem_json(client, page):
    response = client.get("/praktijken", query_string={"perPagina": 10, "pagina": page}, headers=JSON)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "de laatste pagina van deze lijst is 3" in response.get_json()["detail"]


def test_a_page_past_the_last_is_a_404_page_for_people(client):
    response = client.get("/praktijken?pagina=2&lang=en", headers=HTML)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "the last page of this list is 1" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["pagina=abc", "pagina=0", "pagina=-1", "pagina=%C2%B2", "pagina=1.5",
                                   "pagina=12345678901", "perPagina=0", "perPagina=101", "perPagina=veel"])
def test_a_bad_page_or_size_is_400_problem_json(client, query):
    response = client.get("/praktijken?" + query, headers=JSON)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "Pagina" in response.get_json()["detail"] or "pagina" in response.get_json()["detail"]


def test_an_empty_search_has_one_empty_page(client):
    listing = page_json(client, q="geen-enkele-praktijk-heet-zo")
    assert (listing["total"], listing["pages"], listing["communities"]) == (0, 1, [])


# --- filters and search ---------------------------------------------------------------------

def test_filters_and_search_still_choose_the_communities(client):
    themed = page_json(client, theme=ARMOEDE, perPagina=100)
    assert themed["total"] and all(ARMOEDE in c["theme"] for c in themed["communities"])
    assert themed["filters"] == {"theme": ARMOEDE}
    searched = page_json(client, q="armoede", perPagina=100)
    assert {c["iri"] for c in themed["communities"]} <= {c["iri"] for c in searched["communities"]}
    node = client.application.extensions["bamboe"]
    assert searched["total"] == len(communities.search(node.index.summaries(), "armoede", node.labels.label))


def test_the_json_twin_answers_by_extension_format_and_accept(client):
    by_accept = client.get("/praktijken", headers=JSON)
    by_extension = client.get("/praktijken.json")
    by_format = client.get("/praktijken?format=json", headers=HTML)
    assert {r.mimetype for r in (by_accept, by_extension, by_format)} == {"application/json"}
    assert by_accept.get_json()["total"] == by_extension.get_json()["total"] == by_format.get_json()["total"]
    assert "json" in links(client.get("/praktijken.json?perPagina=10"))["next"]  # a page's links keep its format


def test_facet_counts_of_the_json_count_every_community(client):
    facets = page_json(client)["facets"]
    assert sum(option["count"] for option in facets["kind"]) == COMMUNITIES  # one kind each
    assert all(option["label"] for options in facets.values() for option in options)


# --- RDF: a Hydra collection in pages --------------------------------------------------------

def test_rdf_pages_are_hydra_partial_collection_views(client):
    turtle = client.get("/praktijken.ttl?perPagina=10&pagina=2")
    graph = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    collection = rdflib.URIRef(BASE + "praktijken")
    view = rdflib.URIRef(BASE + "praktijken?perPagina=10&pagina=2")
    assert (collection, RDF.type, HYDRA.Collection) in graph
    assert graph.value(collection, HYDRA.totalItems).toPython() == COMMUNITIES
    assert (collection, HYDRA.view, view) in graph and (view, RDF.type, HYDRA.PartialCollectionView) in graph
    assert str(graph.value(view, HYDRA.next)) == BASE + "praktijken?perPagina=10&pagina=3"
    assert str(graph.value(view, HYDRA.previous)) == BASE + "praktijken?perPagina=10&pagina=1"
    members = set(graph.objects(collection, HYDRA.member))
    assert len(members) == 10 and members == set(graph.subjects(RDF.type, LP.LearningCommunity))


# --- the HTML pager ---------------------------------------------------------------------------

def test_the_html_pager_is_a_labelled_nav_marking_the_current_page(client):
    html = client.get("/praktijken?perPagina=10&pagina=2", headers=HTML).get_data(as_text=True)
    pager = re.search(r'<nav class="pager" aria-label="Pagina\'s">(.*?)</nav>', html, re.S).group(1)
    assert re.search(r'<a href="/praktijken\?perPagina=10&amp;pagina=2" aria-current="page"', pager)
    assert 'rel="prev" href="/praktijken?perPagina=10&amp;pagina=1"' in pager
    assert 'rel="next" href="/praktijken?perPagina=10&amp;pagina=3"' in pager
    assert pager.count("aria-current") == 1
    assert "23 gevonden; pagina 2 van 3" in html


def test_the_pager_can_be_walked_without_js_to_the_last_page(client):
    path, seen = "/praktijken?perPagina=10", 0
    while path:
        html = client.get(path.replace("&amp;", "&"), headers=HTML).get_data(as_text=True)
        seen += html.count('<li class="card">')
        following = re.search(r'rel="next" href="([^"]+)"', html)
        path = following.group(1) if following else None
    assert seen == COMMUNITIES


def test_the_pager_in_english(client):
    html = client.get("/praktijken?perPagina=10&lang=en", headers=HTML).get_data(as_text=True)
    assert 'aria-label="Pages"' in html and "next →" in html and 'aria-label="Page 3"' in html
    assert "page 1 of 3" in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_paged_list_passes_axe_and_fits_a_phone(browser, node, lang):
    """The pager in a real browser (Chrome's Accept header), WCAG 2.1 AA, at 390 px wide."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, extra_http_headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    install_axe(context)
    try:
        page = context.new_page()
        response = page.goto(node.url + f"praktijken?perPagina=2&pagina=2&lang={lang}")
        assert response.status == 200 and page.locator("nav.pager [aria-current=page]").count() == 1
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_one_page_shows_no_pager(client):
    assert 'class="pager"' not in client.get("/praktijken", headers=HTML).get_data(as_text=True)


# --- computed once per store generation -------------------------------------------------------

def test_facet_counts_are_computed_once_per_generation_not_per_request(tmp_path, monkeypatch):
    calls = []
    counted = communities.facet_counts
    monkeypatch.setattr(communities, "facet_counts", lambda summaries: calls.append(1) or counted(summaries))
    store = EmbeddedStore()
    store.replace_graph(data_graph(BASE), generate_triples(BASE, 5, seed=3))
    app = create_app({"data_dir": tmp_path, "store_instance": store, "base_url": BASE})
    try:
        client = app.test_client()
        for query in ("", "?q=armoede", "?pagina=1&lang=en"):
            client.get("/praktijken" + query, headers=HTML)
            client.get("/praktijken" + query, headers=JSON)
        assert len(calls) == 1
        store.replace_graph(data_graph(BASE), generate_triples(BASE, 7, seed=3))  # a write: a new generation
        after = client.get("/praktijken", headers=JSON).get_json()
        assert len(calls) == 2
        assert after["total"] == 7 and sum(o["count"] for o in after["facets"]["kind"]) == 7
    finally:
        app.extensions["bamboe"].close()


def test_kept_pages_show_a_write_at_once(tmp_path):
    store = EmbeddedStore()
    store.replace_graph(data_graph(BASE), generate_triples(BASE, 3, seed=5))
    app = create_app({"data_dir": tmp_path, "store_instance": store, "base_url": BASE})
    try:
        client = app.test_client()
        iri = client.get("/praktijken", headers=JSON).get_json()["communities"][0]["iri"]
        path = "/" + iri.removeprefix(BASE)
        before = [client.get(path, headers=HTML).get_data(as_text=True), client.get(path + ".ttl").get_data(as_text=True)]
        store.update(f'PREFIX schema: <http://schema.org/> DELETE {{ GRAPH ?g {{ <{iri}> schema:name ?n }} }} '
                     f'INSERT {{ GRAPH ?g {{ <{iri}> schema:name "Hernoemde kring" }} }} '
                     f'WHERE {{ GRAPH ?g {{ <{iri}> schema:name ?n }} }}')
        after = [client.get(path, headers=HTML).get_data(as_text=True), client.get(path + ".ttl").get_data(as_text=True)]
        assert all("Hernoemde kring" not in page for page in before)
        assert all("Hernoemde kring" in page for page in after)
        assert "Hernoemde kring" in client.get("/praktijken", headers=HTML).get_data(as_text=True)
    finally:
        app.extensions["bamboe"].close()


# --- SPARQL answers kept per generation -------------------------------------------------------

def test_answers_are_kept_up_to_a_size_least_recently_asked_first():
    answers = Answers(max_bytes=10, max_answer_bytes=6)
    answers.keep("a", QueryResult(b"12345", False))
    answers.keep("b", QueryResult(b"12345", False))
    assert answers.get("a").body == b"12345"  # now b is the least recently asked
    answers.keep("c", QueryResult(b"123", False))
    answers.keep("too big", QueryResult(b"1234567", False))
    assert answers.get("b") is None and answers.get("a") and answers.get("c") and answers.get("too big") is None


@pytest.mark.parametrize("query, repeatable", [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", True),
    ("SELECT ?now WHERE { BIND(1 AS ?now) }", True),  # a variable named now is not the function
    ("SELECT (NOW() AS ?t) WHERE {}", False),
    ("SELECT (STRUUID() AS ?id) WHERE {}", False),
    ("SELECT ?x WHERE { BIND(rand() AS ?x) }", False),
])
def test_only_repeatable_queries_are_kept(query, repeatable):
    assert check_query(query, 1000).repeatable is repeatable


def test_a_kept_sparql_answer_follows_a_write(editing_node):
    count = ("PREFIX lp: <https://w3id.org/lerende-praktijken/def#> "
             "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lp:LearningCommunity }")

    def communities_counted() -> int:
        response = requests.get(editing_node.url + "sparql", params={"query": count},
                                headers={"Accept": "application/sparql-results+json"}, timeout=30)
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    before = communities_counted()
    assert communities_counted() == before
    created = requests.post(editing_node.url + "api/v1/praktijken", headers=editing_node.headers(), timeout=30, json={
        "naam": f"Telkring {uuid.uuid4().hex[:6]}", "soort": "https://w3id.org/lerende-praktijken/id/soort/leergemeenschap",
        "themas": [ARMOEDE], "niveau": "https://w3id.org/lerende-praktijken/id/niveau/wijk"})
    assert created.status_code == 201, created.text
    assert communities_counted() == before + 1
    changing = {"query": "SELECT (STRUUID() AS ?id) WHERE {}"}
    ids = {requests.get(editing_node.url + "sparql", params=changing, headers={"Accept": "text/csv"}, timeout=30).text
           for _ in range(2)}
    assert len(ids) == 2  # never kept: asked twice, answered twice
