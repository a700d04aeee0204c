"""Check every row of a spreadsheet as the editor checks a form; name each problem by row and column.

A row names its community in the Id column (its id or IRI: an update) or leaves it
empty (a new community). A column left out of the file leaves that field as it is
stored. Each row goes through the same layers as a form post: the cells
(`layout.read_cell`), the API schema (`Editor.load`), the personal-data guard and,
for a row that changes something, the registry's SHACL shapes on the community it
would write. The file as a whole adds: unknown or repeated headers, a community in
two rows, a new row named like a community the node already has. Nothing is written
here; `load` writes a plan without problems.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from registry.editing.messages import localised
from registry.editing.privacy import personal_data
from registry.editing.schemas import READ_ONLY, Praktijk
from registry.editing.service import SLUG
from registry.editing.spreadsheet.files import Table
from registry.editing.spreadsheet.layout import CellProblem, Column, Vocabulary, columns, fold, read_cell
from registry.errors import N_, InvalidInput

NEW, CHANGED, UNCHANGED = "nieuw", "gewijzigd", "ongewijzigd"


@dataclass
class Problem:
    """One thing to fix: where (row as the spreadsheet numbers it, header row = 1; column) and why."""

    row: int | None
    column: str | None  # the header, also when the file lacks that column
    letter: str | None
    message: str | None = None  # a catalogue entry with %(name)s values, translated where shown
    values: dict = field(default_factory=dict)
    reason: dict | None = None  # {"nl": ..., "en": ...}: the editor's own field message

    def to_json(self, text: str) -> dict:
        return {"name": f"rij {self.row}" + (f", {self.column}" if self.column else ""), "row": self.row,
                "column": self.column, "letter": self.letter, "reason": text}


@dataclass
class Row:
    number: int
    status: str
    name: str
    slug: str | None = None
    etag: str | None = None
    data: dict | None = None
    changed: list[str] = field(default_factory=list)  # headers of the columns that change
    fields: list[str] = field(default_factory=list)  # the API fields that change, for the audit record


@dataclass
class Plan:
    rows: list[Row]
    problems: list[Problem]

    @property
    def loadable(self) -> bool:
        return not self.problems and any(row.status != UNCHANGED for row in self.rows)

    def signature(self) -> list[tuple]:
        """What a load must still find true: each row's community, what happens to it, and its ETag."""
        return [(row.number, row.status, row.slug, row.etag) for row in self.rows]

    def counts(self) -> dict[str, int]:
        return {status: sum(row.status == status for row in self.rows) for status in (NEW, CHANGED, UNCHANGED)}


def check(editor, words: Vocabulary, table: Table) -> Plan:
    """Every row's outcome and every problem in the file; nothing is written."""
    layout = columns(editor.concepts)
    present, problems = _headers(table, layout)
    existing = {slug: editor.read(editor.address("praktijken", slug)) for slug in editor.list("praktijken")}
    by_name = {fold(saved.data.get("naam", "")): slug for slug, saved in existing.items()}
    rows, seen_ids, seen_names = [], {}, {}
    name_column = next(((i, c) for i, c in present if c.field == "naam"), None)
    for number, cells in table.rows:
        row, found = _row(editor, words, layout, present, number, cells, existing)
        problems += found
        if row.slug and row.slug in seen_ids:
            problems.append(_problem(number, *_id_column(present), N_(
                "Deze praktijk staat ook op rij %(other)s; zet elke praktijk één keer in het bestand."),
                other=seen_ids[row.slug]))
        key = fold(row.name)
        if key and name_column and key in seen_names and NEW in (row.status, seen_names[key][1]):
            # two stored communities may share a name (their Ids tell them apart); a new row may not
            problems.append(_problem(number, *name_column, N_(
                "Rij %(other)s heeft dezelfde naam; zet elke praktijk één keer in het bestand."),
                other=seen_names[key][0]))
        elif key and name_column and row.status == NEW and key in by_name:
            problems.append(_problem(number, *name_column, N_(
                "Er is al een lerende praktijk met deze naam (id %(slug)s); zet die id in de kolom Id om haar bij te "
                "werken."), slug=by_name[key]))
        seen_ids.setdefault(row.slug, number)
        seen_names.setdefault(key, (number, row.status))
        rows.append(row)
    if not table.rows:
        problems.append(Problem(None, None, None, N_("Het bestand bevat geen lerende praktijken: vul vanaf rij 2 "
                                                     "één praktijk per rij in.")))
    return Plan(rows, sorted(problems, key=lambda p: (p.row or 0, p.letter is None, len(p.letter or ""), p.letter or "")))


