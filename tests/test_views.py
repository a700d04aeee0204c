"""The hub's views across levels, its query page and federation dump, on a real federation.

Three real nodes with known data (see viewsfederation.py) are harvested by a real hub;
every view is read over HTTP in each format and compared with what that data must
give. RDF is parsed with rdflib, CSV with the csv module, dumps with gzip + rdflib.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import shutil
import warnings

import pytest
import rdflib
import requests
from rdflib import RDF, RDFS, Namespace, URIRef

from registry.examples import examples
from viewsfederation import TODAY, ViewsFederation

ID = "https://w3id.org/lerende-praktijken/id/"
ARMOEDE, OUDERENZORG = ID + "thema/armoede", ID + "thema/ouderenzorg"
WIJK = ID + "niveau/wijk"
LPH = Namespace("https://w3id.org/lerende-praktijken/harvest#")
VOID = Namespace("http://rdfs.org/ns/void#")
OWL_SAME = URIRef("http://www.w3.org/2002/07/owl#sameAs")
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    started = ViewsFederation(tmp_path_factory.mktemp("views"))
    yield started
    started.stop()


def parse(data, fmt: str) -> rdflib.Graph:
    """rdflib, the second parser (quiet about its own deprecated internals)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=fmt)


def get(fed, path, fmt=None, **params):
    if fmt:
        params["format"] = fmt
    response = requests.get(fed.urls["hub"] + path.lstrip("/"), params=params, timeout=30)
    assert response.status_code == 200, (path, response.status_code, response.text[:500])
    return response


def view(fed, path, **params):
    return get(fed, path, "json", **params).json()


def names(section) -> list[str]:
    return [c["name"] for c in section["communities"]]


def link_names(links) -> list[tuple[str, str]]:
    return [(link["name"], link["why"]) for link in links]


# --- national ---------------------------------------------------------------------

def test_national_view_counts_everything_once(fed):
    v = view(fed, "/overzicht")
    assert v["count"] == 8
    assert names(v["sections"][0]) == [
        "Buurtkring Hoornes", "Landelijk netwerk armoede", "Leergemeenschap Koestal", "Leiden ouderen",
        "Ouderen Katwijk (Oost)", "Regionaal netwerk armoede West", "Samen tegen armoede Katwijk",
        "Wijkkring Hengstdal"]
    counts = {facet: {row["value"].rsplit("/", 1)[-1]: row["count"] for row in rows}
              for facet, rows in v["counts"].items()}
    assert counts == {
        "region": {"west": 6, "oost": 2, "": 1},
        "theme": {"armoede": 6, "ouderenzorg": 2},
        "kind": {"leergemeenschap": 4, "lerend-netwerk": 3, "kennisnetwerk": 1},
        "level": {"lokaal": 3, "wijk": 3, "landelijk": 1, "regionaal": 1},
        "perspective": {"professional": 8, "gemeente": 3, "onderzoeker": 3, "bewoner": 2,
                        "ervaringsdeskundige": 2, "onderwijs": 1, "vrijwilliger": 1},
        "status": {"actief": 6, "beeindigd": 1, "in-voorbereiding": 1},
    }
    assert {row["value"]: row["label"] for row in v["counts"]["region"]} == {
        "west": "WSD West", "oost": "WSD Oost", "": "Landelijk / geen regio"}


def test_national_view_shows_where_themes_run_and_where_nothing_runs(fed):
    v = view(fed, "/overzicht")
    cells = v["matrix"]["cells"]
    assert v["matrix"]["regions"] == ["west", "oost", "noord", ""]
    assert cells[ARMOEDE] == {"west": 4, "oost": 1, "noord": 0, "": 1}
    assert cells[OUDERENZORG] == {"west": 2, "oost": 1, "noord": 0, "": 0}
    assert [r["id"] for r in v["empty_regions"]] == ["noord"]
    nowhere = {t["iri"].rsplit("/", 1)[-1] for t in v["themes_nowhere"]}
    assert "bestaanszekerheid" in nowhere and not {"armoede", "ouderenzorg"} & nowhere
    assert len(nowhere) == len(v["matrix"]["themes"]) - 2
    assert [(a["id"], a["count"]) for a in v["down"]] == [("west", 6), ("oost", 2), ("noord", 0)]
    assert {r["node"] for r in v["recent"]} == {"west", "oost", "landelijk"}
    assert {r["node"]: r["added"] for r in v["recent"]} == {"west": 22, "oost": 3, "landelijk": 5}


