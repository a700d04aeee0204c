"""The shared vocabulary inside every store, in a private graph the signals can follow.

Some reflection signals follow the vocabulary: a perspective brings a kind of knowledge
(`lp:bringsKnowledge` on the perspective concepts), concepts narrow others
(`skos:broader`). A node's store holds only its own data and a hub's only what it
harvested, so without help those statements are missing and the signals come out
wrong. So every store keeps the shipped ontology and concept schemes in the graph
`urn:bamboe:vocab`. Like the meta graph its name starts with `urn:bamboe:`, which makes
it private: never dumped, counted, harvested or seen by public queries. It is written
when a node starts and rewritten only when the shipped files change.
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pyoxigraph as ox

import vocab
from registry.queries import named
from registry.store.base import Store

VOCAB_GRAPH = "urn:bamboe:vocab"
DIGEST = "urn:bamboe:digest"
"""Predicate of the one triple saying which version of the files the graph holds."""


def files() -> list[Path]:
    """The vocabulary the signals follow: the ontology and every concept scheme."""
    return [vocab.ontology_file(), *vocab.concept_files()]


@cache
def triples() -> tuple[ox.Triple, ...]:
    """Every statement of those files, parsed once per process."""
    return tuple(quad.triple for path in files() for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


@cache
def quads(graph: str | None = None) -> tuple[ox.Quad, ...]:
    """The same statements as quads in one graph (default: the default graph), for scratch stores."""
    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return tuple(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples())


@cache
def digest() -> str:
    """A fingerprint of the files, so a store learns when its copy is out of date."""
    found = hashlib.sha256()
    for path in files():
        found.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return found.hexdigest()


def install(store: Store) -> bool:
    """Put the shipped vocabulary in its private graph unless the copy there is current.

    Returns whether it wrote. Cheap when nothing changed (one ASK), so it is safe to
    call whenever a store is opened or signals are about to be computed.
    """
    stamp = ox.Literal(digest())
    if store.ask(named("store/vocabulary_current").bind(digest=stamp)):
        return False
    marker = ox.Triple(ox.NamedNode(VOCAB_GRAPH), ox.NamedNode(DIGEST), stamp)
    store.replace_graph(VOCAB_GRAPH, [*triples(), marker])
    return True
