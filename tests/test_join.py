"""Joining a hub: a node registers at /aanmelden (or the API), is checked for real, and an admin decides.

The hub runs in-process over an embedded store; the candidates are real HTTP servers on
127.0.0.1 (FakeNode), scripted to serve good data, bad data or nothing. The outbound
guard (harvesters.ssrf) is tested against each way a URL can point inside the hub's network.
"""
from __future__ import annotations

import re
import time

import pyoxigraph as ox
import pytest

from fakenode import FakeNode
from harvesters import members
from harvesters.fetch import Limits, open_session
from harvesters.hub import Hub
from harvesters.registration import check_candidate
from harvesters.status import read_runs
from harvesters.ssrf import Refused, check_url, guarded_session
from registry import create_app
from registry.store import EmbeddedStore
from registry.store.server import free_port

HUB = "http://hub.test/"
PASSWORD = "veilig-wachtwoord-1"
QUICK = Limits(connect_timeout_s=2, read_timeout_s=5, total_timeout_s=10, retries=0)
NAME = ox.NamedNode("http://schema.org/name")


def make_hub(tmp_path, seed: FakeNode, **settings):
    instances = tmp_path / "instances.yaml"
    instances.write_text(f"nodes:\n  - {{id: zaad, name: Zaadnode, url: '{seed.base_url}', level: regionaal, "
                         "area: [GM0344]}\n")
    app = create_app({"data_dir": tmp_path, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False, "allow_private_nodes": True,
                      "harvest_retries": 0, "harvest_connect_timeout_s": 2, "join_limit": "100 per minute",
                      **settings})
    node = app.extensions["bamboe"]
    node.accounts.add_user("beheer", PASSWORD, "admin")
    node.accounts.add_user("redactie", PASSWORD, "editor")
    return app


@pytest.fixture(scope="module")
def seed():
    started = FakeNode(communities=3, seed=1)
    yield started
    started.stop()


@pytest.fixture
def hub(tmp_path, seed):
    app = make_hub(tmp_path, seed)
    yield app
    app.extensions["bamboe"].close()


@pytest.fixture
def candidate():
    started = FakeNode(communities=4, seed=5)
    yield started
    started.stop()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def apply_form(client, url: str, name: str = "WSD Kandidaat", level: str = "regionaal", area: str = "GM0599",
               contact: str = "info@werkplaats.example.org"):
    token = csrf_of(client.get("/aanmelden").get_data(as_text=True))
    return client.post("/aanmelden", data={"csrf_token": token, "url": url, "naam": name, "niveau": level,
                                           "gebied": area, "contact": contact})


def signed_in(app, user: str = "beheer"):
    client = app.test_client()
    token = csrf_of(client.get("/beheer/inloggen").get_data(as_text=True))
    assert client.post("/beheer/inloggen", data={"naam": user, "wachtwoord": PASSWORD,
                                                   "csrf_token": token}).status_code == 302
    return client


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.05)


def without_names(node: FakeNode) -> list[ox.Triple]:
    """The node's data with every community's name left out: a violation of the core shapes per community."""
    return [t for t in node.triples if not (t.predicate == NAME and "/praktijken/" in t.subject.value)]


# --- the outbound guard ----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
    "http://[::ffff:127.0.0.1]/", "http://localhost:8080/", "http://0.0.0.0/", "http://192.168.1.1/",
    "http://[2002:7f00:1::]/", "http://[fec0::1]/",  # 6to4 of 127.0.0.1, and site-local (found in review)
])
def test_the_guard_refuses_addresses_inside(url):
    with pytest.raises(Refused, match="afgeschermd netwerk"):
        check_url(url, url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "gopher://127.0.0.1/", "http:///x"])
def test_the_guard_refuses_other_schemes(url):
    with pytest.raises(Refused):
        check_url(url, url, allow_private=False)


def test_the_guard_refuses_another_host_or_port():
    with pytest.raises(Refused, match="alleen op het opgegeven adres"):
        check_url("http://127.0.0.1:9/x", "http://127.0.0.1:8/", allow_private=True)
    check_url("http://127.0.0.1:8/dump.nq", "http://127.0.0.1:8/", allow_private=True)  # private allowed: passes


