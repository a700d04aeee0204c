"""The editor's HTML forms on a node in this process (Flask's test client), without a browser.

Meetings, reports and results are changed and deleted through the forms with the
same ETags, audit trail and cascade as the API; places, partners and networks are
picked by name and stored by code and IRI; the signals panel tells the truth from the
first keystroke; the error summary names each field; the audit page speaks Dutch and
English.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
import rdflib
from werkzeug.datastructures import MultiDict

import vocab
from registry import create_app
from registry.loading import load_files

BASE = "http://127.0.0.1:5999/"
PASSWORD = "veilig-wachtwoord-1"
T = "https://w3id.org/lerende-praktijken/id/"
LP = rdflib.Namespace("https://w3id.org/lerende-praktijken/def#")
SCHEMA = rdflib.Namespace("http://schema.org/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
EMPTY_COMMUNITY = {"FewerThanThreePerspectives", "NoExperientialKnowledge", "NoFacilitator", "NoReporter",
                   "NoAgreedFrequency"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app({"data_dir": tmp_path_factory.mktemp("editor"), "store": "embedded", "base_url": BASE,
                      "harvest_schedule": False, "login_limit": "1000 per minute"})
    node = app.extensions["bamboe"]
    load_files(node.store, [vocab.HERE / "examples" / "den-haag-leiden.ttl"], BASE)
    node.accounts.add_user("redactie", PASSWORD)
    node.accounts.add_user("beheer", PASSWORD, role="admin")
    yield app
    node.close()


def signed_in(app, user: str = "redactie"):
    client = app.test_client()
    response = client.post("/beheer/inloggen", data={"naam": user, "wachtwoord": PASSWORD,
                                                      "csrf_token": token(client, "/beheer/inloggen")})
    assert response.status_code == 302, response.text[:500]
    return client


@pytest.fixture(scope="module")
def editor(app):
    return signed_in(app)


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def etag_on(page: str) -> str:
    return re.search(r'name="etag" value="([^"]*)"', page).group(1)


def post(client, path: str, fields) -> "TestResponse":  # noqa: F821
    form = MultiDict(fields)
    form["csrf_token"] = token(client, path)
    return client.post(path, data=form)


def turtle(client, path: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=client.get(path + ".ttl").text, format="turtle")


def new_community(client, name: str, **extra) -> str:
    fields = [("naam", name), ("soort", T + "soort/leergemeenschap"), ("niveau", T + "niveau/wijk"),
              ("themas", T + "thema/armoede"), *extra.items()]
    response = post(client, "/beheer/praktijken/nieuw", fields)
    assert response.status_code == 302, response.text[:3000]
    return response.headers["Location"].split("/beheer/praktijken/", 1)[1].split("?", 1)[0]


def summary(page: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    block = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    return [(href, re.sub(r"\s+", " ", text).strip()) for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', block, re.S)]


# --- meetings, reports, results: change and remove ---------------------------------------

def test_a_meeting_is_edited_and_deleted_with_etag_and_audit(app, editor):
    slug = new_community(editor, "Bijeenkomstenkring")
    base = f"/beheer/praktijken/{slug}/bijeenkomsten"
    created = post(editor, base + "/nieuw", [("datum", "2025-03-04"), ("naam", "Aftrap"), ("vorm", "fysiek")])
    assert created.status_code == 302 and created.headers["Location"].endswith("opgeslagen=bijeenkomsten#bijeenkomsten")
    listed = editor.get(f"/beheer/praktijken/{slug}").text
    assert f'href="{base}/2025-03-04"' in listed and f'href="{base}/2025-03-04/verwijderen"' in listed

    page = editor.get(base + "/2025-03-04").text
    assert 'value="Aftrap"' in page and "Bijeenkomst bewerken" in page
    read = etag_on(page)
    changed = post(editor, base + "/2025-03-04", [("etag", read), ("datum", "2025-03-04"), ("naam", "Eerste keer"),
                                                   ("vorm", "online")])
    assert changed.status_code == 302
    graph = turtle(editor, f"/praktijken/{slug}/bijeenkomsten/2025-03-04")
    meeting = rdflib.URIRef(f"{BASE}praktijken/{slug}/bijeenkomsten/2025-03-04")
    assert str(graph.value(meeting, SCHEMA.name)) == "Eerste keer"

    # A second editor saves with the ETag read before the change: refused, shown, nothing lost.
    stale = post(editor, base + "/2025-03-04", [("etag", read), ("datum", "2025-03-04"), ("naam", "Mijn titel"),
                                                 ("vorm", "fysiek")])
    assert stale.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in stale.text
    assert 'value="Mijn titel"' in stale.text  # what this editor typed is still in the form
    assert re.search(r"<dt>Titel</dt><dd>Eerste keer</dd>", stale.text)  # and what is stored now is shown
    assert str(turtle(editor, f"/praktijken/{slug}/bijeenkomsten/2025-03-04").value(meeting, SCHEMA.name)) == "Eerste keer"
    assert etag_on(stale.text) != read  # saving again now is a choice made after seeing the other change

    confirm = editor.get(base + "/2025-03-04/verwijderen")
    assert confirm.status_code == 200 and "Bijeenkomst verwijderen?" in confirm.text
    assert post(editor, base + "/2025-03-04/verwijderen", [("etag", "oud")]).status_code == 409
    assert editor.get(f"/praktijken/{slug}/bijeenkomsten/2025-03-04").status_code == 200  # nothing deleted
    deleted = post(editor, base + "/2025-03-04/verwijderen", [("etag", etag_on(confirm.text))])
    assert deleted.status_code == 302 and "verwijderd=bijeenkomsten" in deleted.headers["Location"]
    assert editor.get(f"/praktijken/{slug}/bijeenkomsten/2025-03-04").status_code == 410

    audit = signed_in(app, "beheer").get("/beheer/audit").text
    assert re.search(rf"Bijeenkomst verwijderd: <a href=\"/praktijken/{slug}/bijeenkomsten/2025-03-04\">", audit)
    assert re.search(rf"Bijeenkomst gewijzigd: <a [^>]*>[^<]*</a></td>\s*<td>Titel, Vorm</td>", audit)


def test_deleting_a_meeting_takes_its_report_along_as_the_api_does(app, editor):
    """The API's DELETE of a meeting removes the reports on it; the form says so and does the same."""
    node = app.extensions["bamboe"]
    slug = new_community(editor, "Cascadekring")
    base = f"/beheer/praktijken/{slug}"
    for day in ("2025-01-07", "2025-02-04"):
        assert post(editor, base + "/bijeenkomsten/nieuw", [("datum", day)]).status_code == 302
        assert post(editor, base + "/verslagen/nieuw", [("bijeenkomst", day), ("datum", day)]).status_code == 302
    confirm = editor.get(base + "/bijeenkomsten/2025-01-07/verwijderen").text
    assert "Het verslag van deze bijeenkomst wordt ook verwijderd." in confirm
    assert post(editor, base + "/bijeenkomsten/2025-01-07/verwijderen", [("etag", etag_on(confirm))]).status_code == 302

    bearer = {"Authorization": "Bearer " + node.accounts.create_token("redactie")[0]}
    api = f"/api/v1/praktijken/{slug}/bijeenkomsten/2025-02-04"
    read = editor.get(api, headers=bearer)
    assert editor.delete(api, headers={**bearer, "If-Match": read.headers["ETag"]}).status_code == 204
    for day in ("2025-01-07", "2025-02-04"):  # form and API: the meeting and its report are gone alike
        assert editor.get(f"/praktijken/{slug}/bijeenkomsten/{day}").status_code == 410
        assert editor.get(f"/praktijken/{slug}/verslagen/{day}").status_code == 410