def _headers(table: Table, layout: list[Column]) -> tuple[list[tuple[int, Column]], list[Problem]]:
    """(position, column) of each header the layout knows; unknown and repeated ones are problems.

    Only a name is needed, or ids: a file of Id and Status changes statuses alone, and
    a new row without a name is refused on its own row.
    """
    by_header = {fold(column.header): column for column in layout}
    present, problems, seen = [], [], set()
    for index, cell in enumerate(table.header):
        text = str(cell).strip() if cell is not None else ""
        letter = get_column_letter(index + 1)
        column = by_header.get(fold(text))
        if not text:
            if any(index < len(cells) and str(cells[index] or "").strip() for _, cells in table.rows):
                problems.append(Problem(1, None, letter, N_("Kolom %(letter)s heeft gegevens maar geen kop; geef haar "
                                                            "een kop uit het sjabloon of maak haar leeg."),
                                        {"letter": letter}))
        elif column is None:
            problems.append(Problem(1, text, letter, N_("Onbekende kolom ‘%(header)s’; gebruik de kolomkoppen van het "
                                                        "sjabloon."), {"header": text}))
        elif column.header in seen:
            problems.append(Problem(1, text, letter, N_("Deze kolom staat twee keer in het bestand; haal er één weg.")))
        else:
            seen.add(column.header)
            present.append((index, column))
    if not seen & {"Id", "Naam"}:  # every row would be a new community, and none could have a name
        problems.append(Problem(1, "Naam", None, N_("De kolom Naam ontbreekt; neem de kolomkoppen van het sjabloon "
                                                    "over in rij 1.")))
    return present, problems


def _row(editor, words, layout, present, number, cells, existing) -> tuple[Row, list[Problem]]:
    problems, values, failed = [], {}, set()
    for index, column in present:
        try:
            values[column] = read_cell(column, cells[index] if index < len(cells) else None, words)
        except CellProblem as problem:
            failed.add(column)
            problems.append(_problem(number, index, column, problem.message, **problem.values))
    current = None
    typed_id = next((values[c] for _, c in present if c.kind == "id" and values.get(c)), None)
    if typed_id:
        current = _current(editor, typed_id, existing)
        if current is None:
            problems.append(_problem(number, *_id_column(present), N_(
                "Deze node heeft geen lerende praktijk met id ‘%(value)s’; laat de cel leeg voor een nieuwe praktijk."),
                value=typed_id))
    payload, participation = _payload(current, values, present)
    name = str(payload.get("naam") or "")
    slug = current.iri.rsplit("/", 1)[-1] if current else None
    row = Row(number, CHANGED if current else NEW, name, slug, current.etag if current else None)
    place = {c: i for i, c in present}
    try:
        data = editor.load("praktijken", payload)
    except InvalidInput as error:
        problems += _field_problems(number, error, layout, place, participation, failed)
        return row, problems
    if current and _same(data, current.data):
        row.status = UNCHANGED  # nothing to write, so nothing to check again
        return row, problems
    row.data = data
    row.fields, row.changed = _changed(data, current.data if current else {}, layout)
    if not data.get("toestemming"):  # as every write of the editor: personal data only with recorded consent
        found = personal_data({k: v for k, v in data.items() if k != "toestemming"})
        problems += _field_problems(number, InvalidInput("", fields=found), layout, place, participation, failed)
    problems += _shapes(editor, number, row, layout, place, participation)
    return row, problems


def _current(editor, typed: str, existing: dict):
    """The stored community a typed id or IRI names, if this node has it."""
    slug = typed.removeprefix(editor.base + "praktijken/")
    return existing.get(slug) if SLUG.match(slug) else None