def test_reflection_dashboard_counts_each_ingredient(fed):
    measures = {m["key"]: (m["shown"], m["applies"], m["share"]) for m in view(fed, "/overzicht")["reflection"]}
    assert measures == {
        "experiential": (2, 8, 25),  # Koestal and the national network
        "perspectives": (3, 8, 38),  # ... and Ouderen Katwijk
        "cadence": (1, 6, 17),  # of the 6 active ones, only Koestal keeps its 4 weeks
        "reports": (1, 1, 100),  # only Koestal has met; every report within three days
        "lasting": (3, 8, 38),  # Koestal, the national network, Samen tegen armoede (2021)
    }
    west = {m["key"]: (m["shown"], m["applies"]) for m in view(fed, "/overzicht/regio/west")["reflection"]}
    assert west["experiential"] == (2, 7) and west["cadence"] == (1, 6)
    months = view(fed, "/overzicht")["cadence"]
    assert len(months) == 24 and months[-1]["month"] == TODAY.isoformat()[:7]
    assert sum(m["meetings"] for m in months) == 6


def test_merged_community_shows_both_sources(fed):
    v = view(fed, "/overzicht")
    merged = next(c for c in v["sections"][0]["communities"] if c["name"] == "Samen tegen armoede Katwijk")
    assert [(s["node"], s["iri"]) for s in merged["sources"]] == [
        ("west", fed.iri("west", "samen-katwijk")), ("landelijk", fed.iri("landelijk", "samen-katwijk"))]
    assert merged["iri"] == fed.iri("west", "samen-katwijk")
    # either node's IRI opens the one merged community
    twin = view(fed, "/overzicht/praktijk", iri=fed.iri("landelijk", "samen-katwijk"))
    assert twin["community"]["iri"] == fed.iri("west", "samen-katwijk")
    assert len(twin["community"]["sources"]) == 2


# --- regional, municipal, neighbourhood -----------------------------------------------

def test_regional_view_has_own_nearby_and_national_sections(fed):
    v = view(fed, "/overzicht/regio/west")
    sections = {s["key"]: names(s) for s in v["sections"]}
    assert sections == {
        "own": ["Buurtkring Hoornes", "Leergemeenschap Koestal", "Leiden ouderen",
                "Regionaal netwerk armoede West", "Samen tegen armoede Katwijk"],
        "area": ["Ouderen Katwijk (Oost)"],  # published by oost, active in Katwijk
        "national": ["Landelijk netwerk armoede"],  # Koestal is part of it
    }
    assert v["count"] == 7
    assert [(a["id"], a["count"]) for a in v["down"]] == [("GM0537", 4), ("GM0546", 1)]
    assert [a["url"] for a in v["up"]] == ["/overzicht"]
    empty = view(fed, "/overzicht/regio/noord")
    assert empty["count"] == 0 and [s["communities"] for s in empty["sections"]] == [[], [], []]


def test_municipal_view_gathers_every_node_and_links_up_and_down(fed):
    v = view(fed, "/overzicht/gemeente/GM0537")
    assert v["title"] == "Katwijk"
    assert names(v["sections"][0]) == ["Buurtkring Hoornes", "Leergemeenschap Koestal", "Ouderen Katwijk (Oost)",
                                       "Samen tegen armoede Katwijk"]
    assert [(a["view"], a["id"]) for a in v["up"]] == [("landelijk", ""), ("regio", "west")]
    assert [(a["id"], a["title"], a["count"]) for a in v["down"]] == [
        ("WK053700", "Koestal (WK053700)", 1), ("WK053701", "Hoornes (WK053701)", 1)]


