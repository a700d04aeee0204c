"""The spreadsheet's columns, and how one cell becomes an API value and back.

The columns follow the editor's community form (`registry.editing.schemas.Praktijk`)
with Dutch headers that never change with the interface language, so a file made in
English reads back in Dutch. Pick-list values are written as their Dutch labels and
read back without regard to case or accents; a code or IRI typed as it is is also
understood. A cell with several values separates them with "; " (or new lines).
Participation has one column per perspective: an optional count, then roles
("3; Gespreksleider; Deelnemer").
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from registry.csv_cells import FORMULA_START
from registry.editing.concepts import ConceptCatalogue
from registry.editing.picklists import PickLists, Unresolved
from registry.errors import N_

SEPARATOR = "; "
SPLIT = re.compile(r"\s*[;\n]\s*")
YES, NO = "ja", "nee"
PARTICIPATION = "Deelname: "
"""Header prefix of a perspective's column: `Deelname: Bewoner`."""


class CellProblem(ValueError):
    """A cell that says something the registry cannot take; the message names what is allowed."""

    def __init__(self, message: str, **values):
        super().__init__(message)
        self.message, self.values = message, values


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the API field it fills: "naam", "contact.email", "deelname" ...
    kind: str  # id, text, concept, concepts, places, organisations, networks, date, integer, yesno, participation
    scheme: str | None = None  # concept scheme of a concept(s) column
    perspective: str | None = None  # IRI of a participation column's perspective
    width: int = 18
    required: bool = False

    @property
    def multiple(self) -> bool:
        return self.kind in ("concepts", "places", "organisations", "networks", "participation")


FIXED_BEFORE = (
    Column("Id", "id", "id", width=26),
    Column("Naam", "naam", "text", width=36, required=True),
    Column("Andere naam", "alternatieveNaam", "text", width=24),
    Column("Soort", "soort", "concept", "soort", width=22, required=True),
    Column("Niveau", "niveau", "concept", "niveau", width=14, required=True),
    Column("Status", "status", "concept", "status", width=16),
    Column("Thema's", "themas", "concepts", "thema", width=30, required=True),
    Column("Gedeelde vraag", "gedeeldeVraag", "text", width=40),
    Column("Beschrijving", "beschrijving", "text", width=50),
    Column("Plaatsen", "plaatsen", "places", width=30),
    Column("Startdatum", "startdatum", "date", width=12),
    Column("Einddatum", "einddatum", "date", width=12),
    Column("Frequentie (weken)", "frequentieWeken", "integer", width=12),
    Column("Vertrouwelijkheidsafspraken", "vertrouwelijkheidsafspraken", "yesno", width=14),
    Column("Soorten kennis", "kennis", "concepts", "kennis", width=30),
)
FIXED_AFTER = (
    Column("Meedoen", "aansluiten", "text", width=40),
    Column("Naam van het contactpunt", "contact.naam", "text", width=30),
    Column("E-mailadres van het contactpunt", "contact.email", "text", width=30),
    Column("Website", "website", "text", width=30),
    Column("Onderdeel van", "onderdeelVan", "networks", width=30),
    Column("Partners", "partners", "organisations", width=40),
    Column("Vastgelegde toestemming", "toestemming", "text", width=24),
)
"""Consent is read, never exported: it goes to the private audit trail, not into the data."""


def columns(concepts: ConceptCatalogue) -> list[Column]:
    """Every column, in order: one participation column per perspective the node knows."""
    perspectives = [Column(PARTICIPATION + text, "deelname", "participation", perspective=iri, width=16)
                    for iri, text in concepts.options("perspectief", "nl")]
    return [*FIXED_BEFORE, *perspectives, *FIXED_AFTER]


def fold(text: str) -> str:
    """Compare as people type: without case, accents and extra spaces."""
    text = unicodedata.normalize("NFKD", " ".join(text.split())).encode("ascii", "ignore").decode()
    return text.casefold()


class Vocabulary:
    """The labels of concepts and the pick-lists: stored value <-> the text in a cell."""

    def __init__(self, concepts: ConceptCatalogue, picks: PickLists):
        self.picks = picks
        self.concepts = concepts.all()
        self._by_label: dict[tuple[str, str], set[str]] = {}
        for concept in self.concepts.values():
            for text in {concept.label("nl"), *concept.labels.values()}:
                self._by_label.setdefault((concept.scheme, fold(text)), set()).add(concept.iri)

    def label(self, iri: str) -> str:
        concept = self.concepts.get(iri)
        return concept.label("nl") if concept else iri

    def allowed(self, scheme: str) -> list[str]:
        chosen = sorted((c for c in self.concepts.values() if c.scheme == scheme), key=lambda c: c.order)
        return [c.label("nl") for c in chosen]

    def concept(self, scheme: str, text: str) -> str:
        if text in self.concepts and self.concepts[text].scheme == scheme:
            return text
        found = self._by_label.get((scheme, fold(text)), set())
        if len(found) == 1:
            return next(iter(found))
        raise CellProblem(N_("Onbekende waarde ‘%(value)s’; kies uit: %(allowed)s."),
                          value=text, allowed=", ".join(self.allowed(scheme)))

    def pick_list(self, kind: str):
        return {"places": self.picks.places, "organisations": self.picks.organisations,
                "networks": self.picks.networks}[kind]


