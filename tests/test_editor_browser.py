"""The editor forms in a real headless browser (Debian's chromium, driven by Playwright) on a real node.

An editor signs in with the keyboard, makes a mistake on the community form, sees the
error next to the field with focus on it, fixes it, saves, and finds the community on
the public pages; the live reflection signals follow what the editor types. A walk
creates a community with a place picked by name, adds, edits and deletes a meeting,
adds and edits a report and a result, and finds the change on a hub after a harvest.
Every editor form in its error state has no WCAG 2.1 A/AA violation (axe-core).
"""
from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import expect

from axe import assert_accessible
from conftest import NodeProcess, bamboe
from registry.store.server import free_port

TIMEOUT_MS = 15_000

LP = "https://w3id.org/lerende-praktijken/id/"
LEERGEMEENSCHAP = LP + "soort/leergemeenschap"
WIJK = LP + "niveau/wijk"
ARMOEDE = LP + "thema/armoede"
NO_EXPERIENTIAL_KNOWLEDGE = "Ervaringskennis is niet zichtbaar"
NO_AGREED_FREQUENCY = "Geen afgesproken frequentie"
MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()


def new_page(browser):
    context = browser.new_context(user_agent="bamboe-test", locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def sign_in(page, base_url: str, password: str, user: str = "redactie", target: str = "/beheer/") -> None:
    """Type the name and password key by key and press Enter, as a person would.

    The node allows five sign-ins a minute per address and other test files share it;
    if the limit was reached, wait as long as the node says (at most once) and retry.
    """
    for attempt in range(2):
        page.goto(f"{base_url}beheer/inloggen?next={target}")
        expect(page.locator("#naam")).to_be_focused()  # autofocus
        page.keyboard.type(user)
        page.keyboard.press("Tab")
        expect(page.locator("#wachtwoord")).to_be_focused()
        page.keyboard.type(password)
        with page.expect_response(lambda r: r.request.method == "POST" and "/beheer/inloggen" in r.url) as posted:
            page.keyboard.press("Enter")
        response = posted.value
        if response.status == 429 and attempt == 0:
            time.sleep(min(float(response.headers.get("retry-after", "60") or 60), 65) + 1)
            continue
        assert response.status == 302, f"sign-in answered {response.status}"
        page.wait_for_url(re.compile(re.escape(base_url.rstrip("/") + target) + r"(\?.*)?$"))
        expect(page.locator(".editor-bar")).to_contain_text(user)
        return
    raise AssertionError("sign-in stayed rate limited")


@pytest.fixture(scope="module")
def editor_page(browser, editing_node):
    """One signed-in editor for the form tests (one sign-in, to stay under the rate limit)."""
    context, page = new_page(browser)
    sign_in(page, editing_node.url, editing_node.password)
    yield page
    context.close()


def fill_required(page, name: str) -> None:
    """Name (typed), kind, level and one theme: what the form needs to validate."""
    page.locator("#naam").click()
    page.keyboard.type(name)
    page.locator("#soort").select_option(LEERGEMEENSCHAP)
    page.locator("#niveau").select_option(WIJK)
    page.locator(f'input[name="themas"][value="{ARMOEDE}"]').check()


def submit_expecting_errors(page) -> None:
    """Press Opslaan; the form comes back with 400 and an error summary."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/beheer/praktijken/nieuw")) as posted:
        page.get_by_role("button", name="Opslaan").click()
    assert posted.value.status == 400
    page.wait_for_load_state("load")
    expect(page.locator(".error-summary")).to_be_visible()


def test_community_form_error_fix_save_and_find_it_publicly(editing_node, editor_page):
    page, base = editor_page, editing_node.url
    fragment = uuid.uuid4().hex[:8]
    name = f"Browserkring {fragment}"
    slug = f"browserkring-{fragment}"

    page.goto(base + "beheer/praktijken/nieuw")
    expect(page.locator("h1")).to_have_text("Nieuwe lerende praktijk")
    fill_required(page, name)
    page.locator("#beschrijving").click()
    page.keyboard.type("Buren leren samen over rondkomen. <b>vet</b> & meer")
    page.locator("#plaatsen").click()
    page.keyboard.type("Katwijk aan Zee")  # a village, not a gemeente: the mistake
    page.locator("#startdatum").fill("2024-05-01")
    page.locator("#einddatum").fill("2024-12-31")

    submit_expecting_errors(page)

    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator('a[href="#plaatsen"]')).to_be_visible()
    error = page.locator("#plaatsen-fout")
    expect(error).to_be_visible()
    expect(error).to_have_class(re.compile(r"\bfield-error\b"))
    assert error.inner_text().strip()
    places = page.locator("#plaatsen")
    expect(places).to_have_attribute("aria-invalid", "true")
    expect(places).to_have_attribute("aria-describedby", re.compile(r"(^|\s)plaatsen-fout(\s|$)"))
    expect(places).to_have_value("Katwijk aan Zee")  # what was typed is kept
    expect(page.locator("#naam")).to_have_value(name)
    expect(page.locator("#beschrijving")).to_have_value("Buren leren samen over rondkomen. <b>vet</b> & meer")
    expect(page.locator("#naam")).not_to_have_attribute("aria-invalid", "true")

    # Focus lands on the invalid field, so the editor can type the fix straight away.
    expect(places).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "plaatsen"

    # Fix the mistake by the gemeente's name and save.
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Katwijk")
    expect(places).to_have_value("Katwijk")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(re.escape(f"{base}beheer/praktijken/{slug}") + r"\?opgeslagen=1$"))
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Opgeslagen.")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#naam")).to_have_value(name)
    expect(places).to_have_value("Katwijk (GM0537)")  # stored as GM0537, shown by name

    # The public list finds it by a search, and its public page shows it.
    page.goto(base + "praktijken")
    search = page.get_by_label("Zoek op naam, vraag, beschrijving, thema of plaats")
    search.fill(fragment)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/praktijken\?.*q=" + fragment))
    expect(page.get_by_role("status")).to_contain_text("1 gevonden")
    link = page.get_by_role("link", name=name)
    expect(link.first).to_be_visible()
    link.first.click()
    page.wait_for_url(base + f"praktijken/{slug}")
    expect(page.locator("h1")).to_have_text(name)

    # HTML typed into the description is shown as text, never turned into elements.
    description = page.locator("main p", has_text="Buren leren samen over rondkomen.")
    expect(description).to_have_count(1)
    expect(description).to_contain_text("<b>vet</b> & meer")
    assert description.locator("b").count() == 0
    assert page.evaluate("""() => [...document.querySelectorAll('main b')]
        .filter(el => el.textContent.trim() === 'vet').length""") == 0


def test_every_mistake_is_shown_at_once(editing_node, editor_page):
    """An invalid place and an end date before the start date: both errors on the first save."""
    page = editor_page
    page.goto(editing_node.url + "beheer/praktijken/nieuw")
    fill_required(page, f"Datumkring {uuid.uuid4().hex[:8]}")
    page.locator("#plaatsen").fill("Katwijk aan Zee")
    page.locator("#startdatum").fill("2024-05-01")
    page.locator("#einddatum").fill("2024-04-01")
    submit_expecting_errors(page)

    expect(page.locator("#plaatsen-fout")).to_be_visible()
    expect(page.locator("#plaatsen")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#plaatsen")).to_be_focused()  # the first invalid field in the form
    # The date order is checked even when another field is wrong, not only in a second round.
    expect(page.locator("#einddatum-fout")).to_be_visible()
    expect(page.locator("#einddatum-fout")).to_contain_text("De einddatum ligt vóór de startdatum.")
    expect(page.locator("#einddatum")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary li")).to_have_count(2)


def test_focus_and_summary_follow_the_form_order(editing_node, editor_page):
    """Level (a select) comes before the themes (checkboxes) in the form: its error comes first."""
    page = editor_page
    page.goto(editing_node.url + "beheer/praktijken/nieuw")
    page.locator("#naam").fill(f"Volgordekring {uuid.uuid4().hex[:8]}")
    page.locator("#soort").select_option(LEERGEMEENSCHAP)
    submit_expecting_errors(page)  # no level, no theme

    expect(page.locator("#niveau-fout")).to_be_visible()
    expect(page.locator("#themas-fout")).to_be_visible()
    links = page.locator(".error-summary a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["#niveau", "#themas"]
    expect(page.locator("#niveau")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "niveau"


def test_live_signals_follow_the_participation_table(editor_page, editing_node):
    page = editor_page
    page.goto(editing_node.url + "beheer/praktijken/nieuw")
    signals = page.locator("#signalen")
    expect(signals).to_have_attribute("aria-live", "polite")
    # An empty form is an empty community: every ingredient is still missing, none is "visible".
    expect(signals).to_contain_text(NO_EXPERIENTIAL_KNOWLEDGE)
    expect(signals).to_contain_text(NO_AGREED_FREQUENCY)
    expect(signals).not_to_contain_text("Geen signalen")
    expect(signals.locator("li")).to_have_count(5)

    # Signals follow every field, even while another one is not valid yet.
    fragment = uuid.uuid4().hex[:8]
    page.locator("#naam").fill(f"Signaalkring {fragment}")
    page.locator("#website").fill("nog-niet-af")
    page.locator("#aantal-ervaringsdeskundige").click()
    page.keyboard.type("2")
    expect(signals).not_to_contain_text(NO_EXPERIENTIAL_KNOWLEDGE, timeout=TIMEOUT_MS)
    expect(signals).to_contain_text(NO_AGREED_FREQUENCY)
    page.locator("#frequentieWeken").click()
    page.keyboard.type("4")
    expect(signals).not_to_contain_text(NO_AGREED_FREQUENCY, timeout=TIMEOUT_MS)
    expect(signals.locator("li")).to_have_count(3)
    expect(signals.locator("li strong").first).to_be_visible()  # each signal by its name, as on the public page

    # Nothing was saved: the preview does not write.
    assert page.url.endswith("/beheer/praktijken/nieuw")
    listed = page.request.get(editing_node.url + f"praktijken?q={fragment}")
    assert listed.status == 200 and "0 gevonden" in listed.text()


def test_sign_in_with_the_keyboard_only(browser, editing_node):
    context, page = new_page(browser)
    try:
        page.goto(editing_node.url + "beheer/")
        page.wait_for_url(re.compile(r"/beheer/inloggen"))  # not signed in: sent to the login form
        # Every control on the login form has a label.
        unlabeled = page.evaluate("""() => [...document.querySelectorAll('form input:not([type=hidden])')]
            .filter(el => !(el.id && document.querySelector(`label[for="${el.id}"]`))).length""")
        assert unlabeled == 0
        expect(page.locator("#naam")).to_be_focused()
        page.keyboard.type("redactie")
        page.keyboard.press("Tab")
        expect(page.locator("#wachtwoord")).to_be_focused()
        page.keyboard.type(editing_node.password)
        page.keyboard.press("Tab")
        expect(page.locator('form.editor-form button[type="submit"]')).to_be_focused()
        with page.expect_response(lambda r: r.request.method == "POST" and "/beheer/inloggen" in r.url) as posted:
            page.keyboard.press("Enter")
        if posted.value.status == 429:  # other test files share the node's sign-in limit: wait once
            time.sleep(min(float(posted.value.headers.get("retry-after", "60") or 60), 65) + 1)
            context.close()
            context, page = new_page(browser)
            sign_in(page, editing_node.url, editing_node.password)
        else:
            assert posted.value.status == 302
        page.wait_for_url(re.compile(re.escape(editing_node.url + "beheer/") + r"$"))
        expect(page.locator(".editor-bar")).to_contain_text("redactie")
        expect(page.get_by_role("link", name="Nieuwe lerende praktijk").first).to_be_visible()
    finally:
        context.close()



# --- the whole job: a walk from a new community to the hub ----------------------------------

class Hub:
    """A hub harvesting only the editing node, started with the real command line."""

    def __init__(self, root, node_url: str):
        instances = root / "instances.yaml"
        instances.write_text("nodes:\n  - {id: redactie, name: 'WSD Den Haag & Leiden', "
                             f"url: '{node_url}', level: regionaal, area: [GM0537, GM0546]}}\n")
        port = free_port()
        self.dir = root / "hub"
        bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
               data_dir=self.dir)
        self.process = NodeProcess(self.dir, port, env={"BAMBOE_HARVEST_SCHEDULE": "false"})
        self.url = self.process.url

    def harvest(self) -> None:
        result = bamboe("harvest", "--node", "redactie", data_dir=self.dir)
        assert result.stdout.splitlines()[1].split()[1] in ("stored", "unchanged"), result.stdout

    def ask(self, query: str) -> list[dict]:
        answer = requests.get(self.url + "sparql", params={"query": query}, timeout=30,
                              headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text[:500]
        return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


@pytest.fixture(scope="module")
def hub(tmp_path_factory, editing_node):
    started = Hub(tmp_path_factory.mktemp("editor-hub"), editing_node.url)
    yield started
    started.process.stop()


def in_words(day: dt.date) -> str:
    """A date as the pages write it: 3 maart 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def save(page, status: int = 302) -> None:
    """Press Opslaan and wait for the form's answer (not the live signals' preview)."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/beheer/" in r.url
                              and not r.url.endswith("/beheer/signalen")) as posted:
        page.get_by_role("button", name="Opslaan").click()
    assert posted.value.status == status, posted.value.status
    page.wait_for_load_state("load")


def test_walk_create_meeting_edit_delete_report_result_and_see_it_on_the_hub(browser, editing_node, hub):
    context, page = new_page(browser)
    base = editing_node.url
    sign_in(page, base, editing_node.password)
    fragment = uuid.uuid4().hex[:8]
    name, slug = f"Wandelkring {fragment}", f"wandelkring-{fragment}"
    community_iri = f"{base}praktijken/{slug}"
    try:
        # A community with its place picked by name: the pick-list offers Katwijk, then its wijken.
        page.goto(base + "beheer/praktijken/nieuw")
        fill_required(page, name)
        assert page.locator('#gemeenten-lijst option[value="Katwijk (GM0537)"]').count() == 1
        page.locator("#plaatsen").click()
        page.keyboard.type("Katwijk (GM0537)")  # what choosing "Katwijk" in the list fills in
        page.keyboard.press("Tab")
        wijken = page.locator("#wijken-lijst option")
        expect(wijken.first).to_have_attribute("data-gemeente", "GM0537")
        assert set(page.eval_on_selector_all("#wijken-lijst option", "os => os.map(o => o.dataset.gemeente)")) == {"GM0537"}
        page.locator("#wijken").fill("Koestal")
        page.get_by_role("button", name="Nog een partner").click()  # another row, without a round trip
        expect(page.locator("#partners-2")).to_be_focused()
        page.keyboard.type("Welzijnskwartier Katwijk")
        save(page)
        page.wait_for_url(re.compile(re.escape(f"{base}beheer/praktijken/{slug}") + r"\?opgeslagen=1$"))
        expect(page.locator("#plaatsen")).to_have_value("Katwijk (GM0537)")
        expect(page.locator("#wijken")).to_have_value("Koestal, Katwijk (WK053700)")
        expect(page.locator("#partners")).to_have_value("Welzijnskwartier Katwijk")

        # A meeting: add it, change it, delete it.
        first_day = dt.date.today() - dt.timedelta(days=20)
        page.get_by_role("link", name="Bijeenkomst vastleggen").click()
        page.locator("#datum").fill(first_day.isoformat())
        page.locator("#naam").fill("Eerste ronde")
        page.locator("#plaats").fill("Koestal")
        page.locator("#vorm").select_option("fysiek")
        save(page)
        expect(page.get_by_role("status")).to_contain_text("Bijeenkomst opgeslagen.")
        meetings = page.locator("#bijeenkomsten table")
        expect(meetings).to_contain_text("Eerste ronde")
        page.get_by_role("link", name=f"Bewerken bijeenkomst van {in_words(first_day)}").click()
        expect(page.locator("h1")).to_contain_text("Bijeenkomst bewerken")
        expect(page.locator("#plaats")).to_have_value("Koestal, Katwijk (WK053700)")
        page.locator("#naam").fill("Eerste ronde, verzet")
        save(page)
        expect(meetings).to_contain_text("Eerste ronde, verzet")
        page.get_by_role("link", name=f"Verwijderen bijeenkomst van {in_words(first_day)}").click()
        expect(page.locator("h1")).to_have_text("Bijeenkomst verwijderen?")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Ja, verwijderen").click()
        assert posted.value.status == 302
        expect(page.get_by_role("status")).to_contain_text("Bijeenkomst verwijderd.")
        expect(page.locator("#bijeenkomsten table")).to_have_count(0)

        # A report needs a meeting: one more meeting, then a report on it, then change the report.
        day = dt.date.today() - dt.timedelta(days=10)
        page.get_by_role("link", name="Bijeenkomst vastleggen").click()
        page.locator("#datum").fill(day.isoformat())
        page.locator("#naam").fill("Tweede ronde")
        save(page)
        page.get_by_role("link", name="Verslag toevoegen").click()
        page.locator("#bijeenkomst").select_option(label=f"{in_words(day)} – Tweede ronde")
        page.locator("#datum").fill((day + dt.timedelta(days=2)).isoformat())
        page.locator("#titel").fill("Wat we zagen")
        save(page)
        expect(page.get_by_role("status")).to_contain_text("Verslag opgeslagen.")
        page.get_by_role("link", name="Bewerken Wat we zagen").click()
        page.locator("#titel").fill("Wat we samen zagen")
        page.locator("#handelingsperspectieven").fill("Buren uitnodigen\nSamen koken")
        save(page)
        expect(page.locator("#verslagen table")).to_contain_text("Wat we samen zagen")

        # A result: name it, then change it.
        page.get_by_role("link", name="Resultaat benoemen").click()
        page.locator("#naam").fill("Kookclub")
        save(page)
        page.get_by_role("link", name="Bewerken Kookclub").click()
        page.locator("#naam").fill("Kookclub Koestal")
        save(page)
        expect(page.locator("#resultaten table")).to_contain_text("Kookclub Koestal")

        # The hub, after a harvest, shows the community with its place, and holds what changed.
        hub.harvest()  # another process: the hub's views refresh in the background, so look again a few times
        for _ in range(40):
            page.goto(hub.url + "overzicht/praktijk?iri=" + quote(community_iri, safe=""))
            if name in page.locator("h1").inner_text():
                break
            page.wait_for_timeout(250)
        expect(page.locator("h1")).to_contain_text(name)
        expect(page.locator('main a[href$="/overzicht/gemeente/GM0537"]').first).to_be_visible()
        prefix = "PREFIX schema: <http://schema.org/> PREFIX dct: <http://purl.org/dc/terms/> "
        results = hub.ask(prefix + f"SELECT ?name WHERE {{ GRAPH ?g {{ <{community_iri}/resultaten/kookclub> schema:name ?name }} }}")
        assert results == [{"name": "Kookclub Koestal"}]
        titles = hub.ask(prefix + f"SELECT ?title WHERE {{ GRAPH ?g {{ <{community_iri}/verslagen/{day.isoformat()}> dct:title ?title }} }}")
        assert [row["title"] for row in titles] == ["Wat we samen zagen"]
        gone = hub.ask(f"SELECT ?type WHERE {{ GRAPH ?g {{ <{community_iri}/bijeenkomsten/{first_day.isoformat()}> a ?type }} }}")
        assert [row["type"] for row in gone] == ["https://www.w3.org/ns/activitystreams#Tombstone"]
    finally:
        context.close()


# --- WCAG 2.1 A/AA on every editor form in its error state ---------------------------------

def test_editor_forms_in_their_error_state_have_no_wcag_violations(editor_page, editing_node):
    page, base = editor_page, editing_node.url
    page.goto(base + "beheer/praktijken/nieuw")
    page.locator("#naam").fill(f"Toegankelijke kring {uuid.uuid4().hex[:8]}")
    page.locator("#plaatsen").fill("Atlantis")
    page.locator("#partners").fill("Firma Niemand")
    page.locator("#aantal-student").fill("-1")
    submit_expecting_errors(page)
    assert_accessible(page)

    fill_required(page, "")
    page.locator("#plaatsen").fill("Katwijk")
    page.locator("#partners").fill("")
    page.locator("#aantal-student").fill("")
    save(page)
    slug = re.search(r"/beheer/praktijken/([a-z0-9-]+)\?", page.url).group(1)
    page.locator("#frequentieWeken").fill("0")
    save(page, 400)
    assert_accessible(page)  # the edit form in error, with its meetings, reports and results below

    for kind, fix in (("bijeenkomsten", None), ("verslagen", None), ("resultaten", None)):
        page.goto(f"{base}beheer/praktijken/{slug}/{kind}/nieuw")
        if kind == "bijeenkomsten":
            page.locator("#plaats").fill("Atlantis")
        save(page, 400)
        expect(page.locator(".error-summary a").first).to_be_visible()
        assert_accessible(page)

    # A meeting to change and delete: the refused (stale) save and the delete confirmation.
    page.goto(f"{base}beheer/praktijken/{slug}/bijeenkomsten/nieuw")
    page.locator("#datum").fill("2025-02-03")
    save(page)
    page.goto(f"{base}beheer/praktijken/{slug}/bijeenkomsten/2025-02-03")
    page.eval_on_selector('input[name="etag"]', "input => { input.value = 'verouderd'; }")
    page.locator("#naam").fill("Nieuwe titel")
    save(page, 409)
    expect(page.locator(".error-summary")).to_contain_text("Iemand anders heeft dit intussen gewijzigd")
    expect(page.locator("#naam")).to_have_value("Nieuwe titel")
    assert_accessible(page)
    page.goto(f"{base}beheer/praktijken/{slug}/bijeenkomsten/2025-02-03/verwijderen")
    assert_accessible(page)