def test_wijk_view_links_each_community_up_to_wider_networks(fed):
    v = view(fed, "/overzicht/wijk/WK053700")
    assert v["title"] == "Koestal (WK053700)"
    [koestal] = v["sections"][0]["communities"]
    assert koestal["name"] == "Leergemeenschap Koestal"
    assert link_names(koestal["wider"]) == [
        ("Landelijk netwerk armoede", "part_of"), ("Samen tegen armoede Katwijk", "theme"),
        ("Regionaal netwerk armoede West", "theme")]
    assert [(a["view"], a["id"]) for a in v["up"]] == [("landelijk", ""), ("regio", "west"), ("gemeente", "GM0537")]


def test_community_view_links_across_levels_and_sideways(fed):
    koestal = view(fed, "/overzicht/praktijk", iri=fed.iri("west", "koestal"))["links"]
    assert link_names(koestal["wider"]) == [("Landelijk netwerk armoede", "part_of"),
                                            ("Samen tegen armoede Katwijk", "theme"),
                                            ("Regionaal netwerk armoede West", "theme")]
    assert link_names(koestal["nearby"]) == [("Buurtkring Hoornes", "theme")]  # another wijk of Katwijk
    assert koestal["narrower"] == []
    national = view(fed, "/overzicht/praktijk", iri=fed.iri("landelijk", "netwerk-armoede"))["links"]
    assert link_names(national["narrower"]) == [
        ("Leergemeenschap Koestal", "part_of"), ("Regionaal netwerk armoede West", "theme"),
        ("Samen tegen armoede Katwijk", "theme"), ("Buurtkring Hoornes", "theme"), ("Wijkkring Hengstdal", "theme")]
    merged = view(fed, "/overzicht/praktijk", iri=fed.iri("west", "samen-katwijk"))["links"]
    assert link_names(merged["nearby"]) == [("Leiden ouderen", "partner")]  # Welzijnskwartier, same region
    assert link_names(merged["wider"]) == [("Regionaal netwerk armoede West", "theme"),
                                           ("Landelijk netwerk armoede", "theme")]
    hengstdal = view(fed, "/overzicht/praktijk", iri=fed.iri("oost", "hengstdal"))["links"]
    assert link_names(hengstdal["nearby"]) == []  # Koestal is on the same theme, but not near
    assert link_names(hengstdal["wider"]) == [("Landelijk netwerk armoede", "theme")]


# --- filters, formats, errors -------------------------------------------------------

def test_filters_live_in_the_query_string(fed):
    v = view(fed, "/overzicht", theme=ARMOEDE, level=WIJK)
    assert names(v["sections"][0]) == ["Buurtkring Hoornes", "Leergemeenschap Koestal", "Wijkkring Hengstdal"]
    assert v["url"] == "/overzicht?" + requests.compat.urlencode({"theme": ARMOEDE, "level": WIJK})
    assert names(view(fed, "/overzicht", q="koestal")["sections"][0]) == ["Leergemeenschap Koestal"]
    assert view(fed, "/overzicht", region="oost")["count"] == 2
    assert view(fed, "/overzicht/gemeente/GM0537", theme=OUDERENZORG)["count"] == 1


def test_csv_for_a_dutch_spreadsheet_and_for_scripts(fed):
    """The pages' links open in Dutch Excel/LibreOffice; `format=csv` alone stays plain for scripts."""
    sheet = get(fed, "/overzicht", "csv", lijst="reflectie", layout="spreadsheet")
    assert sheet.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Maat", "Aantal met", "Van toepassing op", "Aandeel (%)"]
    assert all("." not in cell for row in rows[1:] for cell in row[3:])  # decimal comma
    english = get(fed, "/overzicht", "csv", lijst="reflectie", layout="spreadsheet", lang="en")
    assert english.content.decode("utf-8-sig").splitlines()[0] == "Measure,Shown,Applies to,Share (%)"
    plain = get(fed, "/overzicht", "csv", lijst="reflectie")
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    assert plain.text.splitlines()[0] == "measure,shown,applies,share_percent"
    page = get(fed, "/overzicht").text
    assert "layout=spreadsheet" in page


