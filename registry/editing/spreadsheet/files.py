"""Read an uploaded spreadsheet safely; write the template and the export.

An upload is refused before any row is read when it is too large, a macro workbook,
password-protected or an old .xls, unpacks to more than a sane size (a zip bomb),
or is neither an Excel workbook nor CSV text. XLSX is read with openpyxl in
read-only mode with values only (a formula gives its last computed value, never
runs); CSV may be UTF-8 with or without BOM (or Windows-1252, as older Excel saves
it) with ";" or "," between cells. What is written is safe to open: XLSX cells are
typed as text, so `=HYPERLINK(...)` stays text, and CSV goes through `csv_cells`.
"""
from __future__ import annotations

import csv
import io
import logging
import warnings
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from registry import csv_cells
from registry.editing.spreadsheet.layout import NO, YES, Column, Vocabulary
from registry.errors import N_, BamboeError

log = logging.getLogger(__name__)
MAX_FILE_BYTES = 900_000
"""Largest upload taken: under the default `max_request_bytes` (1 MB) with room for the form around it, so a
file just too big gets this page's message, not the web server's bare 413."""
MAX_UNPACKED_BYTES = 40_000_000
"""What an XLSX (a zip) may unpack to; a zip bomb declares far more."""
MAX_ROWS = 500
"""Communities per file; a Werkplaats has tens."""
MAX_SHEET_ROWS = 5_000
"""Rows read at most, empty ones included, before the sheet is refused."""
MAX_COLUMNS = 100
SHEET = "Praktijken"
LISTS = "Keuzelijsten"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: an old .xls, or an .xlsx encrypted with a password."""


class FileRefused(BamboeError):
    """An upload that cannot be read as a spreadsheet of communities; the message says what to do."""

    title = N_("Bestand niet te lezen")


class TooLarge(FileRefused):
    status = 413
    title = N_("Bestand te groot")


class NotASpreadsheet(FileRefused):
    status = 415
    title = N_("Soort bestand niet ondersteund")


@dataclass
class Table:
    """The cells of a sheet: row 1 is the header; each row keeps its number as the spreadsheet shows it."""

    header: list
    rows: list[tuple[int, list]]


# --- reading -------------------------------------------------------------------------------

def read(filename: str, content: bytes) -> Table:
    """The table in an uploaded file, or `FileRefused` saying why not and what to do."""
    if len(content) > MAX_FILE_BYTES:
        raise TooLarge(N_("Het bestand is te groot (%(size)s kB); hoogstens %(limit)s kB. Zet minder praktijken in "
                          "één bestand."), size=len(content) // 1000, limit=MAX_FILE_BYTES // 1000)
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsm", "xltm", "xlam", "xlsb"):
        raise NotASpreadsheet(MACROS)
    if content.startswith(OLE):
        raise NotASpreadsheet(N_("Dit is een oud Excel-bestand (.xls) of een bestand met een wachtwoord; sla het "
                                 "zonder wachtwoord op als Excel-werkmap (.xlsx)."))
    if content.startswith(b"PK"):
        return _xlsx(content)
    if suffix in ("xlsx", "xls", "ods"):
        raise NotASpreadsheet(NOT_READABLE)
    return _csv(content)


MACROS = N_("Bestanden met macro's (.xlsm) worden niet aangenomen; sla het op als gewone Excel-werkmap (.xlsx).")
NOT_READABLE = N_("Dit is geen Excel-werkmap (.xlsx) en geen CSV-bestand; sla het op als .xlsx of als CSV (UTF-8).")


def _xlsx(content: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise NotASpreadsheet(NOT_READABLE) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in types:
        raise NotASpreadsheet(MACROS)
    if "xl/workbook.xml" not in names:
        raise NotASpreadsheet(NOT_READABLE)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES or len(entries) > 1000:
        raise TooLarge(N_("Uitgepakt is deze werkmap groter dan %(limit)s MB; haal lege opmaak en andere werkbladen "
                          "weg, of sla de praktijken op als CSV."), limit=MAX_UNPACKED_BYTES // 1_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; they do not matter here
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
            try:
                sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
                return _table(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
            finally:
                workbook.close()
    except FileRefused:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file makes openpyxl, lxml or zipfile raise many kinds
        log.info("unreadable workbook (%s: %s)", type(error).__name__, error)  # each means the same to the user
        raise NotASpreadsheet(N_("De Excel-werkmap is beschadigd of niet te lezen; open en sla haar opnieuw op als "
                                 ".xlsx, of sla de praktijken op als CSV.")) from None


def _csv(content: bytes) -> Table:
    if b"\x00" in content:
        raise NotASpreadsheet(NOT_READABLE)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise NotASpreadsheet(N_("Het CSV-bestand is geen leesbare tekst; sla het op als ‘CSV UTF-8’.")) from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return _table(tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise NotASpreadsheet(N_("Het CSV-bestand is niet te lezen (een aanhalingsteken te veel of te weinig?); sla "
                                 "het opnieuw op vanuit je spreadsheet.")) from None


def _table(rows) -> Table:
    """Row 1 as the header, then the rows with a value in them, by their number; bounded."""
    header, data = None, []
    for number, row in enumerate(rows, start=1):
        if number > MAX_SHEET_ROWS:
            raise TooLarge(N_("Het werkblad heeft meer dan %(limit)s rijen; haal lege rijen weg of verdeel de "
                              "praktijken over meer bestanden."), limit=MAX_SHEET_ROWS)
        cells = list(row[:MAX_COLUMNS])
        if number == 1:
            header = cells
        elif any(cell not in (None, "") and str(cell).strip() for cell in cells):
            data.append((number, cells))
            if len(data) > MAX_ROWS:
                raise TooLarge(N_("Te veel rijen: hoogstens %(limit)s lerende praktijken per bestand."), limit=MAX_ROWS)
    if not header or not any(header):
        raise FileRefused(N_("De eerste rij moet de kolomkoppen van het sjabloon bevatten (Id, Naam, Soort ...); "
                             "download het sjabloon om te zien hoe."))
    return Table(header, data)


# --- writing -------------------------------------------------------------------------------

def write_csv(columns: list[Column], rows: list[list]) -> bytes:
    """CSV as Dutch Excel opens it: UTF-8 with BOM, ";" between cells, formulas neutralised."""
    return csv_cells.render([c.header for c in columns],
                            [[_plain(cell) for cell in row] for row in rows], spreadsheet="nl")


def _plain(cell):
    return cell.isoformat() if hasattr(cell, "isoformat") else cell


def write_xlsx(columns: list[Column], rows: list[list], words: Vocabulary) -> bytes:
    """A workbook with the communities, drop-downs where a column takes one value, and the pick-lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    lists = workbook.create_sheet(LISTS)
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            _put(sheet.cell(number, index), value)
    sheet.freeze_panes = "C2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    _pick_lists(sheet, lists, columns, words, last_row=max(len(rows) + 1, 1000))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _put(cell, value) -> None:
    """A cell of the value's type; text is typed as text, so a leading "=" never makes a formula."""
    if value is None:
        return
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    else:
        cell.value = value
        if hasattr(value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"


def _pick_lists(sheet, lists, columns: list[Column], words: Vocabulary, last_row: int) -> None:
    """The allowed values on their own sheet; a drop-down in every column that takes them.

    A column of one value refuses anything else; a column of several ("A; B") offers
    the list but lets a typed combination through, as Excel cannot pick several.
    """
    written: dict[str, str] = {}  # list title -> its range; the perspectives share the roles
    for index, column in enumerate(columns, start=1):
        values = _allowed(column, words)
        if not values:
            continue
        title = "Rollen (deelname)" if column.kind == "participation" else column.header
        if title not in written:
            position = len(written) + 1
            lists.cell(1, position, title).font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                _put(lists.cell(row, position), value)
            letter = get_column_letter(position)
            lists.column_dimensions[letter].width = max(column.width, 24)
            written[title] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(values) + 1}"
        strict = column.kind in ("concept", "yesno")
        validation = DataValidation(type="list", formula1=written[title], allow_blank=True, showErrorMessage=strict,
                                    errorTitle=column.header if strict else None,
                                    error="Kies een waarde uit de lijst (tabblad Keuzelijsten)." if strict else None)
        validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{last_row}")
        sheet.add_data_validation(validation)


def _allowed(column: Column, words: Vocabulary) -> list[str]:
    if column.kind in ("concept", "concepts"):
        return words.allowed(column.scheme)
    if column.kind == "participation":
        return words.allowed("rol")
    if column.kind == "yesno":
        return [YES, NO]
    if column.kind in ("places", "organisations", "networks"):
        return [choice.text for choice in words.pick_list(column.kind).choices]
    return []
