"""The views' rules on hand-made graphs: what merges and what not, links, odd values, URLs."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from registry.errors import BamboeError
from registry.store import EmbeddedStore
from registry.views import build, formats
from registry.views.federation import Member
from registry.views.index import FederationIndex
from registry.views.links import links

HUB = "http://hub.test/"
HEAD = """@prefix lp: <https://w3id.org/lerende-praktijken/def#> . @prefix schema: <http://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix thema: <https://w3id.org/lerende-praktijken/id/thema/> . @prefix niveau: <https://w3id.org/lerende-praktijken/id/niveau/> .
@prefix gemeente: <https://identifier.overheid.nl/tooi/id/gemeente/> .
"""
MEMBERS = [Member("a", "Node A", "regionaal", ("GM0537",), HUB + "graph/a"),
           Member("b", "Node B", "regionaal", ("GM0268",), HUB + "graph/b")]


def federation(**turtle_per_node: str):
    store = EmbeddedStore()
    for node, turtle in turtle_per_node.items():
        base = f"http://{node}.test/"
        triples = [q.triple for q in ox.parse(HEAD + turtle, format=ox.RdfFormat.TURTLE, base_iri=base)]
        store.replace_graph(HUB + f"graph/{node}", triples)
    return FederationIndex(store, MEMBERS).get()


def community(name: str, level: str, extra: str = "") -> str:
    return f'a lp:LearningCommunity ; schema:name "{name}" ; dct:subject thema:armoede ; lp:level niveau:{level} {extra}.\n'


def test_same_name_without_place_or_partner_is_not_merged():
    fed = federation(a="<n> " + community("Netwerk armoede", "regionaal"),
                     b="<n> " + community("Netwerk armoede", "landelijk"))
    assert sorted(c.level for c in fed.communities) == ["landelijk", "regionaal"]
    assert all(len(c.sources) == 1 for c in fed.communities)


def test_same_name_place_and_partners_merge_but_never_twice_from_one_node():
    twin = community("Samen Katwijk", "lokaal", '; dct:spatial gemeente:gm0537 ; org:hasMember [ schema:name "GGD" ] ')
    fed = federation(a=f"<x> {twin} <y> {twin}", b=f"<z> {twin}")
    assert sorted(len(c.sources) for c in fed.communities) == [1, 2]
    merged = next(c for c in fed.communities if len(c.sources) == 2)
    assert [s.node for s in merged.sources] == ["a", "b"]


def test_literal_and_blank_networks_are_ignored_and_only_web_addresses_are_linked():
    fed = federation(a="<w> " + community("Wijk", "wijk", '; dct:spatial gemeente:gm0537 ; dct:isPartOf "Landelijk"@nl , '
                                                          '[ schema:name "x" ] , <javascript:alert(1)> , <https://elders.example/n> '))
    [wijk] = fed.communities
    assert wijk.all("part_of") == ["https://elders.example/n", "javascript:alert(1)"]
    ctx = build.Context(fed, lambda iri: iri)
    page = build.community(ctx, wijk.iri)
    assert {(link["iri"], link["url"]) for link in page["links"]["wider"]} == {
        ("https://elders.example/n", "https://elders.example/n"), ("javascript:alert(1)", "")}
    assert formats.view_triples(page, HUB)  # serialisable: every IRI it writes is valid


def test_a_part_is_narrower_only_never_also_nearby():
    fed = federation(a="<whole> " + community("Regio A", "regionaal")
                       + "<part> " + community("Regio deel", "regionaal", "; dct:isPartOf <whole> "))
    whole = fed.get("http://a.test/whole")
    found = links(fed, whole)
    assert [(link.community.name, link.why) for link in found.narrower] == [("Regio deel", "part_of")]
    assert found.nearby == []
    part = links(fed, fed.get("http://a.test/part"))
    assert [(link.community.name, link.why) for link in part.wider] == [("Regio A", "part_of")]
    assert part.nearby == []


def test_with_params_replaces_a_filter_instead_of_repeating_it():
    assert build.with_params("/overzicht?perspective=p1&theme=t", perspective="p2") == \
        "/overzicht?theme=t&perspective=p2"
    assert build.with_params("/overzicht", format="csv", lijst="") == "/overzicht?format=csv"


def test_search_text_is_capped():
    with pytest.raises(BamboeError):
        build.read_filters({"q": "e " * 200})
    assert build.read_filters({"q": " koestal ", "theme": ""}) == {"q": "koestal"}


def test_a_page_holds_its_slice_while_counts_and_dashboard_cover_the_whole_view(monkeypatch):
    monkeypatch.setattr(build, "PAGE_SIZE", 2)
    fed = federation(a="".join(f"<c{n}> " + community(f"Praktijk {n}", "lokaal") for n in range(5)))
    ctx = build.Context(fed, lambda iri: iri)
    whole = build.national(ctx, {})
    pages = [build.national(ctx, {}, page) for page in (1, 2, 3)]
    assert [len(p["sections"][0]["communities"]) for p in pages] == [2, 2, 1]
    assert [c["name"] for p in pages for c in p["sections"][0]["communities"]] == \
        [c["name"] for c in whole["sections"][0]["communities"]]
    assert all(p["count"] == 5 and p["sections"][0]["total"] == 5 and p["page"]["pages"] == 3 for p in pages)
    assert all(p["counts"] == whole["counts"] and p["reflection"] == whole["reflection"] for p in pages)
    assert whole["page"] == {"number": 1, "size": None, "pages": 1}
    with pytest.raises(BamboeError) as beyond:
        build.national(ctx, {}, 4)
    assert beyond.value.status == 404
