"""Hardening of the web layer (issue 11, items 9-14), each over real HTTP against real nodes.

9   input the store cannot hold (lone surrogates, bad IRIs and e-mail addresses, JSON
    nested 30,000 deep) is a 400 naming the field, never a 500, and changes nothing;
10  CSV exports quote cells a spreadsheet would run as formulas;
11  a public 503 never names the private store's URL or port;
12  logging out ends the session on the server, so a copied cookie opens nothing;
13  redirects never point at the request's Host header;
14  PATCH is a real JSON Merge Patch (RFC 7396): nested objects merge, null removes.
Plus a property test: arbitrary JSON to POST and PATCH never gets a 5xx.
"""
from __future__ import annotations

import csv
import gc
import io
import json
import re
import sqlite3
import time
import uuid
from urllib.parse import urlsplit

import hypothesis
import psutil
import pyoxigraph as ox
import pytest
import requests
from hypothesis import strategies as st

from conftest import NodeProcess, bamboe, start_node
from registry.accounts import Accounts
from registry.csv_cells import neutral
from registry.editing.merge_patch import merge_patch
from registry.store.server import free_port
from registry.web.json_body import nesting_depth
from viewsfederation import PREFIXES, participation

T = "https://w3id.org/lerende-praktijken/id/"
PROBLEM = "application/problem+json"


def community(name: str, **extra) -> dict:
    body = {
        "naam": name, "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
        "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"], "startdatum": "2026-01-15",
        "deelname": [{"perspectief": T + "perspectief/professional", "aantal": 3}],
        "contact": {"naam": "Leergemeenschap (Welzijn)", "email": "leergemeenschap@welzijn.example"},
    }
    body.update(extra)
    return body


def dump(editing_node) -> bytes:
    response = requests.get(editing_node.url + "dump.nq", timeout=30)
    assert response.status_code == 200
    return response.content


def create(editing_node, path: str, body: dict) -> requests.Response:
    response = requests.post(editing_node.url + "api/v1/" + path, json=body, headers=editing_node.headers(), timeout=30)
    assert response.status_code == 201, response.text
    return response


def login(url: str, user: str, password: str) -> requests.Session:
    """Sign in through the real form, CSRF token and all."""
    session = requests.Session()
    form = session.get(url + "beheer/inloggen", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = session.post(url + "beheer/inloggen", timeout=10, data={
        "naam": user, "wachtwoord": password, "csrf_token": token, "next": "/beheer/"})
    assert response.status_code == 200 and response.url.endswith("/beheer/"), response.text[:500]
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text).group(1)


