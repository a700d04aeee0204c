"""The hub's views across time: `?op=`, the change pages and a community's "Geschiedenis".

One member (a FakeNode on 127.0.0.1) serves what a test month says; an in-process
hub (an app over an embedded store) harvests it once a simulated month, the clock
(`registry.clock.now`) moved to that month's harvest. Every view is then read
through the app's test client and compared with what the member served that month.

    month      koestal                    hoornes             dorp            vlek
    2026-05    wijk, armoede, p:bew+prof  lokaal, ouderen     -               -
    2026-06    + ouderenzorg, + onderz.   regionaal           new             -
               meeting 1 added
    2026-07    - bewoner                  beeindigd           deleted         new
    2026-08    (nothing changes: the harvest stores nothing)
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from fakenode import FakeNode
from registry import create_app
from registry.store import EmbeddedStore
from viewsfederation import PREFIXES  # the test federation's Turtle prefixes

HUB = "http://hub.test/"
ID = "https://w3id.org/lerende-praktijken/id/"
PROBLEM = "application/problem+json"
ATOM = "{http://www.w3.org/2005/Atom}"
HARVESTS = {"2026-05": "2026-05-15T10:00:00Z", "2026-06": "2026-06-15T10:00:00Z",
            "2026-07": "2026-07-15T10:00:00Z", "2026-08": "2026-08-15T10:00:00Z"}
NOW = "2026-08-20T12:00:00Z"


def community(slug, name, level, themes, perspectives, status="actief", place="gemeente:gm0537", extra=""):
    parts = " , ".join(f"[ a lp:Participation ; lp:perspective perspectief:{p} ; "
                       f"lp:count \"2\"^^xsd:nonNegativeInteger ; lp:role rol:deelnemer ]" for p in perspectives)
    subjects = " , ".join(f"thema:{t}" for t in themes)
    return (f"<praktijken/{slug}> a lp:LearningCommunity ; schema:name \"{name}\" ; dct:type soort:leergemeenschap ;"
            f" dct:subject {subjects} ; lp:level niveau:{level} ; dct:spatial {place} ; adms:status status:{status} ;"
            f" lp:participation {parts} ; schema:startDate \"2025-01-10\"^^xsd:date {extra}.\n")


KOESTAL_PLACE = "cbs:WK053700 , gemeente:gm0537"
MEETING = ("<praktijken/koestal/bijeenkomsten/1> a lp:Meeting ; schema:startDate \"2026-06-01\"^^xsd:date ;"
           " schema:eventAttendanceMode schema:OfflineEventAttendanceMode .\n")
MONTHS = {
    "2026-05": [community("koestal", "Leergemeenschap Koestal", "wijk", ["armoede"], ["bewoner", "professional"],
                          place=KOESTAL_PLACE),
                community("hoornes", "Buurtkring Hoornes", "lokaal", ["ouderenzorg"], ["professional"])],
    "2026-06": [community("koestal", "Leergemeenschap Koestal", "wijk", ["armoede", "ouderenzorg"],
                          ["bewoner", "professional", "onderzoeker"], place=KOESTAL_PLACE,
                          extra="; lp:hasMeeting <praktijken/koestal/bijeenkomsten/1> "), MEETING,
                community("hoornes", "Buurtkring Hoornes", "regionaal", ["ouderenzorg"], ["professional"]),
                community("dorp", "Dorpskring Rijnsburg", "lokaal", ["armoede"], ["bewoner"])],
    "2026-07": [community("koestal", "Leergemeenschap Koestal", "wijk", ["armoede", "ouderenzorg"],
                          ["professional", "onderzoeker"], place=KOESTAL_PLACE,
                          extra="; lp:hasMeeting <praktijken/koestal/bijeenkomsten/1> "), MEETING,
                community("hoornes", "Buurtkring Hoornes", "regionaal", ["ouderenzorg"], ["professional"],
                          status="beeindigd"),
                community("vlek", "Vlekkenkring", "lokaal", ["armoede"], ["professional"])],
}
MONTHS["2026-08"] = MONTHS["2026-07"]
SERVED = {"2026-05": {"koestal", "hoornes"}, "2026-06": {"koestal", "hoornes", "dorp"},
          "2026-07": {"koestal", "hoornes", "vlek"}, "2026-08": {"koestal", "hoornes", "vlek"}}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """Harvest the member once per simulated month; the clock then stays at NOW for the requests."""
    monkeypatch = pytest.MonkeyPatch()
    member = FakeNode(0)
    folder = tmp_path_factory.mktemp("history-views")
    instances = folder / "instances.yaml"
    west = f"{{id: west, name: WSD West, url: '{member.base_url}', level: regionaal, area: [GM0537]}}"
    instances.write_text(f"nodes:\n  - {west}\n"
                         "  - {id: noord, name: WSD Noord, url: '', level: regionaal, area: [GM0014]}\n")
    app = create_app({"data_dir": folder, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False})
    node = app.extensions["bamboe"]
    node.hub.after_harvest.clear()  # the current index is refreshed here, not in the background
    outcomes = {}
    for month, when in HARVESTS.items():
        member.serve(list(ox.parse(PREFIXES + "".join(MONTHS[month]), format=ox.RdfFormat.TURTLE,
                                   base_iri=member.base_url)))
        monkeypatch.setattr("registry.clock.now", lambda when=when: at(when))
        outcomes[month] = node.hub.harvest("west").outcome
    monkeypatch.setattr("registry.clock.now", lambda: at(NOW))
    node.federation.refresh()
    yield app, member, outcomes
    node.close()
    member.stop()
    monkeypatch.undo()


@pytest.fixture
def client(hub):
    """A client of its own per test: a language chosen in one test is remembered in its cookie."""
    return hub[0].test_client()


def iri(member, slug: str) -> str:
    return f"{member.base_url}praktijken/{slug}"


def slugs(view: dict) -> set[str]:
    return {c["iri"].rsplit("/", 1)[-1] for section in view["sections"] for c in section["communities"]}


def json_of(client, path, **params) -> dict:
    response = client.get(path, query_string={**params, "format": "json"})
    assert response.status_code == 200, (path, params, response.get_data(as_text=True)[:400])
    return response.get_json()


def test_each_month_was_harvested_and_the_quiet_one_stored_nothing(hub):
    _, _, outcomes = hub
    assert outcomes == {"2026-05": "stored", "2026-06": "stored", "2026-07": "stored", "2026-08": "unchanged"}


@pytest.mark.parametrize("month", list(SERVED))
def test_the_national_view_as_of_each_month_lists_what_the_member_served(client, month):
    view = json_of(client, "/overzicht", op=f"{month}-20")
    assert slugs(view) == SERVED[month]
    assert view["op"] == f"{month}-20" and not view["recent"]
    assert all("op=" + f"{month}-20" in c["url"] for section in view["sections"] for c in section["communities"])


def test_the_day_of_a_harvest_includes_it_and_the_day_before_does_not(client):
    assert slugs(json_of(client, "/overzicht", op="2026-06-14")) == SERVED["2026-05"]
    assert slugs(json_of(client, "/overzicht", op="2026-06-15")) == SERVED["2026-06"]
    assert slugs(json_of(client, "/overzicht", op="2026-05-14")) == set()


def test_area_views_as_of_a_month(client):
    assert slugs(json_of(client, "/overzicht/regio/west", op="2026-06-20")) == {"koestal", "hoornes", "dorp"}
    assert slugs(json_of(client, "/overzicht/gemeente/GM0537", op="2026-07-20")) == {"koestal", "hoornes", "vlek"}
    assert slugs(json_of(client, "/overzicht/wijk/WK053700", op="2026-05-20")) == {"koestal"}
    themes = {row["value"] for row in json_of(client, "/overzicht/wijk/WK053700", op="2026-05-20")["counts"]["theme"]}
    assert themes == {ID + "thema/armoede"}  # ouderenzorg came in June


def test_the_current_view_is_todays(client):
    view = json_of(client, "/overzicht")
    assert slugs(view) == SERVED["2026-08"] and view["op"] is None


def test_an_as_of_view_in_html_has_a_banner_a_date_form_and_links_that_keep_the_day(client):
    page = client.get("/overzicht?op=2026-06-20&theme=" + ID + "thema/armoede").get_data(as_text=True)
    assert "Je bekijkt het landschap zoals het was op 20 juni 2026." in page
    assert 'href="/overzicht?theme=' in page  # the way back to today keeps the filter, drops the day
    assert 'id="op-datum" name="op" type="date" value="2026-06-20"' in page
    assert '<label for="op-datum">Bekijk op datum</label>' in page
    assert '<input type="hidden" name="op" value="2026-06-20">' in page  # the filters stay on the day
    assert "/overzicht/regio/west?op=2026-06-20" in page
    assert "/overzicht/veranderd?tot=2026-06-20" in page
    assert "daarvoor is niets bekend" not in page
    assert "Recente wijzigingen" not in page
    english = client.get("/overzicht?op=2026-06-20&lang=en").get_data(as_text=True)
    assert "You are viewing the landscape as it was on 20 June 2026." in english


def test_a_day_before_the_history_begins_says_so(client):
    page = client.get("/overzicht?op=2026-01-01").get_data(as_text=True)
    assert "De geschiedenis begint op 15 mei 2026; daarvoor is niets bekend." in page


def test_csv_and_rdf_of_an_as_of_view_say_the_day(client, hub):
    _, member, _ = hub
    response = client.get("/overzicht", query_string={"op": "2026-06-20", "format": "csv"})
    assert "landelijk-praktijken-2026-06-20.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["iri"] for row in rows} == {iri(member, s) for s in SERVED["2026-06"]}
    turtle = client.get("/overzicht", query_string={"op": "2026-06-20", "format": "ttl"}).get_data(as_text=True)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    here = rdflib.URIRef(HUB + "overzicht?op=2026-06-20")
    valid = rdflib.URIRef("http://purl.org/dc/terms/valid")
    assert graph.value(here, valid) == rdflib.Literal("2026-06-20", datatype=rdflib.XSD.date)
    members = set(graph.objects(here, rdflib.RDFS.member))
    assert members == {rdflib.URIRef(iri(member, s)) for s in SERVED["2026-06"]}


@pytest.mark.parametrize("params", [{"op": "gisteren"}, {"op": "2026-02-30"}, {"op": "2026-08-21"},
                                    {"op": "2027-01-01"}])
def test_a_bad_or_future_day_is_a_400(client, params):
    for path in ("/overzicht", "/overzicht/regio/west", "/overzicht/wijk/WK053700"):
        response = client.get(path, query_string=params, headers={"Accept": "application/json"})
        assert response.status_code == 400 and response.mimetype == PROBLEM, (path, params)
    page = client.get("/overzicht", query_string=params, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.mimetype == "text/html"


def changes_of(client, path="/overzicht/veranderd", **params) -> dict[tuple[str, str], dict]:
    found = json_of(client, path, **params)
    return {(c["iri"].rsplit("/", 1)[-1], c["kind"]): c for c in found["changes"]}


def test_the_change_page_names_exactly_what_started_ended_and_changed(client):
    june = changes_of(client, van="2026-05-20", tot="2026-06-20")
    assert set(june) == {("dorp", "started"), ("hoornes", "level"), ("koestal", "theme"),
                         ("koestal", "perspective_gained")}
    assert june[("hoornes", "level")]["before"] == [ID + "niveau/lokaal"]
    assert june[("hoornes", "level")]["after"] == [ID + "niveau/regionaal"]
    assert june[("koestal", "perspective_gained")]["after"] == [ID + "perspectief/onderzoeker"]
    july = changes_of(client, van="2026-06-20", tot="2026-07-20")
    assert set(july) == {("vlek", "started"), ("hoornes", "ended"), ("dorp", "ended"),
                         ("koestal", "perspective_lost")}
    assert july[("dorp", "ended")]["after"] == []  # deleted: it left the register
    assert july[("hoornes", "ended")]["after"] == [ID + "status/beeindigd"]
    assert july[("koestal", "perspective_lost")]["before"] == [ID + "perspectief/bewoner"]
    assert "op=2026-06-20" in july[("dorp", "ended")]["url"]  # seen on the day it still was
    assert changes_of(client, van="2026-07-20", tot="2026-08-20") == {}


def test_the_change_page_of_an_area_keeps_to_it(client):
    wijk = changes_of(client, "/overzicht/wijk/WK053700/veranderd", van="2026-05-20", tot="2026-07-20")
    assert set(wijk) == {("koestal", "theme"), ("koestal", "perspective_gained"), ("koestal", "perspective_lost")}
    region = changes_of(client, "/overzicht/regio/west/veranderd", van="2026-05-20", tot="2026-07-20")
    assert {slug for slug, _ in region} == {"koestal", "hoornes", "vlek"}  # dorp came and went in between
    assert changes_of(client, "/overzicht/regio/noord/veranderd", van="2026-05-20", tot="2026-07-20") == {}
    assert client.get("/overzicht/regio/nergens/veranderd").status_code == 404


def test_the_change_page_defaults_to_three_months_until_today(client):
    found = json_of(client, "/overzicht/veranderd")
    assert (found["van"], found["tot"]) == ("2026-05-20", "2026-08-20")
    assert {(c["iri"].rsplit("/", 1)[-1], c["kind"]) for c in found["changes"]} >= {("vlek", "started")}


@pytest.mark.parametrize("params", [{"van": "2026-07-01", "tot": "2026-06-01"}, {"van": "morgen"},
                                    {"tot": "2026-08-21"}, {"van": "2026-13-01"}])
def test_a_bad_window_is_a_400(client, params):
    response = client.get("/overzicht/veranderd", query_string=params, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.mimetype == PROBLEM, params


def test_the_change_page_in_html_lists_each_kind_under_its_heading(client):
    page = client.get("/overzicht/veranderd?van=2026-06-20&tot=2026-07-20").get_data(as_text=True)
    assert "Wat is er veranderd tussen 20 juni 2026 en 20 juli 2026" in page
    for heading in ("Nieuw gestart (1)", "Gestopt (2)", "Perspectief weg (1)"):
        assert heading in page
    assert "Ander niveau (" not in page  # no level changed in July
    assert "niet meer in het register" in page and "Vlekkenkring" in page
    assert '<label for="van">' in page and '<label for="tot">' in page
    early = client.get("/overzicht/veranderd?van=2026-01-01&tot=2026-06-20").get_data(as_text=True)
    assert "De geschiedenis begint op 15 mei 2026" in early


def test_the_change_csv_has_one_row_per_change(client, hub):
    _, member, _ = hub
    response = client.get("/overzicht/veranderd", query_string={"van": "2026-06-20", "tot": "2026-07-20",
                                                                "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {(row["iri"], row["change"]) for row in rows} == {
        (iri(member, "vlek"), "started"), (iri(member, "hoornes"), "ended"), (iri(member, "dorp"), "ended"),
        (iri(member, "koestal"), "perspective_lost")}
    lost = next(row for row in rows if row["change"] == "perspective_lost")
    assert (lost["from"], lost["to"], lost["from_iris"]) == ("Bewoner", "", ID + "perspectief/bewoner")
    assert "veranderd-2026-06-20-2026-07-20.csv" in response.headers["Content-Disposition"]


def test_the_change_feed_is_atom_with_one_entry_per_change(client):
    response = client.get("/overzicht/veranderd?van=2026-06-20&tot=2026-07-20&format=atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated", "author"):  # RFC 4287 4.1.1
        assert feed.find(ATOM + required) is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("format=atom")
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 4
    for entry in entries:
        for required in ("id", "title", "updated", "link", "content"):
            assert entry.find(ATOM + required) is not None, required
        dt.datetime.fromisoformat(entry.find(ATOM + "updated").text)
    assert len({entry.find(ATOM + "id").text for entry in entries}) == 4
    assert "Vlekkenkring: Nieuw gestart" in {entry.find(ATOM + "title").text for entry in entries}
    started = next(e for e in entries if e.find(ATOM + "title").text == "Vlekkenkring: Nieuw gestart")
    assert "niet meer in het register" not in started.find(ATOM + "content").text  # it is new: it was nowhere
    assert started.find(ATOM + "content").text.startswith("Nieuw gestart: geen → ")


@pytest.mark.parametrize("path", ["/overzicht?op=0001-01-01", "/overzicht/veranderd?tot=0001-01-02",
                                  "/overzicht/veranderd?van=0001-01-01&tot=2026-07-01"])
def test_dates_too_far_back_are_refused_not_overflowed(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_geschiedenis_lists_every_version_newest_first_with_what_changed(client, hub):
    _, member, _ = hub
    view = json_of(client, "/overzicht/praktijk", iri=iri(member, "koestal"))
    history = view["geschiedenis"]
    own = [v for v in history if v["resource"] == iri(member, "koestal")]
    assert [v["kind"] for v in own] == ["Update", "Update", "Create"]
    assert [v["time"][:7] for v in own] == ["2026-07", "2026-06", "2026-05"]
    assert all(v["member_name"] == "WSD West" for v in history)
    meeting = [v for v in history if v["part"] == "bijeenkomsten"]
    assert [(v["kind"], v["slug"]) for v in meeting] == [("Create", "1")]
    june = {c["field"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]: c for c in own[1]["changes"]}
    assert set(june) == {"subject", "participation", "hasMeeting"}
    assert june["subject"]["change"] == "changed" or june["subject"]["added"]
    assert [v["value"] for v in june["subject"]["added"]] == [ID + "thema/ouderenzorg"]
    assert june["subject"]["added"][0]["label"] == "Ouderenzorg"
    assert june["hasMeeting"]["change"] == "added"
    july = {c["field"].rsplit("#", 1)[-1]: c for c in own[0]["changes"]}
    assert set(july) == {"participation"}
    assert "Bewoner" in july["participation"]["removed"][0]["label"] and not july["participation"]["added"]


def test_geschiedenis_of_a_deleted_community_and_as_of_a_day(client, hub):
    _, member, _ = hub
    dorp = json_of(client, "/overzicht/praktijk", iri=iri(member, "dorp"), op="2026-06-20")
    assert [v["kind"] for v in dorp["geschiedenis"]] == ["Create"]
    assert client.get("/overzicht/praktijk", query_string={"iri": iri(member, "dorp")}).status_code == 404
    koestal = json_of(client, "/overzicht/praktijk", iri=iri(member, "koestal"), op="2026-06-20")
    assert [v["time"][:7] for v in koestal["geschiedenis"] if not v["part"]] == ["2026-06", "2026-05"]


def test_geschiedenis_in_html(client, hub):
    _, member, _ = hub
    page = client.get("/overzicht/praktijk", query_string={"iri": iri(member, "koestal")}).get_data(as_text=True)
    assert '<h2 id="history-h">Geschiedenis</h2>' in page
    assert page.count('<li id="versie-') == 4
    assert "aangemaakt" in page and "gewijzigd" in page and "geoogst van WSD West" in page
    assert "erbij: <ins>Ouderenzorg</ins>" in page


def test_geschiedenis_names_fields_as_the_editor_does(client, hub):
    _, member, _ = hub
    view = json_of(client, "/overzicht/praktijk", iri=iri(member, "koestal"))
    june = next(v for v in view["geschiedenis"] if not v["part"] and v["time"].startswith("2026-06"))
    assert {c["label"] for c in june["changes"]} == {"Thema's", "Wie doen er mee", "heeft bijeenkomst"}
    people = next(c for c in june["changes"] if c["label"] == "Wie doen er mee")
    assert people["added"][0]["label"] == "aantal: 2, perspectief: Onderzoeker, rol: Deelnemer"


def test_the_change_page_is_negotiated_and_offers_no_rdf(client):
    atom = client.get("/overzicht/veranderd", headers={"Accept": "application/atom+xml"})
    assert atom.status_code == 200 and atom.mimetype == "application/atom+xml"
    assert client.get("/overzicht/veranderd", headers={"Accept": "text/csv"}).mimetype == "text/csv"
    refused = client.get("/overzicht/veranderd?format=ttl", headers={"Accept": "application/json"})
    assert refused.status_code == 406 and refused.mimetype == PROBLEM


def test_an_instant_is_kept_as_given_and_said_as_a_datetime(client):
    view = json_of(client, "/overzicht", op="2026-06-15T09:00:00Z")
    assert slugs(view) == SERVED["2026-05"] and view["op"] == "2026-06-15T09:00:00Z"  # an hour before June's harvest
    turtle = client.get("/overzicht", query_string={"op": "2026-06-15T11:00:00+02:00", "format": "ttl"})
    graph = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    [valid] = graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/valid"))
    assert valid.datatype == rdflib.XSD.dateTime and valid.value == at("2026-06-15T09:00:00Z")
