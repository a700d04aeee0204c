"""RDF syntaxes: one table keyed by media type and file extension, parse and serialize.

`/x.ttl`, `?format=ttl` and `Accept: text/turtle` all resolve through `SYNTAXES`.
Parsing never touches the network: JSON-LD documents that name Bamboe's context get
the shipped file instead; any other remote context is refused. Nor does it let a
document cost more than its size: RDF/XML with a DTD is refused (nested entities
expand a few hundred bytes into gigabytes), and so is a literal over
`MAX_LITERAL_CHARS`.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

import vocab
from registry.errors import N_, ParseError


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
MAX_LITERAL_CHARS = 1_000_000
"""Longest literal a parse accepts: a community's text is a few pages, not a book."""
DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_BYTES = re.compile(DTD.pattern.encode(), re.IGNORECASE)
XML_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
            (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
XML_WITHOUT_BOM = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                   (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"))
"""How an XML parser tells the encoding from the first bytes (XML 1.0, appendix F)."""
XML_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
XML_ENCODINGS = re.compile(r"utf-(?:8|16|32)(?:-le|-be|-sig)?|iso8859-\d+|ascii|cp125\d")
"""Encodings a DTD is looked for in (by Python's name for them); others are refused unread."""

PARSER_PLACE = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
"""How pyoxigraph opens a syntax error; the place is given separately, in the reader's language."""


def syntax_for(name: str) -> Syntax:
    """Look a syntax up by media type, extension or key (`text/turtle`, `ttl`, `turtle`)."""
    name = name.split(";")[0].strip().lower()
    found = BY_MEDIA_TYPE.get(name) or BY_EXTENSION.get(name.lstrip("."))
    if found is None:
        known = ", ".join(sorted(BY_EXTENSION))
        raise ParseError(N_("Onbekende RDF-syntaxis %(name)r; kies uit %(choices)s."), name=name, choices=known)
    return found


def syntax_of_file(path: Path) -> Syntax:
    return syntax_for(Path(path).suffix or "ttl")


def parse(data: bytes, syntax: Syntax, base_iri: str | None = None, source: str = "input") -> list[ox.Quad]:
    """Parse RDF bytes with pyoxigraph; errors name the source and line."""
    return list(iter_parse(data, syntax, base_iri, source))


def iter_parse(data: bytes, syntax: Syntax, base_iri: str | None = None,
               source: str = "input") -> Iterator[ox.Quad]:
    """Parse RDF bytes quad by quad, refusing what a parser could not survive; errors name the source.

    RDF/XML with a DTD is refused before parsing, a literal over MAX_LITERAL_CHARS
    as it is read. Running out of memory or stack on the way is a ParseError too,
    so a caller reports it like any other bad file.
    """
    if syntax.key == "rdfxml":
        refuse_dtd(data, source)
    try:
        if syntax.key == "jsonld":
            data = json.dumps(inline_known_contexts(_load_json(data, source))).encode()
        for quad in ox.parse(data, format=syntax.ox_format, base_iri=base_iri):
            value = quad.object
            if type(value) is ox.Literal and len(value.value) > MAX_LITERAL_CHARS:
                raise ParseError(N_("%(source)s: een literal van %(length)s tekens is langer dan de grens van "
                                    "%(limit)s; kort hem in of verwijs naar de tekst."),
                                 source=source, length=len(value.value), limit=MAX_LITERAL_CHARS)
            yield quad
    except SyntaxError as error:
        raise _syntax_error(error, source) from error
    except RecursionError:
        raise ParseError(N_("%(source)s is te diep genest om te lezen; maak het document vlakker."),
                         source=source) from None
    except MemoryError as error:
        if str(error):  # pyoxigraph's own limit on one token ("Reached the buffer maximal size...")
            raise ParseError(N_("%(source)s: een term (een IRI of literal) is te lang om te lezen; kort hem in."),
                             source=source) from None
        raise ParseError(N_("%(source)s is te groot om te lezen in het beschikbare geheugen; splits het bestand."),
                         source=source, out_of_memory=True) from None


def _syntax_error(error: SyntaxError, source: str) -> ParseError:
    """pyoxigraph's syntax error as a ParseError naming the place; the parser's own words go along as `reason`."""
    reason = PARSER_PLACE.sub("", error.msg or str(error))
    if error.lineno:
        return ParseError(N_("%(source)s is geen geldige RDF: er klopt iets niet op regel %(line)s, kolom %(column)s "
                             "(melding van de parser: %(reason)s)."),
                          source=source, line=error.lineno, column=error.offset or 1, reason=reason)
    return ParseError(N_("%(source)s is geen geldige RDF (melding van de parser: %(reason)s)."),
                      source=source, reason=reason)


def refuse_dtd(data: bytes, source: str) -> None:
    """Refuse RDF/XML with a DTD or entity declarations, whatever its encoding.

    Entities are how a 700-byte document expands to gigabytes ("billion laughs"), and
    RDF needs none. The text is decoded as an XML parser would (byte order mark, the
    first bytes, the declared encoding) before looking, so UTF-16 cannot hide a DTD;
    what cannot be decoded is refused too. The raw bytes are searched as well, as
    pyoxigraph reads them: as UTF-8, whatever the document declares.
    """
    text = _xml_text(data)
    if text is None or "\x00" in text:
        raise ParseError(N_("%(source)s: RDF/XML die niet te decoderen is wordt geweigerd; stuur het als UTF-8."),
                         source=source)
    if DTD.search(text) or DTD_BYTES.search(data):
        raise ParseError(N_("%(source)s: RDF/XML met een DTD of entiteitsdeclaraties (<!DOCTYPE of <!ENTITY) wordt "
                            "geweigerd; schrijf het document zonder."), source=source)


def _xml_text(data: bytes) -> str | None:
    encoding = next((name for bom, name in XML_BOMS if data.startswith(bom)), None)
    encoding = encoding or next((name for start, name in XML_WITHOUT_BOM if data.startswith(start)), None)
    if encoding is None:
        declared = XML_DECLARED.match(data[:200])
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        if not XML_ENCODINGS.fullmatch(codecs.lookup(encoding).name):
            return None
        return data.decode(encoding).removeprefix("\ufeff")
    except (LookupError, UnicodeError):
        return None


def serialize(triples: Iterable[ox.Triple], syntax: Syntax, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize a graph; JSON-LD is compacted with the shipped context for people to read.

    `prefixes` adds to the vocabulary's own (for Turtle and the like)."""
    if syntax.key == "jsonld":
        return _compact_jsonld(triples)
    return ox.serialize(triples, format=syntax.ox_format, prefixes={**vocab.PREFIXES, **(prefixes or {})})


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
        raise ParseError(N_("De JSON-LD-context %(context)r wordt niet van elders opgehaald; gebruik %(shipped)s "
                            "(die Bamboe zelf meelevert) of neem de context op in het document."),
                         context=value, shipped=vocab.CONTEXT_URL)
    return value


def _load_json(data: bytes, source: str):
    try:
        return json.loads(data)
    except UnicodeDecodeError as error:
        raise ParseError(N_("%(source)s is geen UTF-8-tekst; sla het op als UTF-8."), source=source) from error
    except json.JSONDecodeError as error:
        raise ParseError(N_("%(source)s is geen geldige JSON: er klopt iets niet op regel %(line)s, kolom %(column)s."),
                         source=source, line=error.lineno, column=error.colno) from error


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
