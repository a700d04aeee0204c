"""A worker process that answers public queries from its own in-memory copy of the data.

Started as `python -m registry.sandbox.worker FD SNAPSHOT MEMORY_MB`: a fresh
interpreter that shares nothing with the node but one socket. It caps its own
memory, walls itself off from every network (see `isolation.py`), ends when the node
does, refuses SERVICE on the parsed query (see `parsed.py`), and serialises results
itself so that row and byte caps stop the work early instead of after the fact.
"""
from __future__ import annotations

import json
import os
import re
import resource
import sys
from multiprocessing.connection import Connection

import pyoxigraph as ox

from registry.errors import N_
from registry.sandbox.isolation import exit_when_orphaned, isolate
from registry.sandbox.parsed import UNREADABLE, Unreadable, service_clauses
from registry.sandbox.precheck import SERVICE_REFUSED

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ENGINE_PLACE = re.compile(r"^error at (\d+):(\d+)")
"""Where Oxigraph's own parser stopped ("error at 1:28: expected ..."): its words are for developers."""
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def main(connection, snapshot: str, memory_mb: int) -> None:
    """Wall off, load the snapshot, then answer requests from the pipe until it closes.

    The first message says which walls stand, so the node can refuse to serve
    public queries from a worker that has none.
    """
    exit_when_orphaned()
    limit_memory(memory_mb)
    walls = isolate()
    store = load(snapshot)
    connection.send(("ready", walls))
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        kind, payload = message
        if kind == "load":
            store = load(payload)
            connection.send(("ready", walls))
        elif kind == "query":
            try:
                reply = answer(store, **payload)
            except MemoryError:
                reply = ("memory", None, None)
            connection.send(reply)


def limit_memory(memory_mb: int) -> None:
    """Cap this process's heap: an allocation past it fails and the process ends."""
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def load(snapshot: str) -> ox.Store:
    """The snapshot's data in memory; a file gone meanwhile (purged) ends the worker rather than
    answer from an empty store under that data's name."""
    store = ox.Store()
    if snapshot and not os.path.exists(snapshot):
        raise FileNotFoundError(snapshot)
    if snapshot and os.path.getsize(snapshot):
        store.load(path=snapshot, format=ox.RdfFormat.N_QUADS)
    return store


def answer(store: ox.Store, query: str, result_format: str, max_rows: int, max_bytes: int, union: bool = True,
           base_iri: str | None = None, dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None):
    """Run one query; return ("ok", body, truncated) or ("error", (message, context), None).

    An error is a catalogue message with its values (as a BamboeError takes them), so the
    node shows it in the page's language. Relative IRIs resolve against `base_iri` (the
    endpoint's public URL).
    """
    try:
        if service_clauses(query):
            return ("error", (SERVICE_REFUSED, {}), None)
    except Unreadable as error:
        return ("error", (error.message, error.context), None)
    try:
        results = store.query(query, base_iri=base_iri, **dataset_options(union, dataset))
        if isinstance(results, ox.QueryBoolean):
            return ("ok", solutions_body({"head": {}, "boolean": bool(results)}, result_format), False)
        if isinstance(results, ox.QuerySolutions):
            document, truncated = solutions_document(results, max_rows, max_bytes)
            return ("ok", solutions_body(document, result_format), truncated)
        triples, truncated = capped_triples(results, max_rows, max_bytes)
        return ("ok", ox.serialize(triples, format=ox.RdfFormat.from_media_type(result_format)), truncated)
    except (SyntaxError, ValueError) as error:
        return ("error", engine_refusal(str(error)), None)
    except OSError as error:
        return ("error", (N_("De query is mislukt (melding van de query-engine: %(reason)s); probeer het opnieuw."),
                          {"reason": str(error)}), None)


def dataset_options(union: bool, dataset: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict:
    """The RDF dataset a query runs on, as the SPARQL 1.1 Protocol orders it.

    A dataset given by the protocol (`default-graph-uri`, `named-graph-uri`) replaces
    FROM and FROM NAMED in the query; naming only one kind leaves the other empty, as
    FROM alone or FROM NAMED alone would. Without either, FROM decides, and without FROM
    the default graph is the union of all graphs.
    """
    if dataset is None:
        return {"use_default_graph_as_union": union}
    default_graphs, named_graphs = dataset
    return {"default_graph": [ox.NamedNode(graph) for graph in default_graphs],
            "named_graphs": [ox.NamedNode(graph) for graph in named_graphs]}


def engine_refusal(reason: str) -> tuple[str, dict]:
    """Oxigraph's refusal of a query rdflib could read: by its place when it names one, else in its words."""
    place = ENGINE_PLACE.match(reason)
    if place and "Prefix not found" in reason:
        return (N_("De query gebruikt op regel %(line)s, kolom %(column)s een prefix zonder PREFIX-declaratie; "
                   "voeg die declaratie bovenaan toe."), {"line": int(place[1]), "column": int(place[2])})
    if place:
        return UNREADABLE, {"line": int(place[1]), "column": int(place[2])}
    return (N_("De query kon niet worden uitgevoerd (melding van de query-engine: %(reason)s); verbeter hem en "
               "probeer het opnieuw."), {"reason": reason})


def solutions_document(solutions: ox.QuerySolutions, max_rows: int, max_bytes: int):
    names = [variable.value for variable in solutions.variables]
    bindings, size = [], 0
    for solution in solutions:
        if len(bindings) >= max_rows:
            return {"head": {"vars": names}, "results": {"bindings": bindings}}, True
        row = {name: term_json(solution[name]) for name in names if solution[name] is not None}
        size += sum(len(value["value"]) + 40 for value in row.values())
        if size > max_bytes:  # checked before the row is kept: one huge value cannot slip through
            return {"head": {"vars": names}, "results": {"bindings": bindings}}, True
        bindings.append(row)
    return {"head": {"vars": names}, "results": {"bindings": bindings}}, False


def solutions_body(document: dict, result_format: str) -> bytes:
    body = json.dumps(document, ensure_ascii=False).encode()
    if result_format == "json":
        return body
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[result_format])


def capped_triples(triples, max_rows: int, max_bytes: int):
    kept, size = [], 0
    for triple in triples:
        size += len(str(triple))
        if len(kept) >= max_rows or size > max_bytes:
            return kept, True
        kept.append(triple)
    return kept, False


def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    return {"type": "literal", "value": str(term)}


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
