"""Querying the past: `/sparql?asOf=`, the query page's date and `bamboe export --as-of`, on a controlled clock.

One node and one hub run as real processes sharing a clock file (`BAMBOE_CLOCK_FILE`).
Over five simulated months the node's communities are created, renamed, deleted and
ended through the API, and the hub harvests after each step (`bamboe harvest --all`).
What the node and the hub served at each step is kept; afterwards every as-of answer
(names, counts, whole graphs, the export) must equal it, before the history began the
dataset is empty, and as-of answers never come out of the kept answers of live ones.
The command line runs in this process (click's runner, the clock file in its
environment) where a fresh interpreter per command would only cost time; the exit
codes are checked with the real `bamboe`.
"""
from __future__ import annotations

import csv
import io
import os
import re
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import rdflib
import requests
from click.testing import CliRunner
from rdflib.compare import isomorphic

from conftest import NodeProcess, bamboe
from registry.cli import main
from registry.examples import examples
from registry.store import Store
from registry.store.server import free_port

T = "https://w3id.org/lerende-praktijken/id/"
PREFIXES = "PREFIX lp: <https://w3id.org/lerende-praktijken/def#> PREFIX schema: <http://schema.org/> "
NAMES = PREFIXES + "SELECT ?c ?name WHERE { ?c a lp:LearningCommunity ; schema:name ?name } ORDER BY ?c"
COUNT = PREFIXES + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lp:LearningCommunity }"
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
JSON = {"Accept": "application/sparql-results+json"}
PROBLEM = "application/problem+json"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STEPS = ("2025-10-01", "2025-11-15", "2026-01-10", "2026-02-20")
"""The days the node was written to and the hub harvested it, each at 09:00 UTC."""
TODAY = "2026-03-15"
BEFORE = "2025-09-30"
"""The day before the history begins."""


@dataclass
class Editing:
    node: NodeProcess
    token: str

    @property
    def url(self) -> str:
        return self.node.url

    def headers(self, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token}", **extra}


@dataclass
class Timeline:
    node: Editing
    hub: NodeProcess
    hub_dir: Path
    clock: Path
    served: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # day: (community, name) the node served
    node_dumps: dict[str, bytes] = field(default_factory=dict)
    hub_dumps: dict[str, bytes] = field(default_factory=dict)

    @property
    def env(self) -> dict:
        return {**os.environ, "BAMBOE_CLOCK_FILE": str(self.clock)}

    @property
    def member_graph(self) -> str:
        return self.hub.url + "graph/wsd"

    def cli(self, *args, check: bool = True, data_dir: Path | None = None, **kwargs):
        """`bamboe ARGS --data DATA_DIR` in this process, on this timeline's clock."""
        result = cli(*args, data_dir=data_dir or self.hub_dir, clock=self.clock, **kwargs)
        assert not check or result.exit_code == 0, (args, result.output, result.stderr)
        return result

    def at(self, day: str) -> None:
        """Move every process's clock to 09:00 UTC on `day` (written whole: a reader never sees half)."""
        partial = self.clock.with_suffix(".partial")
        partial.write_text(f"{day}T09:00:00Z")
        partial.replace(self.clock)


def community(name: str, start: str, *perspectives: str, **extra) -> dict:
    body = {"naam": name, "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
            "niveau": T + "niveau/wijk", "status": T + "status/actief", "plaatsen": ["GM0537"], "startdatum": start,
            "deelname": [{"perspectief": T + "perspectief/" + p, "aantal": 2} for p in perspectives or ("professional",)]}
    return {**body, **extra}


def create(editing, body: dict) -> str:
    response = requests.post(editing.url + "api/v1/praktijken", json=body, headers=editing.headers(), timeout=30)
    assert response.status_code == 201, response.text
    return editing.url + response.headers["Location"].lstrip("/")