def assert_problem(response: requests.Response, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith(PROBLEM)
    return response.json()


# --- 9: input the store cannot hold -------------------------------------------------

FORBIDDEN_IN_IRIS = ["<", ">", "{", "}", "|", "^", '"', "`", "\\", " "]
BAD_INPUT = [
    ("lone surrogate in a name", {"naam": "a\ud800b"}, "naam"),
    ("lone surrogate in a list item", {"themas": [T + "thema/armoede\udfff"]}, "themas[0]"),
    ("lone surrogate in a nested object", {"contact": {"naam": "Team \ud83d", "email": "team@welzijn.example"}},
     "contact.naam"),
    ("lone surrogate in free text", {"beschrijving": "\udc00"}, "beschrijving"),
    ("lone surrogate in a place", {"plaatsen": ["GM0537\ud800"]}, "plaatsen[0]"),
    ("control character in free text", {"aansluiten": "Kom langs\x00"}, "aansluiten"),
    ("invalid percent-encoding in a URL", {"website": "http://example.com/%zz"}, "website"),
    *[(f"{char!r} in a URL", {"website": f"http://example.com/a{char}b"}, "website") for char in FORBIDDEN_IN_IRIS],
    ("bad IRI in a list of URLs", {"onderdeelVan": ["http://example.com/ok", "http://example.com/{x}"]},
     "onderdeelVan[1]"),
    ("lone surrogate in a URL", {"partners": ["http://example.com/\ud800"]}, "partners[0]"),
    ("percent in an e-mail address", {"contact": {"naam": "Team", "email": "a%zz@example.com"}}, "contact.email"),
    ("IP literal as e-mail domain", {"contact": {"naam": "Team", "email": "x@[127.0.0.1]"}}, "contact.email"),
    ("non-ASCII digits in a CBS code", {"plaatsen": ["GM\u0660\u0665\u0663\u0667"]}, "plaatsen[0]"),
]


@pytest.mark.parametrize("label, change, field", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_input_the_store_cannot_hold_is_a_400_naming_the_field(editing_node, label, change, field):
    before = dump(editing_node)
    response = requests.post(editing_node.url + "api/v1/praktijken", json=community(f"Kring {label}", **change),
                             headers=editing_node.headers(), timeout=30)
    problem = assert_problem(response)
    assert field in {item["name"] for item in problem["invalidParams"]}, problem
    assert dump(editing_node) == before


def test_bad_iris_are_refused_in_every_kind_and_in_patches(editing_node):
    slug = create(editing_node, "praktijken", community(f"IRI-kring {uuid.uuid4().hex[:6]}")).headers["Location"]
    item = editing_node.url + slug.lstrip("/")
    create(editing_node, slug.removeprefix("/api/v1/") + "/bijeenkomsten", {"datum": "2026-03-03"})
    before = dump(editing_node)
    cases = [
        ("post", item + "/verslagen", {"bijeenkomst": "2026-03-03", "datum": "2026-03-04", "url": "http://e.com/%zz"},
         "url"),
        ("post", item + "/verslagen", {"bijeenkomst": "2026-03-03\n", "datum": "2026-03-04"}, "bijeenkomst"),
        ("post", editing_node.url + "api/v1/begrippen", {"label": "Los", "breder": "http://e.com/a b"}, "breder"),
        ("patch", item, {"website": "http://example.com/%zz"}, "website"),
        ("patch", item, {"contact": {"email": "x@[127.0.0.1]"}}, "contact.email"),
        ("patch", item, {"naam": "a\ud800"}, "naam"),
    ]
    for method, url, body, field in cases:
        headers = editing_node.headers()
        if method == "patch":
            headers["If-Match"] = requests.get(url, timeout=10).headers["ETag"]
        response = requests.request(method, url, json=body, headers=headers, timeout=30)
        problem = assert_problem(response)
        assert field in {item["name"] for item in problem["invalidParams"]}, (body, problem)
    assert dump(editing_node) == before


def test_json_nested_30000_deep_is_a_400(editing_node):
    before = dump(editing_node)
    for body in ("[" * 30_000 + "]" * 30_000, '{"naam": ' + "[" * 30_000 + "]" * 30_000 + "}", "[" * 65 + "]" * 65):
        response = requests.post(editing_node.url + "api/v1/praktijken", data=body.encode(), timeout=30,
                                 headers=editing_node.headers(**{"Content-Type": "application/json"}))
        problem = assert_problem(response)
        assert "64" in problem["detail"]
    shallow = requests.post(editing_node.url + "api/v1/praktijken", data=("[" * 60 + "]" * 60).encode(), timeout=30,
                            headers=editing_node.headers(**{"Content-Type": "application/json"}))
    assert "64" not in assert_problem(shallow)["detail"]  # parsed, then refused as not an object
    assert dump(editing_node) == before


def test_nesting_depth_skips_brackets_inside_strings():
    assert nesting_depth('{"a": "[[[[", "b": [1, [2]]}') == 3
    assert nesting_depth(r'["\"[[[", []]') == 2
    assert nesting_depth("[" * 100_000) == 65  # stops counting past the limit


def test_odd_slugs_and_numbers_are_4xx_not_500(editing_node):
    before = dump(editing_node)
    api = editing_node.url + "api/v1/praktijken"
    assert_problem(requests.get(api + "/katwijk-koestal%0A", timeout=10), 404)
    assert_problem(requests.put(api + "/katwijk-koestal%0A", json=community("x"), timeout=10,
                                headers=editing_node.headers(**{"If-Match": "*"})), 404)
    assert_problem(requests.get(api, params={"pagina": "\u00b2"}, timeout=10), 400)
    assert dump(editing_node) == before


def test_editor_forms_refuse_the_same_input_without_a_500(editing_node):
    session = login(editing_node.url, "redactie", editing_node.password)
    page = editing_node.url + "beheer/praktijken/nieuw"
    valid = {"naam": f"Formulierkring {uuid.uuid4().hex[:6]}", "soort": T + "soort/leergemeenschap",
             "niveau": T + "niveau/wijk", "themas": T + "thema/armoede", "plaatsen": "GM0537",
             "contact-naam": "Team", "contact-email": "team@welzijn.example"}
    before = dump(editing_node)
    for change, field in [({"website": "http://example.com/%zz"}, "website"),
                          ({"website": "http://example.com/a b"}, "website"),
                          ({"onderdeelVan": "http://example.com/{x}"}, "onderdeelVan"),
                          ({"contact-email": "x@[127.0.0.1]"}, "contact-email"),
                          ({"contact-email": "a%zz@example.com"}, "contact-email"),
                          ({"naam": "Kring\x00"}, "naam"),
                          ({"frequentieWeken": "\u00b2"}, "frequentieWeken")]:
        response = session.post(page, data={**valid, **change, "csrf_token": csrf_token(session, page)}, timeout=30)
        assert response.status_code == 400, (change, response.status_code, response.text[:300])
        assert f'id="{field}-fout"' in response.text, change
    assert dump(editing_node) == before
    # a form cannot carry a lone surrogate: its bytes decode as U+FFFD, which is text
    raw = "&".join(f"{k}={requests.utils.quote(v)}" for k, v in valid.items() if k != "naam")
    response = session.post(page, data=(raw + "&naam=Kring%ED%A0%80&csrf_token=" + csrf_token(session, page)).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert response.status_code == 200 and "opgeslagen=1" in response.url, response.text[:300]
    admin = login(editing_node.url, "beheer", editing_node.password)
    assert admin.get(editing_node.url + "beheer/audit?voor=\u00b2", timeout=10).status_code == 200


# --- 10: CSV formula injection -------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1)", "+1", "-2+3", "\tTab", "\rCR"]


def test_neutral_quotes_formulas_and_leaves_numbers():
    for text in FORMULAS:
        assert neutral(text) == "'" + text
    for plain in ("-3", "12", "2.5", "-0.75", "", "Leergemeenschap", "a=b", 7, -3, None):
        assert neutral(plain) == plain


@pytest.fixture(scope="module")
def formula_hub(tmp_path_factory):
    """A member node whose communities are named like spreadsheet formulas, and a hub that harvested it."""
    root = tmp_path_factory.mktemp("formulas")
    ports = {name: free_port() for name in ("member", "hub")}
    urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
    names = [*FORMULAS[:4], "-3", "12"]
    turtle = PREFIXES + "".join(
        f"<praktijken/p{n}> a lp:LearningCommunity ; schema:name {json.dumps(name)} ;\n"
        "    dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:lokaal ;\n"
        f"    dct:spatial gemeente:gm0537 ; adms:status status:actief ;\n    {participation('professional', 'gemeente')}\n"
        '    schema:startDate "2024-01-10"^^xsd:date .\n' for n, name in enumerate(names))
    member_dir = root / "member"
    bamboe("init", "--name", "Formules", "--base-url", urls["member"], "--area", "GM0537", data_dir=member_dir)
    (root / "member.ttl").write_text(turtle, encoding="utf-8")
    bamboe("load", root / "member.ttl", data_dir=member_dir)
    member = NodeProcess(member_dir, ports["member"])
    instances = root / "instances.yaml"
    instances.write_text(f"""nodes:
  - {{id: formules, name: '{FORMULAS[0]}', url: "{urls['member']}", level: regionaal, area: [GM0537]}}
""")
    hub_dir = root / "hub"
    bamboe("init", "--name", "Hub", "--base-url", urls["hub"], "--instances", instances, data_dir=hub_dir)
    bamboe("harvest", "--all", data_dir=hub_dir)
    hub = NodeProcess(hub_dir, ports["hub"], env={"BAMBOE_HARVEST_SCHEDULE": "false"})
    yield hub, names
    hub.stop()
    member.stop()


def csv_rows(response: requests.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text)))


def assert_no_live_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert neutral(cell) == cell, f"cell {cell!r} would run as a formula"


def test_view_csv_lists_quote_formulas(formula_hub):
    hub, names = formula_hub
    for which in ("praktijken", "tellingen", "reflectie", "bijeenkomsten"):
        rows = csv_rows(requests.get(hub.url + "overzicht", params={"format": "csv", "lijst": which}, timeout=30))
        assert_no_live_formula(rows)
    rows = csv_rows(requests.get(hub.url + "overzicht", params={"format": "csv", "lijst": "praktijken"}, timeout=30))
    shown = {row[rows[0].index("name")] for row in rows[1:]}
    assert shown == {"'" + name if name not in ("-3", "12") else name for name in names}
    member_iri = next(row[1] for row in rows[1:] if row[2] == "12")
    links = requests.get(hub.url + "overzicht/praktijk", params={"iri": member_iri, "format": "csv", "lijst": "verbanden"},
                         timeout=30)
    assert_no_live_formula(csv_rows(links))


def test_harvest_status_csv_quotes_formulas(formula_hub):
    hub, _ = formula_hub
    rows = csv_rows(requests.get(hub.url + "oogst.csv", timeout=30))
    assert rows[1][rows[0].index("name")] == "'" + FORMULAS[0]
    assert_no_live_formula(rows)


# --- 11: a stopped store ---------------------------------------------------------------

def _store_child(node: NodeProcess, port: int) -> psutil.Process | None:
    for child in psutil.Process(node.process.pid).children(recursive=True):
        try:
            if any(c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in child.net_connections("tcp")):
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def _stop_store(node: NodeProcess, port: int) -> ox.Store:
    """Kill the node's Oxigraph and hold its data directory, so its supervisor cannot restart it."""
    for _ in range(20):
        child = _store_child(node, port)
        if child is not None:
            child.kill()
            child.wait(10)
        try:
            return ox.Store(str(node.data_dir / "store"))
        except OSError:  # the supervisor restarted it first: again
            time.sleep(0.2)
    raise AssertionError("could not stop the node's store")


def test_store_errors_never_reveal_the_store_address(tmp_path):
    node = start_node(tmp_path / "data", "den-haag-leiden.ttl")
    try:
        store_url = node.run_record["store_url"]
        port = urlsplit(store_url).port
        held = _stop_store(node, port)
        time.sleep(1)  # past the store's cached change token
        answers = [
            requests.get(node.url + "praktijken", headers={"Accept": "text/html"}, timeout=60),
            requests.get(node.url + "praktijken/katwijk-koestal", headers={"Accept": "application/ld+json"}, timeout=60),
            requests.get(node.url + "praktijken/katwijk-koestal.ttl", timeout=60),
            requests.get(node.url + "api/v1/praktijken", timeout=60),
            requests.get(node.url + "api/v1/praktijken/katwijk-koestal", timeout=60),
            requests.get(node.url + "praktijken?lang=en", headers={"Accept": "text/html"}, timeout=60),
        ]
        for response in answers:
            assert response.status_code == 503, (response.url, response.status_code, response.text[:300])
            for secret in (store_url, f"127.0.0.1:{port}", f":{port}", str(node.data_dir), "/query", "/store"):
                assert secret not in response.text, (response.url, secret, response.text[:500])
            english = response.url.endswith("lang=en")  # one language per answer: Dutch unless asked
            assert ("try again" in response.text) == english and ("probeer het" in response.text) != english
        assert answers[1].json()["status"] == 503 and answers[3].headers["Retry-After"]
        assert store_url in node.log  # the detail goes to the log, for the operator
        del held
        gc.collect()
        deadline = time.monotonic() + 60
        while requests.get(node.url + "praktijken", timeout=60).status_code != 200:
            assert time.monotonic() < deadline, "the store did not come back"
            time.sleep(0.5)
    finally:
        node.stop()


# --- 12: logout ends the session on the server -------------------------------------

def test_a_cookie_saved_before_logout_opens_nothing(editing_node):
    session = login(editing_node.url, "redactie", editing_node.password)
    saved = session.cookies.get_dict()
    assert session.get(editing_node.url + "beheer/", timeout=10, allow_redirects=False).status_code == 200
    token = csrf_token(session, editing_node.url + "beheer/")
    assert session.post(editing_node.url + "beheer/uitloggen", data={"csrf_token": token}, timeout=10,
                        allow_redirects=False).status_code == 302
    replay = requests.get(editing_node.url + "beheer/", cookies=saved, timeout=10, allow_redirects=False)
    assert replay.status_code == 302 and "/beheer/inloggen" in replay.headers["Location"]
    page = requests.get(editing_node.url + "beheer/praktijken/nieuw", cookies=saved, timeout=10, allow_redirects=False)
    assert page.status_code == 302


def test_disabling_a_user_ends_their_sessions(editing_node):
    name = f"tijdelijk-{uuid.uuid4().hex[:6]}"
    data = editing_node.node.data_dir
    bamboe("user", "add", name, "--password-stdin", data_dir=data, input=editing_node.password + "\n")
    session = login(editing_node.url, name, editing_node.password)
    bamboe("user", "disable", name, data_dir=data)
    assert session.get(editing_node.url + "beheer/", timeout=10, allow_redirects=False).status_code == 302


def test_sessions_are_kept_as_hashes_and_expire(tmp_path):
    accounts = Accounts(tmp_path)
    accounts.add_user("redactie", "lang-genoeg-wachtwoord")
    first, second = accounts.open_session("redactie"), accounts.open_session("redactie")
    assert accounts.session_user(first).name == "redactie"
    assert first.encode() not in accounts.path.read_bytes()
    accounts.close_session(first)
    assert accounts.session_user(first) is None and accounts.session_user(second).name == "redactie"
    with sqlite3.connect(accounts.path) as db:
        db.execute("UPDATE sessions SET created = '2000-01-01T00:00:00+00:00'")
    assert accounts.session_user(second) is None
    assert accounts.session_user(None) is None and accounts.session_user("") is None


# --- 13: redirects never follow the Host header ------------------------------------

REDIRECTING = [("get", "beheer", {}), ("get", "beheer/", {}), ("get", "beheer/praktijken/nieuw", {}),
               ("get", "beheer/audit?voor=3", {}), ("get", ".well-known/void", {}),
               ("get", "id/thema/armoede", {"Accept": "text/html"})]


@pytest.mark.parametrize("forged", [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"},
                                    {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
                                     "X-Forwarded-Proto": "https"}], ids=["host", "forwarded-host", "both"])
def test_redirects_point_at_the_base_url_not_the_host_header(editing_node, forged):
    for method, path, headers in REDIRECTING:
        response = requests.request(method, editing_node.url + path, headers={**headers, **forged}, timeout=10,
                                    allow_redirects=False)
        assert 300 <= response.status_code < 400, (path, response.status_code)
        assert_stays_home(response.headers["Location"], editing_node.url)


def assert_stays_home(location: str, base: str) -> None:
    assert "evil.example" not in location, location
    assert location.startswith(base) or (location.startswith("/") and not location.startswith(("//", "/\\"))), location


def test_login_next_never_leaves_the_node(editing_node):
    for target in ("//evil.example/", "/\\evil.example/", "/\t/evil.example/", "http://evil.example/", "/beheer/"):
        session = requests.Session()
        session.headers["Host"] = "evil.example"  # requests then keeps the cookie for evil.example: send both
        token = csrf_token(session, editing_node.url + "beheer/inloggen")
        response = session.post(editing_node.url + "beheer/inloggen", timeout=10, allow_redirects=False, data={
            "naam": "redactie", "wachtwoord": editing_node.password, "csrf_token": token, "next": target})
        assert response.status_code == 302, response.text[:300]
        assert_stays_home(response.headers["Location"], editing_node.url)


# --- 14: JSON Merge Patch ------------------------------------------------------------

def test_merge_patch_follows_rfc_7396_appendix_a():
    cases = [({"a": "b"}, {"a": "c"}, {"a": "c"}), ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
             ({"a": "b"}, {"a": None}, {}), ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
             ({"a": ["b"]}, {"a": "c"}, {"a": "c"}), ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
             ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
             ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}), (["a", "b"], ["c", "d"], ["c", "d"]),
             ({"a": "b"}, ["c"], ["c"]), ({"a": "foo"}, None, None), ({"a": "foo"}, "bar", "bar"),
             ({"e": None}, {"a": 1}, {"e": None, "a": 1}), ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
             ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}})]
    for target, patch, result in cases:
        assert merge_patch(target, patch) == result, (target, patch)