def test_a_report_and_a_result_are_edited_and_deleted(editor):
    slug = new_community(editor, "Verslagkring")
    base = f"/beheer/praktijken/{slug}"
    post(editor, base + "/bijeenkomsten/nieuw", [("datum", "2025-05-06"), ("naam", "Mei")])
    form = editor.get(base + "/verslagen/nieuw").text
    assert '<option value="2025-05-06" >6 mei 2025 – Mei</option>' in form  # the meeting by date and title
    assert post(editor, base + "/verslagen/nieuw", [("bijeenkomst", "2025-05-06"), ("datum", "2025-05-08")]).status_code == 302
    page = editor.get(base + "/verslagen/2025-05-06").text
    changed = post(editor, base + "/verslagen/2025-05-06", [
        ("etag", etag_on(page)), ("bijeenkomst", "2025-05-06"), ("datum", "2025-05-09"), ("titel", "Wat we leerden"),
        ("handelingsperspectieven", "Eerste stap\r\nTweede stap"), ("meegelezen", "ja")])
    assert changed.status_code == 302, changed.text[:2000]
    report = rdflib.URIRef(f"{BASE}praktijken/{slug}/verslagen/2025-05-06")
    graph = turtle(editor, f"/praktijken/{slug}/verslagen/2025-05-06")
    assert len(list(graph.objects(report, LP.courseOfAction))) == 2
    assert str(graph.value(report, DCT.issued)) == "2025-05-09"
    again = editor.get(base + "/verslagen/2025-05-06").text
    assert ">Eerste stap\nTweede stap</textarea>" in again and '<option value="ja" selected>' in again

    # A result named "Nieuw" must not hide behind the form for a new one.
    assert post(editor, base + "/resultaten/nieuw", [("naam", "Nieuw"), ("leerlus", T + "leerlus/enkelslag")]).status_code == 302
    page = editor.get(base + "/resultaten/nieuw-2").text
    assert 'value="Nieuw"' in page
    renamed = post(editor, base + "/resultaten/nieuw-2", [("etag", etag_on(page)), ("naam", "Kookclub"),
                                                          ("leerlus", T + "leerlus/dubbelslag")])
    assert renamed.status_code == 302
    confirm = editor.get(base + "/resultaten/nieuw-2/verwijderen").text
    assert "Kookclub" in confirm
    assert post(editor, base + "/resultaten/nieuw-2/verwijderen", [("etag", etag_on(confirm))]).status_code == 302
    assert editor.get(f"/praktijken/{slug}/resultaten/nieuw-2").status_code == 410