def change(editing, item: str, method: str, body: dict | None = None) -> None:
    etag = requests.get(item, timeout=10).headers["ETag"]
    response = requests.request(method, item, json=body, headers=editing.headers(**{"If-Match": etag}), timeout=30)
    assert response.status_code in (200, 204), response.text


def rows(url: str, query: str, as_of: str | None = None, send: str = "get", **params) -> list[list[str]]:
    response = ask(url, query, as_of, send, **params)
    assert response.status_code == 200, response.text[:500]
    data = response.json()
    return [[row.get(v, {}).get("value", "") for v in data["head"]["vars"]] for row in data["results"]["bindings"]]


def ask(url: str, query: str, as_of: str | None = None, send: str = "get", headers: dict | None = None, **params):
    """One query by GET, form POST or direct POST, with `asOf` where that way of sending puts it."""
    if as_of is not None:
        params["asOf"] = as_of
    headers = headers or JSON
    if send == "get":
        return requests.get(url + "sparql", params={"query": query, **params}, headers=headers, timeout=60)
    if send == "form":
        return requests.post(url + "sparql", data={"query": query, **params}, headers=headers, timeout=60)
    return requests.post(url + "sparql", params=params, data=query.encode(), timeout=60,
                         headers={**headers, "Content-Type": "application/sparql-query"})