def test_patch_merges_nested_objects_and_null_removes(editing_node):
    created = create(editing_node, "praktijken", community(f"Patchkring {uuid.uuid4().hex[:6]}"))
    item = editing_node.url + created.headers["Location"].lstrip("/")
    etag = created.headers["ETag"]

    def patch(body, if_match):
        headers = editing_node.headers(**{"Content-Type": "application/merge-patch+json"})
        if if_match:
            headers["If-Match"] = if_match
        return requests.patch(item, data=json.dumps(body), headers=headers, timeout=30)

    merged = patch({"contact": {"naam": "Leerteam Welzijn"}}, etag)
    assert merged.status_code == 200, merged.text
    assert merged.json()["contact"] == {"naam": "Leerteam Welzijn", "email": "leergemeenschap@welzijn.example"}
    etag = merged.headers["ETag"]

    before = dump(editing_node)
    without_email = patch({"contact": {"email": None}}, etag)  # removed, so the required e-mail is missing
    assert "contact.email" in {item["name"] for item in assert_problem(without_email)["invalidParams"]}
    assert_problem(patch({"contact": {"naam": "x"}}, None), 428)
    assert_problem(patch({"contact": {"naam": "x"}}, '"verouderd"'), 412)
    assert_problem(patch({"contact": {"naam": 12}}, None), 400)  # bad values: 400 before If-Match, as before
    assert dump(editing_node) == before

    arrays = patch({"themas": [T + "thema/ouderenzorg"], "deelname": [{"perspectief": T + "perspectief/gemeente"}],
                    "contact": None, "id": "genegeerd", "_links": {}}, etag)
    assert arrays.status_code == 200, arrays.text
    assert arrays.json()["themas"] == [T + "thema/ouderenzorg"] and "contact" not in arrays.json()
    assert [row["perspectief"] for row in arrays.json()["deelname"]] == [T + "perspectief/gemeente"]