def test_deleting_needs_the_csrf_token_and_a_signed_in_editor(app, editor):
    slug = new_community(editor, "Beschermde kring")
    post(editor, f"/beheer/praktijken/{slug}/resultaten/nieuw", [("naam", "Iets")])
    path = f"/beheer/praktijken/{slug}/resultaten/iets/verwijderen"
    etag = etag_on(editor.get(path).text)
    assert editor.post(path, data={"etag": etag}).status_code == 400  # no CSRF token
    stranger = app.test_client()
    sent_away = stranger.post(path, data={"etag": etag, "csrf_token": token(stranger, "/beheer/inloggen")})
    assert sent_away.status_code == 303 and "/beheer/inloggen" in sent_away.headers["Location"]
    assert editor.get(f"/praktijken/{slug}/resultaten/iets").status_code == 200


# --- pick-lists --------------------------------------------------------------------------

def test_places_partners_and_networks_are_picked_by_name_and_stored_by_code_and_iri(editor):
    page = editor.get("/beheer/praktijken/nieuw").text
    gemeenten = re.search(r'<datalist id="gemeenten-lijst">(.*?)</datalist>', page, re.S).group(1)
    assert len(re.findall(r'<option value="[^"]+ \(GM\d{4}\)"', gemeenten)) == 342
    assert '<option value="Leiden (GM0546)">' in gemeenten and '<option value="Provincie Limburg (PV31)">' in gemeenten
    assert '<option value="Koestal, Katwijk (WK053700)" data-gemeente="GM0537">' in page
    assert '<option value="Gemeente Katwijk">' in page  # a partner the node knows
    assert '<option value="Leergemeenschap Koestal">' in page  # a network it knows

    slug = new_community(editor, "Namenkring", plaatsen="Katwijk (GM0537)", wijken="koestal",
                         partners="Gemeente Katwijk", onderdeelVan="Leergemeenschap Koestal")
    community = rdflib.URIRef(f"{BASE}praktijken/{slug}")
    graph = turtle(editor, f"/praktijken/{slug}")
    assert set(graph.objects(community, DCT.spatial)) == {
        rdflib.URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0537"),
        rdflib.URIRef("https://w3id.org/lerende-praktijken/id/cbs/2024/WK053700")}
    assert list(graph.objects(community, ORG.hasMember)) == [rdflib.URIRef(BASE + "organisaties/gemeente-katwijk")]
    assert list(graph.objects(community, DCT.isPartOf)) == [rdflib.URIRef(BASE + "praktijken/katwijk-koestal")]

    edit = editor.get(f"/beheer/praktijken/{slug}").text  # the form shows names again, never bare codes
    for field, shown in [("plaatsen", "Katwijk (GM0537)"), ("wijken", "Koestal, Katwijk (WK053700)"),
                         ("partners", "Gemeente Katwijk"), ("onderdeelVan", "Leergemeenschap Koestal")]:
        assert re.search(rf'<input id="{field}" name="{field}" type="text" value="{re.escape(shown)}"', edit), field
    assert '<input id="plaatsen-2" name="plaatsen" type="text" value=""' in edit  # room for one more