def test_each_view_in_csv(fed):
    rows = list(csv.DictReader(io.StringIO(get(fed, "/overzicht/regio/west", "csv").text)))
    assert [(r["section"], r["name"]) for r in rows] == [
        ("own", "Buurtkring Hoornes"), ("own", "Leergemeenschap Koestal"), ("own", "Leiden ouderen"),
        ("own", "Regionaal netwerk armoede West"), ("own", "Samen tegen armoede Katwijk"),
        ("area", "Ouderen Katwijk (Oost)"), ("national", "Landelijk netwerk armoede")]
    merged = next(r for r in rows if r["name"] == "Samen tegen armoede Katwijk")
    assert merged["nodes"] == "west; landelijk" and merged["themes"] == "Armoede"
    response = requests.get(fed.urls["hub"] + "overzicht/gemeente/GM0537", headers={"Accept": "text/csv"}, timeout=30)
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="gemeente-GM0537-praktijken.csv"' in response.headers["Content-Disposition"]
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 4
    counts = list(csv.DictReader(io.StringIO(get(fed, "/overzicht", "csv", lijst="tellingen").text)))
    assert {(r["facet"], r["label"], r["count"]) for r in counts if r["facet"] == "theme"} == {
        ("theme", "Armoede", "6"), ("theme", "Ouderenzorg", "2")}
    reflection = list(csv.DictReader(io.StringIO(get(fed, "/overzicht", "csv", lijst="reflectie").text)))
    assert [(r["measure"], r["shown"], r["applies"]) for r in reflection][0] == ("experiential", "2", "8")
    links = list(csv.DictReader(io.StringIO(get(fed, "/overzicht/praktijk", "csv", lijst="verbanden",
                                                iri=fed.iri("west", "koestal")).text)))
    assert [(r["direction"], r["name"]) for r in links] == [
        ("wider", "Landelijk netwerk armoede"), ("wider", "Samen tegen armoede Katwijk"),
        ("wider", "Regionaal netwerk armoede West"), ("nearby", "Buurtkring Hoornes")]


def test_each_view_in_rdf(fed):
    hub = fed.urls["hub"]
    graph = rdflib.Graph().parse(data=get(fed, "/overzicht/wijk/WK053700", "ttl").text, format="turtle")
    here = URIRef(hub + "overzicht/wijk/WK053700")
    assert set(graph.objects(here, RDFS.member)) == {URIRef(fed.iri("west", "koestal"))}
    assert set(graph.objects(here, URIRef("http://purl.org/dc/terms/isPartOf"))) == {
        URIRef(hub + "overzicht"), URIRef(hub + "overzicht/regio/west"), URIRef(hub + "overzicht/gemeente/GM0537")}
    national = parse(requests.get(hub + "overzicht", headers={"Accept": "application/ld+json"}, timeout=30).text,
                     "json-ld")
    tallies = {(str(national.value(t, LPH.value)), int(national.value(t, VOID.entities)))
               for t in national.objects(URIRef(hub + "overzicht"), LPH.tally)
               if national.value(t, LPH.dimension) == URIRef("http://purl.org/dc/terms/subject")}
    assert tallies == {(ARMOEDE, 6), (OUDERENZORG, 2)}
    assert len(set(national.subjects(RDF.type, URIRef("https://w3id.org/lerende-praktijken/def#LearningCommunity")))) == 8
    merged = URIRef(fed.iri("west", "samen-katwijk"))
    assert set(national.objects(merged, OWL_SAME)) == {URIRef(fed.iri("landelijk", "samen-katwijk"))}
    page = rdflib.Graph().parse(data=get(fed, "/overzicht/praktijk", "ttl", iri=fed.iri("west", "koestal")).text,
                                format="turtle")
    koestal = URIRef(fed.iri("west", "koestal"))
    assert set(page.objects(koestal, LPH.widerNetwork)) == {
        URIRef(fed.iri("landelijk", "netwerk-armoede")), merged, URIRef(fed.iri("west", "regio-armoede"))}
    assert set(page.objects(koestal, LPH.nearbyCommunity)) == {URIRef(fed.iri("west", "hoornes"))}


