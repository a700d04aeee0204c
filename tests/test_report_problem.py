""""Meld een fout of vul aan": a note on a hub's community page reaches the contact of each node holding it.

A hub in this process harvests two scripted nodes over real HTTP on 127.0.0.1 that
describe the same communities (so each community has two owners); notes go through
the real outbox and courier to a real SMTP server (aiosmtpd) on 127.0.0.1.
"""
from __future__ import annotations

import re

import pytest

from fakenode import FakeNode
from mailserver import MailServer, text_of, wait_for
from registry import create_app
from registry.store import EmbeddedStore

HUB = "http://hub.test/"
WEST = "redactie@west.test"
HUB_CONTACT = "federatie@hub.test"
FORM = "/overzicht/praktijk/melden"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """West has a contact address, oost none (its notes go to the hub's own contact)."""
    folder = tmp_path_factory.mktemp("report-problem")
    west, oost = FakeNode(communities=2, seed=3), FakeNode(communities=2, seed=3)
    mail = MailServer().start()
    instances = folder / "instances.yaml"
    instances.write_text(
        "nodes:\n"
        f"  - {{id: west, name: WSD West, url: '{west.base_url}', level: lokaal, area: [GM0344], contact: '{WEST}'}}\n"
        f"  - {{id: oost, name: WSD Oost, url: '{oost.base_url}', level: lokaal, area: [GM0344]}}\n")
    app = create_app({"data_dir": folder, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False, "contact": HUB_CONTACT,
                      "report_problem_limit": "3 per minute", **mail.settings()})
    node = app.extensions["bamboe"]
    node.hub.after_harvest.clear()
    assert {node.hub.harvest(i).outcome for i in ("west", "oost")} == {"stored"}
    node.federation.refresh()
    yield app, node, mail, west
    node.close()
    mail.stop()
    west.stop()
    oost.stop()


def community(west: FakeNode) -> str:
    return west.base_url + "praktijken/gen-00000"


def client_from(app, address: str):
    """A visitor of its own: the rate limit counts per client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def token(client, iri: str) -> str:
    page = client.get(FORM, query_string={"iri": iri})
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def post(client, iri: str, **fields):
    return client.post(FORM, query_string={"iri": iri}, data={"csrf_token": token(client, iri), **fields})


def test_the_community_page_links_to_the_form(hub):
    app, _, _, west = hub
    page = app.test_client().get("/overzicht/praktijk", query_string={"iri": community(west)})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Meld een fout of vul aan" in html
    assert f'href="{FORM}?iri=' in html


def test_the_form_says_what_happens_to_the_note(hub):
    app, _, _, west = hub
    html = app.test_client().get(FORM, query_string={"iri": community(west)}).get_data(as_text=True)
    assert 'name="bericht"' in html and 'name="antwoordadres"' in html
    assert re.search(r'<div class="field" hidden>\s*<label for="website">', html), "the honeypot, hidden"
    assert "daarna wordt het daar gewist" in html and "WSD West, WSD Oost" in html


def test_a_note_arrives_at_each_owning_nodes_contact(hub):
    app, node, mail, west = hub
    before = len(mail.messages)
    visitor = client_from(app, "10.0.0.1")
    sent = post(visitor, community(west), bericht="De bijeenkomsten zijn nu op dinsdag.\nGroet, Sanne",
                antwoordadres="sanne@voorbeeld.nl")
    assert sent.status_code == 303 and "/overzicht/praktijk/melden/verstuurd?iri=" in sent.headers["Location"]
    confirmation = visitor.get(sent.headers["Location"])
    assert confirmation.status_code == 200 and "Bedankt voor je melding" in confirmation.get_data(as_text=True)
    wait_for(lambda: len(mail.messages) >= before + 2)
    wait_for(lambda: node.courier.outbox.waiting() == [])
    arrived = {m["To"]: m for m in mail.messages[before:]}
    assert set(arrived) == {WEST, HUB_CONTACT}, "west's own contact; the hub's for oost, which has none"
    message = arrived[WEST]
    assert message["Reply-To"] == "sanne@voorbeeld.nl"
    assert message["Subject"].startswith("[Hub] Melding over ‘")
    body = text_of(message)
    assert "De bijeenkomsten zijn nu op dinsdag.\nGroet, Sanne" in body.replace("\r\n", "\n")
    assert "Antwoordadres: sanne@voorbeeld.nl" in body and community(west) in body
    assert "Beste beheerder van WSD West," in body
    assert "Beste beheerder van WSD Oost," in text_of(arrived[HUB_CONTACT])


def test_a_note_without_reply_address(hub):
    app, node, mail, west = hub
    before = len(mail.messages)
    assert post(client_from(app, "10.0.0.2"), community(west), bericht="Naam is verkeerd gespeld").status_code == 303
    wait_for(lambda: len(mail.messages) >= before + 2)
    message = mail.messages[before]
    assert message["Reply-To"] is None and "De melder gaf geen antwoordadres op." in text_of(message)


@pytest.mark.parametrize("address, fields, error", [
    ("10.0.1.1", {"bericht": "  "}, "Schrijf wat er niet klopt of wat er ontbreekt."),
    ("10.0.1.2", {"bericht": "x" * 2001}, "Een melding is hooguit 2000 tekens; maak hem korter."),
    ("10.0.1.3", {"bericht": "Goed", "antwoordadres": "geen adres\nBcc: x@y.nl"}, "Dit is geen e-mailadres"),
])
def test_bad_input_gets_a_dutch_message_and_sends_nothing(hub, address, fields, error):
    app, node, _, west = hub
    response = post(client_from(app, address), community(west), **fields)
    assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert node.courier.outbox.waiting() == []


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(hub):
    app, node, mail, west = hub
    before = len(mail.messages)
    response = post(client_from(app, "10.0.0.3"), community(west), bericht="Koop nu!", website="http://spam.test")
    assert response.status_code == 303
    node.courier.round()
    assert len(mail.messages) == before and node.courier.outbox.waiting() == []


def test_missing_csrf_token_gives_400(hub):
    app, node, _, west = hub
    response = client_from(app, "10.0.0.4").post(FORM, query_string={"iri": community(west)},
                                                 data={"bericht": "Zonder token"})
    assert response.status_code == 400
    assert node.courier.outbox.waiting() == []


def test_too_many_notes_from_one_address_give_429(hub):
    app, _, _, west = hub
    visitor = client_from(app, "10.0.0.5")
    statuses = [post(visitor, community(west), bericht="").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_unknown_community_is_404(hub):
    app, _, _, west = hub
    response = app.test_client().get(FORM, query_string={"iri": west.base_url + "praktijken/bestaat-niet"})
    assert response.status_code == 404


def test_without_mail_or_webhook_the_form_says_it_cannot_deliver(hub, monkeypatch):
    app, node, _, west = hub
    visitor = client_from(app, "10.0.0.6")
    csrf = token(visitor, community(west))  # taken while the form is still offered
    monkeypatch.setitem(node.settings, "smtp_host", "")
    page = visitor.get(FORM, query_string={"iri": community(west)}).get_data(as_text=True)
    assert "kunnen nu niet worden bezorgd" in page and 'name="bericht"' not in page
    response = visitor.post(FORM, query_string={"iri": community(west)}, data={"csrf_token": csrf, "bericht": "Hallo"})
    assert response.status_code == 422 and "kunnen nu niet worden bezorgd" in response.get_data(as_text=True)
    assert node.courier.outbox.waiting() == []
