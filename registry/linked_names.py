"""Names of the networks on other nodes that this node's communities are part of.

A community names a wider network by its IRI (`dct:isPartOf`), often one published by
another node; its page should say "Onderdeel van: Landelijk lerend netwerk ...", not
show a slug. Following linked-data practice, the node looks each such IRI up (Turtle or
N-Triples, no redirects, small and quick), keeps only the names the resource gives
itself (`schema:name`, `skos:prefLabel`, `rdfs:label`) in the private graph `GRAPH`, and
shows them through `registry.labels`. Nothing fetched is ever published or harvested.
Runs in the background after a node starts and every `REFRESH_S` after; a network that
cannot be reached keeps its last known name.
"""
from __future__ import annotations

import logging
import threading

import pyoxigraph as ox

from harvesters.fetch import Limits, get, open_session
from registry.errors import BamboeError
from registry.queries import named
from registry.store import Store

log = logging.getLogger(__name__)

GRAPH = "urn:bamboe:linked-names"
NAME_PREDICATES = ("http://schema.org/name", "http://www.w3.org/2004/02/skos/core#prefLabel",
                   "http://www.w3.org/2000/01/rdf-schema#label")
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}
LIMITS = Limits(connect_timeout_s=3, read_timeout_s=5, total_timeout_s=10, max_bytes=2_000_000, retries=0)
REFRESH_S = 6 * 3600
RETRY_S = 15


def linked(store: Store, base_url: str) -> list[str]:
    """IRIs outside this node that its communities are part of."""
    rows = store.select(named("linked/external_links").bind(base=ox.Literal(base_url)))
    return sorted(row["target"].value for row in rows)


def fetch_names(iri: str, session) -> list[ox.Triple]:
    """The names `iri` gives itself when looked up; [] when it cannot be read."""
    try:
        fetched = get(session, iri, LIMITS, {"Accept": "text/turtle, application/n-triples;q=0.9"})
        if fetched.status != 200 or fetched.media_type not in FORMATS:
            return []
        subject = ox.NamedNode(iri)
        return [ox.Triple(subject, quad.predicate, quad.object)
                for quad in ox.parse(fetched.body, format=FORMATS[fetched.media_type], base_iri=iri)
                if quad.subject == subject and quad.predicate.value in NAME_PREDICATES
                and isinstance(quad.object, ox.Literal) and len(quad.object.value) <= 300]
    except (BamboeError, SyntaxError, ValueError) as error:
        log.info("no name for %s: %s", iri, error)
        return []


def refresh(store: Store, base_url: str, session=None) -> bool:
    """Look every linked network up again; True when each one answered with a name."""
    session = session or open_session(LIMITS)
    before = current(store)
    found, complete = [], True
    for iri in linked(store, base_url):
        names = fetch_names(iri, session)
        if not names:  # keep what we knew
            complete = False
            names = [t for t in before if t.subject.value == iri]
        found += names
    if set(found) != set(before):
        store.replace_graph(GRAPH, found)
    return complete


def current(store: Store) -> list[ox.Triple]:
    return store.graph_triples(GRAPH)


def start(store: Store, base_url: str, delay_s: float = 2.0) -> threading.Thread:
    """Refresh in a daemon thread: soon after start, then every REFRESH_S (RETRY_S after a miss)."""
    stop = threading.Event()

    def loop():
        wait = delay_s
        while not stop.wait(wait):
            try:
                wait = REFRESH_S if refresh(store, base_url) else RETRY_S
            except BamboeError as error:  # the store is down: try again later
                log.warning("could not refresh linked names: %s", error.detail)
                wait = RETRY_S

    thread = threading.Thread(target=loop, name="linked-names", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
