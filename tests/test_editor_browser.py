"""The editor forms in a real headless browser (Debian's chromium, driven by Playwright) on a real node.

An editor signs in with the keyboard, makes a mistake on the community form, sees the
error next to the field with focus on it, fixes it, saves, and finds the community on
the public pages; the live reflection signals follow what the editor types.
"""
from __future__ import annotations

import re
import shutil
import time
import uuid

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

LP = "https://w3id.org/lerende-praktijken/id/"
LEERGEMEENSCHAP = LP + "soort/leergemeenschap"
WIJK = LP + "niveau/wijk"
ARMOEDE = LP + "thema/armoede"
NO_EXPERIENTIAL_KNOWLEDGE = "Ervaringskennis is niet zichtbaar"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


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
    page.keyboard.type("Katwijk")  # not a CBS code: the mistake
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
    expect(places).to_have_value("Katwijk")  # what was typed is kept
    expect(page.locator("#naam")).to_have_value(name)
    expect(page.locator("#beschrijving")).to_have_value("Buren leren samen over rondkomen. <b>vet</b> & meer")
    expect(page.locator("#naam")).not_to_have_attribute("aria-invalid", "true")

    # Focus lands on the invalid field, so the editor can type the fix straight away.
    expect(places).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "plaatsen"

    # Fix the mistake and save.
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("GM0537")
    expect(places).to_have_value("GM0537")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(re.escape(f"{base}beheer/praktijken/{slug}") + r"\?opgeslagen=1$"))
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Opgeslagen.")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#naam")).to_have_value(name)

    # The public list finds it by a search, and its public page shows it.
    page.goto(base + "praktijken")
    search = page.get_by_label("Zoek op naam, vraag of beschrijving")
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
    page.locator("#plaatsen").fill("Katwijk")
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
    before = signals.inner_text()

    # Required fields first, so the preview validates and the signals show.
    fragment = uuid.uuid4().hex[:8]
    fill_required(page, f"Signaalkring {fragment}")
    expect(signals).to_contain_text(NO_EXPERIENTIAL_KNOWLEDGE, timeout=TIMEOUT_MS)
    assert signals.inner_text() != before
    with_gap = signals.inner_text()

    # Two experts by experience take part: that signal goes away, the list changes.
    page.locator("#aantal-ervaringsdeskundige").click()
    page.keyboard.type("2")
    expect(signals).not_to_contain_text(NO_EXPERIENTIAL_KNOWLEDGE, timeout=TIMEOUT_MS)
    assert signals.inner_text() != with_gap
    expect(signals.locator("li").first).to_be_visible()

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