def test_each_view_in_html_links_across_levels(fed):
    html = get(fed, "/overzicht/gemeente/GM0537").text
    assert 'href="/overzicht/wijk/WK053700"' in html and 'href="/overzicht/regio/west"' in html
    for name in ("Buurtkring Hoornes", "Leergemeenschap Koestal", "Ouderen Katwijk (Oost)"):
        assert name in html
    assert "beschreven door 2 nodes" in get(fed, "/overzicht").text
    home = get(fed, "/").text
    for href in ("/overzicht", "/overzicht/regio/west", "/overzicht/regio/noord", "/overzicht/gemeente/GM0537",
                 "/overzicht/wijk/WK053700", "/overzicht/wijk/WK026801", "/sparql", "/dump.nq.gz"):
        assert f'href="{href}"' in home, href


@pytest.mark.parametrize("path, status", [
    ("/overzicht/regio/zuid", 404), ("/overzicht/gemeente/GM05", 404), ("/overzicht/wijk/GM0537", 404),
    ("/overzicht?format=xlsx", 406), ("/overzicht?format=csv&lijst=alles", 400), ("/overzicht/praktijk", 400),
    ("/overzicht/praktijk?iri=http://example.org/x", 404),
])
def test_bad_requests_get_a_problem(fed, path, status):
    response = requests.get(fed.urls["hub"] + path.lstrip("/"), headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == status
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["detail"]


# --- researchers: VoID, dump, SPARQL, examples ---------------------------------------------

def test_void_describes_every_harvested_graph_with_statistics(fed):
    hub = fed.urls["hub"]
    response = requests.get(hub + ".well-known/void", timeout=30)
    assert response.history[0].status_code == 303 and response.url == hub + "index.ttl"
    void = rdflib.Graph().parse(data=response.text, format="turtle")
    subsets = {str(s): (int(void.value(s, VOID.triples)), int(void.value(s, VOID.entities)))
               for s in void.objects(URIRef(hub + "#dataset"), VOID.subset) if "/graph/" in str(s)}
    assert subsets == {hub + "graph/west": (169, 5), hub + "graph/oost": (48, 2), hub + "graph/landelijk": (50, 2)}
    assert void.value(URIRef(hub + "graph/oost"), URIRef("http://purl.org/dc/terms/source")) == URIRef(fed.urls["oost"])


def test_federation_dump_is_gzipped_nquads_of_every_graph(fed):
    body = get(fed, "/dump.nq.gz").content
    sizes: dict[str, int] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = rdflib.Dataset()
        dataset.parse(data=gzip.decompress(body), format="nquads")
        for _, _, _, graph in dataset.quads():
            sizes[str(graph)] = sizes.get(str(graph), 0) + 1
    hub = fed.urls["hub"]
    sizes = {graph: n for graph, n in sizes.items() if "/graph/" in graph}
    assert sizes == {hub + "graph/west": 169, hub + "graph/oost": 48, hub + "graph/landelijk": 50}


def months_since(start: str, end: dt.date | None = None) -> int:
    start_day, until = dt.date.fromisoformat(start), end or TODAY
    return (until.year - start_day.year) * 12 + until.month - start_day.month


def expected_rows(fed) -> dict[str, list[list[str]]]:
    hub = fed.urls["hub"]
    hundred = (TODAY - dt.timedelta(days=100)).isoformat()
    return {
        "01-werkplaatsen-zonder-ervaringsdeskundigen": [[hub + "oogst/oost", "WSD Oost", "2"]],
        "02-ritme-drie-tot-zes-weken": [["3", "1"], ["4", "1"], ["6", "1"]],
        "03-themas-over-niveaus": [["armoede", "4"]],
        "04-hoe-lang-bestaan-praktijken": sorted([
            [fed.iri("west", "samen-katwijk"), "Samen tegen armoede Katwijk", "2021-05-01", str(months_since("2021-05-01"))],
            [fed.iri("landelijk", "netwerk-armoede"), "Landelijk netwerk armoede", "2022-01-10",
             str(months_since("2022-01-10"))],
            [fed.iri("west", "koestal"), "Leergemeenschap Koestal", "2023-01-10", str(months_since("2023-01-10"))],
            [fed.iri("oost", "hengstdal"), "Wijkkring Hengstdal", "2020-01-01", "5"],
            [fed.iri("west", "hoornes"), "Buurtkring Hoornes", hundred, str(months_since(hundred))],
            [fed.iri("west", "leiden-ouderen"), "Leiden ouderen", hundred, str(months_since(hundred))],
        ], key=lambda row: (-int(row[3]), row[1])),
        "05-langer-dan-anderhalf-jaar": [["Landelijk", "2", "1"], ["WSD Oost", "2", "0"], ["WSD West", "5", "2"]],
        "06-verslag-binnen-een-week": [["Leergemeenschap Koestal", "6", "6"]],
        "07-gespreksleider-en-notulist": [
            ["Buurtkring Hoornes", "false", "false"], ["Landelijk netwerk armoede", "true", "false"],
            ["Leiden ouderen", "false", "false"], ["Ouderen Katwijk (Oost)", "false", "false"],
            ["Regionaal netwerk armoede West", "false", "false"], ["Samen tegen  armoede, Katwijk", "false", "false"],
            ["Samen tegen armoede Katwijk", "false", "false"], ["Wijkkring Hengstdal", "false", "false"]],
        "08-minder-dan-drie-perspectieven": [
            ["Buurtkring Hoornes", "2"], ["Leiden ouderen", "2"], ["Regionaal netwerk armoede West", "2"],
            ["Samen tegen  armoede, Katwijk", "2"], ["Samen tegen armoede Katwijk", "2"], ["Wijkkring Hengstdal", "2"]],
        "09-van-wijk-naar-breder-netwerk": [["Leergemeenschap Koestal", fed.iri("landelijk", "netwerk-armoede"),
                                             "Landelijk netwerk armoede", "landelijk"]],
        "10-praktijken-per-gemeente": [["GM0537", "5"], ["GM0268", "1"], ["GM0546", "1"]],
        "11-partners-in-meerdere-praktijken": [["Welzijnskwartier Katwijk", "3", "2"], ["Gemeente Katwijk", "2", "2"]],
        "12-fysiek-of-online": [["OfflineEventAttendanceMode", "6"]],
        "13-resultaten-per-leerlus": [["dubbelslag", "1"]],
        "15-ervaringskennis-per-werkplaats-op-datum": [  # without asOf: today's data
            [hub + "graph/landelijk", "Landelijk", "2", "1"], [hub + "graph/oost", "WSD Oost", "1", "0"],
            [hub + "graph/west", "WSD West", "4", "1"]],
        "16-gestopt-sinds-peildatum": [],  # Hengstdal stopped in 2020, before the peildatum
        "17-levensduur-op-peildatum": sorted([
            [fed.iri("west", "samen-katwijk"), "Samen tegen armoede Katwijk", "2021-05-01", "", "56"],
            [fed.iri("landelijk", "netwerk-armoede"), "Landelijk netwerk armoede", "2022-01-10", "", "48"],
            [fed.iri("west", "koestal"), "Leergemeenschap Koestal", "2023-01-10", "", "36"],
            [fed.iri("oost", "hengstdal"), "Wijkkring Hengstdal", "2020-01-01", "2020-06-01", "5"],
            *([[fed.iri("west", slug), name, hundred, "", str(months_since(hundred, dt.date(2026, 1, 1)))]
               for slug, name in (("hoornes", "Buurtkring Hoornes"), ("leiden-ouderen", "Leiden ouderen"))]
              if hundred <= "2026-01-01" else []),
        ], key=lambda row: (-int(row[4]), row[1])),
    }


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.slug)
def test_example_query_returns_the_expected_rows(fed, example):
    response = requests.post(fed.urls["hub"] + "sparql", data={"query": example.text},
                             headers={"Accept": "text/csv"}, timeout=30)
    assert response.status_code == 200, response.text
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    if example.slug == "14-herkomst-per-node":
        hub = fed.urls["hub"]
        assert [row[:2] + row[3:] for row in rows] == [
            [hub + "graph/landelijk", "Landelijk", "50"], [hub + "graph/oost", "WSD Oost", "48"],
            [hub + "graph/west", "WSD West", "169"]]
        assert all(row[2].startswith(TODAY.isoformat()[:4]) for row in rows)
        return
    assert rows == expected_rows(fed)[example.slug]


