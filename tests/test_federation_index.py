"""The hub's federation index: per member graph, refreshed after harvests, never in a request."""
from __future__ import annotations

import threading
import time

import pytest

from fakenode import FakeNode
from harvesters.log import graph_iri
from registry import create_app
from registry.generate import generate_triples
from registry.store import EmbeddedStore
from registry.views import index as index_module

HUB = "http://hub.test/"


@pytest.fixture
def federation(tmp_path):
    """Two fake nodes (5 and 4 communities) and an in-process hub app over an embedded store."""
    nodes = {"a": FakeNode(5, seed=1), "b": FakeNode(4, seed=2)}
    instances = tmp_path / "instances.yaml"
    instances.write_text("nodes:\n" + "".join(
        f"  - {{id: {name}, name: Node {name}, url: '{node.base_url}', level: regionaal, area: [GM0344]}}\n"
        for name, node in nodes.items()))
    app = create_app({"data_dir": tmp_path, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False})
    yield app, app.extensions["bamboe"], nodes
    app.extensions["bamboe"].close()
    for node in nodes.values():
        node.stop()


def national_count(client) -> int:
    return client.get("/overzicht", headers={"Accept": "application/json"}).get_json()["count"]


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the index was not refreshed in time"
        time.sleep(0.05)


def test_an_update_after_one_harvest_reads_only_that_graph(federation):
    _, node, nodes = federation
    index = node.federation
    node.hub.after_harvest.clear()  # refresh here, not in the background, to see what each refresh reads
    node.hub.harvest_many(["a", "b"])
    assert len(index.refresh().communities) == 9
    assert index.last_reads == [graph_iri(HUB, "a"), graph_iri(HUB, "b")]

    nodes["a"].serve(generate_triples(nodes["a"].base_url, 7, seed=1))
    node.hub.harvest("a")
    assert len(index.refresh().communities) == 11
    assert index.last_reads == [graph_iri(HUB, "a")]

    assert node.hub.harvest("b").outcome == "unchanged"  # the store changed (the run is logged), b's graph did not
    index.refresh()
    assert index.last_reads == []


def test_no_request_rebuilds_the_index(federation, monkeypatch):
    app, node, nodes = federation
    node.hub.harvest_many(["a", "b"])
    client = app.test_client()
    wait_for(lambda: national_count(client) == 9)  # each stored harvest asked for a refresh in the background

    built_in: list[str] = []
    release = threading.Event()
    real_read = index_module.read_part

    def slow_read(*args, **kwargs):
        built_in.append(threading.current_thread().name)
        release.wait(10)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(index_module, "read_part", slow_read)
    nodes["a"].serve(generate_triples(nodes["a"].base_url, 7, seed=1))
    node.hub.harvest("a")  # its hook asks the background thread for a refresh
    started = time.monotonic()
    assert national_count(client) == 9  # the previous index, served at once while the new one is read
    assert time.monotonic() - started < 5
    release.set()
    wait_for(lambda: national_count(client) == 11)
    assert built_in == ["federation-index"]


def test_a_change_by_another_process_is_seen_through_the_store_token(federation):
    app, node, nodes = federation
    client = app.test_client()
    assert national_count(client) == 0
    hub_elsewhere = type(node.hub)(node.settings, node.data_dir, node.store)  # no hook: like another process
    hub_elsewhere.harvest("b")
    wait_for(lambda: national_count(client) == 4)
