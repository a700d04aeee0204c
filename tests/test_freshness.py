"""Freshness: "Nog actueel?" for a community not changed nor confirmed for twelve months, without a meeting.

One real node and a hub's data directory share a clock file (`BAMBOE_CLOCK_FILE`, see
registry/clock.py), so a year passes in seconds. Three communities are written through
the API in October 2025; in November 2026 only the one that was neither changed nor met
since then has the signal. The editor's dashboard lists it; one click (POST, CSRF)
confirms it: `lp:confirmed` in the data, a line in the audit trail, a version in the
history; the signal is gone and the page says when it was confirmed. The hub sees the
signal, and after the next harvest its absence and the confirmation.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import warnings

import pyoxigraph as ox
import pytest
import rdflib
import requests

from conftest import NodeProcess, bamboe
from registry.store.server import free_port

T = "https://w3id.org/lerende-praktijken/id/"
LP = rdflib.Namespace("https://w3id.org/lerende-praktijken/def#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
PASSWORD = "veilig-wachtwoord-1"
SIGNAL = "NotConfirmedCurrent"
OCTOBER, DECEMBER, MARCH, NOVEMBER = "2025-10-01", "2025-12-01", "2026-03-02", "2026-11-02"


class Freshness:
    """A node with an editor, an admin and a token, a hub directory harvesting it, and one clock for both."""

    def __init__(self, root):
        self.root, self.clock = root, root / "clock"
        self.at(OCTOBER)
        port = free_port()
        self.node_dir, self.hub_dir = root / "node", root / "hub"
        bamboe("init", "--name", "WSD Katwijk", "--base-url", f"http://127.0.0.1:{port}/", "--area", "GM0537",
               data_dir=self.node_dir, env=self.env)
        for name, role in (("redactie", "editor"), ("beheer", "admin")):
            bamboe("user", "add", name, "--role", role, "--password-stdin", data_dir=self.node_dir,
                   input=PASSWORD + "\n", env=self.env)
        self.token = bamboe("token", "create", "--user", "redactie", data_dir=self.node_dir, env=self.env).stdout.strip()
        (root / "instances.yaml").write_text(
            f"nodes:\n  - {{id: wsd, name: 'WSD Katwijk', url: 'http://127.0.0.1:{port}/', level: regionaal, "
            f"area: [GM0537]}}\n")
        bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{free_port()}/",
               "--instances", root / "instances.yaml", data_dir=self.hub_dir, env=self.env)
        self.node = NodeProcess(self.node_dir, port, env={"BAMBOE_CLOCK_FILE": str(self.clock),
                                                          "BAMBOE_LOGIN_LIMIT": "300 per minute"})
        self.url = self.node.url

    @property
    def env(self) -> dict:
        return {**os.environ, "BAMBOE_CLOCK_FILE": str(self.clock), "BAMBOE_HARVEST_RETRIES": "1"}

    def at(self, day: str) -> None:
        """Move the clock to 09:00 UTC on `day` (written whole: a reader never sees half)."""
        partial = self.clock.with_suffix(".partial")
        partial.write_text(f"{day}T09:00:00Z")
        partial.replace(self.clock)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.url + "api/v1/" + path, headers=headers, timeout=30, **kwargs)

    def create(self, name: str) -> str:
        body = {"naam": name, "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
                "niveau": T + "niveau/wijk", "status": T + "status/actief", "plaatsen": ["GM0537"],
                "startdatum": "2025-09-01"}
        response = self.api("POST", "praktijken", json=body)
        assert response.status_code == 201, response.text
        return response.headers["Location"].rsplit("/", 1)[1]

    def signals(self, slug: str) -> set[str]:
        response = requests.get(self.url + f"api/v1/praktijken/{slug}", timeout=30)
        return {s["regel"].rsplit("#", 1)[1] for s in response.json()["signalen"]}

    def session(self, user: str = "redactie") -> requests.Session:
        session = requests.Session()
        form = session.get(self.url + "beheer/inloggen", timeout=10).text
        response = session.post(self.url + "beheer/inloggen", timeout=10, data={
            "naam": user, "wachtwoord": PASSWORD, "csrf_token": csrf(form), "next": "/beheer/"})
        assert response.status_code == 200 and response.url.endswith("/beheer/")
        return session

    def triples(self, slug: str) -> rdflib.Graph:
        text = requests.get(self.url + f"praktijken/{slug}.ttl", timeout=30).text
        return rdflib.Graph().parse(data=text, format="turtle")

    def date(self, slug: str, predicate) -> str:
        """The community's dct:modified or lp:confirmed, as published."""
        return str(self.triples(slug).value(rdflib.URIRef(self.url + f"praktijken/{slug}"), predicate))

    def hub_signals(self) -> dict[str, dict]:
        """Harvest now, then the hub's national view: each community's entry by its slug on the node."""
        bamboe("harvest", "--all", data_dir=self.hub_dir, env=self.env)
        text = bamboe("get", "/overzicht?format=json", "--accept", "application/json", data_dir=self.hub_dir,
                      env=self.env).stdout
        entries = json.loads(text)["sections"][0]["communities"]
        return {e["sources"][0]["iri"].rsplit("/", 1)[1]: e for e in entries}


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    made = Freshness(tmp_path_factory.mktemp("freshness"))
    try:
        made.slugs = {"untouched": made.create("Stille kring"), "met": made.create("Ontmoetingskring"),
                      "changed": made.create("Veranderkring")}
        made.at(DECEMBER)
        etag = made.api("GET", f"praktijken/{made.slugs['changed']}").headers["ETag"]
        changed = made.api("PATCH", f"praktijken/{made.slugs['changed']}", json={"beschrijving": "Nu met beschrijving."},
                           headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"})
        assert changed.status_code == 200, changed.text
        made.at(MARCH)
        meeting = made.api("POST", f"praktijken/{made.slugs['met']}/bijeenkomsten",
                           json={"datum": "2026-03-02", "naam": "Voorjaar"})
        assert meeting.status_code == 201, meeting.text
        made.at(NOVEMBER)
        yield made
    finally:
        made.node.stop()


# --- the signal --------------------------------------------------------------------

def test_a_community_untouched_for_13_months_without_meetings_gets_the_signal(fresh):
    assert SIGNAL in fresh.signals(fresh.slugs["untouched"])
    page = requests.get(fresh.url + f"praktijken/{fresh.slugs['untouched']}", timeout=30).text
    assert f'data-signal="{SIGNAL}"' in page and "Nog actueel?" in page
    assert "Laatst gewijzigd op" in page and "1 oktober 2025" in page


def test_a_meeting_in_the_last_12_months_keeps_the_signal_away(fresh):
    assert SIGNAL not in fresh.signals(fresh.slugs["met"])
    # adding the meeting did not change the community's own description
    assert fresh.date(fresh.slugs["met"], DCT.modified) == OCTOBER


def test_a_change_11_months_ago_keeps_the_signal_away(fresh):
    assert SIGNAL not in fresh.signals(fresh.slugs["changed"])
    assert fresh.date(fresh.slugs["changed"], DCT.modified) == DECEMBER


def test_the_hub_sees_the_signal_after_a_harvest(fresh):
    entries = fresh.hub_signals()
    assert SIGNAL in entries[fresh.slugs["untouched"]]["signals"]
    assert SIGNAL not in entries[fresh.slugs["met"]]["signals"]
    assert SIGNAL not in entries[fresh.slugs["changed"]]["signals"]
    assert entries[fresh.slugs["changed"]]["modified"] == DECEMBER


# --- one click: still current ------------------------------------------------------

def test_confirmation_without_login_or_csrf_is_refused(fresh):
    slug = fresh.slugs["untouched"]
    before = len(fresh.triples(slug))
    target = fresh.url + f"beheer/praktijken/{slug}/bevestigen"
    assert requests.post(target, allow_redirects=False, timeout=10).status_code == 400  # no session, no CSRF token
    anonymous = requests.Session()  # a valid CSRF token, but nobody signed in
    token = csrf(anonymous.get(fresh.url + "beheer/inloggen", timeout=10).text)
    refused = anonymous.post(target, data={"csrf_token": token}, allow_redirects=False, timeout=10)
    assert refused.status_code == 303 and "/beheer/inloggen" in refused.headers["Location"]
    forged = fresh.session().post(target, allow_redirects=False, timeout=10)  # signed in, no CSRF token
    assert forged.status_code == 400
    without_token = fresh.api("POST", f"praktijken/{slug}/bevestiging", json={}, headers={"Authorization": ""})
    assert without_token.status_code == 401
    assert without_token.headers["Content-Type"].startswith("application/problem+json")
    assert len(fresh.triples(slug)) == before and (None, LP.confirmed, None) not in fresh.triples(slug)
    assert SIGNAL in fresh.signals(slug)


def test_the_dashboard_lists_it_and_one_click_confirms_it(fresh):
    slug = fresh.slugs["untouched"]
    editor = fresh.session()
    dashboard = editor.get(fresh.url + "beheer/", timeout=30).text
    section = re.search(r'<section[^>]*id="nog-actueel".*?</section>', dashboard, re.S).group(0)
    assert re.findall(r'data-slug="([^"]+)"', section) == [slug]
    assert f'action="/beheer/praktijken/{slug}/bevestigen"' in section

    history_before = versions_of(fresh, slug)
    clicked = editor.post(fresh.url + f"beheer/praktijken/{slug}/bevestigen", data={"csrf_token": csrf(section)},
                          timeout=30)
    assert clicked.status_code == 200 and clicked.url.endswith("/beheer/")
    assert "Stille kring is bevestigd als nog actueel." in clicked.text
    assert 'data-slug="' not in re.search(r'id="nog-actueel".*?</section>', clicked.text, re.S).group(0)

    assert fresh.date(slug, LP.confirmed) == NOVEMBER
    assert fresh.date(slug, DCT.modified) == OCTOBER  # a confirmation is not a change
    assert SIGNAL not in fresh.signals(slug)
    page = requests.get(fresh.url + f"praktijken/{slug}", timeout=30).text
    assert f'data-signal="{SIGNAL}"' not in page
    assert re.search(r"Laatst gewijzigd op.*1 oktober 2025.*bevestigd op.*2 november 2026", page)

    audit = fresh.session("beheer").get(fresh.url + "beheer/audit", timeout=10).text
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", audit, re.S).group(1)
    assert f"/praktijken/{slug}" in newest and "bevestigd" in newest and "redactie" in newest
    assert versions_of(fresh, slug) == history_before + 1


def test_the_hub_sees_the_confirmation_after_a_harvest(fresh):
    entry = fresh.hub_signals()[fresh.slugs["untouched"]]
    assert SIGNAL not in entry["signals"]
    assert (entry["modified"], entry["confirmed"]) == (OCTOBER, NOVEMBER)
    iri = entry["iri"]
    view = bamboe("get", f"/overzicht/praktijk?iri={iri}", "--accept", "text/html", data_dir=fresh.hub_dir,
                  env=fresh.env).stdout
    assert re.search(r"Laatst gewijzigd op.*1 oktober 2025.*bevestigd op.*2 november 2026", view)


def test_the_api_confirms_too_and_says_what_is_wrong(fresh):
    slug = fresh.slugs["changed"]
    confirmed = fresh.api("POST", f"praktijken/{slug}/bevestiging", json={})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.headers["ETag"] and confirmed.json()["naam"] == "Veranderkring"
    assert fresh.date(slug, LP.confirmed) == NOVEMBER
    missing = fresh.api("POST", "praktijken/bestaat-niet/bevestiging", json={})
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/problem+json")
    for body, name in (([1], ""), ({"naam": "Anders"}, "naam")):
        refused = fresh.api("POST", f"praktijken/{slug}/bevestiging", json=body)
        assert refused.status_code == 400 and refused.headers["Content-Type"].startswith("application/problem+json")
        assert [p["name"] for p in refused.json()["invalidParams"]] == [name]
    plain = fresh.api("POST", f"praktijken/{slug}/bevestiging", headers={"Content-Type": "application/json"})
    assert plain.status_code == 200, plain.text  # no body at all is fine too
    bare = fresh.api("POST", f"praktijken/{slug}/bevestiging")  # curl -X POST: no body and no Content-Type
    assert bare.status_code == 200, bare.text
    anonymous = requests.post(fresh.url + f"api/v1/praktijken/{slug}/bevestiging", timeout=30)
    assert anonymous.status_code == 401, anonymous.text
    text = fresh.api("POST", f"praktijken/{slug}/bevestiging", data="ja", headers={"Content-Type": "text/plain"})
    assert text.status_code == 415


def test_a_year_later_the_question_comes_back(fresh):
    fresh.at("2027-11-03")
    try:
        assert SIGNAL in fresh.signals(fresh.slugs["untouched"])  # confirmed 2 November 2026: over a year ago
    finally:
        fresh.at(NOVEMBER)


def versions_of(fresh: Freshness, slug: str) -> int:
    """Versions of the community in the node's history dump (one named graph per version)."""
    raw = requests.get(fresh.url + "dump-geschiedenis.nq.gz", timeout=30).content
    try:
        raw = gzip.decompress(raw)
    except gzip.BadGzipFile:  # requests already undid a Content-Encoding
        pass
    subject = ox.NamedNode(fresh.url + f"praktijken/{slug}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return len({q.graph_name for q in ox.parse(raw, format=ox.RdfFormat.N_QUADS) if q.subject == subject})


# --- in this process: what counts as a change --------------------------------------

def test_a_save_that_changes_nothing_keeps_the_date_and_makes_no_version(tmp_path, monkeypatch):
    from registry import create_app
    from registry.history import resource_history

    clock = tmp_path / "clock"
    monkeypatch.setenv("BAMBOE_CLOCK_FILE", str(clock))
    clock.write_text(f"{OCTOBER}T09:00:00Z")
    (tmp_path / "data").mkdir()
    app = create_app({"data_dir": tmp_path / "data", "store": "embedded", "base_url": "http://n.test/",
                      "harvest_schedule": False})
    node = app.extensions["bamboe"]
    try:
        user = node.accounts.add_user("redactie", PASSWORD)
        editor = node.editor
        body = {"naam": "Kring", "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
                "niveau": T + "niveau/wijk"}
        saved = editor.create("praktijken", editor.load("praktijken", body), user)
        address = editor.address("praktijken", "kring")
        modified = lambda: {t.object.value for t in editor._description(saved.iri)  # noqa: E731
                            if t.predicate.value == str(DCT.modified)}
        clock.write_text(f"{NOVEMBER}T09:00:00Z")
        assert SIGNAL in {s.key for s in editor.signals(saved.iri)}
        assert SIGNAL in {s.key for s in editor.preview(body, "kring")}  # saved like this: no change
        assert SIGNAL not in {s.key for s in editor.preview({**body, "naam": "Kring 2"}, "kring")}
        versions = len(resource_history.versions_of(node.store, saved.iri))

        same = editor.replace(address, editor.load("praktijken", body), user, f'"{saved.etag}"')
        assert modified() == {OCTOBER} and same.etag == saved.etag
        assert len(resource_history.versions_of(node.store, saved.iri)) == versions

        renamed = editor.replace(address, editor.load("praktijken", {**body, "naam": "Kring 2"}), user, f'"{same.etag}"')
        assert modified() == {NOVEMBER} and renamed.etag != same.etag
        assert SIGNAL not in {s.key for s in editor.signals(saved.iri)}
        assert len(resource_history.versions_of(node.store, saved.iri)) == versions + 1
    finally:
        node.close()
