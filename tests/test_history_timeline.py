"""Change over time on the hub's views: lives from the version log, series per quarter and month, lifetimes.

One member (a FakeNode on 127.0.0.1) serves what a test harvest says; an in-process hub
(an app over an embedded store) harvests it with the clock (`registry.clock.now`) moved
to each harvest's time. The history begins at the first harvest (2025-02-15).

    harvest     koestal (wijk, GM0537)   hoornes (GM0537)          dorp (GM0546)     vlek (GM0537)
    2025-02-15  start 2024-01-10,        start 2024-07-01,         start 2023-05-01  -
                ervaringsdeskundige +    professional              bewoner + prof.
                2 more; meeting 01-20                              meeting 02-01
    2025-05-15  meeting 04-10            + cliënt (experiential)   deleted           new, no start date
    2025-11-15  meeting 2026-03-01       beëindigd, end 2025-10-31
                (planned)
    2026-02-15  the planned meeting
                removed before its date
    now: 2026-03-10
"""
from __future__ import annotations

import datetime as dt
import re
import threading

import pyoxigraph as ox
import pytest

from fakenode import FakeNode
from registry import create_app
from registry.history import series as over
from registry.history.states import Token
from registry.history.timeline import Timeline, Timelines, extend
from registry.ldes import KINDS, LOG_GRAPH
from registry.ldes.versions import GONE, Snapshot, log_triples
from registry.store import EmbeddedStore
from registry.views.federation import Member
from viewsfederation import PREFIXES  # the test federation's Turtle prefixes

HUB = "http://hub.test/"
HARVESTS = ("2025-02-15T10:00:00Z", "2025-05-15T10:00:00Z", "2025-11-15T10:00:00Z", "2026-02-15T10:00:00Z")
NOW = "2026-03-10T12:00:00Z"


def community(slug, level, place, perspectives, start=None, status="actief", extra=""):
    parts = " , ".join(f"[ lp:perspective perspectief:{p} ]" for p in perspectives)
    started = f'; schema:startDate "{start}"^^xsd:date ' if start else ""
    return (f"<praktijken/{slug}> a lp:LearningCommunity ; schema:name \"{slug.capitalize()}\" ; "
            f"dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:{level} ; "
            f"dct:spatial {place} ; adms:status status:{status} ; "
            f"lp:participation {parts} {started}{extra}.\n")


def meeting(slug, number, day):
    return f"<praktijken/{slug}/bijeenkomsten/{number}> a lp:Meeting ; schema:startDate \"{day}\"^^xsd:date .\n"


def meets(slug, *numbers):
    return "; lp:hasMeeting " + " , ".join(f"<praktijken/{slug}/bijeenkomsten/{n}>" for n in numbers) + " "


KOESTAL = ("koestal", "wijk", "cbs:WK053700 , gemeente:gm0537", ["ervaringsdeskundige", "professional", "onderzoeker"],
           "2024-01-10")