def _payload(current, values: dict, present) -> tuple[dict, list]:
    """The API JSON of the row: the stored community, each column in the file put over it.

    Also returns, per item of `deelname`, the column it came from (None: kept as stored).
    """
    payload = {k: v for k, v in Praktijk().dump(current.data).items() if k not in READ_ONLY} if current else {}
    contact = dict(payload.get("contact") or {})
    perspectives = {c.perspective for _, c in present if c.kind == "participation"}
    rows = [r for r in payload.get("deelname", []) if r.get("perspectief") not in perspectives]
    participation: list = [None] * len(rows)
    for column, value in values.items():
        if column.kind == "id":
            continue
        if column.kind == "participation":
            if value is not None:
                rows.append(value)
                participation.append(column)
        elif column.field.startswith("contact."):
            _put(contact, column.field.split(".", 1)[1], value)
        else:
            _put(payload, column.field, value)
    _put(payload, "deelname", rows or None)
    _put(payload, "contact", contact or None)
    return payload, participation


def _put(target: dict, key: str, value) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _same(data: dict, stored: dict) -> bool:
    return _normal({k: v for k, v in data.items() if k != "toestemming"}) == _normal(stored)


def _normal(value):
    """A value as comparable text: lists in a fixed order, at every depth."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value if isinstance(value, (int, float, bool, type(None))) else str(value)


def _changed(data: dict, stored: dict, layout: list[Column]) -> tuple[list[str], list[str]]:
    """The API fields that differ from what is stored, and the headers of their columns."""
    names = sorted(k for k in dict.fromkeys([*data, *stored]) if k != "toestemming"
                   and _normal(data.get(k)) != _normal(stored.get(k)))
    headers = []
    for column in layout:
        if column.field.split(".")[0] in names and not (column.kind == "participation" and _same_participation(
                column.perspective, data, stored)):
            headers.append(column.header)
    return names, list(dict.fromkeys(headers))


def _same_participation(perspective: str, data: dict, stored: dict) -> bool:
    def of(source):
        return _normal([r for r in source.get("deelname", []) if r.get("perspectief") == perspective])
    return of(data) == of(stored)


def _shapes(editor, number, row, layout, place, participation) -> list[Problem]:
    """The registry's SHACL shapes on the community as this row would write it."""
    try:
        editor.check_community(row.data, row.slug, f"_rij-{number}")
    except InvalidInput as error:
        return _field_problems(number, error, layout, place, participation, set())
    return []


def _field_problems(number, error: InvalidInput, layout, place, participation, failed) -> list[Problem]:
    """The editor's field errors by the column they are about (the row alone when no column is)."""
    problems = []
    for item, nl, en in zip(error.context.get("fields", []), *(localised(error.context.get("fields", []), lang)
                                                              for lang in ("nl", "en"))):
        column = _column_for(item["name"], layout, participation)
        if column in failed:
            continue  # the cell's own problem already says what is wrong
        index = place.get(column)
        problems.append(Problem(number, column.header if column else None,
                                get_column_letter(index + 1) if index is not None else None,
                                reason={"nl": nl["reason"], "en": en["reason"]}))
    return problems


def _column_for(name: str, layout: list[Column], participation: list) -> Column | None:
    """The column an API field name (`themas[1]`, `deelname[2].aantal`, `contact.email`) comes from."""
    match = re.match(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", name)
    if not match:
        return None
    field_name, index, inner = match.groups()
    if field_name == "deelname":
        return participation[int(index)] if index is not None and int(index) < len(participation) else None
    if field_name == "contact":
        field_name = f"contact.{inner or 'naam'}"
    return next((column for column in layout if column.field == field_name), None)


def _id_column(present) -> tuple[int | None, Column | None]:
    return next(((i, c) for i, c in present if c.kind == "id"), (None, None))


def _problem(number: int, index: int | None, column: Column | None, message: str, **values) -> Problem:
    return Problem(number, column.header if column else None,
                   get_column_letter(index + 1) if index is not None else None, message, values)

