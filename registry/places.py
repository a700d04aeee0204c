"""Places by CBS code: TOOI IRIs for gemeenten and provinces, Bamboe IRIs for wijk and buurt.

A wijk code (WK + 6 digits) and a buurt code (BU + 8 digits) begin with the four
digits of their gemeente, so every place knows the gemeente it lies in.

Names of the 342 gemeenten and 12 provinces of 2025 are read once from the CBS / PDOK
TopoJSON shipped in `vocab/places/`: the map draws the same files, so a name and its
shape can never disagree, and there is no second table to regenerate. Wijken and
buurten change every year and are named by the harvested data.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import vocab

TOOI = "https://identifier.overheid.nl/tooi/id/"
CBS = "https://w3id.org/lerende-praktijken/id/cbs/"
_TOOI_PATTERN = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/(gemeente/gm(\d{4})|provincie/pv(\d{2}))$")
_CBS_PATTERN = re.compile(r"^https://w3id\.org/lerende-praktijken/id/cbs/(\d{4})/((WK)(\d{4})\d{2}|(BU)(\d{4})\d{4})$")
_CODE = re.compile(r"^(GM\d{4}|PV\d{2}|WK\d{6}|BU\d{8})$")
YEAR = 2025
"""The year of the CBS gemeenten and provinces shipped in `vocab/places/`."""


@dataclass(frozen=True)
class Place:
    iri: str
    kind: str  # gemeente, provincie, wijk or buurt
    code: str  # GM0537, PV28, WK053700, BU05370000
    gemeente: str | None  # GM code of the gemeente it lies in (itself for a gemeente)


def parse_place(iri: str) -> Place | None:
    """Read kind and CBS code from a place IRI; None if it is not one of ours."""
    if match := _TOOI_PATTERN.match(iri):
        if match.group(2):
            code = "GM" + match.group(2)
            return Place(iri, "gemeente", code, code)
        return Place(iri, "provincie", "PV" + match.group(3), None)
    if match := _CBS_PATTERN.match(iri):
        code = match.group(2)
        kind = "wijk" if match.group(3) else "buurt"
        return Place(iri, kind, code, "GM" + (match.group(4) or match.group(6)))
    return None


def wijk_of(place: Place) -> str | None:
    """WK code of the wijk a wijk or buurt lies in (a buurt code begins with its wijk's)."""
    if place.kind == "wijk":
        return place.code
    if place.kind == "buurt":
        return "WK" + place.code[2:8]
    return None


def is_cbs_code(code: str) -> bool:
    return bool(_CODE.fullmatch(code.upper()))


def gemeente_iri(code: str) -> str:
    """TOOI IRI of a gemeente code such as GM0537."""
    return f"{TOOI}gemeente/{code.lower()}"


def place_iri(code: str, year: int = 2024) -> str:
    """IRI for any CBS code: TOOI for GM/PV, Bamboe's cbs namespace for WK/BU."""
    code = code.upper()
    if not is_cbs_code(code):
        raise ValueError(f"{code!r} is not a CBS code (GM0537, WK053700, BU05370000, PV28)")
    if code.startswith("GM"):
        return gemeente_iri(code)
    if code.startswith("PV"):
        return f"{TOOI}provincie/{code.lower()}"
    return f"{CBS}{year}/{code}"


def topojson_file(kind: str) -> Path:
    """The shipped TopoJSON of the gemeenten or provinces ("gemeente" or "provincie") of YEAR."""
    return vocab.HERE / "places" / f"{kind}_{YEAR}.topojson"


@cache
def topology(kind: str) -> dict:
    """The parsed TopoJSON of `kind`, read once per process (callers must not change it)."""
    return json.loads(topojson_file(kind).read_text(encoding="utf-8"))


def geometries(kind: str) -> list[dict]:
    """The TopoJSON geometries of the gemeenten or provinces, each with `statcode` and `statnaam`."""
    return topology(kind)["objects"][f"{kind}_{YEAR}"]["geometries"]


@cache
def _names() -> dict[str, str]:
    return {geometry["properties"]["statcode"]: geometry["properties"]["statnaam"]
            for kind in ("gemeente", "provincie") for geometry in geometries(kind)}


def place_name(code_or_iri: str, known: Mapping[str, str] | None = None) -> str:
    """Name a place for people: `GM0546` or its TOOI IRI gives "Leiden", `PV31` "Limburg".

    A wijk or buurt is named by `known` (names the harvested data gives, by IRI or code),
    else shown as its code; so is a code CBS no longer uses. Anything else comes back as given.
    """
    place = parse_place(code_or_iri)
    if place is None and not is_cbs_code(code_or_iri):
        return code_or_iri
    code = place.code if place else code_or_iri.upper()
    if code in _names():
        return _names()[code]
    for key in (code_or_iri, code):
        if known and key in known:
            return known[key]
    return code


def gemeenten() -> list[tuple[str, str]]:
    """Every gemeente of YEAR as (code, name), in the order a Dutch reader looks them up."""
    return list(_gemeenten_by_name())


@cache
def _gemeenten_by_name() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, name) for code, name in _names().items() if code.startswith("GM")),
                        key=lambda pair: _sort_key(pair[1])))


def provincies() -> list[tuple[str, str]]:
    """The twelve provinces as (code, name), in CBS order (PV20 Groningen to PV31 Limburg)."""
    return sorted((code, name) for code, name in _names().items() if code.startswith("PV"))


def _sort_key(name: str) -> str:
    """Sort 's-Gravenhage under G and Súdwest-Fryslân with the S, as Dutch lists do."""
    name = re.sub(r"^'[st][- ]", "", name)
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