SERVED = [
    community(*KOESTAL, extra=meets("koestal", 1)) + meeting("koestal", 1, "2025-01-20")
    + community("hoornes", "lokaal", "gemeente:gm0537", ["professional"], "2024-07-01")
    + community("dorp", "lokaal", "gemeente:gm0546", ["bewoner", "professional"], "2023-05-01", extra=meets("dorp", 1))
    + meeting("dorp", 1, "2025-02-01"),
    community(*KOESTAL, extra=meets("koestal", 1, 2)) + meeting("koestal", 1, "2025-01-20")
    + meeting("koestal", 2, "2025-04-10")
    + community("hoornes", "lokaal", "gemeente:gm0537", ["professional", "client"], "2024-07-01")
    + community("vlek", "lokaal", "gemeente:gm0537", ["bewoner"]),
    community(*KOESTAL, extra=meets("koestal", 1, 2, 3)) + meeting("koestal", 1, "2025-01-20")
    + meeting("koestal", 2, "2025-04-10") + meeting("koestal", 3, "2026-03-01")
    + community("hoornes", "lokaal", "gemeente:gm0537", ["professional", "client"], "2024-07-01", status="beeindigd",
                extra='; schema:endDate "2025-10-31"^^xsd:date ')
    + community("vlek", "lokaal", "gemeente:gm0537", ["bewoner"]),
]
SERVED.append(SERVED[2].replace(meeting("koestal", 3, "2026-03-01"), "")  # the planned meeting is called off
              .replace(" , <praktijken/koestal/bijeenkomsten/3>", ""))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    member = FakeNode(0)
    folder = tmp_path_factory.mktemp("history-timeline")
    instances = folder / "instances.yaml"
    instances.write_text("nodes:\n"
                         f"  - {{id: west, name: WSD West, url: '{member.base_url}', level: regionaal, "
                         "area: [GM0537, GM0546]}\n"
                         "  - {id: noord, name: WSD Noord, url: '', level: regionaal, area: [GM0014]}\n")
    app = create_app({"data_dir": folder, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False})
    node = app.extensions["bamboe"]
    node.hub.after_harvest.clear()  # the current index is refreshed here, not in the background
    for served, when in zip(SERVED, HARVESTS):
        member.serve(list(ox.parse(PREFIXES + served, format=ox.RdfFormat.TURTLE, base_iri=member.base_url)))
        monkeypatch.setattr("registry.clock.now", lambda when=when: at(when))
        assert node.hub.harvest("west").outcome == "stored"
    monkeypatch.setattr("registry.clock.now", lambda: at(NOW))
    node.federation.refresh()
    yield app, member
    node.close()
    member.stop()
    monkeypatch.undo()


@pytest.fixture(scope="module")
def timeline(hub):
    app, _ = hub
    node = app.extensions["bamboe"]
    return extend(None, node.store, node.hub.view_members())


def iri(hub, slug):
    return f"{hub[1].base_url}praktijken/{slug}"


def of(quarters, field):
    return {f"{q.year} K{q.number}": getattr(q, field) for q in quarters}


def national(timeline, until=NOW, area=over.Area("landelijk")):
    return over.series(timeline, area, lambda found: found, lambda iri: iri, at(until))


def test_each_community_has_its_life_from_the_log(hub, timeline):
    now = at(NOW)
    spans = {life.iri.rsplit("/", 1)[-1]: life.span(now) for life in timeline.lives.values()}
    assert set(spans) == {"koestal", "hoornes", "dorp", "vlek"}
    assert (spans["koestal"].start, spans["koestal"].end) == (dt.date(2024, 1, 10), None)
    assert (spans["hoornes"].end, spans["hoornes"].ended_by) == (dt.date(2025, 10, 31), "einddatum")
    assert (spans["dorp"].end, spans["dorp"].ended_by) == (dt.date(2025, 5, 15), "verwijderd")
    assert (spans["vlek"].start, spans["vlek"].start_given) == (dt.date(2025, 5, 15), False)
    hoornes = timeline.lives[iri(hub, "hoornes")]
    assert len(hoornes.versions) == 3  # the first harvest, cliënt added, ended
    assert hoornes.on(dt.date(2024, 9, 30), now) == (hoornes.versions[0].community, True)  # before its first version
    assert hoornes.versions[0].community.gemeenten == ("GM0537",)  # placed as the views place it


def test_active_communities_per_quarter_count_the_deleted_one_while_it_was_active(timeline):
    quarters = national(timeline).quarters
    assert of(quarters, "active") == {
        "2023 K2": 1, "2023 K3": 1, "2023 K4": 1, "2024 K1": 2, "2024 K2": 2, "2024 K3": 3, "2024 K4": 3,
        "2025 K1": 3, "2025 K2": 4, "2025 K3": 3, "2025 K4": 3, "2026 K1": 2}
    before = {label for label, flag in of(quarters, "before_history").items() if flag}
    assert before == {"2023 K2", "2023 K3", "2023 K4", "2024 K1", "2024 K2", "2024 K3", "2024 K4", "2025 K1"}
    assert [label for label, flag in of(quarters, "current").items() if flag] == ["2026 K1"]


