"""The spreadsheet import in a real headless browser (Debian's chromium, Playwright) on a real node.

An editor signs in, finds the spreadsheet page from the dashboard, downloads the
template, fills in five communities of which two are wrong, uploads it and reads both
problems by row and column (nothing is loaded), fixes the file, uploads it again,
presses Laden and finds the five communities on the dashboard and their public pages.
The preview in its error state has no WCAG 2.1 A/AA violation.
"""
from __future__ import annotations

import uuid

import openpyxl
import pytest
from playwright.sync_api import expect

from axe import assert_accessible
from test_editor_browser import new_page, sign_in


@pytest.fixture(scope="module")
def editor_page(browser, editing_node):
    context, page = new_page(browser)
    sign_in(page, editing_node.url, editing_node.password)
    yield page
    context.close()


def fill(template_path, target, rows: list[dict]) -> None:
    """Write rows into the downloaded template by header, as someone would in Excel."""
    workbook = openpyxl.load_workbook(template_path)
    sheet = workbook["Praktijken"]
    header = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(number, header.index(name) + 1, value)
    workbook.save(target)


def communities(fragment: str, bad: bool) -> list[dict]:
    base = {"Soort": "Leergemeenschap", "Niveau": "Wijk", "Thema's": "Armoede"}
    rows = [{**base, "Naam": f"Kring {n} {fragment}"} for n in ("een", "twee", "drie", "vier", "vijf")]
    rows[0]["Plaatsen"] = "Leiden"
    rows[1]["Deelname: Bewoner"] = "4; Deelnemer"
    if bad:
        rows[2]["Niveau"] = "Buurtje"
        rows[4]["Startdatum"] = "morgen"
    return rows


def test_download_template_upload_see_problems_fix_and_load(editor_page, editing_node, tmp_path):
    page, base = editor_page, editing_node.url
    fragment = uuid.uuid4().hex[:8]

    page.goto(base + "beheer/")
    page.get_by_role("link", name="Importeren of exporteren met een spreadsheet").click()
    expect(page.locator("h1")).to_have_text("Lerende praktijken uit een spreadsheet")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel (.xlsx)").first.click()
    download = downloading.value
    assert download.suggested_filename == "lerende-praktijken-sjabloon.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    wrong, right = tmp_path / "praktijken-fout.xlsx", tmp_path / "praktijken.xlsx"
    fill(template, wrong, communities(fragment, bad=True))
    fill(template, right, communities(fragment, bad=False))

    page.locator("#bestand").set_input_files(wrong)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/beheer/spreadsheet/")) as posted:
        page.get_by_role("button", name="Controleren").click()
    assert posted.value.status == 400
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("2 problemen: er wordt niets geladen")
    lines = page.locator("table.problems tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("4")
    expect(lines.nth(0)).to_contain_text("E – Niveau")
    expect(lines.nth(0)).to_contain_text("Onbekende waarde ‘Buurtje’; kies uit: Landelijk, Regionaal, Lokaal, Wijk.")
    expect(lines.nth(1)).to_contain_text("6")
    expect(lines.nth(1)).to_contain_text("K – Startdatum")
    expect(lines.nth(1)).to_contain_text("Geen datum: ‘morgen’")
    expect(page.get_by_role("button", name="Laden")).to_have_count(0)
    assert_accessible(page)

    page.locator("#bestand").set_input_files(right)
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("p.notice")).to_contain_text("Geen problemen gevonden: 5 nieuw, 0 gewijzigd, 0 ongewijzigd.")
    expect(page.locator("table.rows tbody tr")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("button", name="Laden").click()

    page.wait_for_url(base + "beheer/")
    expect(page.locator("p.notice").first).to_contain_text("Spreadsheet geladen: 5 nieuw, 0 gewijzigd, 0 ongewijzigd.")
    for n in ("een", "twee", "drie", "vier", "vijf"):
        expect(page.get_by_role("link", name=f"Kring {n} {fragment}", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Kring twee {fragment}", exact=True).click()
    expect(page.locator("h1")).to_contain_text(f"Kring twee {fragment}")
    expect(page.locator("main")).to_contain_text("Bewoner")
