"""Check a public query before it runs: a query (not an update), no SERVICE, not too long.

This is the fast first wall, run in the node before a worker is used. SPARQL lets
`\\u0053ERVICE` spell SERVICE, so codepoint escapes are decoded first, as the parser
would; strings, IRIs and comments are then blanked out and every remaining word is
scanned, whatever precedes it (`.SERVICE` included). It errs on the side of refusing.
The authority is the worker, which parses the query (`parsed.py`) and cannot open a
socket anyway (`isolation.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from registry.errors import N_, QueryRefused

QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
CHANGING_FUNCTIONS = {"NOW", "RAND", "UUID", "STRUUID", "BNODE"}
"""Functions whose value differs between two runs on the same data: such an answer is not kept."""
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BLANKS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
SERVICE_REFUSED = N_("SERVICE is hier niet toegestaan: dit endpoint antwoordt alleen uit zijn eigen gegevens en "
                     "neemt nooit contact op met een andere server. Haal de SERVICE-clausule weg.")
UPDATES_REFUSED = N_("Updates worden geweigerd: dit endpoint is alleen-lezen. Stuur een SELECT-, CONSTRUCT-, "
                     "DESCRIBE- of ASK-query.")
_KEYWORD = re.compile(r"(?<![A-Za-z_:?$@\-])([A-Za-z]+)(?![A-Za-z_:\-])")
"""A word of letters, whatever digit or punctuation precedes it (`1SERVICE`, `.SERVICE`)."""


class Dataset(NamedTuple):
    """The RDF dataset a request names with `default-graph-uri` and `named-graph-uri`."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def check_dataset(default_graphs: list[str], named_graphs: list[str]) -> Dataset | None:
    """Return the protocol's dataset (None when the request names no graph); refuse what is not an IRI."""
    for parameter, graphs in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
        for graph in graphs:
            try:
                ox.NamedNode(graph)
            except ValueError:
                raise QueryRefused(N_("%(parameter)s=%(value)s is geen absolute IRI; noem een graaf met zijn volledige "
                                      "IRI, zoals ze in de service description staan."),
                                   parameter=parameter, value=graph) from None
    if not default_graphs and not named_graphs:
        return None
    # the same graph named twice is one graph: the default graph is a merge, not a sum
    return Dataset(tuple(dict.fromkeys(default_graphs)), tuple(dict.fromkeys(named_graphs)))


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    names_dataset: bool = False  # has FROM / FROM NAMED: then the union default graph is not used
    repeatable: bool = True  # the same data gives the same answer (no NOW(), RAND()...): it may be kept

    @property
    def returns_graph(self) -> bool:
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def check_query(text: str, max_chars: int) -> CheckedQuery:
    """Return the query with its form, or raise QueryRefused saying why."""
    if not text or not text.strip():
        raise QueryRefused(N_("Geen query ontvangen; stuur een SPARQL-query in de parameter `query`."))
    if len(text) > max_chars:
        raise QueryRefused(N_("De query is langer dan %(max_chars)s tekens; maak hem korter."), max_chars=max_chars)
    words = [w.upper() for w in _KEYWORD.findall(_BLANKS.sub(" ", decode_escapes(text)))]
    if "SERVICE" in words:
        raise QueryRefused(SERVICE_REFUSED)
    form = next((w for w in words if w in QUERY_FORMS | UPDATE_WORDS), None)
    if form in UPDATE_WORDS:
        raise QueryRefused(UPDATES_REFUSED)
    if form is None:
        raise QueryRefused(N_("Dit is geen SPARQL-query: verwacht werd SELECT, CONSTRUCT, DESCRIBE of ASK."))
    return CheckedQuery(text, form, "FROM" in words, not CHANGING_FUNCTIONS.intersection(words))


def decode_escapes(text: str) -> str:
    """Apply SPARQL's codepoint escapes (\\uXXXX, \\UXXXXXXXX) as the parser does."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