def test_the_mix_per_quarter_follows_each_version(timeline):
    quarters = national(timeline).quarters
    experiential = of(quarters, "experiential")
    assert experiential["2024 K4"] == 1  # koestal's ervaringsdeskundige; hoornes' first version stands in
    assert experiential["2025 K2"] == 2  # hoornes' cliënt brings experiential knowledge from May 2025
    assert experiential["2026 K1"] == 1  # hoornes ended
    assert set(of(quarters, "perspectives").values()) == {0, 1}  # only koestal has three perspectives
    q = quarters[-4]  # 2025 K2: koestal, hoornes, dorp, vlek
    assert (q.active, q.experiential_share, q.perspectives_share) == (4, 50, 25)


def test_meetings_per_month_count_a_deleted_communitys_and_not_one_removed_before_its_day(timeline):
    months = {m.month: m.meetings for m in national(timeline).months}
    assert list(months)[0] == "2025-01" and list(months)[-1] == "2026-03"
    assert {month: n for month, n in months.items() if n} == {"2025-01": 1, "2025-02": 1, "2025-04": 1}


def test_lasting_counts_ended_and_deleted_communities(timeline):
    lasting = national(timeline).lasting
    assert lasting.cutoff == dt.date(2024, 9, 8)
    # koestal (running), dorp (deleted after two years) lasted; hoornes (487 days) did not; vlek is too young
    assert (lasting.started, lasting.lasted, lasting.ended, lasting.deleted, lasting.share) == (3, 2, 2, 1, 67)


def test_areas_keep_to_the_views_placement(timeline):
    leiden = national(timeline, area=over.Area("gemeente", "GM0546"))
    assert of(leiden.quarters, "active")["2025 K2"] == 1 and of(leiden.quarters, "active")["2025 K3"] == 0
    assert (leiden.lasting.started, leiden.lasting.lasted) == (1, 1)
    assert {m.month: m.meetings for m in leiden.months if m.meetings} == {"2025-02": 1}
    wijk = national(timeline, area=over.Area("wijk", "WK053700"))
    assert set(of(wijk.quarters, "active").values()) == {1} and wijk.quarters[0].year == 2024
    region = national(timeline, area=over.region(timeline, "west", ["GM0537", "GM0546"], lambda iri: iri))
    assert of(region.quarters, "active") == of(national(timeline).quarters, "active")
    elsewhere = national(timeline, area=over.region(timeline, "noord", ["GM0014"], lambda iri: iri))
    assert elsewhere.lives == 0


def test_as_of_a_day_the_series_end_then_and_know_only_what_the_log_knew(timeline):
    then = national(timeline, "2025-06-30T12:00:00Z")
    assert then.quarters[-1].year == 2025 and then.quarters[-1].number == 2 and then.quarters[-1].current
    assert of(then.quarters, "active")["2025 K2"] == 4
    spans = {life.iri.rsplit("/", 1)[-1]: life.span(at("2025-04-01T00:00:00Z")) for life in timeline.lives.values()}
    assert spans["vlek"] is None and spans["dorp"].end is None  # neither known yet on 1 April 2025


def test_the_lifetime_of_a_running_an_ended_and_a_deleted_community(hub, timeline):
    now = at(NOW)
    koestal = over.lifetime(timeline, [iri(hub, "koestal")], now)
    assert (koestal.ended, koestal.years, koestal.months) == (False, 2, 2)
    hoornes = over.lifetime(timeline, [iri(hub, "hoornes")], now)
    assert (hoornes.ended, hoornes.ended_by, hoornes.years, hoornes.months) == (True, "einddatum", 1, 3)
    dorp = over.lifetime(timeline, [iri(hub, "dorp")], now)
    assert (dorp.ended, dorp.ended_by, dorp.years, dorp.months) == (True, "verwijderd", 2, 0)


# --- a log written by hand: what a harvest cannot easily make ------------------------------------

