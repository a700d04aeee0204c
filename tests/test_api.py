"""The editing API over real HTTP: the write cycle, the change feed, auth and bad input.

Every request goes to a node started with `bamboe serve`; what it serves is parsed
with rdflib (a second, independent RDF parser) and plain JSON.
"""
from __future__ import annotations

import uuid

import pytest
import rdflib
import requests

from conftest import bamboe, start_editing_node

T = "https://w3id.org/lerende-praktijken/id/"
LP = rdflib.Namespace("https://w3id.org/lerende-praktijken/def#")
SCHEMA = rdflib.Namespace("http://schema.org/")


def community(name: str, **extra) -> dict:
    body = {
        "naam": name,
        "soort": T + "soort/leergemeenschap",
        "themas": [T + "thema/armoede"],
        "niveau": T + "niveau/wijk",
        "plaatsen": ["GM0537", "WK053799"],
        "startdatum": "2026-01-15",
        "deelname": [
            {"perspectief": T + "perspectief/ervaringsdeskundige", "aantal": 2, "rollen": [T + "rol/deelnemer"]},
            {"perspectief": T + "perspectief/professional", "aantal": 3, "rollen": [T + "rol/gespreksleider"]},
        ],
        "contact": {"naam": "Leergemeenschap (Welzijn)", "email": "leergemeenschap@welzijn.example"},
    }
    body.update(extra)
    return body


def api(editing_node, path: str = "") -> str:
    return editing_node.url + "api/v1/praktijken" + path


def feed_after(editing_node, after: int) -> list[dict]:
    response = requests.get(editing_node.url + f"wijzigingen?na={after}", timeout=10)
    assert response.status_code == 200
    return response.json()["orderedItems"]


def last_change(editing_node) -> int:
    return requests.get(editing_node.url + "wijzigingen", timeout=10).json()["totalItems"]


def test_create_read_update_conflict_delete_and_feed(editing_node):
    start = last_change(editing_node)
    name = f"Leerkring armoede {uuid.uuid4().hex[:6]}"

    created = requests.post(api(editing_node), json=community(name), headers=editing_node.headers(), timeout=30)
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    iri = created.json()["id"]
    assert iri == editing_node.url + location.removeprefix("/api/v1/")
    signal_rules = {s["regel"].rsplit("#", 1)[-1] for s in created.json()["signalen"]}
    assert "NoReporter" in signal_rules and "NoExperientialKnowledge" not in signal_rules

    turtle = requests.get(iri, headers={"Accept": "text/turtle"}, timeout=10)
    assert turtle.status_code == 200
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    subject = rdflib.URIRef(iri)
    assert (subject, rdflib.RDF.type, LP.LearningCommunity) in graph
    assert str(graph.value(subject, SCHEMA.name)) == name
    assert len(list(graph.objects(subject, LP.participation))) == 2

    etag = created.headers["ETag"]
    updated = requests.patch(editing_node.url + location.lstrip("/"), json={"gedeeldeVraag": "Hoe signaleren we eerder?"},
                             headers=editing_node.headers(**{"If-Match": etag}), timeout=30)
    assert updated.status_code == 200, updated.text
    assert updated.headers["ETag"] != etag
    assert updated.json()["gedeeldeVraag"] == "Hoe signaleren we eerder?"
    reread = rdflib.Graph().parse(data=requests.get(iri + ".ttl", timeout=10).text, format="turtle")
    assert str(reread.value(subject, LP.sharedQuestion)) == "Hoe signaleren we eerder?"

    stale = requests.put(editing_node.url + location.lstrip("/"), json=community(name + " (oud)"),
                         headers=editing_node.headers(**{"If-Match": etag}), timeout=30)
    assert stale.status_code == 412
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(iri + ".ttl", timeout=10).text.count("(oud)") == 0

    deleted = requests.delete(editing_node.url + location.lstrip("/"),
                              headers=editing_node.headers(**{"If-Match": updated.headers["ETag"]}), timeout=30)
    assert deleted.status_code == 204
    assert requests.get(iri, timeout=10).status_code == 410
    assert requests.get(editing_node.url + location.lstrip("/"), timeout=10).status_code == 410
    dump = requests.get(editing_node.url + "dump.nq", timeout=30).text
    assert name not in dump
    assert f"<{iri}> <https://www.w3.org/ns/activitystreams#deleted>" in dump

    events = [(e["type"], e["object"]["id"]) for e in feed_after(editing_node, start)]
    assert events == [("Create", iri), ("Update", iri), ("Delete", iri)]
    assert feed_after(editing_node, start + 3) == []