def test_every_redirect_target_is_checked_again(candidate, seed):
    candidate.script.redirect_to = seed.base_url + "dump.nq"  # same address, another port: another origin
    session = guarded_session(open_session(QUICK), candidate.base_url, allow_private=True)
    with pytest.raises(Refused, match="alleen op het opgegeven adres"):
        session.get(candidate.base_url + "dump.nq", allow_redirects=True, timeout=5)
    report = check_candidate(candidate.base_url, QUICK, allow_private=True)
    assert report.blocking and "verwijst door" in report.problems[0]["nl"]


def test_the_connected_address_is_checked_too(candidate, monkeypatch):
    """DNS rebinding: the name passed the check, then the connection went to loopback; the socket's peer refuses."""
    import harvesters.ssrf as ssrf

    monkeypatch.setattr(ssrf, "check_url", lambda *args: None)
    session = guarded_session(open_session(QUICK), candidate.base_url, allow_private=False)
    before = len(candidate.requests)
    with pytest.raises(Refused, match="afgeschermd netwerk"):
        session.get(candidate.base_url, timeout=5)
    assert len(candidate.requests) == before  # nothing was sent


def test_a_hub_without_allow_private_nodes_refuses_loopback_candidates(tmp_path, seed, candidate):
    app = make_hub(tmp_path, seed, allow_private_nodes=False)
    try:
        for url in (candidate.base_url, "http://169.254.169.254/", "http://[::1]:9/", "http://localhost:9/"):
            page = apply_form(app.test_client(), url)
            assert page.status_code == 200 and "Aanmelding geweigerd" in page.get_data(as_text=True), url
            assert "afgeschermd netwerk" in page.get_data(as_text=True), url
        assert not [r for r in candidate.requests if r.path == "/"]  # no request ever reached the candidate
        assert members.read(app.extensions["bamboe"].store) == []
    finally:
        app.extensions["bamboe"].close()


# --- the check -------------------------------------------------------------------------

def test_a_good_node_passes_with_warnings(candidate):
    report = check_candidate(candidate.base_url, QUICK, allow_private=True)
    assert (report.reachable, report.problems, report.violations, report.outside) == (True, [], 0, 0)
    assert report.records and report.triples and report.bytes
    assert any("dcat:Catalog" in w["nl"] for w in report.warnings)  # the fake node describes no DCAT catalogue


def test_a_node_serving_bad_data_is_refused_with_the_reasons(candidate):
    candidate.serve(without_names(candidate) + [ox.Triple(ox.NamedNode("http://elders.example/x"), NAME,
                                                          ox.Literal("niet van mij"))])
    report = check_candidate(candidate.base_url, QUICK, allow_private=True)
    assert report.violations == 4 and len(report.rules) == 1 and report.rules[0].count == 4
    assert report.outside == 1 and report.outside_examples == ["http://elders.example/x"]
    assert len(report.problems) == 2 and "SHACL" in report.problems[0]["nl"] and "SHACL" in report.problems[0]["en"]


@pytest.mark.parametrize("fault", ["unreachable", "garbage", "too-big"])
def test_other_blocking_problems(candidate, fault):
    url, limits = candidate.base_url, QUICK
    if fault == "unreachable":
        url = f"http://127.0.0.1:{free_port()}/"
    elif fault == "garbage":
        candidate.script.dump = b"<dit is geen rdf"
    else:
        limits = Limits(connect_timeout_s=2, read_timeout_s=5, total_timeout_s=10, retries=0, max_bytes=1000)
    report = check_candidate(url, limits, allow_private=True)
    assert report.blocking, fault
    expected = {"unreachable": "niet bereikbaar", "garbage": "geen geldige RDF", "too-big": "grens"}[fault]
    assert expected in report.problems[0]["nl"]


# --- the form, the admin, the harvest --------------------------------------------------

