"""The research dump of the whole history: every version in a named graph of its own, with PROV-O.

`/dump-geschiedenis.nq.gz` holds, for every version in the log, a named graph named by
the version's IRI in the event stream (`{base}wijzigingen/ldes/versie/{n}`, which
dereferences) with the record's triples as they were from that moment on, subjects
unchanged (the stream's pages say them of the version instead) and blank nodes the
version's own. One more graph, named after the history dataset (`{base}#geschiedenis`),
says of each version what it is, in PROV-O and the stream's terms:

- `a prov:Entity` and its kind `a as:Create | as:Update | as:Delete` (typed as the
  stream's pages type their members), `dct:isVersionOf` the resource;
- `prov:generatedAtTime` when it was recorded, `prov:invalidatedAtTime` when the next
  version of the resource took its place, `prov:wasRevisionOf` that resource's version before;
- `prov:wasDerivedFrom` where it came from: on a hub the dump or stream URL it was
  harvested from, on a node the node's own dump;
- on a hub also `prov:wasGeneratedBy` the harvest run, `void:inDataset` the member graph
  that holds the resource, and `lph:etag` the source's ETag.

The file is written as a stream, a batch of versions at a time, so a log of 100,000
versions is never held twice in memory; contents go in as text, not parsed (`in_graph`).
`summary` counts what the file holds from the log itself, for the VoID description,
without making the file.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from registry.history.states import Token, token
from registry.ldes import AS, DCT, PROV, RDF_TYPE, TIMESTAMP, VERSION_OF, XSD, version_iri
from registry.queries import named
from registry.store import Store

PATH = "dump-geschiedenis.nq.gz"
"""Where a node and a hub serve the history dump (registry/web/dump.py)."""
PREFIX = "geschiedenis-"
"""Files of the history dump under `data_dir/run/` start with this; one per log state."""
BATCH = 500
"""Versions read from the store at a time."""
VOID = "http://rdfs.org/ns/void#"
LPH = "https://w3id.org/lerende-praktijken/harvest#"
PER_VERSION = 5
"""Statements every version has in the metadata graph: two types, resource, time, source."""
VOCABULARIES = (PROV, AS, DCT, VOID)
"""What the metadata graph speaks, for `void:vocabulary`."""
_A, _ENTITY = ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Entity")
_BLANK_SUBJECT = re.compile(r"^_:", re.MULTILINE)
_BLANK_OBJECT = re.compile(r' _:([^\s"<>]+) \.$', re.MULTILINE)
"""A blank node as a line's last term: a literal or IRI ending a line holds a quote or `>`."""


def dataset_iri(base: str) -> str:
    """The history as a dataset (DCAT, VoID) and the name of the dump's metadata graph."""
    return base + "#geschiedenis"


def file_name(state: Token) -> str:
    """The file of one log state: a new version or a privacy erase gives a new name."""
    erased = hashlib.sha256(state.erased.encode()).hexdigest()[:12] if state.erased else "0"
    return f"{PREFIX}{state.count}-{erased}.nq.gz"


@dataclass(frozen=True)
class Summary:
    """What the dump of one log state holds."""

    versions: int
    resources: int
    quads: int
    newest: str | None
    """Time of the newest version (None: no versions)."""


_summaries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_summaries_lock = threading.Lock()


def summary(store: Store) -> Summary:
    """The dump's counts, from the log, kept until the log moves (a node's `/` asks often)."""
    state = token(store)  # two lookups: the head marker and the erase mark
    with _summaries_lock:
        kept = _summaries.get(store)
    if kept and kept[0] == state:
        return kept[1]
    made = _count(store)
    with _summaries_lock:
        _summaries[store] = (state, made)
    return made


def _count(store: Store) -> Summary:
    """Count in the store: a version's content is N-Triples as pyoxigraph writes it, one triple a line."""
    rows = store.select(named("history/dump_summary").text)
    row = rows[0] if rows else {}
    value = lambda name: int(row[name].value) if row.get(name) is not None else 0  # noqa: E731
    versions, resources = value("versions"), value("resources")
    revisions = versions - resources  # every version but a resource's first revises one and ends one
    hub = value("derivedFrom") + value("runs") + value("etags")
    quads = value("triples") + PER_VERSION * versions + 2 * revisions + hub
    newest = row["newest"].value if row.get("newest") is not None else None
    return Summary(versions, resources, quads, newest)


