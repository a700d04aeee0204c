"""The editor's HTML forms <-> the API's JSON, one pair of functions per form; no Flask.

A form posts plain fields: text, checkboxes, and repeated rows for places, partners
and networks, where people type or pick a name. `*_form_to_json` gives the JSON the
Editor service validates (as the API would receive it) in a `Parsed`, which also says
which form field each list item came from, so an error lands on its row, and which
rows named nothing known. `*_json_to_form` gives a stored resource's form values the
way `request.form.to_dict(flat=False)` would, so a page renders the same from either.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry.editing.picklists import PickList, PickLists, Unresolved

CODES = re.compile(r"^[A-Za-z]{2}\d+(?:[\s,;]+[A-Za-z]{2}\d+)+$")
"""Several CBS codes in one field ("GM0537 WK053700"), as the form took them before the pick-lists."""

COMMUNITY_TEXT = ("naam", "alternatieveNaam", "beschrijving", "gedeeldeVraag", "aansluiten", "website",
                  "startdatum", "einddatum", "soort", "niveau", "status", "toestemming")
PICKED = {"plaatsen": ("plaatsen", "wijken"), "partners": ("partners",), "onderdeelVan": ("onderdeelVan",)}
"""API list field -> the form's row fields that fill it (places: gemeenten first, then wijken)."""

NESTED_FORMS = {
    "bijeenkomsten": ("datum", "naam", "locatie", "plaats", "vorm", "aanwezigePerspectieven"),
    "verslagen": ("bijeenkomst", "datum", "titel", "centraleVraag", "handelingsperspectieven", "meegelezen", "url"),
    "resultaten": ("naam", "beschrijving", "datum", "leerlus"),
}
"""The fields of the meeting, report and result forms, in form order."""

UNRESOLVED_CODES = {"plaatsen": "unknown-place", "wijken": "unknown-place", "plaats": "unknown-place",
                    "partners": "unknown-organisation", "onderdeelVan": "unknown-network"}


@dataclass
class Parsed:
    data: dict
    rows: dict[str, list[str]] = field(default_factory=dict)
    """API list field -> the form field id each item came from (deelname: the perspective key)."""
    unresolved: dict[str, str] = field(default_factory=dict)
    """Form field id -> error code, for a row whose text named no choice (or several)."""


def row_id(name: str, position: int) -> str:
    """The id of a repeated row: the field's name for the first, `name-2`, `name-3` after it."""
    return name if position == 0 else f"{name}-{position + 1}"


def community_form_to_json(form, picks: PickLists) -> Parsed:
    parsed = Parsed({})
    data = parsed.data
    for name in COMMUNITY_TEXT:
        value = form.get(name, "").strip()
        if value:
            data[name] = value
    for name in ("themas", "kennis"):
        chosen = [v for v in form.getlist(name) if v]
        if chosen or name == "themas":
            data[name] = chosen
    lists = {"plaatsen": picks.places, "partners": picks.organisations, "onderdeelVan": picks.networks}
    for name, pick_list in lists.items():
        _picked(form, name, pick_list, parsed)
    if form.get("frequentieWeken", "").strip():
        data["frequentieWeken"] = _number(form["frequentieWeken"])
    if form.get("vertrouwelijkheidsafspraken") in ("ja", "nee"):
        data["vertrouwelijkheidsafspraken"] = form["vertrouwelijkheidsafspraken"] == "ja"
    contact = {k: form.get(f"contact-{k}", "").strip() for k in ("naam", "email")}
    if any(contact.values()):
        data["contact"] = {k: v for k, v in contact.items() if v}
    rows, keys = [], []
    for key in form.getlist("perspectief"):
        count = form.get(f"aantal-{key}", "").strip()
        roles = form.getlist(f"rollen-{key}")
        if count or roles:
            keys.append(key)
            row = {"perspectief": form.get(f"iri-{key}", "")}
            if count:
                row["aantal"] = _number(count)
            if roles:
                row["rollen"] = roles
            rows.append(row)
    if rows:
        data["deelname"] = rows
        parsed.rows["deelname"] = keys
    return parsed


def _picked(form, name: str, pick_list: PickList, parsed: Parsed) -> None:
    """Resolve the typed rows of one list field; an unknown name is an error on its row."""
    values, ids = [], []
    for row_name in PICKED[name]:
        for position, typed in enumerate(form.getlist(row_name)):
            typed = typed.strip()
            if not typed:
                continue
            where = row_id(row_name, position)
            pieces = re.split(r"[\s,;]+", typed) if CODES.match(typed) else [typed]
            for piece in pieces:
                try:
                    value = pick_list.resolve(piece)
                except Unresolved as error:
                    parsed.unresolved.setdefault(where, _unresolved_code(row_name, error))
                    continue
                if value not in values:
                    values.append(value)
                    ids.append(where)
    if values:
        parsed.data[name] = values
        parsed.rows[name] = ids


def _unresolved_code(row_name: str, error: Unresolved) -> str:
    return "ambiguous-name" if error.code == "ambiguous" else UNRESOLVED_CODES[row_name]