def test_a_node_registers_an_admin_admits_it_and_it_is_harvested_into_the_views(hub, candidate):
    client = hub.test_client()
    node = hub.extensions["bamboe"]
    page = apply_form(client, candidate.base_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Aanmelding ontvangen" in text and "wsd-kandidaat" in text
    assert "Waarschuwingen" in text and "dcat:Catalog" in text
    [application] = members.read(node.store)
    assert (application.state, application.area, application.report.records) == ("pending", ("GM0599",), 26)
    assert "wsd-kandidaat" not in [i.id for i in node.hub.instances]

    assert client.get("/beheer/aanmeldingen").status_code == 302  # to the login page
    assert signed_in(hub, "redactie").get("/beheer/aanmeldingen").status_code == 403
    admin = signed_in(hub)
    listing = admin.get("/beheer/aanmeldingen").get_data(as_text=True)
    assert "WSD Kandidaat" in listing and candidate.base_url in listing
    admitted = admin.post(f"/beheer/aanmeldingen/{application.token}/toelaten", data={"csrf_token": csrf_of(listing)})
    assert admitted.status_code == 303 and admitted.headers["Location"].endswith("/oogst/wsd-kandidaat?gestart=1")

    assert "wsd-kandidaat" in [i.id for i in node.hub.instances]
    wait_for(lambda: client.get("/overzicht/regio/wsd-kandidaat", headers={"Accept": "application/json"})
             .status_code == 200 and _count(client, "/overzicht/regio/wsd-kandidaat") == 4)
    assert "WSD Kandidaat" in client.get("/oogst").get_data(as_text=True)
    [decided] = members.read(node.store)
    assert (decided.state, decided.decisions[0].by) == ("admitted", "beheer")
    history = admin.get("/beheer/aanmeldingen").get_data(as_text=True)
    assert "Geen open aanmeldingen." in history and "toegelaten" in history

    again = Hub(node.settings, node.data_dir, node.store)  # a restarted hub reads its members from the store
    assert [i.id for i in again.instances] == ["zaad", "wsd-kandidaat"]
    again_page = apply_form(client, candidate.base_url + "sub/")  # under a member's URL
    assert again_page.status_code == 409 and "hoort al bij WSD Kandidaat" in again_page.get_data(as_text=True)


def _count(client, path: str) -> int:
    return client.get(path, headers={"Accept": "application/json"}).get_json()["count"]


def test_a_node_serving_bad_data_is_refused_at_once_and_nothing_is_stored(hub, candidate):
    candidate.serve(without_names(candidate))
    node = hub.extensions["bamboe"]
    state = node.store.state()[0]
    page = apply_form(hub.test_client(), candidate.base_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Aanmelding geweigerd" in text and "Er is niets opgeslagen" in text
    assert "overtreding(en) van de regels" in text and "Overtredingen per regel" in text
    assert members.read(node.store) == [] and node.store.state()[0] == state


def test_an_admin_refuses_with_a_reason_and_it_is_recorded(hub, candidate):
    node = hub.extensions["bamboe"]
    apply_form(hub.test_client(), candidate.base_url)
    [application] = members.read(node.store)
    admin = signed_in(hub)
    token = csrf_of(admin.get("/beheer/aanmeldingen").get_data(as_text=True))
    no_reason = admin.post(f"/beheer/aanmeldingen/{application.token}/weigeren", data={"csrf_token": token})
    assert no_reason.status_code == 400 and "Geef een reden" in no_reason.get_data(as_text=True)
    refused = admin.post(f"/beheer/aanmeldingen/{application.token}/weigeren",
                         data={"csrf_token": token, "reden": "Geen Werkplaats Sociaal Domein."})
    assert refused.status_code == 303
    [decided] = members.read(node.store)
    assert (decided.state, decided.decisions[0].by, decided.decisions[0].reason) == (
        "refused", "beheer", "Geen Werkplaats Sociaal Domein.")
    assert admin.post(f"/beheer/aanmeldingen/{application.token}/toelaten",
                      data={"csrf_token": token}).status_code == 404  # decided already
    assert "wsd-kandidaat" not in [i.id for i in node.hub.instances]


def test_the_form_checks_its_fields_and_wants_a_csrf_token(hub, candidate):
    client = hub.test_client()
    assert client.post("/aanmelden", data={"url": candidate.base_url}).status_code == 400  # no CSRF token
    page = apply_form(client, "geen-url", name="", area="GM9999999, XX", contact="iemand")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and text.count('class="field-error"') == 4
    assert "Geen CBS-code" in text and "Geen geldig e-mailadres" in text
    assert not candidate.requests


def test_the_form_is_rate_limited_per_address(tmp_path, seed, candidate):
    app = make_hub(tmp_path, seed, join_limit="2 per minute")
    try:
        client = app.test_client()
        statuses = [apply_form(client, "geen-url").status_code for _ in range(3)]
        assert statuses == [400, 400, 429]
        api = app.test_client().post("/api/v1/aanmeldingen", json={})  # one count for the form and the API
        assert api.status_code == 429 and api.mimetype == "application/problem+json"
    finally:
        app.extensions["bamboe"].close()


# --- the API -------------------------------------------------------------------------

def body(url: str, **extra) -> dict:
    return {"url": url, "naam": "WSD API", "niveau": "lokaal", "gebied": ["GM0599"],
            "contact": "info@werkplaats.example.org", **extra}


def test_the_api_registers_a_node_and_answers_problems_as_problem_json(hub, candidate, seed):
    client = hub.test_client()
    created = client.post("/api/v1/aanmeldingen", json=body(candidate.base_url))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "pending" and created.get_json()["rapport"]["records"] == 26
    assert created.headers["API-Version"]
    state = client.get(created.headers["Location"])
    assert state.status_code == 200 and state.get_json()["id"] == "wsd-api"

    again = client.post("/api/v1/aanmeldingen", json=body(candidate.base_url))
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    invalid = client.post("/api/v1/aanmeldingen", json=body("ftp://x", gebied=["nee"], extra=1))
    assert invalid.status_code == 400 and invalid.mimetype == "application/problem+json"
    assert {p["name"] for p in invalid.get_json()["invalidParams"]} == {"url", "gebied[0]", "extra"}
    assert client.post("/api/v1/aanmeldingen", data="x", content_type="text/plain").status_code == 415

    bad = FakeNode(communities=2, seed=9)
    try:
        bad.serve(without_names(bad))
        refused = client.post("/api/v1/aanmeldingen", json=body(bad.base_url, naam="Slecht"))
        problem = refused.get_json()
        assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
        assert problem["invalidParams"][0]["code"] == "node-refused"
        assert problem["rapport"]["overtredingen"] == 2 and problem["rapport"]["problemen"]
    finally:
        bad.stop()
    assert len(members.read(hub.extensions["bamboe"].store)) == 1


def test_the_api_is_in_the_hubs_openapi_document(hub):
    spec = hub.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/aanmeldingen"]["post"]
    assert {"201", "400", "409", "429"} <= set(operation["responses"])
    assert "/aanmeldingen/{token}" in spec["paths"]


def test_a_plain_node_has_no_registration(tmp_path):
    app = create_app({"data_dir": tmp_path, "store_instance": EmbeddedStore(), "base_url": HUB})
    try:
        assert app.test_client().get("/aanmelden").status_code == 404
        assert "/aanmeldingen" not in app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    finally:
        app.extensions["bamboe"].close()


def test_a_real_bamboe_node_passes_the_check(tmp_path):
    from conftest import start_node

    real = start_node(tmp_path / "echt", "nijmegen.ttl", "WSD Arnhem en Nijmegen")
    try:
        report = check_candidate(real.url, QUICK, allow_private=True)
        assert report.problems == [] and report.dcat and report.feed and report.records, report
    finally:
        real.stop()


def test_a_seed_entry_wins_over_an_admitted_member_with_its_id(tmp_path, seed):
    from harvesters.registration import Report
    from registry.config import load_settings

    store = EmbeddedStore()
    joined = members.apply(store, {"url": "http://127.0.0.1:1/", "naam": "Zaad", "niveau": "lokaal",
                                   "gebied": ("GM0344",), "contact": "info@zaad.example.org"}, Report("x"), set())
    other = members.apply(store, {"url": "http://127.0.0.1:2/", "naam": "Ander", "niveau": "wijk",
                                  "gebied": ("WK034401",), "contact": "info@ander.example.org"}, Report("y"), set())
    for application in (joined, other):
        members.decide(store, application.token, members.ADMITTED, "beheer")
    (tmp_path / "instances.yaml").write_text(f"nodes:\n  - {{id: zaad, name: Zaadnode, url: '{seed.base_url}', "
                                             "level: regionaal, area: [GM0344]}\n")
    hub = Hub(load_settings(None, {"instances": "instances.yaml"}), tmp_path, store)
    assert [(i.id, i.url) for i in hub.instances] == [("zaad", seed.base_url), ("ander", "http://127.0.0.1:2/")]
    assert [m.id for m in hub.view_members()] == ["zaad", "ander"]


def test_an_admitted_node_gets_its_place_in_a_running_schedule(tmp_path, seed, candidate):
    app = make_hub(tmp_path, seed, harvest_schedule=True, harvest_jitter_s=0)
    node = app.extensions["bamboe"]
    try:
        assert node.scheduler.running and node.scheduler.next_run("zaad")
        apply_form(app.test_client(), candidate.base_url)
        [application] = members.read(node.store)
        admin = signed_in(app)
        token = csrf_of(admin.get("/beheer/aanmeldingen").get_data(as_text=True))
        admin.post(f"/beheer/aanmeldingen/{application.token}/toelaten", data={"csrf_token": token})
        assert node.scheduler.next_run("wsd-kandidaat") is not None
        wait_for(lambda: read_runs(node.store, HUB, ["wsd-kandidaat"]).get("wsd-kandidaat"))  # before closing
    finally:
        node.close()


def test_an_application_address_that_is_none_is_refused(hub):
    client = hub.test_client()
    assert client.get("/api/v1/aanmeldingen/" + "0" * 32).status_code == 404
    malformed = client.get("/api/v1/aanmeldingen/niet-zo")
    assert malformed.status_code == 400 and malformed.get_json()["invalidParams"][0]["name"] == "token"


def test_one_node_applying_three_times_at_once_is_one_application(hub, candidate):
    """Found by an independent tester: three simultaneous applications for one URL all got 201, two were admitted."""
    from concurrent.futures import ThreadPoolExecutor

    def post(number: int):
        return hub.test_client().post("/api/v1/aanmeldingen", json=body(candidate.base_url, naam=f"Race {number}"))

    with ThreadPoolExecutor(3) as pool:
        statuses = sorted(response.status_code for response in pool.map(post, range(3)))
    assert statuses == [201, 409, 409]
    assert len(members.read(hub.extensions["bamboe"].store)) == 1


def test_an_application_whose_url_became_a_member_meanwhile_is_not_admitted(hub, candidate):
    client, store = hub.test_client(), hub.extensions["bamboe"].store
    assert client.post("/api/v1/aanmeldingen", json=body(candidate.base_url)).status_code == 201
    first = members.read(store)[0]
    data = members.normalised(members.ApplicationSchema().load(body(candidate.base_url, naam="Tweede")))
    second = members.apply(store, data, first.report, {first.id})  # as a second process might have, racing
    admin = signed_in(hub)
    token = csrf_of(admin.get("/beheer/aanmeldingen").get_data(as_text=True))
    assert admin.post(f"/beheer/aanmeldingen/{first.token}/toelaten", data={"csrf_token": token}).status_code == 303
    regional = f"/overzicht/regio/{first.id}"  # wait for its harvest: it must end before the hub closes
    wait_for(lambda: client.get(regional, headers={"Accept": "application/json"}).status_code == 200
             and _count(client, regional) == 4)
    refused = admin.post(f"/beheer/aanmeldingen/{second.token}/toelaten", data={"csrf_token": token})
    assert refused.status_code == 409
    assert [i.id for i in hub.extensions["bamboe"].hub.instances].count(first.id) == 1
    assert second.id not in [i.id for i in hub.extensions["bamboe"].hub.instances]


def test_a_second_process_over_the_same_store_shows_an_admitted_node_too(tmp_path, seed, candidate):
    """Found in review: only the process where the admin clicked knew the new member until a restart."""
    (tmp_path / "een").mkdir()
    (tmp_path / "twee").mkdir()
    first = make_hub(tmp_path / "een", seed)
    store = first.extensions["bamboe"].store
    instances = tmp_path / "een" / "instances.yaml"
    second = create_app({"data_dir": tmp_path / "twee", "store_instance": store, "name": "Hub", "base_url": HUB,
                         "instances": str(instances), "harvest_schedule": False, "allow_private_nodes": True})
    try:
        client = second.test_client()
        assert client.get("/overzicht", headers={"Accept": "application/json"}).status_code == 200  # index built
        assert first.test_client().post("/api/v1/aanmeldingen", json=body(candidate.base_url)).status_code == 201
        [application] = members.read(store)
        admin = signed_in(first)
        token = csrf_of(admin.get("/beheer/aanmeldingen").get_data(as_text=True))
        assert admin.post(f"/beheer/aanmeldingen/{application.token}/toelaten",
                          data={"csrf_token": token}).status_code == 303
        regional = f"/overzicht/regio/{application.id}"
        wait_for(lambda: client.get(regional, headers={"Accept": "application/json"}).status_code == 200
                 and _count(client, regional) == 4)
        wait_for(lambda: _count(first.test_client(), regional) == 4)  # its own harvest is done too
    finally:
        second.extensions["bamboe"].close()
        first.extensions["bamboe"].close()


def test_the_applicant_hears_the_decision_at_its_role_address(tmp_path, seed, candidate):
    """Found by an independent tester: someone who used the form never heard whether the node was admitted."""
    from mailserver import MailServer, text_of
    from mailserver import wait_for as wait_for_mail

    mail = MailServer().start()
    hub = make_hub(tmp_path, seed, **mail.settings())
    refused_node = FakeNode(communities=2, seed=12)
    try:
        client = hub.test_client()
        for url, name in ((candidate.base_url, "WSD Toegelaten"), (refused_node.base_url, "WSD Geweigerd")):
            created = client.post("/api/v1/aanmeldingen", json=body(url, naam=name, contact=f"{name[4:].lower()}@wsd.nl"))
            assert created.status_code == 201, created.get_json()
        admitted, refused = sorted(members.read(hub.extensions["bamboe"].store), key=lambda a: a.name, reverse=True)
        admin = signed_in(hub)
        token = csrf_of(admin.get("/beheer/aanmeldingen").get_data(as_text=True))
        assert admin.post(f"/beheer/aanmeldingen/{admitted.token}/toelaten",
                          data={"csrf_token": token}).status_code == 303
        assert admin.post(f"/beheer/aanmeldingen/{refused.token}/weigeren",
                          data={"csrf_token": token, "reden": "Geen eigen data: alleen voorbeelden."}).status_code == 303
        decisions = lambda: [m for m in mail.messages if "Aanmelding van" in m["Subject"]]  # noqa: E731
        wait_for_mail(lambda: len(decisions()) == 2)  # (the admitted node's first harvest report may come too)
        by_address = {message["To"]: message for message in decisions()}
        yes, no = by_address["toegelaten@wsd.nl"], by_address["geweigerd@wsd.nl"]
        assert yes["Subject"].endswith("toegelaten") and f"{HUB}oogst/{admitted.id}" in text_of(yes)
        assert no["Subject"].endswith("geweigerd") and "Geen eigen data: alleen voorbeelden." in text_of(no)
        assert f"{HUB}aanmelden" in text_of(no)
        regional = f"/overzicht/regio/{admitted.id}"  # its harvest ends before the hub closes
        wait_for(lambda: client.get(regional, headers={"Accept": "application/json"}).status_code == 200
                 and _count(client, regional) == 4)
    finally:
        hub.extensions["bamboe"].close()
        refused_node.stop()
        mail.stop()


def test_a_scheduler_finds_a_node_admitted_by_another_process(tmp_path, seed, candidate):
    """Found in review: a scheduler in another process than the admin's learnt of the new member only at a restart."""
    from harvesters.schedule import MEMBERS_JOB

    app = make_hub(tmp_path, seed, harvest_schedule=True, harvest_jitter_s=0)
    node = app.extensions["bamboe"]
    try:
        assert node.scheduler.running and node.scheduler.scheduler.get_job(MEMBERS_JOB) is not None
        assert app.test_client().post("/api/v1/aanmeldingen", json=body(candidate.base_url)).status_code == 201
        [application] = members.read(node.store)
        members.decide(node.store, application.token, members.ADMITTED, "beheer")  # as another process does it
        assert node.scheduler.next_run(application.id) is None
        assert node.scheduler.sync() == [application.id]  # what the scheduler's own minute job runs
        assert node.scheduler.next_run(application.id) is not None
        assert node.scheduler.sync() == []
        wait_for(lambda: read_runs(node.store, HUB, [application.id]).get(application.id))  # due now: harvested
    finally:
        node.close()