def test_nested_meeting_report_result(editing_node):
    name = f"Netwerk ouderenzorg {uuid.uuid4().hex[:6]}"
    created = requests.post(api(editing_node), json=community(name, frequentieWeken=4), headers=editing_node.headers(),
                            timeout=30).json()
    base = editing_node.url + created["_links"]["self"]["href"].lstrip("/")
    meeting = requests.post(base + "/bijeenkomsten", json={
        "datum": "2026-03-03", "vorm": "fysiek", "plaats": "WK053799", "locatie": "Buurthuis",
        "aanwezigePerspectieven": [T + "perspectief/ervaringsdeskundige", T + "perspectief/professional"]},
        headers=editing_node.headers(), timeout=30)
    assert meeting.status_code == 201, meeting.text
    assert meeting.json()["id"].endswith("/bijeenkomsten/2026-03-03")
    report = requests.post(base + "/verslagen", json={"bijeenkomst": "2026-03-03", "datum": "2026-03-06",
                                                      "handelingsperspectieven": ["Eerder signaleren", "Samen koken"]},
                           headers=editing_node.headers(), timeout=30)
    assert report.status_code == 201, report.text
    result = requests.post(base + "/resultaten", json={"naam": "Buurtmaaltijd", "leerlus": T + "leerlus/enkelslag"},
                           headers=editing_node.headers(), timeout=30)
    assert result.status_code == 201, result.text

    again = requests.get(base, timeout=10).json()
    assert again["bijeenkomsten"] == ["2026-03-03"]
    assert again["verslagen"] == ["2026-03-03"]
    assert again["resultaten"] == ["buurtmaaltijd"]

    graph = rdflib.Graph().parse(data=requests.get(created["id"] + ".ttl", timeout=10).text, format="turtle")
    meeting_iri = rdflib.URIRef(created["id"] + "/bijeenkomsten/2026-03-03")
    assert (rdflib.URIRef(created["id"]), LP.hasMeeting, meeting_iri) in graph
    assert (rdflib.URIRef(created["id"] + "/verslagen/2026-03-03"), LP.reportsOn, meeting_iri) in graph

    # deleting the meeting takes its report along, both leave tombstones
    etag = requests.get(base + "/bijeenkomsten/2026-03-03", timeout=10).headers["ETag"]
    assert requests.delete(base + "/bijeenkomsten/2026-03-03", headers=editing_node.headers(**{"If-Match": etag}),
                           timeout=30).status_code == 204
    assert requests.get(base + "/verslagen/2026-03-03", timeout=10).status_code == 410
    assert requests.get(base, timeout=10).json()["bijeenkomsten"] == []


def test_list_is_paged_and_filtered(editing_node):
    response = requests.get(api(editing_node), params={"perPagina": 1, "thema": T + "thema/armoede"}, timeout=10)
    assert response.status_code == 200
    assert len(response.json()) == 1
    total = int(response.headers["X-Total-Count"])
    assert total >= 1
    if total > 1:
        assert 'rel="next"' in response.headers["Link"]
    bad = requests.get(api(editing_node), params={"perPagina": 1000}, timeout=10)
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "perPagina"


def test_api_design_rules_headers(editing_node):
    response = requests.get(api(editing_node), timeout=10)
    assert response.headers["API-Version"] == "1.0.0"
    openapi = requests.get(editing_node.url + "api/v1/openapi.json", timeout=10)
    assert openapi.status_code == 200 and openapi.headers["Access-Control-Allow-Origin"] == "*"
    assert "/praktijken/{slug}" in openapi.json()["paths"]  # relative to servers: <base_url>api/v1
    not_allowed = requests.post(api(editing_node, "/katwijk-koestal"), json={}, headers=editing_node.headers(), timeout=10)
    assert not_allowed.status_code == 405 and "PUT" in not_allowed.headers["Allow"]
    assert requests.get(api(editing_node), headers={"Accept": "text/csv"}, timeout=10).status_code == 406
    wrong_type = requests.post(api(editing_node), data="naam=x", headers=editing_node.headers(
        **{"Content-Type": "application/x-www-form-urlencoded"}), timeout=10)
    assert wrong_type.status_code == 415
    english = requests.post(api(editing_node), json={}, headers=editing_node.headers(**{"Accept-Language": "en"}), timeout=10)
    assert english.status_code == 400
    assert "required" in english.json()["invalidParams"][0]["reason"]
    docs = requests.get(editing_node.url + "api/v1/docs", timeout=10)
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    assert requests.get(editing_node.url + "api/v1/docs/static/swagger-ui-bundle.js", timeout=10).status_code == 200


