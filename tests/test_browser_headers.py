"""Real browsers on a node and a hub (issue 12, section 2), over real HTTP.

Every kind of page answers HTML to the exact Accept headers Chrome, Firefox and Safari
send, and curl's `*/*` gets what it always got; SPARQL clients still get results. Each
node's OpenAPI document names the node itself; logging in returns to the page you came
from, a form's page for a POST-only button; cookies are the node's own; a favicon.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask

from conftest import NodeProcess, bamboe
from registry import create_app
from registry.store.server import free_port
from registry.web.negotiation import prefers_html

CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
          "application/signed-exchange;v=b3;q=0.7")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
BROWSERS = {"chrome": CHROME, "firefox": FIREFOX, "safari": SAFARI}
JENA = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, "
        "text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1")
PASSWORD = "veilig-wachtwoord-1"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
COMMUNITY = "praktijken/katwijk-koestal"
MEMBER = "den-haag-leiden"

NODE_PAGES = [
    ("", 200), ("praktijken", 200), ("praktijken?q=armoede", 200), (COMMUNITY, 200),
    (COMMUNITY + "/bijeenkomsten/2025-09-16", 200), (COMMUNITY + "/resultaten/sinterklaasfeest", 200),
    ("werkplaats", 200), ("sparql", 200), ("sparql?voorbeeld=onbekend", 200), (f"sparql?query={SELECT}", 200),
    (f"sparql?query={CONSTRUCT}", 200), ("sparql?query=SELEKT", 400), ("sparql?update=DROP%20ALL", 400),
    ("api/v1/docs", 200), ("def", 200), ("id/thema/armoede", 200), ("beheer/inloggen", 200), ("beheer/", 200),
    ("bestaat-niet", 404), ("praktijken/bestaat-niet", 404), ("oogst", 404),
]
HUB_PAGES = [
    ("", 200), ("praktijken", 200), ("overzicht", 200), ("overzicht?q=armoede", 200),
    (f"overzicht/regio/{MEMBER}", 200), ("overzicht/gemeente/GM0546", 200), ("oogst", 200), (f"oogst/{MEMBER}", 200),
    ("sparql", 200), (f"sparql?query={SELECT}", 200), ("api/v1/docs", 200), ("def", 200),
    ("beheer/inloggen", 200), ("beheer/", 200), ("bestaat-niet", 404), ("oogst/bestaat-niet", 404),
    ("overzicht/regio/bestaat-niet", 404), (f"oogst/{MEMBER}/oogsten", 405),
]


@pytest.fixture(scope="module")
def hub(node, tmp_path_factory):
    """A hub that harvested the shared node, with an admin account."""
    root = tmp_path_factory.mktemp("browser-hub")
    port = free_port()
    instances = root / "instances.yaml"
    instances.write_text(f"""nodes:
  - {{id: {MEMBER}, name: "WSD Den Haag & Leiden", url: "{node.url}", level: regionaal, area: [GM0546, GM0537]}}
