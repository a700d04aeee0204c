"""Pick-lists for the editor: places, partners and networks by name, stored by code or IRI.

People read and type names ("Leiden", "Gemeente Katwijk"); the registry stores a CBS
code or an IRI. A `PickList` offers the choices for a `<datalist>`, shows a stored value
as its text, and resolves what was typed (a choice's text or name, or a code or IRI
typed as it is) back to the value. Gemeenten and provinces come from `registry.places`
(all of CBS's current ones); wijken, organisations and networks from the store, so the
lists name what this node already knows, and a new code or IRI can still be typed.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.places import gemeenten, is_cbs_code, parse_place, place_name, provincies
from registry.queries import named

TRAILING = re.compile(r"\(([^()]*)\)\s*$")
WEB_IRI = re.compile(r"^https?://\S+$")
PLACE_WORDS = {"provincie": "Provincie %(name)s", "wijk": "Wijk in %(gemeente)s", "buurt": "Buurt in %(gemeente)s"}
"""How a province and an unnamed wijk or buurt are written; the web layer passes them translated."""


class Unresolved(ValueError):
    """What was typed names no choice (code "unknown") or more than one ("ambiguous")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Choice:
    value: str  # what is stored: a CBS code or an IRI
    text: str  # what people read and pick: "Leiden (GM0546)", "Gemeente Katwijk"
    name: str | None = None  # the bare name, also understood when typed: "Leiden"
    within: str | None = None  # the gemeente (GM code) a wijk or buurt lies in


class PickList:
    """Choices with a stored value and a text; `accept` takes a value typed as it is."""

    def __init__(self, choices: Iterable[Choice], accept: Callable[[str], str | None]):
        self.choices = list(choices)
        self._accept = accept
        self._by_value = {choice.value: choice for choice in self.choices}
        self._by_text: dict[str, set[str]] = {}
        for choice in self.choices:
            for key in {choice.text, choice.name, choice.value} - {None}:
                self._by_text.setdefault(_fold(key), set()).add(choice.value)

    def shown(self, value: str) -> str:
        """The text people read for a stored value (the value itself when no choice has it)."""
        choice = self._by_value.get(value)
        return choice.text if choice else value

    def resolve(self, typed: str) -> str:
        """The value to store for what was typed; `Unresolved` when it names none or several."""
        typed = " ".join(typed.split())
        found = self._by_text.get(_fold(typed), set())
        if len(found) > 1:
            raise Unresolved("ambiguous")
        if found:
            return next(iter(found))
        for candidate in (typed, *TRAILING.findall(typed)):
            value = self._accept(candidate.strip())
            if value is not None:
                return value
        raise Unresolved("unknown")


@dataclass
class PickLists:
    """The three pick-lists one editor form needs."""

    places: PickList
    organisations: PickList
    networks: PickList


def pick_lists(store, graph: ox.NamedNode, lang: str = "nl", leave_out: str | None = None,
               words: dict[str, str] = PLACE_WORDS) -> PickLists:
    """Read what the node knows from its store; `leave_out` is the community being edited."""
    return PickLists(places(store, words), organisations(store, graph, lang), networks(store, lang, leave_out))


def places(store, words: dict[str, str] = PLACE_WORDS) -> PickList:
    """Gemeenten and provinces of CBS, then the wijken and buurten the store names."""
    choices = [Choice(code, f"{name} ({code})", name) for code, name in gemeenten()]
    for code, name in provincies():
        province = words["provincie"] % {"name": name}
        choices.append(Choice(code, f"{province} ({code})", province))
    choices += sorted(_known_wijken(store, words), key=lambda choice: _fold(choice.text))
    return PickList(choices, _cbs_code)


def organisations(store, graph: ox.NamedNode, lang: str = "nl") -> PickList:
    rows = store.select(named("editing/organisations").bind(graph=graph))
    return PickList(_named_choices(rows, "organisation", lang), _web_iri)


def networks(store, lang: str = "nl", leave_out: str | None = None) -> PickList:
    rows = [row for row in store.select(named("editing/networks").text) if row["network"].value != leave_out]
    return PickList(_named_choices(rows, "network", lang), _web_iri)


def _known_wijken(store, words: dict[str, str]) -> list[Choice]:
    names: dict[str, str] = {}
    for row in store.select(named("editing/known_wijken").text):
        place = parse_place(row["place"].value)
        if place is None or place.kind not in ("wijk", "buurt"):
            continue
        name = row["name"].value if row.get("name") is not None else ""
        if name and not name.endswith(place.code):  # "Wijk WK053700" is a placeholder, not a name
            names[place.code] = name
        else:
            names.setdefault(place.code, "")
    choices = []
    for code, name in names.items():
        gemeente = "GM" + code[2:6]
        where = place_name(gemeente)
        unnamed = words["wijk" if code.startswith("WK") else "buurt"] % {"gemeente": where}
        text = f"{name}, {where} ({code})" if name else f"{unnamed} ({code})"
        choices.append(Choice(code, text, name or None, gemeente))
    return choices


def _named_choices(rows, variable: str, lang: str) -> list[Choice]:
    """One choice per IRI, by its name in `lang` (else any); a shared name gets its IRI added."""
    names: dict[str, str] = {}
    for row in rows:
        iri = row[variable].value
        name = row.get("name")
        if name is None:
            names.setdefault(iri, "")
        elif name.language in (lang, None) or not names.get(iri):
            names[iri] = name.value
    counted: dict[str, int] = {}
    for name in names.values():
        counted[_fold(name)] = counted.get(_fold(name), 0) + 1
    choices = []
    for iri, name in names.items():
        if not name:
            choices.append(Choice(iri, iri))
        elif counted[_fold(name)] > 1:
            choices.append(Choice(iri, f"{name} ({iri})", name))  # the bare name is ambiguous
        else:
            choices.append(Choice(iri, name, name))
    return sorted(choices, key=lambda choice: _fold(choice.text))


def _cbs_code(typed: str) -> str | None:
    code = typed.upper()
    return code if code.isascii() and is_cbs_code(code) else None


def _web_iri(typed: str) -> str | None:
    return typed if WEB_IRI.match(typed) else None


def _fold(text: str) -> str:
    """Compare names as people type them: without case and accents."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