def test_update_without_if_match_is_refused(editing_node):
    current = requests.get(api(editing_node, "/katwijk-koestal"), timeout=10)
    response = requests.put(api(editing_node, "/katwijk-koestal"), json=current.json(), headers=editing_node.headers(), timeout=10)
    assert response.status_code == 428
    same = requests.put(api(editing_node, "/katwijk-koestal"), json=current.json(),
                        headers=editing_node.headers(**{"If-Match": current.headers["ETag"]}), timeout=30)
    assert same.status_code == 200, same.text
    assert same.json()["naam"] == current.json()["naam"]
    assert requests.get(api(editing_node, "/katwijk-koestal"), headers={"If-None-Match": same.headers["ETag"]},
                        timeout=10).status_code == 304


# --- bad input: a clear 4xx, and the store exactly as it was ------------------------

VALID = community("Geldige naam")
CASES = [
    ("missing required fields", "post", {"naam": "Alleen een naam"}, {}, 400, {"soort", "themas", "niveau"}),
    ("wrong types", "post", {**VALID, "naam": 12, "themas": "armoede", "frequentieWeken": "vier"}, {}, 400,
     {"naam", "themas", "frequentieWeken"}),
    ("unknown concept", "post", {**VALID, "soort": T + "soort/bestaat-niet", "themas": [T + "niveau/wijk"]}, {}, 400,
     {"soort", "themas[0]"}),
    ("dates in the wrong order", "post", {**VALID, "startdatum": "2026-05-01", "einddatum": "2025-01-01"}, {}, 400,
     {"einddatum"}),
    ("place that is not a CBS code", "post", {**VALID, "plaatsen": ["Katwijk"]}, {}, 400, {"plaatsen[0]"}),
    ("unknown field", "post", {**VALID, "geheim": True}, {}, 400, {"geheim"}),
    ("malformed JSON", "raw", b'{"naam": "kapot", ', {}, 400, set()),
    ("JSON that is not an object", "raw", b'["a", "b"]', {}, 400, set()),
    ("personal e-mail of a person", "post", {**VALID, "contact": {"naam": "Jan", "email": "jan.jansen@gmail.com"}}, {},
     400, {"contact.email"}),
    ("phone number in free text", "post", {**VALID, "aansluiten": "Bel Fatima: 06-12345678"}, {}, 400, {"aansluiten"}),
    ("no token", "post", VALID, {"Authorization": None}, 401, set()),
    ("malformed token", "post", VALID, {"Authorization": "Bearer nonsense"}, 401, set()),
    ("token of another node", "post", VALID, {"Authorization": "Bearer bmb_0123456789ab_" + "A" * 43}, 401, set()),
    ("report before its meeting", "nested", {"bijeenkomst": "2025-09-16", "datum": "2025-09-01"}, {}, 400, {"datum"}),
    ("report of an unknown meeting", "nested", {"bijeenkomst": "1999-01-01", "datum": "2025-09-01"}, {}, 400,
     {"bijeenkomst"}),
]