GRAPH = HUB + "graph/west"
MEMBERS = [Member("west", "WSD West", "regionaal", ("GM0537",), GRAPH)]
BASE = "http://west.test/praktijken/"


def version(number, when, slug, triples, kind=KINDS[1]):
    snapshot = Snapshot(BASE + slug, tuple(triples), GONE if not triples else f"d{number}", GRAPH)
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(LOG_GRAPH))
            for t in log_triples(number, kind, snapshot, snapshot.digest, when)]


def described(slug, status="actief", start="2024-01-01"):
    text = PREFIXES + community(slug, "lokaal", "gemeente:gm0537", ["professional"], start, status)
    return list(ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri="http://west.test/"))


def test_a_community_that_comes_back_lives_on_and_status_beeindigd_ends_it_when_first_said():
    store = EmbeddedStore()
    store.extend(version(1, "2025-01-10T10:00:00Z", "terug", described("terug"), KINDS[0])
                 + version(2, "2025-03-10T10:00:00Z", "terug", [], KINDS[2])
                 + version(3, "2025-06-10T10:00:00Z", "terug", described("terug"), KINDS[0])
                 + version(4, "2025-02-10T10:00:00Z", "klaar", described("klaar"), KINDS[0])
                 + version(5, "2025-04-10T10:00:00Z", "klaar", described("klaar", "beeindigd"))
                 + version(6, "2025-08-10T10:00:00Z", "klaar", described("klaar", "beeindigd") + [
                     ox.Triple(ox.NamedNode(BASE + "klaar"), ox.NamedNode("http://schema.org/description"),
                               ox.Literal("nog steeds klaar"))]))
    made = extend(None, store, MEMBERS)
    now = at("2025-09-01T00:00:00Z")
    back = made.lives[BASE + "terug"].span(now)
    assert (back.end, len(made.lives[BASE + "terug"].versions)) == (None, 3)
    assert made.lives[BASE + "terug"].span(at("2025-04-01T00:00:00Z")).ended_by == "verwijderd"
    done = made.lives[BASE + "klaar"].span(now)
    assert (done.end, done.ended_by) == (dt.date(2025, 4, 10), "beeindigd")


def test_a_grown_log_is_read_from_where_the_timeline_was_and_an_erase_rebuilds_it():
    store = EmbeddedStore()
    store.extend(version(1, "2025-01-10T10:00:00Z", "een", described("een"), KINDS[0]))
    first = extend(None, store, MEMBERS)
    store.extend(version(2, "2025-02-10T10:00:00Z", "twee", described("twee"), KINDS[0]))
    grown = extend(first, store, MEMBERS)
    assert set(grown.lives) == {BASE + "een", BASE + "twee"} and grown.token.count == 2
    assert grown.lives[BASE + "een"] is first.lives[BASE + "een"]  # read once, kept
    erased = Timeline(Token(2, "2025-03-01T00:00:00Z", grown.token.first), dict(grown.lives))
    rebuilt = extend(erased, store, MEMBERS)  # the token says no erase: everything is read again
    assert set(rebuilt.lives) == {BASE + "een", BASE + "twee"} and rebuilt.lives[BASE + "een"] is not \
        first.lives[BASE + "een"]
    timelines = Timelines(store, MEMBERS)
    assert timelines.get() is timelines.get()  # one timeline per token


def test_only_the_request_that_starts_a_build_waits_for_it(monkeypatch):
    store = EmbeddedStore()
    store.extend(version(1, "2025-01-10T10:00:00Z", "een", described("een"), KINDS[0]))
    release, builds = threading.Event(), []

    def slow(*args):
        builds.append(args)
        release.wait(10)
        return extend(*args)
    monkeypatch.setattr("registry.history.timeline.extend", slow)
    timelines = Timelines(store, MEMBERS, wait_s=0.1)
    assert timelines.get() is None and timelines.get() is None  # being worked out: the page says so
    release.set()
    timelines._worker.join(10)
    assert len(builds) == 1 and set(timelines.get().lives) == {BASE + "een"}


