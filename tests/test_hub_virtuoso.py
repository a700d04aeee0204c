"""A hub on Virtuoso: it harvests real nodes and shows what the same hub on Oxigraph shows.

Two real example nodes on 127.0.0.1 are harvested by three hub apps: one on its own
Oxigraph server (the default), and two (`create_app` twice, each with its own
RemoteStore) over ONE Virtuoso server, as two web processes of one hub would run.
Only the first Virtuoso app harvests; the second must follow through the store's
change token.
"""
from __future__ import annotations

import datetime as dt
import html
import time
from contextlib import ExitStack

import pyoxigraph as ox
import pytest
import requests

from conftest import start_node
from harvesters.log import graph_iri
from registry import create_app
from virtuoso import virtuoso  # noqa: F401  the session's server

HUB = "http://hub.test/"
NODES = {"den-haag-leiden": ("den-haag-leiden.ttl", "WSD Den Haag & Leiden"),
         "nijmegen": ("nijmegen.ttl", "WSD Arnhem en Nijmegen")}


def hub_app(data_dir, instances, **settings):
    return create_app({"data_dir": data_dir, "name": "Hub", "base_url": HUB, "instances": str(instances),
                       "harvest_schedule": False, **settings})


def national(client) -> dict:
    """The national view as JSON, whole."""
    response = client.get("/overzicht?format=json&pagina=alle")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def names(view: dict) -> list[str]:
    return sorted({community["name"] for section in view["sections"] for community in section["communities"]})


def content(view: dict) -> dict:
    """What a view says about the communities (not when each hub harvested)."""
    return {key: view[key] for key in ("count", "sections", "counts", "reflection", "cadence")}


@pytest.fixture(scope="module")
def hubs(virtuoso, tmp_path_factory):  # noqa: F811
    """Start the nodes and the three hubs; harvest through the Oxigraph hub and the first Virtuoso app."""
    root = tmp_path_factory.mktemp("hub-virtuoso")
    virtuoso.clear()
    with ExitStack() as cleanup:
        nodes = {}
        for node_id, (example, name) in NODES.items():
            nodes[node_id] = start_node(root / node_id, example, name)
            cleanup.callback(nodes[node_id].stop)
        instances = root / "instances.yaml"
        instances.write_text("nodes:\n" + "".join(
            f"  - {{id: {node_id}, name: '{NODES[node_id][1]}', url: '{node.url}', level: regionaal, "
            "area: [GM0518]}\n" for node_id, node in nodes.items()))
        apps = {}
        for name, settings in (("oxigraph", {}), ("virtuoso", virtuoso.settings()),
                               ("virtuoso-2", virtuoso.settings())):
            (root / name).mkdir()
            apps[name] = hub_app(root / name, instances, **settings)
            cleanup.callback(apps[name].extensions["bamboe"].close)
        before = national(apps["virtuoso-2"].test_client())  # the second app has built and cached its (empty) view
        runs = {name: apps[name].extensions["bamboe"].hub.harvest_many(NODES) for name in ("oxigraph", "virtuoso")}
        yield {"apps": apps, "nodes": nodes, "runs": runs, "before": before}


def test_both_hubs_store_every_node(hubs):
    for runs in hubs["runs"].values():
        assert {node_id: run.outcome for node_id, run in runs.items()} == dict.fromkeys(NODES, "stored")


def test_the_copy_on_virtuoso_is_exactly_what_the_node_serves(hubs):
    store = hubs["apps"]["virtuoso"].extensions["bamboe"].store
    for node_id, node in hubs["nodes"].items():
        served = ox.Dataset(ox.parse(requests.get(node.url + "dump.nq", timeout=30).content,
                                     format=ox.RdfFormat.N_QUADS))
        stored = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                            for q in ox.parse(store.dump([graph_iri(HUB, node_id)]), format=ox.RdfFormat.N_QUADS))
        served = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in served)
        for dataset in (served, stored):
            dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        assert len(stored) > 300
        assert stored == served, node_id