def test_a_new_wijk_code_of_the_gemeente_and_a_new_iri_can_still_be_typed(editor):
    slug = new_community(editor, "Codekring", plaatsen="Leiden", wijken="WK054699",
                         partners="https://partner.example/org/1")
    graph = turtle(editor, f"/praktijken/{slug}")
    community = rdflib.URIRef(f"{BASE}praktijken/{slug}")
    assert rdflib.URIRef("https://w3id.org/lerende-praktijken/id/cbs/2024/WK054699") in set(graph.objects(community, DCT.spatial))
    assert list(graph.objects(community, ORG.hasMember)) == [rdflib.URIRef("https://partner.example/org/1")]
    later = editor.get("/beheer/praktijken/nieuw").text  # now the node knows that wijk: it is offered
    assert '<option value="Wijk in Leiden (WK054699)" data-gemeente="GM0546">' in later


def test_a_name_nobody_knows_is_an_error_on_its_own_row(editor):
    response = post(editor, "/beheer/praktijken/nieuw", [
        ("naam", "Onbekende kring"), ("soort", T + "soort/leergemeenschap"), ("niveau", T + "niveau/wijk"),
        ("themas", T + "thema/armoede"), ("plaatsen", "Leiden"), ("plaatsen", "Atlantis"),
        ("partners", "Firma Niemand"), ("onderdeelVan", "Nergens")])
    assert response.status_code == 400
    assert summary(response.text) == [
        ("#plaatsen-2", "Gemeente of provincie: Onbekende plaats: kies een gemeente of wijk uit de lijst, of typ een "
                        "CBS-code (GM0537, WK053700)."),
        ("#onderdeelVan", "Netwerk: Onbekend netwerk: kies een naam uit de lijst, of typ het webadres (IRI) van het netwerk."),
        ("#partners", "Partner: Onbekende organisatie: kies een naam uit de lijst, of typ het webadres (IRI) van de organisatie."),
    ]
    assert re.search(r'<input id="plaatsen-2" name="plaatsen" type="text" value="Atlantis"[^>]*aria-invalid="true"',
                     response.text)
    assert re.search(r'<input id="plaatsen-2"[^>]*autofocus', response.text)  # the first error in the form


# --- signals, error summary, frequency, grammar --------------------------------------------

def signal_keys(page: str) -> set[str]:
    panel = re.search(r'<ul id="signalen".*?</ul>', page, re.S).group(0)
    return set(re.findall(r'data-signal="(\w+)"', panel))


def test_the_empty_form_shows_the_signals_of_an_empty_community(editor):
    page = editor.get("/beheer/praktijken/nieuw").text
    assert signal_keys(page) == EMPTY_COMMUNITY
    assert 'class="quiet"' not in re.search(r'<ul id="signalen".*?</ul>', page, re.S).group(0)


def test_the_edit_form_shows_the_signals_of_the_public_page(app, editor):
    node = app.extensions["bamboe"]
    for summary_ in node.index.summaries():
        slug = summary_.iri.removeprefix(BASE + "praktijken/")
        public = editor.get(f"/praktijken/{slug}").text
        assert signal_keys(editor.get(f"/beheer/praktijken/{slug}").text) == set(re.findall(r'data-signal="(\w+)"', public)), slug