def test_there_are_at_least_ten_example_queries_each_with_a_question_and_source():
    found = examples()
    assert len(found) >= 10
    assert all(e.question["nl"] and e.question["en"] and e.source for e in found)


def test_query_page_runs_an_example_as_a_table_with_downloads(fed):
    hub = fed.urls["hub"]
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    page = requests.get(hub + "sparql", headers=browser, timeout=30).text
    assert page.count('id="voorbeeld-') == len(examples())
    example = examples()[1]
    loaded = requests.get(hub + "sparql", params={"voorbeeld": example.slug}, headers=browser, timeout=30).text
    assert "FILTER(?weken &gt;= 3 &amp;&amp; ?weken &lt;= 6)" in loaded
    shown = requests.get(hub + "sparql", params={"query": example.text}, headers=browser, timeout=30)
    assert shown.headers["Content-Type"].startswith("text/html")
    assert "<tbody><tr><td>3</td><td>1</td></tr><tr><td>4</td><td>1</td></tr><tr><td>6</td><td>1</td></tr></tbody>" in shown.text
    as_csv = requests.get(hub + "sparql", params={"query": example.text, "format": "csv"}, timeout=30)
    assert as_csv.text.splitlines() == ["weken,praktijken", "3,1", "4,1", "6,1"]
    as_json = requests.get(hub + "sparql", params={"query": example.text, "format": "json"}, timeout=30).json()
    assert [b["weken"]["value"] for b in as_json["results"]["bindings"]] == ["3", "4", "6"]
    broken = requests.get(hub + "sparql", params={"query": "SELEC nothing"}, headers=browser, timeout=30)
    assert broken.status_code == 400 and 'role="alert"' in broken.text and "<textarea" in broken.text