UNKNOWN = {
    "places": N_("Onbekende plaats ‘%(value)s’; kies een gemeente, provincie of wijk uit het tabblad Keuzelijsten, "
                 "of typ een CBS-code (GM0537, WK053700)."),
    "organisations": N_("Onbekende organisatie ‘%(value)s’; kies een naam uit het tabblad Keuzelijsten, of typ het "
                        "webadres (IRI) van de organisatie."),
    "networks": N_("Onbekend netwerk ‘%(value)s’; kies een naam uit het tabblad Keuzelijsten, of typ het webadres "
                   "(IRI) van het netwerk."),
}
AMBIGUOUS = N_("‘%(value)s’ past bij meer dan één keuze; kies de juiste uit het tabblad Keuzelijsten.")


# --- reading a cell ----------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell as text: numbers without a needless ".0", dates as ISO, a CSV's quote before a formula dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:  # `csv_cells.neutral` put it there
        text = text[1:]
    return text


def read_cell(column: Column, value, words: Vocabulary):
    """The API value of one cell (None when empty); `CellProblem` when it cannot be one."""
    text = cell_text(value)
    if not text:
        return None
    kind = column.kind
    if kind in ("text", "id"):
        return text
    if kind == "date":
        return _date(value, text)
    if kind == "integer":
        if text.isascii() and text.isdigit():
            return int(text)
        raise CellProblem(N_("Geen heel getal: ‘%(value)s’."), value=text)
    if kind == "yesno":
        answer = {"ja": True, "nee": False, "true": True, "false": False, "waar": True, "onwaar": False,
                  "1": True, "0": False}.get(fold(text))
        if answer is None:
            raise CellProblem(N_("Schrijf ja of nee, niet ‘%(value)s’."), value=text)
        return answer
    if kind == "concept":
        return words.concept(column.scheme, text)
    if kind == "participation":
        return _participation(column, text, words)
    values = []
    for piece in filter(None, SPLIT.split(text)):
        found = words.concept(column.scheme, piece) if kind == "concepts" else _picked(kind, piece, words)
        if found not in values:
            values.append(found)
    return values


def _picked(kind: str, text: str, words: Vocabulary) -> str:
    try:
        return words.pick_list(kind).resolve(text)
    except Unresolved as error:
        raise CellProblem(AMBIGUOUS if error.code == "ambiguous" else UNKNOWN[kind], value=text) from None


DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)


def _date(value, text: str) -> str:
    """An ISO date for the schema: a date cell, 2025-03-04, or the Dutch 4-3-2025 (day first)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return text[:10]
    if match := DUTCH_DATE.fullmatch(text):
        day, month, year = map(int, match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        return text  # the schema says whether the day exists
    raise CellProblem(N_("Geen datum: ‘%(value)s’; schrijf bijvoorbeeld 2025-03-04 of 4-3-2025."), value=text)


def _participation(column: Column, text: str, words: Vocabulary) -> dict:
    row: dict = {"perspectief": column.perspective}
    for piece in filter(None, SPLIT.split(text)):
        if piece.isascii() and piece.isdigit():
            if "aantal" in row:
                raise CellProblem(N_("Eén aantal per perspectief, gevolgd door rollen, bijvoorbeeld "
                                     "‘3; Gespreksleider; Deelnemer’."))
            row["aantal"] = int(piece)
        else:
            role = words.concept("rol", piece)
            row.setdefault("rollen", [])
            if role not in row["rollen"]:
                row["rollen"].append(role)
    return row


# --- writing a cell ----------------------------------------------------------------------

def write_cell(column: Column, data: dict, slug: str, words: Vocabulary):
    """The cell of one stored community (API data as `Editor.read` gives it), as the import reads it back."""
    if column.kind == "id":
        return slug
    if column.field == "toestemming":
        return None
    if column.kind == "participation":
        row = next((r for r in data.get("deelname", []) if r["perspectief"] == column.perspective), None)
        if row is None:
            return None
        parts = ([str(row["aantal"])] if "aantal" in row else []) + [words.label(r) for r in row.get("rollen", [])]
        return SEPARATOR.join(parts) or None
    value = _value(data, column.field)
    if value is None or value == []:
        return None
    if column.kind in ("concept", "concepts"):
        return SEPARATOR.join(words.label(iri) for iri in _listed(value))
    if column.kind in ("places", "organisations", "networks"):
        return SEPARATOR.join(words.pick_list(column.kind).shown(item) for item in value)
    if column.kind == "yesno":
        return YES if value else NO
    return value


def _value(data: dict, field: str):
    if "." in field:
        outer, inner = field.split(".", 1)
        return (data.get(outer) or {}).get(inner)
    return data.get(field)


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]
