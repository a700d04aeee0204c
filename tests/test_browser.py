"""A real headless browser (Debian's chromium, driven by Playwright) on a real node."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect



@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(user_agent="bamboe-test")
    yield context.new_page()
    context.close()


def test_browse_search_filter_and_read_a_community(node, page):
    page.goto(node.url)
    expect(page.locator("h1")).to_contain_text("WSD Den Haag")
    page.get_by_role("link", name="Lerende praktijken").first.click()
    expect(page).to_have_url(node.url + "praktijken")
    page.get_by_label("Zoek op naam, vraag, beschrijving, thema of plaats").fill("Koestal")
    page.get_by_label("Zoek op naam, vraag, beschrijving, thema of plaats").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("1 gevonden")
    page.get_by_role("link", name="Koestal").first.click()
    expect(page.locator("h1")).to_contain_text("Koestal")
    expect(page.get_by_role("heading", name="Signalen voor reflectie")).to_be_visible()
    expect(page.get_by_role("heading", name="Bijeenkomsten")).to_be_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1


def test_filter_by_theme_with_keyboard_only(node, page):
    page.goto(node.url + "praktijken")
    total = page.locator(".card").count()
    page.get_by_label("Thema", exact=True).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    chosen = page.get_by_label("Thema", exact=True).input_value()
    page.get_by_role("button", name="Filteren").press("Enter")
    page.wait_for_url("**theme=**")
    assert chosen and 0 < page.locator(".card").count() <= total


def test_switch_to_english_and_every_control_has_a_label(node, page):
    page.goto(node.url + "praktijken?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Learning communities")
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => !(el.id && document.querySelector(`label[for="${el.id}"]`))).length""")
    assert unlabeled == 0
    page.goto(node.url + "praktijken?lang=nl")
    expect(page.locator("h1")).to_have_text("Lerende praktijken")


def test_skip_link_is_the_first_tab_stop(node, page):
    page.goto(node.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
