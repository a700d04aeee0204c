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


def test_community_form_error_fix_save_and_find_it_publicly(editing_node, editor_page):
    page, base = editor_page, editing_node.url
    fragment = uuid.uuid4().hex[:8]
    name = f"Browserkring {fragment}"
    slug = f"browserkring-{fragment}"

    page.goto(base + "beheer/praktijken/nieuw")
    expect(page.locator("h1")).to_have_text("Nieuwe lerende praktijk")
    page.locator("#naam").click()
    page.keyboard.type(name)
    page.locator("#soort").select_option(LEERGEMEENSCHAP)
    page.locator("#niveau").select_option(WIJK)
    page.locator(f'input[name="themas"][value="{ARMOEDE}"]').check()
    page.locator("#beschrijving").click()
    page.keyboard.type("Buren leren samen over rondkomen. <b>vet</b> & meer")
    page.locator("#plaatsen").click()
    page.keyboard.type("Katwijk")  # not a CBS code: the mistake
    page.locator("#startdatum").fill("2024-05-01")
    page.locator("#einddatum").fill("2024-04-01")  # before the start date: a second mistake

    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/beheer/praktijken/nieuw")) as posted:
        page.get_by_role("button", name="Opslaan").click()
    assert posted.value.status == 400
    page.wait_for_load_state("load")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
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

    # The end date before the start date is an error too, next to its own field.
    end_error = page.locator("#einddatum-fout")
    expect(end_error).to_be_visible()
    expect(page.locator("#einddatum")).to_have_attribute("aria-invalid", "true")

    # Focus lands on the first invalid field in the form's order: places comes before the end date.
    expect(places).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "plaatsen"

    # Fix both mistakes and save.
    places.fill("")
    page.keyboard.type("GM0537")
    page.locator("#einddatum").fill("2024-12-31")
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


def test_live_signals_follow_the_participation_table(editor_page, editing_node):
    page = editor_page
    page.goto(editing_node.url + "beheer/praktijken/nieuw")
    signals = page.locator("#signalen")
    expect(signals).to_have_attribute("aria-live", "polite")
    before = signals.inner_text()

    # Required fields first, so the preview validates and the signals show.
    page.locator("#naam").click()
    page.keyboard.type(f"Signaalkring {uuid.uuid4().hex[:8]}")
    page.locator("#soort").select_option(LEERGEMEENSCHAP)
    page.locator("#niveau").select_option(WIJK)
    page.locator(f'input[name="themas"][value="{ARMOEDE}"]').check()
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