# --- a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser.new_page()
        browser.close()


def test_browser_walks_from_national_to_a_wijk_and_back_up(fed, page):
    page.goto(fed.urls["hub"])
    page.get_by_role("link", name="Landelijk overzicht (8)").click()
    assert page.locator("h1").inner_text() == "Landelijk overzicht"
    chart = page.locator("#chart-theme svg[role=img]")
    desc = page.locator("#" + chart.get_attribute("aria-describedby"))
    assert desc.text_content() == "Armoede: 6; Ouderenzorg: 2"
    page.locator("#chart-theme summary").click()
    assert page.locator("#chart-theme table").is_visible()
    assert page.locator("#kaart svg a").count() == 342
    page.locator("#regio-lijst").get_by_role("link", name="WSD West").click()
    assert page.locator("h1").inner_text() == "WSD West"
    page.get_by_role("link", name="Katwijk").first.click()
    assert page.locator("h1").inner_text() == "Katwijk"
    page.locator("section ul.areas").get_by_role("link", name="Koestal (WK053700)").click()
    assert page.locator("h1").inner_text() == "Koestal (WK053700)"
    page.locator("#section-all").get_by_role("link", name="Leergemeenschap Koestal").click()
    assert page.locator("h1").inner_text() == "Leergemeenschap Koestal"
    page.locator("#links-wider").get_by_role("link", name="Landelijk netwerk armoede").click()
    assert page.locator("h1").inner_text() == "Landelijk netwerk armoede"
    assert "Leergemeenschap Koestal" in page.locator("#links-narrower").inner_text()
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Landelijk overzicht").click()
    assert page.url == fed.urls["hub"] + "overzicht"


