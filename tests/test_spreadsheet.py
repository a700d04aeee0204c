"""Communities from and to a spreadsheet in the editor (Flask's test client, a node in this process).

A template and an export in the layout the import reads; an upload that names every
problem by row and column and loads nothing until the file is right; a load that is
one transaction with an audit record per community; hostile files refused with a
clear 4xx; formulas exported as text; arbitrary cells never crash the check.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import vocab
from registry import create_app
from registry.accounts import User
from registry.editing.picklists import pick_lists
from registry.editing.spreadsheet import files
from registry.editing.spreadsheet.layout import Vocabulary, columns
from registry.editing.spreadsheet.plan import check
from registry.ldes import versions
from registry.loading import load_files
from registry.web.feed import recent_changes

BASE = "http://127.0.0.1:5998/"
PASSWORD = "veilig-wachtwoord-1"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITOR = User("redactie", "editor")
HEADER = ["Id", "Naam", "Soort", "Niveau", "Thema's", "Plaatsen", "Startdatum", "Deelname: Bewoner"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app({"data_dir": tmp_path_factory.mktemp("spreadsheet"), "store": "embedded", "base_url": BASE,
                      "harvest_schedule": False, "login_limit": "1000 per minute"})
    node = app.extensions["bamboe"]
    load_files(node.store, [vocab.HERE / "examples" / "den-haag-leiden.ttl"], BASE)
    node.accounts.add_user("redactie", PASSWORD)
    node.accounts.add_user("tweede", PASSWORD)
    yield app
    node.close()


def signed_in(app, user: str = "redactie"):
    client = app.test_client()
    response = client.post("/beheer/inloggen", data={"naam": user, "wachtwoord": PASSWORD,
                                                      "csrf_token": csrf(client, "/beheer/inloggen")})
    assert response.status_code == 302
    return client


@pytest.fixture(scope="module")
def editor(app):
    return signed_in(app)


def csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def upload(client, filename: str, content: bytes):
    return client.post("/beheer/spreadsheet/", data={"csrf_token": csrf(client, "/beheer/spreadsheet/"),
                                                     "bestand": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def load_token(client, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.post("/beheer/spreadsheet/laden", data={"csrf_token": csrf(client, "/beheer/spreadsheet/"),
                                                           "token": token})


def xlsx(rows: list[list], header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_csv(rows: list[list], header=HEADER, delimiter=";", bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in [header, *rows]:
        writer.writerow(["" if cell is None else cell for cell in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def problems(page: str) -> list[tuple[str, str, str]]:
    """(row, column, text) of each line of the problems table."""
    table = re.search(r'<table class="table problems">.*?</table>', page, re.S).group(0)
    cells = re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>", table, re.S)
    return [tuple(re.sub(r"\s+", " ", cell).strip() for cell in row) for row in cells]


def slugs(app) -> list[str]:
    return app.extensions["bamboe"].editor.list("praktijken")


def five_rows(prefix: str, bad: bool) -> list[list]:
    return [
        [None, f"{prefix} Kring een", "Leergemeenschap", "Wijk", "Armoede", "Leiden", "2025-03-04", "3; Deelnemer"],
        [None, f"{prefix} Kring twee", "lerend netwerk", "lokaal", "Armoede; Wonen", "GM0546", "4-3-2025", None],
        [None, f"{prefix} Kring drie", "Leerkringetje" if bad else "Living lab", "Regionaal", "Jeugd", None, None, None],
        [None, f"{prefix} Kring vier", "Kennisnetwerk", "Landelijk", "Wonen", "Katwijk", None, "2; Gespreksleider"],
        [None, f"{prefix} Kring vijf", "Leergemeenschap", "Wijk", "Armoede", None, "31-02-2025" if bad else None, None],
    ]


# --- the template -------------------------------------------------------------------------------------

def test_template_has_the_import_layout_drop_downs_and_the_pick_lists(app, editor):
    response = editor.get("/beheer/spreadsheet/sjabloon.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_TYPE
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Praktijken", "Keuzelijsten"]
    sheet = workbook["Praktijken"]
    header = [cell.value for cell in sheet[1]]
    layout = columns(app.extensions["bamboe"].concepts)
    assert header == [column.header for column in layout]
    assert header[:3] == ["Id", "Naam", "Andere naam"] and "Deelname: Bewoner" in header
    assert sheet.column_dimensions["B"].width > 20
    validated = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    soort = validated[f"{openpyxl.utils.get_column_letter(header.index('Soort') + 1)}2"]
    assert soort.type == "list" and soort.showErrorMessage and soort.formula1.startswith("'Keuzelijsten'!")
    lists = workbook["Keuzelijsten"]
    titles = [cell.value for cell in lists[1]]
    assert "Soort" in titles and "Plaatsen" in titles and "Rollen (deelname)" in titles
    soorten = [row[titles.index("Soort")] for row in lists.iter_rows(min_row=2, values_only=True)]
    assert "Leergemeenschap" in soorten and "Living lab" in soorten

    as_text = editor.get("/beheer/spreadsheet/sjabloon.csv")
    assert as_text.status_code == 200 and as_text.mimetype == "text/csv"
    assert as_text.data.startswith("\ufeff".encode())
    assert as_text.data.decode("utf-8-sig").splitlines()[0].split(";") == header

    # The template as it is reads back without problems with its headers; it just has no rows.
    for name, content in (("sjabloon.xlsx", response.data), ("sjabloon.csv", as_text.data)):
        page = upload(editor, name, content)
        assert page.status_code == 400
        assert problems(page.text) == [("bestand", "", "Het bestand bevat geen lerende praktijken: vul vanaf rij 2 "
                                                       "één praktijk per rij in.")]


def test_the_spreadsheet_pages_need_a_login(app):
    anonymous = app.test_client()
    for path in ("/beheer/spreadsheet/", "/beheer/spreadsheet/sjabloon.xlsx", "/beheer/spreadsheet/export.csv"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/beheer/inloggen" in response.headers["Location"]
    refused = anonymous.post("/beheer/spreadsheet/", data={"bestand": (io.BytesIO(b"x"), "a.csv")},
                             content_type="multipart/form-data")
    assert refused.status_code in (302, 303, 400)  # no session, and no CSRF token either
    assert "/beheer/spreadsheet/" in app.url_map.bind("x").build("spreadsheet.page")


def test_the_dashboard_links_to_the_spreadsheet_page(editor):
    assert 'href="/beheer/spreadsheet/"' in editor.get("/beheer/").text


# --- 3 good rows and 2 bad ones ------------------------------------------------------------------------

@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_two_bad_rows_refuse_the_whole_file_then_the_fixed_file_loads(app, editor, file_format):
    prefix = file_format.upper()
    write = xlsx if file_format == "xlsx" else as_csv
    before = slugs(app)

    refused = upload(editor, f"praktijken.{file_format}", write(five_rows(prefix, bad=True)))
    assert refused.status_code == 400
    found = problems(refused.text)
    assert found == [
        ("4", "C – Soort", "Onbekende waarde ‘Leerkringetje’; kies uit: Kennisnetwerk, Lerend netwerk, Leergemeenschap, "
                           "Leerwerkgemeenschap, Community of practice, Living lab."),
        ("6", "G – Startdatum", "Geen datum: ‘31-02-2025’; schrijf bijvoorbeeld 2025-03-04 of 4-3-2025."),
    ]
    assert "2 problemen: er wordt niets geladen" in refused.text
    assert 'name="token"' not in refused.text  # no Laden button
    assert slugs(app) == before  # nothing stored

    fixed = upload(editor, f"praktijken.{file_format}", write(five_rows(prefix, bad=False)))
    assert fixed.status_code == 200, problems(fixed.text)
    assert "Geen problemen gevonden: 5 nieuw, 0 gewijzigd, 0 ongewijzigd." in fixed.text
    assert slugs(app) == before  # a preview writes nothing

    loaded = load_token(editor, fixed.text)
    assert loaded.status_code == 303 and loaded.headers["Location"].endswith("/beheer/")
    dashboard = editor.get("/beheer/").text
    assert "Spreadsheet geladen: 5 nieuw, 0 gewijzigd, 0 ongewijzigd." in dashboard
    new = sorted(set(slugs(app)) - set(before))
    assert len(new) == 5
    node = app.extensions["bamboe"]
    stored = {s: node.editor.read(node.editor.address("praktijken", s)).data for s in new}
    by_name = {data["naam"]: data for data in stored.values()}
    assert set(by_name) == {f"{prefix} Kring {n}" for n in ("een", "twee", "drie", "vier", "vijf")}
    one = by_name[f"{prefix} Kring een"]
    assert one["plaatsen"] == ["GM0546"] and str(one["startdatum"]) == "2025-03-04"
    assert one["deelname"] == [{"perspectief": "https://w3id.org/lerende-praktijken/id/perspectief/bewoner",
                                "aantal": 3, "rollen": ["https://w3id.org/lerende-praktijken/id/rol/deelnemer"]}]
    assert str(by_name[f"{prefix} Kring twee"]["startdatum"]) == "2025-03-04"  # 4-3-2025, day first
    assert len(by_name[f"{prefix} Kring twee"]["themas"]) == 2
    audit = [c for c in recent_changes(node.store) if c["object"].rsplit("/", 1)[-1] in new]
    assert len(audit) == 5 and {c["type"] for c in audit} == {"Create"} and {c["agent"] for c in audit} == {"redactie"}
    assert all(f"{BASE}praktijken/{s}" in editor.get(f"/praktijken/{s}.ttl").text for s in new)  # published


def test_a_load_is_one_store_transaction(app, editor, monkeypatch):
    """Five rows, one update: the store never holds part of a file; the history has a version of each."""
    node = app.extensions["bamboe"]
    page = upload(editor, "een-keer.csv", as_csv([[None, f"Transactiekring {n}", "Leergemeenschap", "Wijk", "Armoede",
                                                    None, None, None] for n in range(5)]))
    assert page.status_code == 200
    versions_before = int(versions.head(node.store)["count"].value)
    updates = []
    original = type(node.store).update
    monkeypatch.setattr(type(node.store), "update", lambda store, sparql: (updates.append(sparql), original(store, sparql))[1])
    assert load_token(editor, page.text).status_code == 303
    writes = [u for u in updates if "urn:bamboe:audit" in u]
    assert len(writes) == 1 and writes[0].count("Transactiekring") == 5
    assert int(versions.head(node.store)["count"].value) == versions_before + 5  # one version of each, in the history


# --- round trip, updates, columns left out -------------------------------------------------------------

@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(app, editor, file_format):
    exported = editor.get(f"/beheer/spreadsheet/export.{file_format}")
    assert exported.status_code == 200
    state = app.extensions["bamboe"].store.state()
    page = upload(editor, f"export.{file_format}", exported.data)
    assert page.status_code == 200, problems(page.text)
    count = len(slugs(app))
    assert f"Geen problemen gevonden: 0 nieuw, 0 gewijzigd, {count} ongewijzigd." in page.text
    assert 'name="token"' not in page.text and "er is niets te laden" in page.text
    assert app.extensions["bamboe"].store.state() == state  # the store's change token did not move


def test_a_changed_cell_updates_only_that_community_and_a_left_out_column_stays(app, editor):
    node = app.extensions["bamboe"]
    before = node.editor.read(node.editor.address("praktijken", "katwijk-koestal")).data
    content = as_csv([["katwijk-koestal", before["naam"], "Gepauzeerd"]], header=["Id", "Naam", "Status"])
    page = upload(editor, "status.csv", content)
    assert page.status_code == 200, problems(page.text)
    assert re.search(r"gewijzigd: Status</td>", page.text)
    assert load_token(editor, page.text).status_code == 303
    after = node.editor.read(node.editor.address("praktijken", "katwijk-koestal")).data
    assert after["status"].endswith("/status/gepauzeerd")
    assert {k: v for k, v in after.items() if k != "status"} == {k: v for k, v in before.items() if k != "status"}
    record = recent_changes(node.store)[0]
    assert record["type"] == "Update" and record["summary"] == "status" and record["object"].endswith("katwijk-koestal")


def test_a_community_changed_after_the_preview_is_not_overwritten(app, editor):
    node = app.extensions["bamboe"]
    address = node.editor.address("praktijken", "leiden-bestaanszekerheid")
    name = node.editor.read(address).data["naam"]
    page = upload(editor, "naam.csv", as_csv([["leiden-bestaanszekerheid", name + " (nieuw)"]], header=["Id", "Naam"]))
    assert page.status_code == 200
    saved = node.editor.read(address)
    node.editor.patch(address, {"alternatieveNaam": "Intussen"}, EDITOR, f'"{saved.etag}"')
    refused = load_token(editor, page.text)
    assert refused.status_code == 409
    assert "Er is intussen iets veranderd" in refused.text
    assert node.editor.read(address).data["naam"] == name
    again = load_token(editor, refused.text)  # the new preview shows the same change, now on the new version
    assert again.status_code == 303
    assert node.editor.read(address).data["naam"] == name + " (nieuw)"
    assert node.editor.read(address).data["alternatieveNaam"] == "Intussen"


def test_a_preview_belongs_to_the_editor_who_uploaded_it(app, editor):
    page = upload(editor, "van-mij.csv", as_csv([[None, "Kring van een ander", "Leergemeenschap", "Wijk", "Armoede",
                                                  None, None, None]]))
    assert page.status_code == 200
    other = signed_in(app, "tweede")
    refused = load_token(other, page.text)
    assert refused.status_code == 409 and "upload het bestand opnieuw" in refused.text
    assert "kring-van-een-ander" not in slugs(app)


# --- problems by row and column ------------------------------------------------------------------------

def test_duplicates_unknown_ids_and_headers_are_named(app, editor):
    rows = [
        ["katwijk-koestal", "Leergemeenschap Koestal", None],
        ["katwijk-koestal", "Leergemeenschap Koestal bis", None],
        ["bestaat-niet", "Spookkring", None],
        [None, "Leerkring zorgzame buurt Den Haag", None],
        [None, "Dubbel", None],
        [None, "dubbel", None],
    ]
    page = upload(editor, "dubbel.csv", as_csv(rows, header=["Id", "Naam", "Kleur"]))
    assert page.status_code == 400
    found = problems(page.text)
    assert ("1", "C – Kleur", "Onbekende kolom ‘Kleur’; gebruik de kolomkoppen van het sjabloon.") in found
    assert ("3", "A – Id", "Deze praktijk staat ook op rij 2; zet elke praktijk één keer in het bestand.") in found
    assert ("4", "A – Id", "Deze node heeft geen lerende praktijk met id ‘bestaat-niet’; laat de cel leeg voor een "
                           "nieuwe praktijk.") in found
    assert any(row == "5" and column == "B – Naam" and "id den-haag-zorgzame-buurt" in text for row, column, text in found)
    assert ("7", "B – Naam", "Rij 6 heeft dezelfde naam; zet elke praktijk één keer in het bestand.") in found
    # a new row without the required columns: named by their header, without a letter
    assert ("6", "Soort", "Dit veld is verplicht.") in found


def test_the_editors_own_validation_names_the_cell(app, editor):
    header = ["Naam", "Soort", "Niveau", "Thema's", "Startdatum", "Einddatum", "Frequentie (weken)",
              "E-mailadres van het contactpunt", "Naam van het contactpunt", "Website", "Vertrouwelijkheidsafspraken",
              "Deelname: Bewoner"]
    rows = [["Regelkring", "Leergemeenschap", "Wijk", "Armoede", "2025-05-01", "2025-04-01", "200",
             "jan.jansen@gmail.com", "Jan", "geen website", "misschien", "3; Koffiezetter"]]
    page = upload(editor, "regels.xlsx", xlsx(rows, header=header))
    assert page.status_code == 400
    found = {(row, column): text for row, column, text in problems(page.text)}
    assert found[("2", "F – Einddatum")] == "De einddatum ligt vóór de startdatum."
    assert found[("2", "G – Frequentie (weken)")] == "Getal buiten het toegestane bereik."
    assert found[("2", "J – Website")].startswith("Geen geldig webadres")
    assert found[("2", "K – Vertrouwelijkheidsafspraken")] == "Schrijf ja of nee, niet ‘misschien’."
    assert found[("2", "L – Deelname: Bewoner")].startswith("Onbekende waarde ‘Koffiezetter’; kies uit: Gespreksleider")


def test_personal_data_needs_the_consent_column(app, editor):
    header = ["Naam", "Soort", "Niveau", "Thema's", "Naam van het contactpunt", "E-mailadres van het contactpunt"]
    row = ["Toestemmingskring", "Leergemeenschap", "Wijk", "Armoede", "Jan", "jan.jansen@gmail.com"]
    page = upload(editor, "persoon.csv", as_csv([row], header=header))
    assert page.status_code == 400
    assert any(column == "F – E-mailadres van het contactpunt" and "persoonlijk gegeven" in text
               for _, column, text in problems(page.text))
    consented = upload(editor, "persoon.csv", as_csv([[*row, "dossier 12"]], header=[*header, "Vastgelegde toestemming"]))
    assert consented.status_code == 200, problems(consented.text)
    assert load_token(editor, consented.text).status_code == 303
    record = recent_changes(app.extensions["bamboe"].store)[0]
    assert record["summary"].endswith("toestemming: dossier 12")


def test_shacl_shapes_are_applied_per_row(app):
    """The registry's shapes run on every row that writes; a shape's violation names its column."""
    node = app.extensions["bamboe"]
    words = Vocabulary(node.concepts, pick_lists(node.store, node.editor.graph))
    table = files.read("a.csv", as_csv([[None, "Vormkring", "Leergemeenschap", "Wijk", "Armoede", None, None, None]]))
    plan = check(node.editor, words, table)
    assert plan.problems == [] and plan.loadable
    calls = []
    original = node.editor._check
    node.editor._check = lambda address, triples: (calls.append(address.iri), original(address, triples))[1]
    try:
        check(node.editor, words, table)
    finally:
        del node.editor._check
    assert calls == [f"{BASE}praktijken/_rij-2"]


# --- hostile files -------------------------------------------------------------------------------------

def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("filename", "content", "status", "says"), [
    ("praktijken.xlsx", b"dit is geen zip maar wel lang genoeg om iets te zijn", 415, "geen Excel-werkmap"),
    ("praktijken.xlsm", zipped({"xl/workbook.xml": b"<x/>"}), 415, "macro"),
    ("praktijken.xlsx", zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>",
                                "xl/vbaProject.bin": b"\x00" * 10}), 415, "macro"),
    ("praktijken.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, 415, "wachtwoord"),
    ("praktijken.xlsx", zipped({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * 60_000_000}), 413,
     "Uitgepakt"),
    ("praktijken.xlsx", zipped({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<"}), 415, "beschadigd"),
    ("praktijken.csv", b"Naam;Soort\n\x00\x01", 415, "geen Excel-werkmap"),
    ("praktijken.csv", b"Naam\n" + b"Kring\n" * 600, 413, "hoogstens 500"),
    ("praktijken.csv", b"Naam\n" + b"\n" * 6000, 413, "meer dan 5000 rijen"),
    ("praktijken.csv", b"", 400, "kolomkoppen"),
])
def test_hostile_or_wrong_files_are_refused_with_a_clear_message(editor, filename, content, status, says):
    response = upload(editor, filename, content)
    assert response.status_code == status
    message = re.search(r'<p id="geweigerd">(.*?)</p>', response.text, re.S).group(1)
    assert says in message


def test_a_file_larger_than_the_node_takes_is_refused_before_reading(editor):
    # The multipart body is made here: the test client would spool a large file to a temporary
    # file it never closes (a ResourceWarning, an error under filterwarnings=error).
    boundary = "grens"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{csrf(editor, '/beheer/spreadsheet/')}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"bestand\"; filename=\"groot.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
    body += b"Naam\n" + b"x" * 1_100_000 + f"\r\n--{boundary}--\r\n".encode()
    response = editor.post("/beheer/spreadsheet/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413


def test_no_file_chosen_is_a_clear_400(editor):
    response = editor.post("/beheer/spreadsheet/", data={"csrf_token": csrf(editor, "/beheer/spreadsheet/")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies een bestand" in response.text


def test_a_formula_in_a_cell_is_exported_as_text_and_read_back_as_it_is(app, editor):
    node = app.extensions["bamboe"]
    name = '=HYPERLINK("http://evil.example","klik")'
    node.editor.create("praktijken", node.editor.load("praktijken", {
        "naam": name, "soort": "https://w3id.org/lerende-praktijken/id/soort/leergemeenschap",
        "niveau": "https://w3id.org/lerende-praktijken/id/niveau/wijk",
        "themas": ["https://w3id.org/lerende-praktijken/id/thema/armoede"], "beschrijving": "+31 uitgelegd; -1 @x"}),
        EDITOR)
    exported = editor.get("/beheer/spreadsheet/export.xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(exported))["Praktijken"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == name)
    assert cell.data_type == "s"  # a text cell, not a formula
    as_text = editor.get("/beheer/spreadsheet/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK(\"\"http://evil.example\"\",\"\"klik\"\")" in as_text
    for filename, content in (("export.xlsx", exported), ("export.csv", as_text.encode())):
        page = upload(editor, filename, content)
        assert page.status_code == 200 and " 0 gewijzigd" in page.text, problems(page.text)


def test_csv_with_commas_without_bom_and_in_windows_1252_is_read(app, editor):
    row = [None, "Kommakring café", "Leergemeenschap", "Wijk", "Armoede", None, None, None]
    for content in (as_csv([row], delimiter=",", bom=False),
                    as_csv([row], delimiter=",", bom=False).decode().encode("cp1252")):
        page = upload(editor, "komma.csv", content)
        assert page.status_code == 200 and "Kommakring café" in page.text, problems(page.text)


# --- no cell crashes the check -------------------------------------------------------------------------

CELLS = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                  st.booleans(), st.dates(), st.sampled_from(["Armoede", "Wijk", "GM0546", "3; Deelnemer", "ja",
                                                              "katwijk-koestal", "'=1+1", "2025-02-30"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=3),
       header=st.lists(st.sampled_from([*HEADER, "Status", "Website", "Deelname: Student", "", None, "?"]),
                       min_size=1, max_size=8))
def test_any_cells_give_rows_and_problems_never_an_error(app, rows, header):
    node = app.extensions["bamboe"]
    words = Vocabulary(node.concepts, pick_lists(node.store, node.editor.graph))
    plan = check(node.editor, words, files.Table(header, [(n, cells) for n, cells in enumerate(rows, start=2)]))
    assert all(problem.row is None or problem.row >= 1 for problem in plan.problems)
    assert all(problem.message or problem.reason for problem in plan.problems)


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=400), filename=st.sampled_from(["a.xlsx", "a.csv", "a", "a.xlsm"]))
def test_any_bytes_are_read_or_refused_never_an_error(content, filename):
    try:
        files.read(filename, content)
    except files.FileRefused:
        pass


# --- the JSON API ----------------------------------------------------------------------------------------

def test_the_api_checks_and_loads_a_file_with_problems_by_row_and_column(app):
    node = app.extensions["bamboe"]
    token, _ = node.accounts.create_token("redactie")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    bad = xlsx(five_rows("API", bad=True))

    refused = client.post("/api/v1/spreadsheet?laden=ja", data=bad, headers=auth, content_type=XLSX_TYPE)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert refused.headers["API-Version"]
    assert [(p["row"], p["letter"], p["column"]) for p in refused.json["invalidParams"]] == [
        (4, "C", "Soort"), (6, "G", "Startdatum")]
    assert refused.json["invalidParams"][0]["name"] == "rij 4, C (Soort)"
    assert not any(s.startswith("api-kring") for s in slugs(app))

    checked = client.post("/api/v1/spreadsheet", data=xlsx(five_rows("API", bad=False)), headers=auth,
                          content_type=XLSX_TYPE)
    assert checked.status_code == 200 and checked.json["geladen"] is False
    assert checked.json["aantallen"] == {"nieuw": 5, "gewijzigd": 0, "ongewijzigd": 0}
    assert not any(s.startswith("api-kring") for s in slugs(app))

    loaded = client.post("/api/v1/spreadsheet?laden=ja", data=as_csv(five_rows("API", bad=False)), headers=auth,
                         content_type="text/csv")
    assert loaded.status_code == 200 and loaded.json["geladen"] is True
    iris = [row["id"] for row in loaded.json["rijen"]]
    assert all(iri.startswith(BASE + "praktijken/api-kring-") for iri in iris)
    assert sorted(iri.rsplit("/", 1)[-1] for iri in iris) == sorted(s for s in slugs(app) if s.startswith("api-kring"))

    english = client.post("/api/v1/spreadsheet?lang=en", data=bad, headers=auth, content_type=XLSX_TYPE)
    assert any(p["reason"].startswith("Not a date: ‘31-02-2025’") for p in english.json["invalidParams"])


def test_the_api_needs_a_token_and_a_spreadsheet_body(app):
    client = app.test_client()
    assert client.post("/api/v1/spreadsheet", data=b"Naam\n", content_type="text/csv").status_code == 401
    token, _ = app.extensions["bamboe"].accounts.create_token("redactie")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/spreadsheet", json={"naam": "x"}, headers=auth).status_code == 415
    macro = client.post("/api/v1/spreadsheet", data=b"PK..", headers=auth,
                        content_type="application/vnd.ms-excel.sheet.macroEnabled.12")
    assert macro.status_code == 415 and "macro" in macro.json["detail"]
    broken = client.post("/api/v1/spreadsheet", data=b"not a zip", headers=auth, content_type=XLSX_TYPE)
    assert broken.status_code == 415 and broken.mimetype == "application/problem+json"


def test_a_file_of_ids_and_one_column_changes_only_that_column(app, editor):
    node = app.extensions["bamboe"]
    before = node.editor.read(node.editor.address("praktijken", "den-haag-zorgzame-buurt")).data
    page = upload(editor, "niveau.csv", as_csv([["den-haag-zorgzame-buurt", "Regionaal"]], header=["Id", "Niveau"]))
    assert page.status_code == 200 and re.search(r"gewijzigd: Niveau</td>", page.text), problems(page.text)
    assert load_token(editor, page.text).status_code == 303
    after = node.editor.read(node.editor.address("praktijken", "den-haag-zorgzame-buurt")).data
    assert after["niveau"].endswith("/niveau/regionaal") and after["naam"] == before["naam"]
    headerless = upload(editor, "kop.csv", as_csv([["Regionaal"]], header=["Niveau"]))
    assert ("1", "Naam", "De kolom Naam ontbreekt; neem de kolomkoppen van het sjabloon over in rij 1.") in problems(
        headerless.text)


def test_two_stored_communities_sharing_a_name_reimport_unchanged(app, editor):
    """Found by an independent tester: the node's own export was refused when two communities shared a name."""
    node = app.extensions["bamboe"]
    stored = node.editor.read(node.editor.address("praktijken", "katwijk-koestal")).data
    user = node.accounts.user("redactie")
    twin = node.editor.create("praktijken", {**stored, "naam": stored["naam"]}, user)
    try:
        page = upload(editor, "export.xlsx", editor.get("/beheer/spreadsheet/export.xlsx").data)
        assert page.status_code == 200, problems(page.text)
        new_twin = as_csv([[None, stored["naam"], "Leergemeenschap", "Wijk"]], header=HEADER[:4])
        assert upload(editor, "nieuw.csv", new_twin).status_code == 400  # a new row named like a stored one
    finally:
        node.editor.delete(node.editor.address("praktijken", twin.iri.rsplit("/", 1)[1]), user, twin.etag)


def test_a_preview_loads_once_however_often_laden_is_pressed(app, editor):
    """Found by an independent tester: three quick presses of Laden stored every new community three times."""
    page = upload(editor, "eenmaal.xlsx", xlsx(five_rows("Eenmaal", bad=False)[:2]))
    assert page.status_code == 200, problems(page.text)
    before = len(slugs(app))
    assert load_token(editor, page.text).status_code == 303
    assert load_token(editor, page.text).status_code == 409  # the same preview again: gone
    assert len(slugs(app)) == before + 2