def test_the_national_view_on_virtuoso_equals_the_one_on_oxigraph(hubs):
    on_oxigraph = national(hubs["apps"]["oxigraph"].test_client())
    on_virtuoso = national(hubs["apps"]["virtuoso"].test_client())
    assert len(names(on_oxigraph)) >= 4
    assert names(on_virtuoso) == names(on_oxigraph)
    assert content(on_virtuoso) == content(on_oxigraph)
    page = hubs["apps"]["virtuoso"].test_client().get("/overzicht", headers={"Accept": "text/html"})
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert all(name in text for name in names(on_oxigraph))


def test_a_second_web_app_on_the_same_store_follows_the_harvest(hubs):
    assert hubs["before"]["count"] == 0
    harvested = names(national(hubs["apps"]["virtuoso"].test_client()))
    client = hubs["apps"]["virtuoso-2"].test_client()
    deadline = time.monotonic() + 10  # the index may refresh in the background
    while names(national(client)) != harvested:
        assert time.monotonic() < deadline, "the second app still shows the view from before the harvest"
        time.sleep(0.2)
    page = client.get("/overzicht", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert all(name in html.unescape(page.get_data(as_text=True)) for name in harvested)


def test_the_history_on_virtuoso_equals_the_one_on_oxigraph(hubs):
    """The harvest recorded the same versions in both stores, and the state as of now is the copy itself."""
    from registry import clock
    from registry.history.moments import Moment
    from registry.history.states import state_quads, token

    moment = Moment(clock.now(), clock.today())
    states = {}
    for name in ("oxigraph", "virtuoso"):
        store = hubs["apps"][name].extensions["bamboe"].store
        assert token(store).count > 20
        state = ox.Dataset(state_quads(store, moment, HUB + "graph"))
        copy = ox.Dataset(ox.parse(store.dump([graph_iri(HUB, node_id) for node_id in NODES]),
                                   format=ox.RdfFormat.N_QUADS))
        for dataset in (state, copy):
            dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        assert state == copy, name
        states[name] = state
    assert states["virtuoso"] == states["oxigraph"]


def test_versions_valid_then_and_an_older_log_closed_on_virtuoso(hubs):
    """`#until` works the same on Virtuoso: the version valid at a moment, and a log closed once after the fact."""
    from registry.history.moments import end_of
    from registry.history.states import state_texts
    from registry.ldes import KINDS, versions

    store = hubs["apps"]["virtuoso"].extensions["bamboe"].store
    graph, subject = "urn:test:until", ox.NamedNode("http://n.test/until")
    name = ox.NamedNode("http://schema.org/name")
    triples = []
    for number, (text, when, superseded) in enumerate(
            [("een", "2020-01-01T10:00:00Z", None), ("twee", "2020-02-01T10:00:00Z", 9_000_001)], start=9_000_001):
        snapshot = versions.Snapshot(subject.value, (ox.Triple(subject, name, ox.Literal(text)),), text, graph)
        triples += versions.log_triples(number, KINDS[0], snapshot, text, when, superseded=superseded)
    insert = "INSERT DATA { GRAPH <urn:bamboe:ldes> { %s } }"
    store.update_private(insert % ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode())
    try:
        def named_then(day):
            text = state_texts(store, end_of(day), HUB + "graph").get(graph, b"").decode()
            return sorted(t.object.value for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES))

        assert named_then(dt.date(2020, 1, 15)) == ["een"]
        assert named_then(dt.date(2020, 2, 15)) == ["twee"]
        store.update_private("DELETE WHERE { GRAPH <urn:bamboe:ldes> { ?v <urn:bamboe:ldes#until> ?u } } ; "
                             "DELETE WHERE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#closing> ?c } }")
        versions.head(store)  # an older log: closed on first read
        assert named_then(dt.date(2020, 2, 15)) == ["twee"]
        assert versions.close_superseded(store) == 0
    finally:
        store.update_private("DELETE { GRAPH <urn:bamboe:ldes> { ?v ?p ?o } } WHERE { GRAPH <urn:bamboe:ldes> { "
                             "?v <urn:bamboe:ldes#resource> \"http://n.test/until\" ; ?p ?o } }")