def test_browser_filters_a_view_and_keeps_the_filters_in_the_url(fed, page):
    page.goto(fed.urls["hub"] + "overzicht")
    page.select_option("#f-theme", label="Ouderenzorg (2)")
    page.get_by_role("button", name="Filteren").click()
    assert "theme=" in page.url and page.locator("#view-count").inner_text() == "2"
    page.goto(page.url)  # the URL alone gives the same view
    assert page.locator("#view-count").inner_text() == "2"


def test_a_plain_node_has_no_views(fed):
    response = requests.get(fed.urls["west"] + "overzicht", headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 404 and response.headers["Content-Type"] == PROBLEM
    assert 'href="/overzicht"' not in requests.get(fed.urls["west"], timeout=30).text


def test_query_page_shows_construct_and_ask_results(fed):
    hub = fed.urls["hub"]
    browser = {"Accept": "text/html"}
    construct = ("PREFIX schema: <http://schema.org/> CONSTRUCT { ?s schema:name ?n } "
                 "WHERE { ?s a <https://w3id.org/lerende-praktijken/def#LearningCommunity> ; schema:name ?n }")
    shown = requests.get(hub + "sparql", params={"query": construct}, headers=browser, timeout=30)
    assert shown.status_code == 200 and '<pre class="graph"' in shown.text
    assert "Leergemeenschap Koestal" in shown.text
    ask = requests.get(hub + "sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=browser, timeout=30)
    assert ask.status_code == 200 and '<p class="boolean"><strong>ja</strong> (true)</p>' in ask.text


def test_chart_bars_link_to_the_view_filtered_by_their_value(fed):
    professional = ID + "perspectief/professional"
    v = view(fed, "/overzicht", perspective=professional)
    html = get(fed, "/overzicht", perspective=professional).text
    onderzoeker = ID + "perspectief/onderzoeker"
    href = "/overzicht?" + requests.compat.urlencode({"perspective": onderzoeker})
    assert f'href="{href.replace("&", "&amp;")}"' in html
    assert view(fed, "/overzicht", perspective=onderzoeker)["count"] == 3 != v["count"]


def test_too_long_search_text_is_refused(fed):
    response = requests.get(fed.urls["hub"] + "overzicht", params={"q": "armoede " * 40},
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 400 and response.headers["Content-Type"] == PROBLEM


def test_html_and_json_lists_come_in_pages(fed):
    first = get(fed, "/overzicht").text
    assert first.count('class="card"') == 8 and 'rel="next"' not in first and 'class="pager"' not in first
    beyond = requests.get(fed.urls["hub"] + "overzicht", params={"pagina": "2"}, headers={"Accept": "application/json"},
                          timeout=30)
    assert beyond.status_code == 404 and beyond.headers["Content-Type"] == PROBLEM
    assert "laatste pagina van dit overzicht is 1" in beyond.json()["detail"]
    paged = requests.get(fed.urls["hub"] + "overzicht", params={"theme": ID + "thema/armoede"},
                         headers={"Accept": "application/json"}, timeout=30)
    body = paged.json()
    assert body["page"] == {"number": 1, "size": 100, "pages": 1}
    assert paged.headers["X-Total-Count"] == str(body["count"]) == str(body["sections"][0]["total"])
    assert 'rel="first"' in paged.headers["Link"] and 'rel="next"' not in paged.headers["Link"]
    assert "pagina=alle" in paged.headers["Link"]
    whole = requests.get(fed.urls["hub"] + "overzicht", params={"format": "json", "pagina": "alle"}, timeout=30)
    assert whole.status_code == 200 and 'attachment; filename="landelijk.json"' == whole.headers["Content-Disposition"]
    assert len(whole.json()["sections"][0]["communities"]) == 8 and "Link" not in whole.headers
    bad = requests.get(fed.urls["hub"] + "overzicht", params={"pagina": "nul"}, headers={"Accept": "application/json"},
                       timeout=30)
    assert bad.status_code == 400 and bad.headers["Content-Type"] == PROBLEM
