"""Places by CBS code: TOOI IRIs for gemeenten and provinces, Bamboe IRIs for wijk and buurt.

A wijk code (WK + 6 digits) and a buurt code (BU + 8 digits) begin with the four
digits of their gemeente, so every place knows the gemeente it lies in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TOOI = "https://identifier.overheid.nl/tooi/id/"
CBS = "https://w3id.org/lerende-praktijken/id/cbs/"
_TOOI_PATTERN = re.compile(r"^https://identifier\.overheid\.nl/tooi/id/(gemeente/gm(\d{4})|provincie/pv(\d{2}))$")
_CBS_PATTERN = re.compile(r"^https://w3id\.org/lerende-praktijken/id/cbs/(\d{4})/((WK)(\d{4})\d{2}|(BU)(\d{4})\d{4})$")
_CODE = re.compile(r"^(GM\d{4}|PV\d{2}|WK\d{6}|BU\d{8})$")

# Names of the gemeenten the federation's instances files and examples name (CBS 2024).
# Harvested data names its own wijken; a gemeente not listed here shows as its code.
GEMEENTE_NAMES = {
    "GM0014": "Groningen", "GM0034": "Almere", "GM0080": "Leeuwarden", "GM0153": "Enschede",
    "GM0193": "Zwolle", "GM0202": "Arnhem", "GM0228": "Ede", "GM0268": "Nijmegen",
    "GM0344": "Utrecht", "GM0363": "Amsterdam", "GM0392": "Haarlem", "GM0518": "'s-Gravenhage",
    "GM0537": "Katwijk", "GM0546": "Leiden", "GM0599": "Rotterdam", "GM0687": "Middelburg",
    "GM0772": "Eindhoven", "GM0796": "'s-Hertogenbosch", "GM0935": "Maastricht", "GM0983": "Venlo",
}


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
