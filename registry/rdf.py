"""RDF syntaxes: one table keyed by media type and file extension, parse and serialize.

`/x.ttl`, `?format=ttl` and `Accept: text/turtle` all resolve through `SYNTAXES`.
Parsing never touches the network: JSON-LD documents that name Bamboe's context get
the shipped file instead; any other remote context is refused.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

import vocab
from registry.errors import ParseError


@dataclass(frozen=True)
class Syntax:
    key: str
    media_type: str
    extensions: tuple[str, ...]
    ox_format: ox.RdfFormat
    label: str
    dataset: bool = False


SYNTAXES = [
    Syntax("turtle", "text/turtle", ("ttl", "turtle"), ox.RdfFormat.TURTLE, "Turtle"),
    Syntax("jsonld", "application/ld+json", ("jsonld", "json-ld"), ox.RdfFormat.JSON_LD, "JSON-LD"),
    Syntax("ntriples", "application/n-triples", ("nt", "ntriples"), ox.RdfFormat.N_TRIPLES, "N-Triples"),
    Syntax("rdfxml", "application/rdf+xml", ("rdf", "xml", "rdfxml"), ox.RdfFormat.RDF_XML, "RDF/XML"),
    Syntax("nquads", "application/n-quads", ("nq", "nquads"), ox.RdfFormat.N_QUADS, "N-Quads", dataset=True),
    Syntax("trig", "application/trig", ("trig",), ox.RdfFormat.TRIG, "TriG", dataset=True),
]
BY_MEDIA_TYPE = {s.media_type: s for s in SYNTAXES}
BY_EXTENSION = {ext: s for s in SYNTAXES for ext in s.extensions}
GRAPH_SYNTAXES = [s for s in SYNTAXES if not s.dataset]


def syntax_for(name: str) -> Syntax:
    """Look a syntax up by media type, extension or key (`text/turtle`, `ttl`, `turtle`)."""
    name = name.split(";")[0].strip().lower()
    found = BY_MEDIA_TYPE.get(name) or BY_EXTENSION.get(name.lstrip("."))
    if found is None:
        known = ", ".join(sorted(BY_EXTENSION))
        raise ParseError(f"Unknown RDF syntax {name!r}; use one of: {known}")
    return found


def syntax_of_file(path: Path) -> Syntax:
    return syntax_for(Path(path).suffix or "ttl")


def parse(data: bytes, syntax: Syntax, base_iri: str | None = None, source: str = "input") -> list[ox.Quad]:
    """Parse RDF bytes with pyoxigraph; errors name the source and line."""
    if syntax.key == "jsonld":
        data = json.dumps(inline_known_contexts(_load_json(data, source))).encode()
    try:
        return list(ox.parse(data, format=syntax.ox_format, base_iri=base_iri))
    except SyntaxError as error:
        raise ParseError(f"{source}: {error}", source=source) from error


def serialize(triples: Iterable[ox.Triple], syntax: Syntax) -> bytes:
    """Serialize a graph; JSON-LD is compacted with the shipped context for people to read."""
    if syntax.key == "jsonld":
        return _compact_jsonld(triples)
    return ox.serialize(triples, format=syntax.ox_format, prefixes=vocab.PREFIXES)


def nquads_to_turtle(nquads: bytes) -> bytes:
    """Merge a dataset's graphs into one Turtle document (for `dump.ttl` and `export`)."""
    triples = (quad.triple for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.PREFIXES)


def inline_known_contexts(node):
    """Replace references to Bamboe's context URL by the shipped file; refuse other remote ones."""
    if isinstance(node, list):
        return [inline_known_contexts(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        result[key] = _inline_context(value) if key == "@context" else inline_known_contexts(value)
    return result


def _inline_context(value):
    if isinstance(value, list):
        return [_inline_context(item) for item in value]
    if isinstance(value, str):
        if value.rstrip("/") in {vocab.CONTEXT_URL, vocab.CONTEXT_URL.removesuffix(".jsonld")}:
            return vocab.context()["@context"]
        raise ParseError(
            f"Remote JSON-LD context {value!r} is not fetched. Use {vocab.CONTEXT_URL} "
            "(shipped with Bamboe) or put the context inline."
        )
    return value


def _load_json(data: bytes, source: str):
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(f"{source}: not valid JSON: {error}", source=source) from error


def _compact_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    document = json.loads(graph.serialize(format="json-ld", context=vocab.context()["@context"], auto_compact=True))
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def digest(triples: list[ox.Triple], subject) -> str:
    """A hash of a subject's description that does not depend on blank node labels."""
    def term(t, depth=0):
        if isinstance(t, ox.BlankNode) and depth < 3:
            inner = sorted(f"{x.predicate} {term(x.object, depth + 1)}" for x in triples if x.subject == t)
            return "[" + " ; ".join(inner) + "]"
        return str(t)
    lines = sorted(f"{t.predicate} {term(t.object)}" for t in triples if t.subject == subject)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]