def _dump(editing_node) -> bytes:
    response = requests.get(editing_node.url + "dump.nq", timeout=30)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("label, how, body, header_changes, status, fields", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(editing_node, label, how, body, header_changes, status, fields):
    before = _dump(editing_node)
    headers = editing_node.headers()
    for name, value in header_changes.items():
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    if how == "raw":
        response = requests.post(api(editing_node), data=body, headers={**headers, "Content-Type": "application/json"},
                                 timeout=30)
    elif how == "nested":
        response = requests.post(api(editing_node, "/katwijk-koestal/verslagen"), json=body, headers=headers, timeout=30)
    else:
        response = requests.post(api(editing_node), json=body, headers=headers, timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    names = {item["name"] for item in problem.get("invalidParams", [])}
    assert fields <= names, names
    assert all(item["reason"] for item in problem.get("invalidParams", []))
    assert _dump(editing_node) == before


def test_oversized_body_is_refused_before_parsing(editing_node):
    before = _dump(editing_node)
    response = requests.post(api(editing_node), data=b"{" + b" " * (10 * 1024 * 1024) + b"}",
                             headers=editing_node.headers(**{"Content-Type": "application/json"}), timeout=60)
    assert response.status_code == 413
    assert _dump(editing_node) == before


def test_html_in_text_is_stored_as_text_and_escaped(editing_node):
    name = f"Kring <script>alert('x')</script> {uuid.uuid4().hex[:6]}"
    created = requests.post(api(editing_node), json=community(name, beschrijving="<b>vet</b> & meer"),
                            headers=editing_node.headers(), timeout=30)
    assert created.status_code == 201, created.text
    iri = created.json()["id"]
    page = requests.get(iri, headers={"Accept": "text/html"}, timeout=10).text
    assert "<script>alert('x')</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; meer" in page
    graph = rdflib.Graph().parse(data=requests.get(iri + ".ttl", timeout=10).text, format="turtle")
    assert str(graph.value(rdflib.URIRef(iri), SCHEMA.name)) == name
    listing = requests.get(editing_node.url + "praktijken", params={"q": "Kring"}, timeout=10).text
    assert "<script>alert" not in listing


def test_consent_lets_personal_contact_through_and_stays_private(editing_node):
    body = community(f"Kring met toestemming {uuid.uuid4().hex[:6]}",
                     contact={"naam": "Contactpersoon", "email": "fatima.ouali@gmail.com"},
                     toestemming="Toestemmingsformulier 2026-11, dossier WSD-17")
    created = requests.post(api(editing_node), json=body, headers=editing_node.headers(), timeout=30)
    assert created.status_code == 201, created.text
    assert "toestemming" not in created.json()
    assert "dossier WSD-17" not in requests.get(editing_node.url + "dump.nq", timeout=30).text
    audit = _admin_session(editing_node).get(editing_node.url + "beheer/audit", timeout=10)
    assert "dossier WSD-17" in audit.text


def _admin_session(editing_node, user: str = "beheer") -> requests.Session:
    import re
    session = requests.Session()
    form = session.get(editing_node.url + "beheer/inloggen", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = session.post(editing_node.url + "beheer/inloggen", timeout=10, data={
        "naam": user, "wachtwoord": editing_node.password, "csrf_token": token, "next": "/beheer/"})
    assert response.status_code == 200 and response.url.endswith("/beheer/")
    return session


def test_audit_trail_is_for_admins_only_and_not_published(editing_node):
    assert _admin_session(editing_node, "redactie").get(editing_node.url + "beheer/audit", timeout=10).status_code == 403
    audit = _admin_session(editing_node).get(editing_node.url + "beheer/audit", timeout=10)
    assert audit.status_code == 200 and "redactie" in audit.text
    assert "urn:bamboe:user" not in requests.get(editing_node.url + "dump.nq", timeout=30).text
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:bamboe:audit> { ?s ?p ?o } }"
    rows = requests.get(editing_node.url + "sparql", params={"query": query},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert rows["results"]["bindings"][0]["n"]["value"] == "0"


def test_login_form_needs_csrf_and_is_rate_limited(tmp_path):
    import re
    limited = start_editing_node(tmp_path, example=None)  # default limit: 5 per minute
    try:
        session = requests.Session()
        without_token = session.post(limited.url + "beheer/inloggen",
                                     data={"naam": "redactie", "wachtwoord": limited.password}, timeout=10)
        assert without_token.status_code == 400
        statuses = []
        for _ in range(7):
            form = session.get(limited.url + "beheer/inloggen", timeout=10).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            statuses.append(session.post(limited.url + "beheer/inloggen", timeout=10, data={
                "naam": "redactie", "wachtwoord": "fout-wachtwoord", "csrf_token": token}).status_code)
        assert statuses[:4] == [401] * 4 and statuses[-1] == 429, statuses
        assert requests.get(limited.url + "praktijken", timeout=10).status_code == 200  # reads stay open
    finally:
        limited.node.stop()


def test_revoked_and_expired_tokens_are_refused(editing_node):
    data = editing_node.node.data_dir
    token = bamboe("token", "create", "--user", "redactie", "--days", "1", "--label", "test", data_dir=data).stdout.strip()
    assert token.startswith("bmb_")
    ok = requests.post(api(editing_node), json={}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert ok.status_code == 400  # authenticated: now the body is judged
    token_id = token.split("_")[1]
    listed = bamboe("token", "list", data_dir=data).stdout
    assert token_id in listed and token.split("_", 2)[2] not in listed
    bamboe("token", "revoke", token_id, data_dir=data)
    refused = requests.post(api(editing_node), json={}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 401 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert "bmb_" not in (data / "accounts.sqlite3").read_bytes().decode("latin-1")


def test_cli_refuses_bad_accounts(tmp_path):
    bamboe("init", "--name", "x", "--base-url", "http://127.0.0.1:9/", data_dir=tmp_path)
    short = bamboe("user", "add", "kort", "--password-stdin", data_dir=tmp_path, input="kort\n", check=False)
    assert short.returncode == 1 and "minstens 10 tekens" in short.stderr
    bad_name = bamboe("user", "add", "Naam Met Spatie", "--password-stdin", data_dir=tmp_path,
                      input="lang-genoeg-wachtwoord\n", check=False)
    assert bad_name.returncode == 1
    nobody = bamboe("token", "create", "--user", "niemand", data_dir=tmp_path, check=False)
    assert nobody.returncode == 1 and nobody.stdout == ""


def test_a_load_is_one_feed_event_for_the_dataset(editing_node):
    first = feed_after(editing_node, 0)[0]
    assert first["type"] == "Update" and first["object"] == {"id": editing_node.url + "graph", "type": "Dataset"}


def test_own_concepts_extend_the_schemes(editing_node):
    slug = f"schuldhulp-{uuid.uuid4().hex[:6]}"
    created = requests.post(editing_node.url + "api/v1/begrippen", headers=editing_node.headers(), timeout=30,
                            json={"label": f"Schuldhulp {slug}", "labelEn": "Debt help", "breder": T + "thema/armoede"})
    assert created.status_code == 201, created.text
    concept = created.json()["id"]
    listed = requests.get(editing_node.url + "api/v1/begrippen", params={"perPagina": 100}, timeout=10).json()
    assert concept in [item["id"] for item in listed]
    assert requests.post(editing_node.url + "api/v1/begrippen", headers=editing_node.headers(), timeout=30,
                         json={"label": "Los", "breder": "https://example.org/niets"}).status_code == 400
    used = requests.post(api(editing_node), json=community(f"Kring {slug}", themas=[concept]),
                         headers=editing_node.headers(), timeout=30)
    assert used.status_code == 201, used.text
    assert used.json()["themas"] == [concept]
    wrong_scheme = requests.post(api(editing_node), json=community(f"Kring 2 {slug}", soort=concept),
                                 headers=editing_node.headers(), timeout=30)
    assert wrong_scheme.status_code == 400
    item = editing_node.url + created.headers["Location"].lstrip("/")
    etag = requests.get(item, timeout=10).headers["ETag"]
    in_use = requests.delete(item, headers=editing_node.headers(**{"If-Match": etag}), timeout=30)
    assert in_use.status_code == 409


class _FormFields:
    """What a browser would submit for the form `#praktijk-form` (inputs, selects, textareas)."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        fields: list[tuple[str, str]] = []
        state = {"select": None, "textarea": None, "text": ""}

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "input" and a.get("name"):
                    if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                        return
                    fields.append((a["name"], a.get("value") or ""))
                elif tag == "select":
                    state["select"] = a.get("name")
                elif tag == "option" and state["select"] and "selected" in a:
                    fields.append((state["select"], a.get("value") or ""))
                elif tag == "textarea":
                    state["textarea"], state["text"] = a.get("name"), ""

            def handle_endtag(self, tag):
                if tag == "select":
                    state["select"] = None
                elif tag == "textarea" and state["textarea"]:
                    fields.append((state["textarea"], state["text"]))
                    state["textarea"] = None

            def handle_data(self, data):
                if state["textarea"]:
                    state["text"] += data

        form = html.split('id="praktijk-form"', 1)[1].split("</form>", 1)[0]
        Parser(convert_charrefs=True).feed("<form " + form)
        self.fields = fields


def test_saving_the_edit_form_unchanged_loses_nothing(editing_node):
    iri = editing_node.url + "praktijken/katwijk-koestal"
    before = rdflib.Graph().parse(data=requests.get(iri + ".ttl", timeout=10).text, format="turtle")
    session = _admin_session(editing_node, "redactie")
    page = session.get(editing_node.url + "beheer/praktijken/katwijk-koestal", timeout=10)
    assert page.status_code == 200
    saved = session.post(editing_node.url + "beheer/praktijken/katwijk-koestal", data=_FormFields(page.text).fields,
                         timeout=30)
    assert saved.status_code == 200 and "opgeslagen=1" in saved.url, saved.text[:2000]
    after = rdflib.Graph().parse(data=requests.get(iri + ".ttl", timeout=10).text, format="turtle")
    from rdflib.compare import graph_diff, to_isomorphic
    _, only_before, only_after = graph_diff(to_isomorphic(before), to_isomorphic(after))
    assert not list(only_before) and not list(only_after)


def test_root_description_names_the_feed_and_the_api(editing_node):
    graph = rdflib.Graph().parse(data=requests.get(editing_node.url + "index.ttl", timeout=10).text, format="turtle")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    services = set(graph.objects(rdflib.URIRef(editing_node.url), dcat.service))
    assert rdflib.URIRef(editing_node.url + "wijzigingen") in services
    assert rdflib.URIRef(editing_node.url + "api/v1") in services


def test_atom_feed_lists_changes_for_people(editing_node):
    import xml.etree.ElementTree as ET
    response = requests.get(editing_node.url + "wijzigingen.atom", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.fromstring(response.content).findall(atom + "entry")
    assert entries and all(entry.find(atom + "title").text for entry in entries)
    assert requests.get(editing_node.url + "wijzigingen", headers={"Accept": "application/atom+xml"},
                        timeout=10).headers["Content-Type"].startswith("application/atom+xml")
    assert requests.get(editing_node.url + "wijzigingen?na=x", timeout=10).status_code == 400


def test_forms_log_a_meeting_attach_a_report_and_name_a_result(editing_node):
    import re
    session = _admin_session(editing_node, "redactie")
    slug = "katwijk-koestal"

    def post(kind: str, data: dict) -> requests.Response:
        page = session.get(editing_node.url + f"beheer/praktijken/{slug}/{kind}/nieuw", timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return session.post(editing_node.url + f"beheer/praktijken/{slug}/{kind}/nieuw",
                            data={**data, "csrf_token": token}, timeout=30)

    bad = post("bijeenkomsten", {"datum": "", "plaats": "Katwijk aan Zee"})
    assert bad.status_code == 400 and 'id="datum-fout"' in bad.text and 'id="plaats-fout"' in bad.text
    meeting = post("bijeenkomsten", {"datum": "2029-03-06", "vorm": "online", "plaats": "WK053700",
                                     "aanwezigePerspectieven": [T + "perspectief/student"]})
    assert meeting.status_code == 200 and "opgeslagen=bijeenkomsten" in meeting.url
    report = post("verslagen", {"bijeenkomst": "2029-03-06", "datum": "2029-03-08", "meegelezen": "ja",
                                "handelingsperspectieven": "Eerste stap\nTweede stap"})
    assert report.status_code == 200, report.text[:500]
    result = post("resultaten", {"naam": "Kookclub Koestal", "leerlus": T + "leerlus/enkelslag"})
    assert result.status_code == 200
    graph = rdflib.Graph().parse(data=requests.get(editing_node.url + f"praktijken/{slug}.ttl", timeout=10).text,
                                 format="turtle")
    report_iri = rdflib.URIRef(editing_node.url + f"praktijken/{slug}/verslagen/2029-03-06")
    assert len(list(graph.objects(report_iri, LP.courseOfAction))) == 2
    assert (rdflib.URIRef(editing_node.url + f"praktijken/{slug}/resultaten/kookclub-koestal"), SCHEMA.name,
            rdflib.Literal("Kookclub Koestal")) in graph


def test_tokens_expire(tmp_path):
    import sqlite3
    from registry.accounts import Accounts
    accounts = Accounts(tmp_path)
    accounts.add_user("redactie", "lang-genoeg-wachtwoord")
    token, created = accounts.create_token("redactie", days=1)
    assert accounts.user_for_token(token).name == "redactie"
    with sqlite3.connect(accounts.path) as db:
        db.execute("UPDATE tokens SET expires = '2000-01-01T00:00:00+00:00' WHERE id = ?", (created.id,))
    assert accounts.user_for_token(token) is None
    assert accounts.check_password("redactie", "lang-genoeg-wachtwoord").name == "redactie"
    assert accounts.check_password("redactie", "fout") is None and accounts.check_password("niemand", "x") is None


def test_write_limit_counts_all_api_writes_of_a_client_together(tmp_path):
    limited = start_editing_node(tmp_path, example=None, env={"BAMBOE_WRITE_LIMIT": "3 per minute"})
    try:
        statuses = [requests.post(limited.url + path, json={}, headers=limited.headers(), timeout=10).status_code
                    for path in ("api/v1/praktijken", "api/v1/begrippen", "api/v1/praktijken", "api/v1/begrippen")]
        assert statuses == [400, 400, 400, 429], statuses
        assert requests.get(limited.url + "api/v1/praktijken", timeout=10).status_code == 200
    finally:
        limited.node.stop()
