"""Load RDF files into a node: parse, validate, then replace the data graph in one write.

All or nothing: every file must parse and the resulting data must have no SHACL
violation, else the store is not touched. A resource in the files replaces the
store's description of that resource (with its blank nodes), so loading an edited
file again updates it instead of duplicating it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from registry import rdf
from registry.errors import N_, BamboeError, ParseError, ValidationError
from registry.ldes import versions
from registry.node import data_graph
from registry.store import Store
from registry.validation import Finding, validate
from registry.accounts import User
from registry.editing.audit import audit_record


@dataclass(frozen=True)
class LoadResult:
    files: int
    triples_in: int
    triples_total: int
    resources: int
    warnings: list[Finding]


def read_files(paths: Iterable[Path], base_url: str) -> list[ox.Triple]:
    """Parse every file, resolving relative IRIs against the node's base URL."""
    triples: list[ox.Triple] = []
    for path in paths:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BamboeError(N_("%(source)s kan niet worden gelezen (%(reason)s)."), source=str(path),
                              reason=error.strerror) from error
        syntax = rdf.syntax_of_file(path)
        found = [quad.triple for quad in rdf.parse(data, syntax, base_url, source=str(path))]
        if not found:
            raise ParseError(N_("%(source)s bevat geen triples; is het het goede bestand?"), source=str(path))
        triples += found
    return triples


def merge(current: list[ox.Triple], incoming: list[ox.Triple]) -> list[ox.Triple]:
    """Replace the current description of every IRI described in `incoming`."""
    replaced = {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    dropped_blanks = _blank_closure(current, replaced)
    kept = [t for t in current if t.subject not in replaced and t.subject not in dropped_blanks]
    return list(dict.fromkeys(kept + incoming))


def load_files(store: Store, paths: list[Path], base_url: str) -> LoadResult:
    """Parse, validate and store; raise ParseError or ValidationError and change nothing."""
    incoming = read_files(paths, base_url)
    graph = data_graph(base_url)
    result = merge(store.graph_triples(graph), incoming)
    report = validate(result)
    if not report.conforms:
        raise ValidationError(N_("Er is niets geladen: de gegevens schenden %(count)s keer een regel van de gedeelde "
                                 "vormen."), count=len(report.violations), results=report.violations)
    # One feed event for the whole load: the dataset changed, re-read it (harvesters do).
    store.replace_graph(graph, result, also=audit_record(
        "https://www.w3.org/ns/activitystreams#Update", graph, User("bamboe-load", "admin"), ""))
    versions.catch_up(store, versions.NodeData(graph))  # the history of this load, at the audit's time
    resources = {t.subject for t in incoming if isinstance(t.subject, ox.NamedNode)}
    return LoadResult(len(paths), len(incoming), len(result), len(resources), report.warnings)


def _blank_closure(triples: list[ox.Triple], roots: set) -> set:
    """Blank nodes reachable from the given subjects."""
    reachable: set = set()
    frontier = set(roots)
    while frontier:
        found = {t.object for t in triples if t.subject in frontier and isinstance(t.object, ox.BlankNode)}
        frontier = found - reachable
        reachable |= found
    return reachable