def test_a_log_read_in_small_chunks_gives_the_same_lives(hub, timeline, monkeypatch):
    monkeypatch.setattr("registry.history.timeline.CHUNK", 1)
    node = hub[0].extensions["bamboe"]
    chunked = extend(None, node.store, node.hub.view_members())
    now = at(NOW)
    assert {iri: life.span(now) for iri, life in chunked.lives.items()} == \
        {iri: life.span(now) for iri, life in timeline.lives.items()}
    assert {iri: m.held_on(now) for iri, m in chunked.meetings.items()} == \
        {iri: m.held_on(now) for iri, m in timeline.meetings.items()}


# --- the hub's pages ---------------------------------------------------------------------------------

@pytest.fixture
def client(hub):
    return hub[0].test_client()


def test_a_hub_view_shows_the_charts_each_with_a_table(client):
    page = client.get("/overzicht").get_data(as_text=True)
    section = page[page.index('id="verloop"'):page.index('aria-labelledby="reflection-h"')]
    for chart in ("time-active", "time-mix", "time-meetings"):
        assert f'<figure class="chart" id="{chart}">' in section
        assert f'aria-describedby="{chart}-desc"' in section and f'<desc id="{chart}-desc">' in section
        assert f'<caption id="{chart}-table-caption">' in section
    assert '<th scope="row">2025 K2</th><td>4</td>' in section
    assert '<th scope="row">2023 K2</th><td>1</td><td>afgeleid, vóór de geschiedenis</td>' in section
    assert '<th scope="row">2025 K2</th><td>4</td><td>2 (50%)</td><td>1 (25%)</td>' in section
    assert '<th scope="row">2025-02</th><td>1</td>' in section
    assert "Van 2023 K2 tot 2026 K1: van 1 naar 2 actieve lerende praktijken; het meest, 4, in 2025 K2." in section
    lasting = re.sub(r"\s+", " ", section[section.index('id="lasting"'):])
    assert "<strong>2</strong> van de 3 lerende praktijken die op of vóór 8 september 2024 begonnen" in lasting
    assert "(67%)" in lasting and "survivorship bias" in lasting
    english = client.get("/overzicht?lang=en").get_data(as_text=True)
    assert "Active learning communities per quarter" in english and "2025 Q2" in english


@pytest.mark.parametrize("path", ["/overzicht/regio/west", "/overzicht/gemeente/GM0546", "/overzicht/wijk/WK053700"])
def test_every_area_view_has_its_own_series(client, path):
    page = client.get(path).get_data(as_text=True)
    assert 'id="time-active"' in page and 'id="lasting"' in page


def test_the_charts_follow_the_filters_and_the_day(client):
    filtered = client.get("/overzicht?perspective=https://w3id.org/lerende-praktijken/id/perspectief/bewoner")
    page = filtered.get_data(as_text=True)  # bewoner: dorp (deleted in May 2025) and vlek (from May 2025)
    assert '<th scope="row">2025 K2</th><td>2</td>' in page and '<th scope="row">2025 K3</th><td>1</td>' in page
    then = client.get("/overzicht?op=2025-06-30").get_data(as_text=True)
    assert "2025 K2" in then and "2025 K3" not in then


def test_a_community_view_says_how_long_it_lived(client, hub):
    running = client.get("/overzicht/praktijk", query_string={"iri": iri(hub, "koestal")}).get_data(as_text=True)
    assert "Bestaat 2 jaar en 2 maanden" in running and "sinds 10 januari 2024" in running
    ended = client.get("/overzicht/praktijk", query_string={"iri": iri(hub, "hoornes")}).get_data(as_text=True)
    assert "Bestond 1 jaar en 3 maanden" in ended and "tot 31 oktober 2025" in ended
    young = client.get("/overzicht/praktijk", query_string={"iri": iri(hub, "vlek"), "lang": "en"}).get_data(
        as_text=True)
    assert "Has existed for 9 months" in young and "No start date was given" in young