def test_patch_of_a_meeting_merges_and_removes(editing_node):
    created = create(editing_node, "praktijken", community(f"Bijeenkomstkring {uuid.uuid4().hex[:6]}"))
    base = created.headers["Location"].removeprefix("/api/v1/")
    meeting = create(editing_node, base + "/bijeenkomsten", {"datum": "2026-03-03", "locatie": "Buurthuis",
                                                              "vorm": "fysiek"})
    url = editing_node.url + meeting.headers["Location"].lstrip("/")
    response = requests.patch(url, json={"locatie": None, "naam": "Eerste keer"}, timeout=30,
                              headers=editing_node.headers(**{"If-Match": meeting.headers["ETag"]}))
    assert response.status_code == 200, response.text
    assert "locatie" not in response.json() and response.json()["naam"] == "Eerste keer"
    assert response.json()["vorm"] == "fysiek"


# --- fuzz: arbitrary JSON never gets a 5xx -------------------------------------------

ODD_TEXT = ["a\ud800b", "\udfff", "\x00", "GM0537\n", "\u00b2", "http://example.com/%zz", "http://e.com/a b",
            "x@[127.0.0.1]", "a%zz@example.com", "=HYPERLINK(1)", T + "thema/armoede", "2026-01-15", ""]
FIELD_NAMES = ["naam", "soort", "niveau", "themas", "plaatsen", "contact", "email", "website", "onderdeelVan",
               "partners", "deelname", "perspectief", "aantal", "rollen", "startdatum", "einddatum",
               "frequentieWeken", "vertrouwelijkheidsafspraken", "toestemming", "id", "_links"]
