"""A node looks up the names of networks on other nodes that its communities are part of."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest

from registry import linked_names
from registry.labels import Labels
from registry.store import EmbeddedStore

BASE = "http://node.example/"


@pytest.fixture
def network():
    """Another node on 127.0.0.1 serving one network in Turtle, and a page that is not RDF."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/praktijken/netwerk":
                body = (f'<http://127.0.0.1:{self.server.server_port}/praktijken/netwerk> '
                        '<http://schema.org/name> "Landelijk netwerk armoede" ; '
                        '<http://schema.org/description> "Niet de naam." .\n'
                        '<http://elders.example/x> <http://schema.org/name> "Niet van dit netwerk" .\n').encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
            else:
                body, _ = b"<html>nope</html>", self.send_response(200)
                self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _node_linking_to(*targets: str) -> EmbeddedStore:
    store = EmbeddedStore()
    part_of = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
    store.replace_graph(BASE + "graph", [ox.Triple(ox.NamedNode(BASE + f"praktijken/p{i}"), part_of, ox.NamedNode(t))
                                         for i, t in enumerate(targets)])
    return store


def test_names_of_linked_networks_are_looked_up_kept_private_and_shown(network):
    store = _node_linking_to(network + "praktijken/netwerk", network + "geen-rdf", BASE + "praktijken/eigen")
    assert linked_names.linked(store, BASE) == [network + "geen-rdf", network + "praktijken/netwerk"]
    assert linked_names.refresh(store, BASE) is False  # one of the two gave no name
    names = {(t.subject.value, t.object.value) for t in linked_names.current(store)}
    assert names == {(network + "praktijken/netwerk", "Landelijk netwerk armoede")}
    assert Labels(store).label(network + "praktijken/netwerk") == "Landelijk netwerk armoede"
    assert linked_names.GRAPH not in store.graphs()  # private: never dumped or harvested
    assert b"Landelijk netwerk armoede" not in store.dump()


def test_an_unreachable_network_keeps_its_last_known_name(network):
    store = _node_linking_to(network + "praktijken/netwerk")
    assert linked_names.refresh(store, BASE) is True
    generation = store.state()[0]
    assert linked_names.refresh(store, BASE) is True
    store._state_cache = None
    assert store.state()[0] == generation  # nothing changed, nothing written
    closed = _node_linking_to("http://127.0.0.1:9/praktijken/netwerk")
    closed.replace_graph(linked_names.GRAPH, [ox.Triple(ox.NamedNode("http://127.0.0.1:9/praktijken/netwerk"),
                                                        ox.NamedNode("http://schema.org/name"), ox.Literal("Oud"))])
    assert linked_names.refresh(closed, BASE) is False
    assert [t.object.value for t in linked_names.current(closed)] == ["Oud"]