def community_json_to_form(data: dict, picks: PickLists) -> dict:
    """Stored community -> the form's field values (lists, as request.form would give)."""
    form: dict = {}
    for name in COMMUNITY_TEXT:
        if data.get(name) is not None:
            form[name] = [str(data[name])]
    for name in ("themas", "kennis"):
        form[name] = list(data.get(name, []))
    places = data.get("plaatsen", [])
    form["plaatsen"] = [picks.places.shown(code) for code in places if code[:2] in ("GM", "PV")]
    form["wijken"] = [picks.places.shown(code) for code in places if code[:2] in ("WK", "BU")]
    form["partners"] = [picks.organisations.shown(iri) for iri in data.get("partners", [])]
    form["onderdeelVan"] = [picks.networks.shown(iri) for iri in data.get("onderdeelVan", [])]
    if data.get("frequentieWeken"):
        form["frequentieWeken"] = [str(data["frequentieWeken"])]
    if "vertrouwelijkheidsafspraken" in data:
        form["vertrouwelijkheidsafspraken"] = ["ja" if data["vertrouwelijkheidsafspraken"] else "nee"]
    for key in ("naam", "email"):
        if (data.get("contact") or {}).get(key):
            form[f"contact-{key}"] = [data["contact"][key]]
    for row in data.get("deelname", []):
        key = row["perspectief"].rstrip("/").rsplit("/", 1)[-1]
        if "aantal" in row:
            form[f"aantal-{key}"] = [str(row["aantal"])]
        form[f"rollen-{key}"] = list(row.get("rollen", []))
    return form


def nested_form_to_json(kind: str, form, places: PickList) -> Parsed:
    """A meeting, report or result form -> API JSON; the meeting's place by name or code."""
    parsed = Parsed({})
    data = parsed.data
    for name in NESTED_FORMS[kind]:
        if name == "aanwezigePerspectieven":
            chosen = form.getlist(name)
            if chosen:
                data[name] = chosen
        elif name == "handelingsperspectieven":
            lines = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
            if lines:
                data[name] = lines
        elif name == "meegelezen":
            if form.get(name) in ("ja", "nee"):
                data[name] = form[name] == "ja"
        elif name == "plaats":
            typed = form.get(name, "").strip()
            if typed:
                try:
                    data[name] = places.resolve(typed)
                except Unresolved as error:
                    parsed.unresolved[name] = _unresolved_code(name, error)
        else:
            value = form.get(name, "").strip()
            if value:
                data[name] = value
    if form.get("toestemming", "").strip():
        data["toestemming"] = form["toestemming"].strip()
    return parsed


def nested_json_to_form(kind: str, data: dict, places: PickList) -> dict:
    """A stored meeting, report or result -> its form's field values."""
    form: dict = {}
    for name in NESTED_FORMS[kind]:
        value = data.get(name)
        if value is None:
            continue
        if name == "aanwezigePerspectieven":
            form[name] = list(value)
        elif name == "handelingsperspectieven":
            form[name] = ["\n".join(value)]
        elif name == "meegelezen":
            form[name] = ["ja" if value else "nee"]
        elif name == "plaats":
            form[name] = [places.shown(value)]
        else:
            form[name] = [value.isoformat() if hasattr(value, "isoformat") else str(value)]
    return form


def _number(raw: str):
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else raw  # "²".isdigit() is True, int("²") fails


HIDDEN = {"csrf_token", "etag", "slug", "perspectief", "toestemming"}
"""Form fields that are not the resource's own values (consent is never stored with it)."""


def changed_fields(current: dict, posted) -> list[tuple[str, list[str]]]:
    """(form field, values stored now) where the stored resource differs from what was posted.

    After a refused save (someone else saved first), this is what the editor compares.
    """
    out = []
    for name in dict.fromkeys([*current, *posted.keys()]):
        if name in HIDDEN or name.startswith("iri-"):
            continue
        now = _filled(current.get(name, []))
        if now != _filled(posted.getlist(name)):
            out.append((name, now))
    return out


def _filled(values: list[str]) -> list[str]:
    return sorted(value.replace("\r\n", "\n").strip() for value in values if value.strip())


# --- errors by form field -------------------------------------------------------------

def form_id(name: str, parsed: Parsed) -> str:
    """The form field an API error name points at: `partners[1]` -> its row, `deelname[0].aantal` -> `aantal-<key>`."""
    if match := re.match(r"^(\w+)\[(\d+)\]\.?(\w*)", name):
        listed, position, inner = match.group(1), int(match.group(2)), match.group(3)
        ids = parsed.rows.get(listed, [])
        if position < len(ids):
            if listed == "deelname":
                return f"{'rollen' if inner == 'rollen' else 'aantal'}-{ids[position]}"
            return ids[position]
    if name.startswith("contact."):
        return "contact-" + name.split(".", 1)[1]
    return re.sub(r"\[\d+\].*$", "", name)


def form_position(kind: str, order: list[str], field_id: str) -> int:
    """Where a form field sits in its form, so errors are listed (and focused) top to bottom."""
    if field_id.startswith(("aantal-", "rollen-")):
        stem = "deelname"
    elif field_id.startswith("wijken"):
        stem = "plaatsen"
    else:
        stem = re.sub(r"-\d+$", "", field_id)
        stem = "contact" if stem.startswith("contact-") else stem
    return order.index(stem) if stem in order else len(order)


def summary_fields(summary: str) -> tuple[list[str], str | None]:
    """An audit record's summary ("naam, plaatsen, toestemming: dossier 7") -> field names and the consent."""
    consent = None
    if "toestemming: " in summary:
        summary, consent = summary.split("toestemming: ", 1)
    names = [name.strip() for name in summary.split(",") if name.strip()]
    return [name for name in names if not (consent is not None and name == "toestemming")], consent