""")
    hub_dir = root / "hub"
    bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
           data_dir=hub_dir)
    bamboe("harvest", "--all", data_dir=hub_dir)
    bamboe("user", "add", "beheer", "--role", "admin", "--password-stdin", data_dir=hub_dir, input=PASSWORD + "\n")
    started = NodeProcess(hub_dir, port, env={"BAMBOE_HARVEST_SCHEDULE": "false",
                                              "BAMBOE_LOGIN_LIMIT": "300 per minute"})
    yield started
    started.stop()


def get(url: str, accept: str, **kwargs) -> requests.Response:
    """GET with this Accept; a 503 (query workers busy or restarting on a loaded machine) is tried again."""
    for _ in range(3):
        response = requests.get(url, headers={"Accept": accept}, timeout=30, **kwargs)
        if response.status_code != 503:
            break
        time.sleep(2)
    return response


def assert_html(response: requests.Response, status: int) -> None:
    shown = response.text[response.text.find("<main"):][:400]
    assert response.status_code == status, (response.url, response.status_code, shown)
    assert response.headers["Content-Type"].startswith("text/html"), (response.url, response.headers["Content-Type"])
    assert "<html" in response.text[:300].lower()


# --- every page, every browser -----------------------------------------------------

@pytest.mark.parametrize("browser", BROWSERS)
@pytest.mark.parametrize("path, status", NODE_PAGES, ids=[p or "/" for p, _ in NODE_PAGES])
def test_node_pages_answer_browsers_with_html(node, browser, path, status):
    assert_html(get(node.url + path, BROWSERS[browser]), status)


@pytest.mark.parametrize("browser", BROWSERS)
@pytest.mark.parametrize("path, status", HUB_PAGES, ids=[p or "/" for p, _ in HUB_PAGES])
def test_hub_pages_answer_browsers_with_html(hub, browser, path, status):
    assert_html(get(hub.url + path, BROWSERS[browser]), status)


def test_chrome_gets_the_sparql_page_where_it_got_400_problem_json(node, hub):
    for url in (node.url, hub.url):
        response = get(url + "sparql", CHROME)
        assert_html(response, 200)
        assert 'name="query"' in response.text


def test_curl_gets_what_it_always_got(node, hub):
    for url in (node.url, hub.url):
        for path, status in [("", 200), ("praktijken", 200), (COMMUNITY, 200), ("def", 200), ("bestaat-niet", 404)]:
            if url == hub.url and path == COMMUNITY:
                continue
            assert_html(get(url + path, CURL), status)
    described = get(node.url + "sparql", CURL)  # no query: the SPARQL Service Description, for scripts
    assert described.status_code == 200 and described.headers["Content-Type"].startswith("text/turtle")
    results = get(node.url + "sparql", CURL, params={"query": SELECT})
    assert results.status_code == 200 and results.headers["Content-Type"].startswith("application/sparql-results+json")
    assert get(hub.url + "overzicht", CURL).headers["Content-Type"].startswith("text/html")
    assert get(node.url + COMMUNITY, "text/turtle").headers["Content-Type"].startswith("text/turtle")


@pytest.mark.parametrize("query, accept, expected", [
    (SELECT, "application/sparql-results+json", "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, "application/xml", "application/sparql-results+xml"),
    (SELECT, "text/csv", "text/csv"),
    (SELECT, JENA, "application/sparql-results+json"),
    (SELECT, "application/sparql-results+json,application/json,text/javascript,application/javascript",
     "application/sparql-results+json"),  # SPARQLWrapper's JSON
    (SELECT, "text/html;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
    (SELECT, "text/html, application/sparql-results+json", "text/html"),  # a tie goes to the person
    ("ASK { ?s ?p ?o }", "application/xml", "application/sparql-results+xml"),
    (CONSTRUCT, "text/turtle", "text/turtle"),
    (CONSTRUCT, "application/xml", "application/rdf+xml"),
    (CONSTRUCT, FIREFOX, "text/html"),
])
def test_sparql_clients_still_get_results(node, query, accept, expected):
    response = get(node.url + "sparql", accept, params={"query": query})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].split(";")[0] == expected


def test_browsers_get_an_html_error_page_from_sparql_and_scripts_problem_json(node):
    assert_html(get(node.url + "sparql", CHROME, params={"update": "DROP ALL"}), 400)
    for accept in (CURL, "application/sparql-results+json"):
        response = get(node.url + "sparql", accept, params={"update": "DROP ALL"})
        assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("accept, machine, expected", [
    (CHROME, ["application/sparql-results+json", "application/sparql-results+xml"], True),
    (FIREFOX, ["text/turtle", "application/rdf+xml"], True),
    (CURL, ["text/turtle"], False),
    ("", ["text/turtle"], False),
    ("text/html;q=0.8, text/turtle", ["text/turtle"], False),
    ("text/html, text/turtle", ["text/turtle"], True),
    ("TEXT/HTML;level=1", ["text/turtle"], True),
    ("text/*", ["text/turtle"], False),  # only a named text/html is a browser
])
def test_prefers_html_is_the_one_rule(accept, machine, expected):
    with Flask(__name__).test_request_context(headers={"Accept": accept} if accept else {}):
        assert prefers_html(machine) is expected


# --- the OpenAPI document names its own node ------------------------------------------

@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    """Two nodes in one process, as the demo runs them: a shared global would mix them up."""
    apps = [create_app({"data_dir": tmp_path_factory.mktemp(f"app{port}"), "store": "embedded",
                        "base_url": base, "harvest_schedule": False})
            for port, base in ((5001, "http://127.0.0.1:5001/"), (5000, "https://hub.example.org/bamboe/"))]
    yield apps
    for app in apps:
        app.extensions["bamboe"].close()


def test_each_openapi_document_names_its_own_node(two_apps):
    first, second = (app.test_client().get("/api/v1/openapi.json").get_json() for app in two_apps)
    assert first["servers"] == [{"url": "http://127.0.0.1:5001/api/v1"}]
    assert second["servers"] == [{"url": "https://hub.example.org/bamboe/api/v1"}]
    assert "/praktijken/{slug}" in first["paths"] and not any(p.startswith("/api/") for p in first["paths"])


def test_openapi_servers_over_http(node, hub):
    for started in (node, hub):
        document = requests.get(started.url + "api/v1/openapi.json", timeout=30).json()
        assert document["servers"] == [{"url": started.url + "api/v1"}]
        praktijken = requests.get(document["servers"][0]["url"] + "/praktijken", timeout=30)
        assert praktijken.status_code == 200 and praktijken.headers["API-Version"]


# --- login returns where you were -----------------------------------------------------

def csrf_token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def sign_in(session: requests.Session, url: str, user: str, next_path: str | None) -> requests.Response:
    token = csrf_token(session, url + "beheer/inloggen")
    data = {"naam": user, "wachtwoord": PASSWORD, "csrf_token": token}
    if next_path is not None:
        data["next"] = next_path
    return session.post(url + "beheer/inloggen", data=data, timeout=30, allow_redirects=False)


def location_path(response: requests.Response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + ("?" + parts.query if parts.query else "")


@pytest.mark.parametrize("referer, expected", [
    ("{hub}oogst/" + MEMBER, "/oogst/" + MEMBER),
    ("{hub}oogst", "/oogst"),
    (None, "/oogst/" + MEMBER),
    ("https://evil.example/oogst", "/oogst/" + MEMBER),
    ("{hub}oogst/" + MEMBER + "/oogsten", "/oogst/" + MEMBER),
])
def test_login_from_the_harvest_button_returns_to_its_page(hub, referer, expected):
    session = requests.Session()
    token = csrf_token(session, hub.url + "oogst/" + MEMBER)
    headers = {"Referer": referer.format(hub=hub.url)} if referer else {}
    button = session.post(hub.url + f"oogst/{MEMBER}/oogsten", data={"csrf_token": token}, headers=headers,
                           timeout=30, allow_redirects=False)
    assert button.status_code == 303
    login_page = session.get(hub.url.rstrip("/") + location_path(button), timeout=30)
    hidden = re.search(r'name="next" value="([^"]*)"', login_page.text).group(1)
    assert hidden == expected
    signed_in = sign_in(session, hub.url, "beheer", hidden)
    assert signed_in.status_code == 302 and location_path(signed_in) == expected
    assert_html(session.get(hub.url.rstrip("/") + expected, headers={"Accept": CHROME}, timeout=30), 200)


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "/\\evil.example/", "/\t/evil.example/", "/oogst\x00",
    "/oogst\r\nSet-Cookie: x=y", "\\\\evil.example", "javascript:alert(1)", f"/oogst/{MEMBER}/oogsten",
    "/beheer/inloggen", "/bestaat-niet",
])
def test_login_next_takes_only_pages_of_this_node(hub, target):
    response = sign_in(requests.Session(), hub.url, "beheer", target)
    assert response.status_code == 302
    assert location_path(response) == "/beheer/", response.headers["Location"]


def test_login_next_keeps_a_page_with_its_query(hub):
    response = sign_in(requests.Session(), hub.url, "beheer", "/overzicht?q=armoede&pagina=1")
    assert location_path(response) == "/overzicht?q=armoede&pagina=1"


# --- cookies of their own ---------------------------------------------------------------

def test_two_nodes_on_one_host_keep_their_own_logins(editing_node, hub):
    """The demo's case: one cookie jar, 127.0.0.1, two ports; signing into one keeps the other."""
    session = requests.Session()
    assert sign_in(session, editing_node.url, "redactie", "/beheer/").status_code == 302
    assert sign_in(session, hub.url, "beheer", "/beheer/").status_code == 302
    for url in (editing_node.url, hub.url):
        assert session.get(url + "beheer/", timeout=30, allow_redirects=False).status_code == 200, url
    names = {cookie.name for cookie in session.cookies}
    assert len(names) == 2 and all(name.startswith("bamboe_session_") for name in names), names


