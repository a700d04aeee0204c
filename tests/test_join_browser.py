"""Registration in a real headless browser: a Werkplaats fills in /aanmelden, an admin admits the node.

The hub is served over HTTP on 127.0.0.1 (werkzeug, in a thread); the candidates are
real HTTP servers (FakeNode). Every page of the walk passes WCAG 2.1 A/AA (axe-core).
"""
from __future__ import annotations

import re
import threading

import pytest
import requests
from playwright.sync_api import expect
from werkzeug.serving import make_server

from axe import assert_accessible
from fakenode import FakeNode
from registry.store.server import free_port
from test_join import PASSWORD, make_hub, wait_for, without_names

TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A hub app served on 127.0.0.1, a seed member, and two candidates: one good, one serving bad data."""
    seed, good, bad = FakeNode(3, seed=1), FakeNode(4, seed=5), FakeNode(2, seed=9)
    bad.serve(without_names(bad))
    port = free_port()
    app = make_hub(tmp_path_factory.mktemp("join-browser"), seed, base_url=f"http://127.0.0.1:{port}/")
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/", good, bad
    server.shutdown()
    app.extensions["bamboe"].close()
    for node in (seed, good, bad):
        node.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fill_in(page, hub: str, url: str, name: str) -> None:
    page.goto(hub + "aanmelden")
    assert_accessible(page)
    page.get_by_label("Basis-URL van de node").fill(url)
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Niveau").select_option("regionaal")
    page.get_by_label("Gebied").fill("GM0599, GM0606")
    page.get_by_label("Functieadres").fill("info@werkplaats.example.org")
    page.get_by_role("button", name="Aanmelden en controleren").click()


def test_a_werkplaats_registers_and_an_admin_admits_it(served, page):
    hub, good, _ = served
    fill_in(page, hub, good.base_url, "WSD Rijnmond")
    expect(page.get_by_role("heading", name="Aanmelding ontvangen")).to_be_visible()
    expect(page.locator("#rapport")).to_contain_text("Waarschuwingen")
    expect(page.locator("#rapport")).to_contain_text("wsd-rijnmond")
    assert_accessible(page)

    page.goto(hub + "beheer/inloggen?next=/beheer/aanmeldingen")
    page.get_by_label("Gebruikersnaam").fill("beheer")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(hub + "beheer/aanmeldingen")
    expect(page.get_by_role("heading", name=re.compile("WSD Rijnmond"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Toelaten en oogsten WSD Rijnmond").click()
    page.wait_for_url(re.compile(re.escape(hub) + r"oogst/wsd-rijnmond\?gestart=1$"))
    assert_accessible(page)

    view = hub + "overzicht/regio/wsd-rijnmond"
    wait_for(lambda: requests.get(view, headers={"Accept": "application/json"}, timeout=10).json().get("count") == 4)
    page.goto(view)  # the harvest ran in the background; the regional view now shows the new member
    expect(page.get_by_role("heading", level=1)).to_contain_text("WSD Rijnmond")
    page.goto(hub + "beheer/aanmeldingen")
    expect(page.locator("tr[data-state=admitted]")).to_contain_text("beheer")


def test_a_node_serving_bad_data_is_refused_with_its_reasons(served, page):
    hub, _, bad = served
    fill_in(page, hub, bad.base_url, "WSD Slecht")
    expect(page.get_by_role("heading", name="Aanmelding geweigerd")).to_be_visible()
    expect(page.locator(".problems")).to_contain_text("overtreding(en) van de regels")
    expect(page.get_by_role("heading", name="Overtredingen per regel")).to_be_visible()
    assert_accessible(page)


def test_field_errors_are_shown_by_their_field(served, page):
    hub, _, _ = served
    page.goto(hub + "aanmelden")
    page.get_by_label("Basis-URL van de node").fill("https://x.example/?a=b")
    page.get_by_label("Naam").fill("Iets")
    page.get_by_label("Niveau").select_option("regionaal")
    page.get_by_label("Functieadres").fill("info@werkplaats.example.org")
    page.get_by_role("button", name="Aanmelden en controleren").click()
    expect(page.locator(".error-summary")).to_contain_text("Kies er minstens één")
    expect(page.locator("#url")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
