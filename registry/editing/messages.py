"""Field errors as a flat list of {name, code, reason}, readable in Dutch and English.

Marshmallow reports codes (the fields use their message keys as codes, see
`fields.coded`); SHACL reports the shapes' own nl/en messages. Both end up in the
same list, which the API returns as `invalidParams` and the forms show by the field.
"""
from __future__ import annotations

import pyoxigraph as ox

from registry.editing.mapping import mapped_fields

MESSAGES = {
    "required": ("Dit veld is verplicht.", "This field is required."),
    "null": ("Dit veld mag niet leeg (null) zijn.", "This field may not be null."),
    "invalid": ("Deze waarde heeft niet het juiste type of formaat.", "This value has the wrong type or format."),
    "invalid_utf8": ("Geen geldige tekst.", "Not valid text."),
    "format": ("Deze waarde heeft niet het juiste formaat.", "This value has the wrong format."),
    "invalid-object": ("Hier hoort een JSON-object.", "A JSON object is expected here."),
    "unknown-field": ("Onbekend veld; zie de API-documentatie voor de velden.", "Unknown field; see the API documentation for the fields."),
    "length": ("Te kort of te lang.", "Too short or too long."),
    "range": ("Getal buiten het toegestane bereik.", "Number outside the allowed range."),
    "one-of": ("Kies een van de toegestane waarden.", "Choose one of the allowed values."),
    "unknown-concept": ("Onbekend begrip: kies een begrip uit de lijst van dit begrippenkader.",
                        "Unknown concept: choose a concept from this scheme's list."),
    "not-cbs-code": ("Geen CBS-code: gebruik bijvoorbeeld GM0537 (gemeente), WK053700 (wijk), BU05370000 (buurt) of PV28 (provincie).",
                     "Not a CBS code: use for example GM0537 (municipality), WK053700 (district), BU05370000 (neighbourhood) or PV28 (province)."),
    "end-before-start": ("De einddatum ligt vóór de startdatum.", "The end date is before the start date."),
    "at-least-one": ("Kies er minstens één.", "Choose at least one."),
    "control-character": ("De tekst bevat een onzichtbaar stuurteken.", "The text contains an invisible control character."),
    "invalid-character": ("De tekst bevat een teken dat geen geldige Unicode is (een losse surrogaat).",
                          "The text contains a character that is not valid Unicode (a lone surrogate)."),
    "bad-id": ("Ongeldige id: kleine letters, cijfers en streepjes.", "Invalid id: lower-case letters, digits and hyphens."),
    "unknown-meeting": ("Deze praktijk heeft geen bijeenkomst met deze id.", "This community has no meeting with this id."),
    "unknown-place": ("Onbekende plaats: kies een gemeente of wijk uit de lijst, of typ een CBS-code (GM0537, WK053700).",
                      "Unknown place: choose a municipality or district from the list, or type a CBS code (GM0537, WK053700)."),
    "unknown-organisation": ("Onbekende organisatie: kies een naam uit de lijst, of typ het webadres (IRI) van de organisatie.",
                             "Unknown organisation: choose a name from the list, or type the organisation's web address (IRI)."),
    "unknown-network": ("Onbekend netwerk: kies een naam uit de lijst, of typ het webadres (IRI) van het netwerk.",
                        "Unknown network: choose a name from the list, or type the network's web address (IRI)."),
    "ambiguous-name": ("Meer dan één keuze heeft deze naam: kies de juiste uit de lijst.",
                       "More than one choice has this name: pick the right one from the list."),
    "personal-data": ("Dit lijkt een persoonlijk gegeven (naam, e-mailadres of telefoonnummer van een persoon). "
                      "Het register beschrijft praktijken, geen personen: gebruik een functieadres van een organisatie.",
                      "This looks like personal data (a person's name, e-mail address or phone number). "
                      "The registry describes communities, not people: use a role address of an organisation."),
    "email": ("Geen geldig e-mailadres.", "Not a valid e-mail address."),
    "url": ("Geen geldig webadres (http of https).", "Not a valid web address (http or https)."),
    "invalid_url": ("Geen geldig webadres (http of https).", "Not a valid web address (http or https)."),
}
FALLBACK = ("Ongeldige waarde.", "Invalid value.")
SHACL_FIELDS = {
    "LearningCommunity-dateOrder": "einddatum",
    "ReportAfterMeetingShape": "datum",
}


def reason(code: str, lang: str = "nl") -> str:
    nl, en = MESSAGES.get(code, FALLBACK)
    return en if lang == "en" else nl


def field_errors(messages, prefix: str = "") -> list[dict]:
    """Flatten marshmallow's nested messages into [{name, code}] with dotted/indexed names."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                name = prefix
            elif isinstance(key, int):
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out += field_errors(value, name)
    elif isinstance(messages, list):
        for item in messages:
            out += field_errors(item, prefix) if isinstance(item, (dict, list)) else [_item(prefix, item)]
    else:
        out.append(_item(prefix, messages))
    return out


def _item(name: str, code) -> dict:
    code = str(code)
    return {"name": name, "code": code if code in MESSAGES else "invalid"}


def shacl_field(schema, finding, new: list[ox.Triple]) -> dict:
    """Name the field a SHACL violation is about, by its path and focus node."""
    shape = finding.shape.rsplit("#", 1)[-1]
    name = SHACL_FIELDS.get(shape, "")
    if not name and finding.path:
        name = _field_for(schema, finding.path, finding.focus, new)
    return {"name": name, "code": "shacl", "shape": finding.shape,
            "reason_nl": finding.message_nl, "reason_en": finding.message_en}


def _field_for(schema, predicate: str, focus: str | None, new: list[ox.Triple]) -> str:
    holders = {t.object.value: t.predicate.value for t in new if isinstance(t.object, ox.BlankNode)}
    for name, _, rdf, _ in mapped_fields(schema):
        if rdf.nested is not None and focus in holders and holders[focus] == rdf.predicate:
            for inner, _, inner_rdf, _ in mapped_fields(rdf.nested):
                if inner_rdf.predicate == predicate:
                    return f"{name}.{inner}"
        if rdf.predicate == predicate:
            return name
    return ""


def localised(errors: list[dict], lang: str) -> list[dict]:
    """The field list as the client reads it: name, code and a reason in its language."""
    out = []
    for error in errors:
        text = error.get(f"reason_{lang}") or (reason(error["code"], lang) if error["code"] != "shacl" else error.get("reason_nl", ""))
        item = {"name": error["name"], "code": error["code"], "reason": text}
        if "shape" in error:
            item["shape"] = error["shape"]
        out.append(item)
    return out
