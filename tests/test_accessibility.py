"""Every kind of page passes WCAG 2.1 A/AA (axe-core) and fits a phone, in a real browser.

Debian's chromium (driven by Playwright) sends Chrome's own Accept header to a real
federation (tests/viewsfederation.py: three nodes and a hub that harvested them), and
axe-core (npm, tests/browser/) checks each page as loaded. At 390 x 844 px no page may
be wider than the screen: wide tables and code scroll inside their own box instead.
One browser and one tab per screen size for the whole module keep this quick.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from axe import assert_accessible, install_axe
from conftest import bamboe
from registry.examples import examples
from viewsfederation import TODAY, ViewsFederation

CHROME_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                 "application/signed-exchange;v=b3;q=0.7")
PHONE = {"width": 390, "height": 844}
REFLOW_RULES = ["scrollable-region-focusable", "meta-viewport", "css-orientation-lock"]
"""What a narrow screen can break that a wide one does not: boxes that scroll must take keyboard focus."""
TIMEOUT_MS = 15_000
PASSWORD = "veilig-wachtwoord-1"
QUERY = "SELECT ?community ?name WHERE { ?community a <https://w3id.org/lerende-praktijken/def#LearningCommunity> ; <http://schema.org/name> ?name } LIMIT 20"
CONSTRUCT = "CONSTRUCT { ?community ?p ?o } WHERE { ?community a <https://w3id.org/lerende-praktijken/def#LearningCommunity> ; ?p ?o } LIMIT 40"
EXAMPLE = examples()[2]

KOESTAL = "praktijken/koestal"
PAGES = {
    # name: (server, path, status)
    "node-home": ("west", "", 200),
    "node-list": ("west", "praktijken", 200),
    "node-list-search": ("west", "praktijken?q=armoede&theme=https%3A%2F%2Fw3id.org%2Flerende-praktijken%2Fid%2Fthema%2Farmoede", 200),
    "node-community": ("west", KOESTAL, 200),
    "node-meeting": ("west", KOESTAL + "/bijeenkomsten/0", 200),
    "node-report": ("west", KOESTAL + "/verslagen/0", 200),
    "node-result": ("west", KOESTAL + "/resultaten/sinterklaas", 200),
    "node-werkplaats": ("west", "werkplaats", 200),
    "node-organisation": ("west", "organisaties/welzijnskwartier", 200),
    "node-wijk": ("west", "id/cbs/2024/WK053700", 200),
    "node-concept-scheme": ("west", "begrippen", 200),
    "node-api-root": ("west", "api/v1", 200),
    "node-graph": ("west", "graph", 200),
    "node-vocabulary": ("west", "def", 200),
    "node-sparql": ("west", "sparql", 200),
    "node-sparql-example": ("west", f"sparql?voorbeeld={EXAMPLE.slug}", 200),
    "node-sparql-query": ("west", "sparql?" + urlencode({"query": QUERY}), 200),
    "node-sparql-graph": ("west", "sparql?" + urlencode({"query": CONSTRUCT}), 200),
    "node-api-docs": ("west", "api/v1/docs", 200),
    "node-login": ("west", "beheer/inloggen", 200),
    "node-404": ("west", "bestaat-niet", 404),
    "node-community-en": ("west", KOESTAL + "?lang=en", 200),
    "node-list-en": ("west", "praktijken?lang=en", 200),
    "node-api-docs-en": ("west", "api/v1/docs?lang=en", 200),
    "hub-home": ("hub", "", 200),
    "hub-list": ("hub", "praktijken", 200),
    "hub-national": ("hub", "overzicht", 200),
    "hub-national-filtered": ("hub", "overzicht?q=armoede&region=west", 200),
    "hub-region": ("hub", "overzicht/regio/west", 200),
    "hub-region-empty": ("hub", "overzicht/regio/noord", 200),
    "hub-gemeente": ("hub", "overzicht/gemeente/GM0537", 200),
    "hub-wijk": ("hub", "overzicht/wijk/WK053700", 200),
    "hub-community-view": ("hub", "overzicht/praktijk?iri={west}" + KOESTAL, 200),
    "hub-community-view-twin": ("hub", "overzicht/praktijk?iri={landelijk}praktijken/samen-katwijk", 200),
    "hub-harvest-status": ("hub", "oogst", 200),
    "hub-member": ("hub", "oogst/west", 200),
    "hub-member-without-node": ("hub", "oogst/noord", 200),
    "hub-sparql": ("hub", "sparql", 200),
    "hub-sparql-example": ("hub", f"sparql?voorbeeld={EXAMPLE.slug}", 200),
    "hub-sparql-query": ("hub", "sparql?" + urlencode({"query": EXAMPLE.text}), 200),
    "hub-vocabulary": ("hub", "def", 200),
    "hub-login": ("hub", "beheer/inloggen?next=/oogst", 200),
    "hub-404": ("hub", "overzicht/regio/bestaat-niet", 404),
    "hub-national-as-of": ("hub", f"overzicht?op={TODAY.isoformat()}", 200),
    "hub-region-before-history": ("hub", "overzicht/regio/west?op=2020-01-01", 200),
    "hub-changes": ("hub", "overzicht/veranderd", 200),
    "hub-gemeente-changes": ("hub", "overzicht/gemeente/GM0537/veranderd?van=2020-01-01", 200),
    "hub-national-en": ("hub", "overzicht?lang=en", 200),
    "hub-region-en": ("hub", "overzicht/regio/west?lang=en", 200),
    "hub-harvest-status-en": ("hub", "oogst?lang=en", 200),
    "hub-sparql-en": ("hub", "sparql?lang=en", 200),
    "hub-changes-en": ("hub", "overzicht/regio/west/veranderd?lang=en", 200),
}


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    started = ViewsFederation(tmp_path_factory.mktemp("a11y"))
    yield started
    started.stop()


def new_context(browser, **options):
    """A context (cookies, viewport) that asks for pages as Chrome does, with axe-core loaded."""
    context = browser.new_context(extra_http_headers={"Accept": CHROME_ACCEPT}, locale="nl-NL", **options)
    context.set_default_timeout(TIMEOUT_MS)
    install_axe(context)
    return context


@pytest.fixture(scope="module")
def page(browser):
    """One tab for the module: opening a tab per test costs more than the checks themselves."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def own_page(browser):
    """A tab with cookies of its own, for signing in while the other tests stay signed out."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


def visit(page, fed, name: str) -> None:
    """Open a page of PAGES and wait until scripts have drawn it (Swagger UI)."""
    server, path, status = PAGES[name]
    response = page.goto(fed.urls[server] + path.format(**fed.urls))
    assert response.status == status, (name, response.status, response.headers.get("content-type"))
    assert response.headers["content-type"].startswith("text/html"), (name, response.headers["content-type"])
    if "api/v1/docs" in path:
        page.locator(".opblock").first.wait_for()


OUT_OF_CARD = """() => [...document.querySelectorAll('.card')].flatMap(card => {
  const edge = card.getBoundingClientRect().right;
  return [...card.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > edge + 1)
    .map(el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 60));
})"""


def out_of_card(page) -> list[str]:
    """What sticks out of its card (text must wrap inside)."""
    return page.evaluate(OUT_OF_CARD)


def sign_in_link(page):
    """The navigation's way in for staff, in the page's language."""
    name = "Sign in" if page.evaluate("document.documentElement.lang") == "en" else "Inloggen"
    return page.locator("header.site nav").get_by_role("link", name=name, exact=True)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(fed, page, name):
    visit(page, fed, name)
    assert_accessible(page)
    expect(sign_in_link(page)).to_be_visible()
    assert out_of_card(page) == []


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone(fed, phone, name):
    visit(phone, fed, name)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width} px wide on a {PHONE['width']} px screen"
    assert out_of_card(phone) == []
    assert_accessible(phone, rules=REFLOW_RULES)


def test_api_docs_stay_accessible_while_trying_an_operation(fed, page):
    """Swagger UI as people use it: open an operation, try it, read the answer, authorize."""
    visit(page, fed, "node-api-docs")
    page.locator(".opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table").wait_for()
    assert_accessible(page)
    page.locator(".btn.authorize").first.click()
    page.locator(".modal-ux").wait_for()
    assert_accessible(page)


def test_harvest_buttons_are_reachable_from_the_status_page(fed, own_page):
    """Not signed in, /oogst offers a login that comes back; an admin then sees the buttons."""
    bamboe("user", "add", "oogster", "--role", "admin", "--password-stdin", data_dir=fed.hub_dir, input=PASSWORD + "\n")
    page = own_page
    visit(page, fed, "hub-harvest-status")
    expect(page.get_by_role("button", name="Nu oogsten")).to_have_count(0)
    page.get_by_role("link", name="Inloggen om te oogsten").click()
    page.locator("#naam").fill("oogster")
    page.locator("#wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(fed.urls["hub"] + "oogst")
    expect(page.locator("header.site nav").get_by_role("link", name="Beheer", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Nu oogsten: WSD West")).to_be_visible()
    assert_accessible(page)