TEXT = st.one_of(st.text(max_size=12), st.text(st.characters(categories=["Cs", "Cc", "Zs"]), max_size=3),
                 st.sampled_from(ODD_TEXT))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELD_NAMES) | TEXT, inner, max_size=5),
    max_leaves=20)
ONE_FIELD_CHANGED = st.builds(lambda name, value: {**community("Fuzzkring"), name: value}, st.sampled_from(FIELD_NAMES),
                              st.one_of(TEXT, st.lists(TEXT, max_size=3), JSON_VALUES))
BODIES = st.one_of(JSON_VALUES, ONE_FIELD_CHANGED, ONE_FIELD_CHANGED)  # mostly bodies that get past the shape
FUZZ = hypothesis.settings(max_examples=100, deadline=None, derandomize=True, database=None,
                           phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                           suppress_health_check=[hypothesis.HealthCheck.too_slow, hypothesis.HealthCheck.data_too_large,
                                                  hypothesis.HealthCheck.filter_too_much,
                                                  hypothesis.HealthCheck.function_scoped_fixture])


def assert_answered_well(response: requests.Response, body) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300], repr(body)[:300])
    if response.status_code >= 400:
        assert response.headers["Content-Type"].startswith(PROBLEM), (response.status_code, repr(body)[:300])


def test_arbitrary_json_to_post_never_gets_a_5xx(editing_node):
    @FUZZ
    @hypothesis.given(body=BODIES)
    def post(body):
        response = requests.post(editing_node.url + "api/v1/praktijken", json=body, headers=editing_node.headers(),
                                 timeout=30)
        assert_answered_well(response, body)

    post()


def test_arbitrary_json_merge_patch_never_gets_a_5xx(editing_node):
    item = editing_node.url + create(editing_node, "praktijken", community(
        f"Fuzz-patchkring {uuid.uuid4().hex[:6]}")).headers["Location"].lstrip("/")

    @FUZZ
    @hypothesis.given(body=BODIES)
    def patch(body):
        etag = requests.get(item, timeout=10).headers["ETag"]
        response = requests.patch(item, data=json.dumps(body), timeout=30, headers=editing_node.headers(
            **{"If-Match": etag, "Content-Type": "application/merge-patch+json"}))
        assert_answered_well(response, body)

    patch()