def test_live_signals_are_recomputed_at_every_moment_even_with_a_field_not_valid_yet(editor):
    path = "/beheer/praktijken/nieuw"

    csrf = token(editor, path)

    def preview(*fields):
        response = editor.post("/beheer/signalen", data=MultiDict([*fields, ("csrf_token", csrf)]))
        assert response.status_code == 200
        return {signal["regel"].rsplit("#", 1)[-1] for signal in response.get_json()["signalen"]}

    assert preview() == EMPTY_COMMUNITY
    row = [("perspectief", "ervaringsdeskundige"), ("iri-ervaringsdeskundige", T + "perspectief/ervaringsdeskundige"),
           ("aantal-ervaringsdeskundige", "2")]
    assert preview(*row) == EMPTY_COMMUNITY - {"NoExperientialKnowledge"}
    # a frequency still being typed wrong leaves the other fields' signals true
    assert preview(*row, ("frequentieWeken", "vier"), ("website", "niet-af")) == EMPTY_COMMUNITY - {"NoExperientialKnowledge"}
    assert preview(*row, ("frequentieWeken", "4")) == EMPTY_COMMUNITY - {"NoExperientialKnowledge", "NoAgreedFrequency"}


def test_the_error_summary_names_each_field_and_links_to_it(editor):
    response = post(editor, "/beheer/praktijken/nieuw", [
        ("naam", ""), ("soort", T + "soort/leergemeenschap"), ("startdatum", "2025-05-01"), ("einddatum", "2025-04-01"),
        ("frequentieWeken", "0"), ("contact-email", "geen-adres"), ("website", "ftp://x"),
        ("perspectief", "student"), ("iri-student", T + "perspectief/student"), ("aantal-student", "-3")])
    assert response.status_code == 400
    links = summary(response.text)
    assert [href for href, _ in links] == ["#naam", "#niveau", "#themas", "#einddatum", "#frequentieWeken",
                                           "#aantal-student", "#contact-naam", "#contact-email", "#website"]
    texts = dict(links)
    assert texts["#naam"] == "Naam: Dit veld is verplicht."
    assert texts["#einddatum"] == "Einddatum: De einddatum ligt vóór de startdatum."
    assert texts["#aantal-student"].startswith("Aantal: Student")
    assert texts["#contact-email"].startswith("E-mailadres van het contactpunt: ")
    for href, _ in links:  # every link points at a field on the page
        assert f'id="{href[1:]}"' in response.text
    english = post(editor, "/beheer/praktijken/nieuw?lang=en", [("naam", "")])
    assert ("#naam", "Name: This field is required.") in summary(english.text)
    editor.get("/beheer/?lang=nl")


def test_every_editor_form_renders_its_error_state(editor):
    slug = new_community(editor, "Foutenkring")
    for kind in ("bijeenkomsten", "verslagen", "resultaten"):
        response = post(editor, f"/beheer/praktijken/{slug}/{kind}/nieuw", [("datum", "gisteren"), ("plaats", "Atlantis")])
        assert response.status_code == 400, kind
        for href, text in summary(response.text):
            assert f'id="{href[1:]}"' in response.text and ": " in text, (kind, href, text)


def test_the_frequency_field_has_plain_min_and_max(editor):
    page = editor.get("/beheer/praktijken/nieuw").text
    assert re.search(r'<input id="frequentieWeken" name="frequentieWeken" type="number" value="" min="1" max="104" '
                     r'inputmode="numeric"', page)
    assert "&#34;" not in re.search(r'<input id="frequentieWeken"[^>]*>', page).group(0)


@pytest.mark.parametrize("days, expected", [
    (7, "Laatste bijeenkomst 1 week geleden"), (15, "Laatste bijeenkomst 2 weken geleden"),
    (2, "Laatste bijeenkomst deze week"),
])
def test_weeks_since_the_last_meeting_in_good_dutch(editor, days, expected):
    slug = new_community(editor, f"Ritmekring {days}")
    day = (dt.date.today() - dt.timedelta(days=days)).isoformat()
    assert post(editor, f"/beheer/praktijken/{slug}/bijeenkomsten/nieuw", [("datum", day)]).status_code == 302
    assert expected in editor.get(f"/beheer/praktijken/{slug}").text


def test_one_week_ago_in_english(editor):
    slug = new_community(editor, "Weekkring")
    day = (dt.date.today() - dt.timedelta(days=8)).isoformat()
    post(editor, f"/beheer/praktijken/{slug}/bijeenkomsten/nieuw", [("datum", day)])
    assert "Last meeting 1 week ago" in editor.get(f"/beheer/praktijken/{slug}?lang=en").text
    editor.get("/beheer/?lang=nl")