def graph_of(nquads: bytes, name: str) -> rdflib.Graph:
    """One named graph of an N-Quads document, as an rdflib graph of triples."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = rdflib.Dataset()
        dataset.parse(data=nquads, format="nquads")
        graph = rdflib.Graph()
        for s, p, o, g in dataset.quads():
            if str(g) == name:
                graph.add((s, p, o))
    return graph


def turtle(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def warm(url: str, seconds: float = 60) -> None:
    """Wait until the query workers stand (started on the first query; slow on a loaded machine)."""
    deadline = time.monotonic() + seconds
    while ask(url, COUNT).status_code != 200:
        assert time.monotonic() < deadline, f"{url}sparql did not answer in {seconds} s"
        time.sleep(0.5)


def cli(*args, data_dir: Path, clock: Path, input: str | None = None):
    return CliRunner().invoke(main, [*map(str, args), "--data", str(data_dir)], input=input,
                              env={"BAMBOE_CLOCK_FILE": str(clock)})


@pytest.fixture(scope="module")
def timeline(tmp_path_factory) -> Timeline:
    root = tmp_path_factory.mktemp("history-sparql")
    clock = root / "clock"
    clock.write_text(f"{STEPS[0]}T08:00:00Z")
    env = {"BAMBOE_CLOCK_FILE": str(clock), "BAMBOE_SPARQL_TIMEOUT_S": "5", "BAMBOE_SPARQL_MEMORY_MB": "400"}
    node_dir, hub_dir, ports = root / "node", root / "hub", (free_port(), free_port())
    node_url, hub_url = (f"http://127.0.0.1:{port}/" for port in ports)
    (root / "instances.yaml").write_text(
        f"nodes:\n  - {{id: wsd, name: 'WSD Katwijk', url: '{node_url}', level: regionaal, area: [GM0537]}}\n")
    for data_dir, args in ((node_dir, ["--name", "WSD Katwijk", "--base-url", node_url, "--area", "GM0537"]),
                           (hub_dir, ["--name", "Hub", "--base-url", hub_url, "--instances", root / "instances.yaml"])):
        assert cli("init", *args, data_dir=data_dir, clock=clock).exit_code == 0
    assert cli("user", "add", "redactie", "--password-stdin", data_dir=node_dir, clock=clock,
               input="veilig-wachtwoord-1\n").exit_code == 0
    token = cli("token", "create", "--user", "redactie", data_dir=node_dir, clock=clock).stdout.strip()
    with ThreadPoolExecutor(2) as starting:  # both at once: each start waits for its first page
        node, hub = starting.map(lambda args: NodeProcess(*args), [
            (node_dir, ports[0], env), (hub_dir, ports[1], {**env, "BAMBOE_HARVEST_SCHEDULE": "false"})])
    made = Timeline(Editing(node, token), hub, hub_dir, clock)
    try:
        warm(node.url)
        items = {}
        for day, write in zip(STEPS, (_october, _november, _january, _february)):
            made.at(day)
            write(made.node, items)
            made.served[day] = rows(node.url, NAMES)
            made.node_dumps[day] = requests.get(node.url + "dump.nq", timeout=30).content
            made.cli("harvest", "--all")
            time.sleep(Store.state_ttl + 0.2)  # the hub process sees another process's write this late
            made.hub_dumps[day] = requests.get(hub.url + "dump.nq", timeout=30).content
        made.at(TODAY)
        warm(hub.url)
        yield made
    finally:
        hub.stop()
        node.stop()


def _october(editing, items):
    items["alfa"] = create(editing, community("Kring Alfa", "2025-09-01", "ervaringsdeskundige", "professional"))
    items["beta"] = create(editing, community("Kring Beta", "2025-06-01"))


def _november(editing, items):
    change(editing, items["alfa"], "PATCH", {"naam": "Kring Alfa-Noord"})
    items["gamma"] = create(editing, community("Kring Gamma", "2025-11-01"))


def _january(editing, items):
    change(editing, items["beta"], "DELETE")


def _february(editing, items):
    change(editing, items["gamma"], "PATCH", {"status": T + "status/beeindigd", "einddatum": "2026-02-15"})
    items["delta"] = create(editing, community("Kring Delta", "2026-02-01", "ervaringsdeskundige"))


def served_on(timeline: Timeline, day: str) -> list[list[str]]:
    """What the node served at the end of `day`: the newest step on or before it."""
    return timeline.served[max(step for step in STEPS if step <= day)]


DAYS = [*STEPS, "2025-12-31", TODAY]


# --- a node ----------------------------------------------------------------------------

@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_node_as_of_names_and_counts_are_what_it_served_that_day(timeline, send):
    url = timeline.node.url
    for day in DAYS:
        expected = served_on(timeline, day)
        assert rows(url, NAMES, day, send) == expected, day
        assert rows(url, COUNT, day, send) == [[str(len(expected))]], day
    assert rows(url, NAMES, send=send) == timeline.served[STEPS[-1]]  # no asOf: today's data


def test_node_as_of_graph_equals_its_dump_of_that_day_and_the_export(timeline):
    url, data_graph = timeline.node.url, timeline.node.url + "graph"
    for day in STEPS:
        dumped = graph_of(timeline.node_dumps[day], data_graph)
        response = ask(url, EVERYTHING, day, headers={"Accept": "text/turtle"})
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
        assert len(dumped) > 10 and isomorphic(turtle(response.text), dumped), day
        exported = timeline.cli("export", "--as-of", day, data_dir=timeline.node.node.data_dir).stdout_bytes
        assert isomorphic(graph_of(exported, data_graph), dumped), day


def test_as_of_answers_name_the_moment_and_the_start_of_the_history(timeline):
    response = ask(timeline.node.url, COUNT, "2025-10-01")
    assert response.headers["Memento-Datetime"] == "Wed, 01 Oct 2025 21:59:59 GMT"  # the end of the day, CEST
    assert response.headers["Bamboe-History-Begins"] == "2025-10-01T09:00:00Z"
    assert "Bamboe-Empty-Dataset" not in response.headers
    winter = ask(timeline.node.url, COUNT, "2026-01-10T12:00:00+01:00")
    assert winter.headers["Memento-Datetime"] == "Sat, 10 Jan 2026 11:00:00 GMT"
    assert "Memento-Datetime" not in ask(timeline.node.url, COUNT).headers


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_before_the_history_begins_the_dataset_is_empty_and_says_so(timeline, send):
    for url in (timeline.node.url, timeline.hub.url):
        response = ask(url, COUNT, BEFORE, send)
        assert response.status_code == 200
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
        assert response.headers["Bamboe-Empty-Dataset"] == "before-history"
        assert response.headers["Memento-Datetime"] == "Tue, 30 Sep 2025 21:59:59 GMT"


@pytest.mark.parametrize("send", ["get", "form", "direct"])
@pytest.mark.parametrize("value, says", [
    ("gisteren", "geen datum"), ("2026-02-30", "geen datum"), ("2026-03-01T12:00:00", "geen datum"),
    ("2026-03-16", "toekomst"), ("2027-01-01", "toekomst"),
])
def test_a_bad_or_future_as_of_is_a_problem(timeline, send, value, says):
    for url in (timeline.node.url, timeline.hub.url):
        response = ask(url, COUNT, value, send)
        assert response.status_code == 400 and response.headers["Content-Type"] == PROBLEM, response.text
        assert says in response.json()["detail"] and "asOf" in response.json()["detail"]


def test_two_different_as_of_values_are_refused_and_an_empty_one_is_today(timeline):
    url = timeline.node.url
    twice = requests.get(url + "sparql", params=[("query", COUNT), ("asOf", STEPS[0]), ("asOf", STEPS[1])],
                         headers=JSON, timeout=30)
    assert twice.status_code == 400 and twice.headers["Content-Type"] == PROBLEM
    assert rows(url, COUNT, "") == rows(url, COUNT) == [["3"]]  # the page's empty date field


def test_as_of_answers_never_mix_with_live_ones_in_the_kept_answers(timeline):
    """The same question (kept after its first answer) on three datasets: each gets its own."""
    url = timeline.node.url
    for _ in range(2):  # the second round comes from the kept answers
        assert rows(url, NAMES) == timeline.served[STEPS[-1]]
        assert rows(url, NAMES, STEPS[0]) == timeline.served[STEPS[0]]
        assert rows(url, NAMES, STEPS[2]) == timeline.served[STEPS[2]]
        assert rows(url, NAMES, "2025-10-01T10:00:00Z") == timeline.served[STEPS[0]]


def test_as_of_snapshots_hold_published_graphs_only(timeline):
    rows(timeline.node.url, COUNT, STEPS[1])
    made = list((timeline.node.node.data_dir / "run").glob("snapshot-asof-*.nq"))
    assert made and all(b"urn:bamboe:" not in path.read_bytes() for path in made)


def test_an_as_of_query_keeps_the_deadline(timeline):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?p ?q ?r }"
    response = ask(timeline.node.url, slow, STEPS[-1])
    assert response.status_code == 503 and response.headers["Retry-After"], response.text[:300]
    assert rows(timeline.node.url, COUNT, STEPS[-1]) == [["3"]]


# --- the hub ---------------------------------------------------------------------------

def test_hub_as_of_holds_what_it_harvested_each_day(timeline):
    url, member = timeline.hub.url, timeline.member_graph
    in_member = PREFIXES + ("SELECT ?c ?name WHERE { GRAPH <%s> { ?c a lp:LearningCommunity ; schema:name ?name } } "
                            "ORDER BY ?c" % member)
    for day in DAYS:
        assert rows(url, in_member, day) == served_on(timeline, day), day
    for day in STEPS:
        harvested = graph_of(timeline.hub_dumps[day], member)
        response = ask(url, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }" % member, day,
                       headers={"Accept": "text/turtle"})
        assert len(harvested) > 10 and isomorphic(turtle(response.text), harvested), day


def test_hub_as_of_knows_its_members_but_not_the_runs(timeline):
    url = timeline.hub.url
    members = ("PREFIX lph: <https://w3id.org/lerende-praktijken/harvest#> PREFIX schema: <http://schema.org/> "
               "SELECT ?graaf ?naam WHERE { ?graaf a <http://www.w3.org/ns/prov#Entity> ; "
               "lph:member/schema:name ?naam }")
    assert rows(url, members, STEPS[0]) == rows(url, members) == [[timeline.member_graph, "WSD Katwijk"]]
    runs = "ASK { ?run a <https://w3id.org/lerende-praktijken/harvest#HarvestRun> }"
    assert ask(url, runs).json()["boolean"] is True
    assert ask(url, runs, STEPS[-1]).json()["boolean"] is False
    assert rows(url, members, BEFORE) == []


def test_service_description_documents_as_of(timeline):
    description = turtle(requests.get(timeline.hub.url + "sparql", headers={"Accept": "text/turtle"}, timeout=30).text)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    feature = rdflib.URIRef("https://w3id.org/lerende-praktijken/harvest#AsOfQueries")
    assert (rdflib.URIRef(timeline.hub.url + "sparql"), sd.feature, feature) in description
    comments = {c.language: str(c) for c in description.objects(feature, rdflib.RDFS.comment)}
    assert "asOf" in comments["nl"] and "asOf" in comments["en"] and "Memento-Datetime" in comments["en"]
    bad = requests.get(timeline.hub.url + "sparql", params={"asOf": "morgen"}, headers={"Accept": "text/turtle"},
                       timeout=30)
    assert bad.status_code == 400


# --- the query page --------------------------------------------------------------------

def test_query_page_asks_the_past_with_a_date_field(timeline):
    url = timeline.hub.url
    page = requests.get(url + "sparql", headers=BROWSER, timeout=30).text
    assert re.search(r'<label for="asOf">Zoals op \(datum\)</label>', page)
    assert re.search(r'<input id="asOf" name="asOf" type="date" value="" max="2026-03-15"', page)
    shown = requests.get(url + "sparql", params={"query": NAMES, "asOf": STEPS[0], "format": "html"},
                         headers=BROWSER, timeout=30)
    assert shown.status_code == 200 and shown.headers["Memento-Datetime"]
    assert "Over de gegevens zoals ze waren op 1 oktober 2025." in shown.text
    assert 'value="2025-10-01"' in shown.text and "Kring Alfa<" in shown.text and "Kring Gamma" not in shown.text
    assert "asOf=2025-10-01" in re.search(r'id="share-link"[^>]*|href="[^"]*"[^>]*id="share-link"', shown.text)[0]
    empty = requests.get(url + "sparql", params={"query": NAMES, "asOf": BEFORE, "format": "html"},
                         headers=BROWSER, timeout=30).text
    assert "De geschiedenis begint op 1 oktober 2025" in empty and "lege dataset" in empty
    bad = requests.get(url + "sparql", params={"query": NAMES, "asOf": "2027-01-01", "format": "html"},
                       headers=BROWSER, timeout=30)
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "toekomst" in bad.text
    assert 'value="2027-01-01"' in bad.text  # what the person typed stays in the field
    today = requests.get(url + "sparql", params={"query": NAMES, "asOf": "", "format": "html"},
                         headers=BROWSER, timeout=30)
    assert "Memento-Datetime" not in today.headers and "Kring Delta" in today.text


def test_an_example_about_the_past_opens_with_its_date(timeline):
    dated = [e for e in examples() if e.as_of]
    assert len(dated) >= 2
    for e in dated:
        page = requests.get(timeline.hub.url + "sparql", params={"voorbeeld": e.slug}, headers=BROWSER, timeout=30).text
        assert f'value="{e.as_of}"' in page
        for peildatum in re.findall(r'VALUES \?peildatum \{ "([0-9-]+)"', e.text):
            assert peildatum == e.as_of, e.slug  # the query's date and the page's date agree


@pytest.mark.parametrize("asked", [{"voorbeeld": "17-levensduur-op-peildatum"},
                                   {"query": NAMES, "asOf": BEFORE, "format": "html"}], ids=["example", "empty"])
def test_query_page_with_a_date_is_accessible(timeline, browser, asked):
    from urllib.parse import parse_qs, urlencode, urlsplit

    from axe import assert_accessible

    context = browser.new_context(extra_http_headers=BROWSER, locale="nl-NL")
    page = context.new_page()
    page.goto(timeline.hub.url + "sparql?" + urlencode(asked))
    field = page.get_by_label("Zoals op (datum)")
    assert field.input_value() == asked.get("asOf", "2026-01-01")
    assert_accessible(page)
    field.fill("")  # today's data: the script leaves the empty date out of the address
    with page.expect_navigation():
        page.get_by_role("button", name="Uitvoeren").click()
    sent = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
    assert sent["query"] and "asOf" not in sent
    page.get_by_label("Zoals op (datum)").fill(STEPS[1])
    with page.expect_navigation():
        page.get_by_role("button", name="Uitvoeren").click()
    assert parse_qs(urlsplit(page.url).query)["asOf"] == [STEPS[1]] and page.locator("#as-of").is_visible()
    context.close()


# --- example questions over time -------------------------------------------------------

@pytest.mark.parametrize("where", ["node", "hub"])
@pytest.mark.parametrize("example", examples(), ids=lambda e: e.slug)
def test_every_example_runs_now_and_on_its_day(timeline, where, example):
    url = timeline.node.url if where == "node" else timeline.hub.url
    for as_of in {None, example.as_of or STEPS[2]}:
        response = requests.post(url + "sparql", data={"query": example.text, **({"asOf": as_of} if as_of else {})},
                                 headers={"Accept": "text/csv"}, timeout=60)
        assert response.status_code == 200, (as_of, response.text[:500])


def csv_rows(url: str, query: str, as_of: str | None = None) -> list[list[str]]:
    response = requests.post(url + "sparql", data={"query": query, **({"asOf": as_of} if as_of else {})},
                             headers={"Accept": "text/csv"}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return list(csv.reader(io.StringIO(response.text)))[1:]


def test_the_three_questions_over_time_answer_from_the_history(timeline):
    by_slug = {e.slug: e for e in examples()}
    hub, member = timeline.hub.url, timeline.member_graph
    experts = by_slug["15-ervaringskennis-per-werkplaats-op-datum"].text
    assert csv_rows(hub, experts, "2026-01-01") == [[member, "WSD Katwijk", "3", "1"]]  # Alfa-Noord, Beta (deleted later), Gamma
    assert csv_rows(hub, experts) == [[member, "WSD Katwijk", "2", "2"]]  # Alfa-Noord, Delta
    stopped = by_slug["16-gestopt-sinds-peildatum"].text
    gamma = timeline.node.url + "praktijken/kring-gamma"
    assert csv_rows(hub, stopped) == [[gamma, "Kring Gamma", "2025-11-01", "2026-02-15"]]
    assert csv_rows(hub, stopped, "2026-01-01") == []  # it had not stopped yet
    lifetimes = by_slug["17-levensduur-op-peildatum"].text
    then = [row[1:] for row in csv_rows(hub, lifetimes, "2026-01-01")]
    assert then == [["Kring Beta", "2025-06-01", "", "7"], ["Kring Alfa-Noord", "2025-09-01", "", "4"],
                    ["Kring Gamma", "2025-11-01", "", "2"]]  # Beta, deleted since, still counts
    assert "Kring Beta" not in {row[1] for row in csv_rows(hub, lifetimes)}


# --- the command line ------------------------------------------------------------------

def test_export_as_of_refuses_a_bad_or_future_date(timeline):
    real = bamboe("export", "--as-of", "gisteren", data_dir=timeline.hub_dir, env=timeline.env, check=False)
    assert real.returncode == 1 and real.stdout == "", real
    assert real.stderr.startswith("Error: --as-of='gisteren' is geen datum")
    future = timeline.cli("export", "--as-of", "2026-03-16", check=False)
    assert future.exit_code == 1 and future.stdout == ""
    assert future.stderr.startswith("Error: --as-of=2026-03-16 ligt in de toekomst")


def test_export_as_of_before_the_history_is_empty_and_says_so(timeline):
    result = timeline.cli("export", "--as-of", BEFORE)
    assert result.stdout == "" and "history begins" in result.stderr


def test_hub_export_as_of_equals_the_as_of_dataset_while_running_and_stopped(timeline, tmp_path):
    """Last to use the timeline: it stops the hub, to export from its data directory alone (real processes)."""
    day, member = STEPS[2], timeline.member_graph
    running = tmp_path / "running.nq"
    bamboe("export", "--as-of", day, "--output", running, data_dir=timeline.hub_dir, env=timeline.env)
    harvested = graph_of(timeline.hub_dumps[day], member)
    assert isomorphic(graph_of(running.read_bytes(), member), harvested)
    log = graph_of(running.read_bytes(), timeline.hub.url + "oogst/log")
    assert {str(o) for o in log.objects(None, rdflib.URIRef("http://schema.org/name"))} == {"WSD Katwijk"}
    assert [path.name for path in tmp_path.iterdir()] == ["running.nq"]  # no partial file left
    as_turtle = timeline.cli("export", "--as-of", day, "--format", "turtle").stdout
    assert "Kring Alfa-Noord" in as_turtle and "Kring Delta" not in as_turtle
    timeline.hub.stop()
    stopped = bamboe("export", "--as-of", day, data_dir=timeline.hub_dir, env=timeline.env).stdout.encode()
    assert isomorphic(graph_of(stopped, member), harvested)
    assert isomorphic(graph_of(stopped, timeline.hub.url + "oogst/log"), log)
    whole = timeline.cli("export").stdout
    assert "HarvestRun" in whole and "Kring Delta" in whole  # without --as-of: everything, as before


# --- the as-of files, in this process ----------------------------------------------------

def test_as_of_files_follow_the_log_not_the_moment(tmp_path, monkeypatch):
    """Moments between the same versions share one file; the past stays put; an erase removes old files."""
    import datetime as dt

    import vocab
    from registry.history.moments import parse_moment
    from registry.history.states import History
    from registry.loading import load_files
    from registry.sandbox.as_of import AsOfSnapshots
    from registry.store import EmbeddedStore

    base, example = "http://127.0.0.1:5999/", vocab.HERE / "examples" / "den-haag-leiden.ttl"
    now = [dt.datetime(2025, 10, 1, 9, tzinfo=dt.timezone.utc)]
    monkeypatch.setattr("registry.clock.now", lambda: now[0])
    source = tmp_path / "node.ttl"
    source.write_text(vocab.example_text(example), encoding="utf-8")
    store = EmbeddedStore()
    load_files(store, [source], base)
    run = tmp_path / "run"
    snapshots = AsOfSnapshots(store, History(store, base + "graph"), run)
    now[0] = dt.datetime(2025, 11, 1, 9, tzinfo=dt.timezone.utc)
    october = snapshots.position(parse_moment("2025-10-05"))
    assert snapshots.position(parse_moment("2025-10-20T12:00:00Z")).generation == october.generation
    assert not october.before_history and snapshots.position(parse_moment("2025-09-30")).before_history
    source.write_text(source.read_text(encoding="utf-8").replace("Leergemeenschap Koestal", "Kring Koestal"),
                      encoding="utf-8")
    load_files(store, [source], base)
    assert snapshots.position(parse_moment("2025-10-20")).generation == october.generation  # the past stays
    november = snapshots.position(parse_moment("2025-11-01"))
    assert november.generation != october.generation
    generation, path = snapshots.snapshot(october)
    assert generation == october.generation and b"Leergemeenschap Koestal" in Path(path).read_bytes()
    assert snapshots.snapshot(snapshots.position(parse_moment("2025-10-21"))) == (generation, path)
    assert b"Kring Koestal" in Path(snapshots.snapshot(november)[1]).read_bytes()
    assert len(list(run.glob("snapshot-asof-*.nq"))) == 2
    store.update_private('INSERT DATA { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#erased> '
                         '"2025-11-01T10:00:00Z" } }')
    erased = snapshots.position(parse_moment("2025-10-20"))
    assert erased.generation != october.generation and not list(run.glob("snapshot-asof-*.nq"))