def last_modified(store: Store, state: Token) -> dt.datetime | None:
    """When the dump last changed: its newest version, or a privacy erase after it."""
    moments = []
    for text in filter(None, (summary(store).newest, state.erased)):
        try:
            moments.append(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:  # an erase marked otherwise than by its time
            continue
    return max(moments, default=None)


def write(store: Store, base: str, source: str, path: Path, upto: int | None = None) -> int:
    """Write the dump, gzipped, to `path` (atomically: a reader sees the old file or the whole new one).

    `source` is what a version without a source of its own was derived from (a node's
    dump URL); `upto` leaves out versions numbered after it (recorded while this ran).
    Returns the number of quads written.
    """
    written = 0
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as packed:
            for text, count in chunks(store, base, source, upto):
                packed.write(text.encode())
                written += count
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def chunks(store: Store, base: str, source: str, upto: int | None = None) -> Iterator[tuple[str, int]]:
    """Each version as N-Quads, its graph and its statements in the metadata graph, oldest first; with its quads."""
    chain = _chain(store, upto)
    numbers = sorted(chain)
    query = named("history/dump_versions")
    metadata = ox.NamedNode(dataset_iri(base))
    for start in range(0, len(numbers), BATCH):
        batch = [ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")) for n in numbers[start:start + BATCH]]
        rows = store.select(query.bind_values(query.text, "number", batch))
        for row in sorted(rows, key=lambda r: int(r["number"].value)):
            number = int(row["number"].value)
            version = ox.NamedNode(version_iri(base, number))
            content, count = in_graph(row["content"].value, version, f"v{number}_")
            said = _said(base, row, chain[number], source)
            yield content + "".join(f"{version} {p} {o} {metadata} .\n" for p, o in said), count + len(said)


def in_graph(content: str, graph: ox.NamedNode, prefix: str) -> tuple[str, int]:
    """A version's N-Triples as N-Quads in `graph`, each blank node label prefixed (the version's own); and how many.

    The log keeps contents as pyoxigraph writes N-Triples: one triple a line, ending in
    " .", a newline inside a literal escaped. Such text is rewritten as text (parsing
    every version of a large history takes minutes): a blank node can only be a line's
    first term or its last, and a last term holding a quote or `>` is a literal or an
    IRI, never a label. Anything else (or a triple term) is parsed.
    """
    lines = content.count("\n")
    if lines != content.count(" .\n") or (content and not content.endswith("\n")) or "<<" in content:
        return _parsed(content, graph, prefix)
    if "_:" in content:
        content = _BLANK_OBJECT.sub(rf" _:{prefix}\1 .", _BLANK_SUBJECT.sub("_:" + prefix, content))
    return content.replace(" .\n", f" {graph} .\n"), lines


def _parsed(content: str, graph: ox.NamedNode, prefix: str) -> tuple[str, int]:
    def own(term):
        return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term

    quads = [ox.Quad(own(t.subject), t.predicate, own(t.object), graph)
             for t in ox.parse(content.encode(), format=ox.RdfFormat.N_TRIPLES)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(), len(quads)


@dataclass(frozen=True)
class Link:
    """Where a version stands among the versions of its resource."""

    previous: int | None
    superseded_at: ox.Literal | None


def _chain(store: Store, upto: int | None) -> dict[int, Link]:
    """Per version number: the resource's version before it, and when the one after it was recorded."""
    by_resource: dict[str, list[int]] = defaultdict(list)
    times: dict[int, ox.Literal] = {}
    for row in store.select(named("history/dump_index").text):
        number = int(row["number"].value)
        if upto is None or number <= upto:
            by_resource[row["resource"].value].append(number)
            times[number] = row["time"]
    chain = {}
    for numbers in by_resource.values():
        numbers.sort()
        for i, number in enumerate(numbers):
            following = numbers[i + 1] if i + 1 < len(numbers) else None
            chain[number] = Link(numbers[i - 1] if i else None, times[following] if following else None)
    return chain


def _said(base: str, row: dict, link: Link, source: str) -> list[tuple[ox.NamedNode, ox.Term]]:
    """What the metadata graph says of one version (predicate, value)."""
    text = lambda name: row[name].value if row.get(name) is not None else None  # noqa: E731
    said = [(_A, _ENTITY), (_A, ox.NamedNode(row["kind"].value)),
            (ox.NamedNode(VERSION_OF), ox.NamedNode(row["resource"].value)),
            (ox.NamedNode(TIMESTAMP), row["time"]),
            (ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(text("source") or text("derived") or source))]
    if link.previous is not None:
        said.append((ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(version_iri(base, link.previous))))
    if link.superseded_at is not None:
        said.append((ox.NamedNode(PROV + "invalidatedAtTime"), link.superseded_at))
    optional = {PROV + "wasGeneratedBy": text("run"), VOID + "inDataset": text("derived")}
    said += [(ox.NamedNode(p), ox.NamedNode(value)) for p, value in optional.items() if value]
    if text("etag"):
        said.append((ox.NamedNode(LPH + "etag"), ox.Literal(text("etag"))))
    return said