# --- the audit page -------------------------------------------------------------------

def test_the_audit_page_speaks_dutch_and_english_with_readable_times_and_labels(app, editor):
    slug = new_community(editor, "Logkring", frequentieWeken="4", toestemming="Formulier 2026-11")
    admin = signed_in(app, "beheer")
    page = admin.get("/beheer/audit").text
    row = re.search(rf"<tr>(?:(?!</tr>).)*/praktijken/{slug}\"(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert "Lerende praktijk aangemaakt" in row
    assert "Naam, Soort, Niveau, Thema&#39;s, Afgesproken frequentie, Vastgelegde toestemming: Formulier 2026-11" in row
    when = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', row)
    moment = dt.datetime.fromisoformat(when.group(1).replace("Z", "+00:00"))
    assert re.fullmatch(r"\d{1,2} [a-z]+ \d{4}, \d{2}:\d{2}", when.group(2))
    assert when.group(2).endswith(moment.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Amsterdam")).strftime("%H:%M"))
    for internal in ("Create", "Update", "frequentieWeken", "http://www.w3.org", "lp:"):
        assert internal not in row
    english = admin.get("/beheer/audit?lang=en").text
    row = re.search(rf"<tr>(?:(?!</tr>).)*/praktijken/{slug}\"(?:(?!</tr>).)*</tr>", english, re.S).group(0)
    assert "Learning community created" in row and "Agreed frequency" in row
    assert "<th scope=\"col\">When</th>" in english


def test_the_forms_speak_english_on_request(app):
    client = signed_in(app)
    page = client.get("/beheer/praktijken/nieuw?lang=en").text
    assert '<option value="Province of Limburg (PV31)">' in page
    assert '<label for="plaatsen">Municipality or province</label>' in page
    assert re.search(r'<li data-signal="NoFacilitator"><strong>No facilitator</strong>: There is no facilitator', page)
    for dutch in ("Provincie", "Gemeente of provincie", "Geen gespreksleider", "Nog een"):
        assert dutch not in page, dutch
    slug = new_community(client, "English kring")
    post(client, f"/beheer/praktijken/{slug}/resultaten/nieuw", [("naam", "Iets")])
    confirm = client.get(f"/beheer/praktijken/{slug}/resultaten/iets/verwijderen").text
    assert "Result – delete?" in confirm and "Yes, delete" in confirm


def test_a_refused_save_is_a_conflict_even_when_no_field_differs(editor):
    slug = new_community(editor, "Gelijke kring")
    path = f"/beheer/praktijken/{slug}/resultaten"
    post(editor, path + "/nieuw", [("naam", "Zelfde")])
    stale = post(editor, path + "/zelfde", [("etag", "verouderd"), ("naam", "Zelfde")])
    assert stale.status_code == 409 and "Iemand anders heeft dit intussen gewijzigd" in stale.text
    assert "Nu opgeslagen" not in stale.text


def test_a_community_is_deleted_after_confirming_with_its_meetings(editor):
    slug = new_community(editor, "Afscheidskring")
    post(editor, f"/beheer/praktijken/{slug}/bijeenkomsten/nieuw", [("datum", "2025-06-03")])
    assert f'href="/beheer/praktijken/{slug}/verwijderen"' in editor.get(f"/beheer/praktijken/{slug}").text
    confirm = editor.get(f"/beheer/praktijken/{slug}/verwijderen").text
    assert "Met de praktijk verdwijnen ook haar bijeenkomsten (1), verslagen (0) en resultaten (0)." in confirm
    assert post(editor, f"/beheer/praktijken/{slug}/verwijderen", [("etag", "oud"), ("bevestig", "ja")]).status_code == 409
    done = post(editor, f"/beheer/praktijken/{slug}/verwijderen", [("etag", etag_on(confirm)), ("bevestig", "ja")])
    assert done.status_code == 302
    assert "Afscheidskring is verwijderd." in editor.get(done.headers["Location"]).text
    assert editor.get(f"/praktijken/{slug}").status_code == 410
    assert editor.get(f"/praktijken/{slug}/bijeenkomsten/2025-06-03").status_code == 410
