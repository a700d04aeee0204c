"""Named SPARQL files, loaded once and run with bound values.

Every query the node runs lives in a `.rq` (query) or `.ru` (update) file in a folder
per concern. Values are bound by replacing `?name` / `$name` with the term's
N-Triples form; pyoxigraph terms are validated on construction, so a bound value can
never break out of its position. Bound variables must not be projected.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class NamedQuery:
    """One SPARQL text from the queries folder."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text

    def bind(self, **values: Term) -> str:
        """Return the text with each `?name` replaced by its value in N-Triples form."""
        text = self.text
        for variable, term in values.items():
            if not isinstance(term, Term):
                raise TypeError(f"{variable} must be a pyoxigraph term, not {type(term).__name__}")
            text = re.sub(rf"[?$]{variable}\b", lambda _: str(term), text)
        return text

    def bind_values(self, text: str, variable: str, terms: Iterable[Term]) -> str:
        """Fill every empty `VALUES ?variable { }` block of `text` with the given terms."""
        listed = " ".join(str(term) for term in terms if isinstance(term, Term))
        return text.replace(f"VALUES ?{variable} {{ }}", f"VALUES ?{variable} {{ {listed} }}")

    def bind_triples(self, text: str, marker: str, triples: Iterable[ox.Triple]) -> str:
        """Fill the `#marker` line of an update's template with triples, written as `insert_data` writes them."""
        return text.replace(f"#{marker}\n", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode())


@cache
def named(name: str) -> NamedQuery:
    """Load `registry/queries/<name>.rq` (or `.ru` for updates)."""
    folder = resources.files(__package__)
    for suffix in (".rq", ".ru"):
        path = folder.joinpath(name + suffix)
        if path.is_file():
            return NamedQuery(name, path.read_text(encoding="utf-8"))
    raise KeyError(f"no query named {name!r} in registry/queries")


def insert_data(graph: str, triples: Iterable[ox.Triple]) -> str:
    """Return an `INSERT DATA` update putting these triples into a named graph.

    Update text is built from data only here and in `NamedQuery.bind_triples`: the triples
    are written by pyoxigraph's N-Triples serializer, whose output is valid SPARQL triple syntax.
    """
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return "INSERT DATA { GRAPH " + str(ox.NamedNode(graph)) + " {\n" + body + "} }"
