"""CSV downloads: plain UTF-8 for scripts, or laid out for a spreadsheet in the page's language.

`?format=csv` gives RFC 4180 CSV in UTF-8 with stable English column names: what a script
reads. `?format=csv&layout=spreadsheet` (what the pages link to) opens correctly in Dutch
Excel and LibreOffice: a byte order mark, the column names in the page's language, and in
Dutch a semicolon between cells and a decimal comma.
"""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from registry import csv_cells
from registry.web.i18n import current_language
from registry.web import conditional

COLUMNS = {
    "section": _l("Sectie"), "iri": _l("IRI"), "name": _l("Naam"), "level": _l("Niveau"), "themes": _l("Thema's"),
    "kinds": _l("Soorten"), "status": _l("Status"), "gemeenten": _l("Gemeenten"), "wijken": _l("Wijken"),
    "regions": _l("Regio's"), "perspectives": _l("Perspectieven"), "partners": _l("Partners"), "start": _l("Start"),
    "interval_weeks": _l("Frequentie (weken)"), "nodes": _l("Nodes"), "source_iris": _l("Bron-IRI's"),
    "signals": _l("Signalen"), "facet": _l("Kenmerk"), "value": _l("Waarde"), "label": _l("Omschrijving"),
    "count": _l("Aantal"), "measure": _l("Maat"), "shown": _l("Aantal met"), "applies": _l("Van toepassing op"),
    "share_percent": _l("Aandeel (%)"), "month": _l("Maand"), "meetings": _l("Bijeenkomsten"),
    "direction": _l("Richting"), "why": _l("Waarom"), "id": _l("Id"), "url": _l("URL"),
    "last_attempt": _l("Laatste poging"), "last_outcome": _l("Uitkomst"), "last_success": _l("Laatst gelukt"),
    "stale_since": _l("Verouderd sinds"), "age_s": _l("Leeftijd kopie (s)"), "triples": _l("Triples"),
    "added": _l("Nieuw"), "updated": _l("Gewijzigd"), "removed": _l("Verwijderd"),
    "quarantined": _l("In quarantaine"), "out_of_scope": _l("Buiten bereik"), "next_run": _l("Volgende ronde"),
    "error": _l("Fout"),
}
LAYOUTS = ("plain", "spreadsheet")


def csv_response(header, rows, filename: str, vary: bool = True):
    """The CSV download of a table, in the layout the request asks for (see module docstring)."""
    spreadsheet = request.args.get("layout") == "spreadsheet"
    language = current_language() if spreadsheet else None
    if spreadsheet:
        header = [str(COLUMNS.get(name, name)) for name in header]
    body = csv_cells.render(header, rows, spreadsheet=language)
    response = conditional(body, "text/csv; charset=utf-8; header=present", vary=vary)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