def test_cookies_are_httponly_and_samesite_lax(hub):
    session = requests.Session()
    response = session.get(hub.url + "beheer/inloggen", params={"lang": "en"}, timeout=30)
    first = response.raw.headers.getlist("Set-Cookie")
    assert len(first) == 2 and any(c.startswith("bamboe_session_") for c in first), first  # session and language
    signed_in = sign_in(session, hub.url, "beheer", "/beheer/")
    for header in (*first, *signed_in.raw.headers.getlist("Set-Cookie")):
        attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}
        assert "httponly" in attributes and attributes["samesite"].lower() == "samesite=lax", header
        assert "secure" not in attributes, header  # http base URL: a Secure cookie would never come back


def test_cookies_are_secure_when_the_base_url_is_https(two_apps):
    client = two_apps[1].test_client()  # base_url https://hub.example.org/bamboe/
    response = client.get("/beheer/inloggen?lang=en")
    headers = response.headers.getlist("Set-Cookie")
    assert len(headers) == 2, headers
    for header in headers:
        assert "; Secure" in header and "; HttpOnly" in header and "SameSite=Lax" in header, header


# --- navigation values and the favicon -------------------------------------------------

def test_templates_get_sign_in_links(two_apps):
    from registry.web.auth import sign_in_links

    with two_apps[0].test_request_context("/praktijken?q=armoede"):
        links = sign_in_links()
    assert links == {"signed_in": False, "signed_in_admin": False, "admin_url": "/beheer/",
                     "logout_url": "/beheer/uitloggen", "login_url": "/beheer/inloggen?next=/praktijken?q%3Darmoede"}


def test_favicon_is_a_real_icon_cached_long(node, hub):
    for url in (node.url, hub.url):
        icon = requests.get(url + "favicon.ico", timeout=30)
        assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # ICO header, type 1
        assert icon.headers["Content-Type"] in ("image/vnd.microsoft.icon", "image/x-icon")
        assert "max-age=31536000" in icon.headers["Cache-Control"]
    svg = requests.get(node.url + "static/favicon.svg", timeout=30)
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml") and "<svg" in svg.text
