"""Harvest faults, each on a real loopback server: the bad node fails alone, nothing good is lost.

Every test harvests a scripted node (`fakenode.FakeNode`) beside a well-behaved one,
then checks the outcome recorded in the harvest log, the bad node's last good copy,
and that the good node's graph is exactly as it was.
"""
from __future__ import annotations

import dataclasses
import time

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

from fakenode import FakeNode, rdflib_graph
from harvesters.hub import Hub
from harvesters.log import graph_iri, log_graph
from harvesters.status import overview, read_runs
from registry.config import load_settings
from registry.store import EmbeddedStore

HUB = "http://hub.test/"
SCHEMA_NAME = ox.NamedNode("http://schema.org/name")


@pytest.fixture
def federation(tmp_path):
    """A hub (in-memory store) with a good node and a node the test scripts."""
    good, bad = FakeNode(communities=3, seed=1), FakeNode(communities=10, seed=2)
    instances = tmp_path / "instances.yaml"
    instances.write_text(
        "nodes:\n"
        f"  - {{id: goed, name: Goed, url: '{good.base_url}', level: regionaal, area: [GM0537]}}\n"
        f"  - {{id: lastig, name: Lastig, url: '{bad.base_url}', level: lokaal, area: [GM0344]}}\n")
    settings = load_settings(None, {"base_url": HUB, "instances": str(instances), "harvest_retries": 2,
                                    "harvest_read_timeout_s": 1, "harvest_timeout_s": 5,
                                    "harvest_connect_timeout_s": 1})
    store = EmbeddedStore()
    hub = Hub(settings, tmp_path, store)
    with_limits(hub, backoff_s=0.05)
    first = {node_id: hub.harvest(node_id) for node_id in ("goed", "lastig")}
    assert [run.outcome for run in first.values()] == ["stored", "stored"]
    yield hub, good, bad
    good.stop()
    bad.stop()
    store.close()


def with_limits(hub: Hub, **changes) -> None:
    hub.options = dataclasses.replace(hub.options, limits=dataclasses.replace(hub.options.limits, **changes))


def graph(hub: Hub, node_id: str) -> rdflib.Graph:
    """The hub's copy of one node, read back with rdflib (a second parser) for comparison."""
    data = ox.serialize(hub.store.graph_triples(graph_iri(HUB, node_id)), format=ox.RdfFormat.N_TRIPLES)
    return to_isomorphic(rdflib.Graph().parse(data=data, format="nt"))


def served(node: FakeNode) -> rdflib.Graph:
    return to_isomorphic(rdflib_graph(node.script.dump))


def nothing_good_lost(hub, bad_before):
    assert graph(hub, "lastig") == bad_before


@pytest.fixture
def snapshot(federation):
    hub, good, bad = federation
    before = graph(hub, "goed"), graph(hub, "lastig")
    yield before
    assert graph(hub, "goed") == before[0], "the good node's copy changed"


def test_first_harvest_stores_exactly_what_each_node_serves(federation):
    hub, good, bad = federation
    assert graph(hub, "goed") == served(good)
    assert graph(hub, "lastig") == served(bad)
    run = read_runs(hub.store, HUB, ["lastig"])["lastig"][0]
    assert (run.outcome, run.http_status, run.used) == ("stored", 200, bad.base_url + "dump.nq")
    assert run.etag == bad.dump_requests()[-1].headers.get("If-None-Match") or run.etag.startswith('"')
    assert run.triples == len(served(bad)) and run.added > 10 and run.quarantined == 0


def test_reharvest_without_change_sends_if_none_match_and_gets_no_body(federation, snapshot):
    hub, _, bad = federation
    run = hub.harvest("lastig")
    last = bad.dump_requests()[-1]
    assert (run.outcome, run.http_status) == ("unchanged", 304)
    assert last.status == 304 and last.body_bytes == 0 and last.headers["If-None-Match"] == run.etag


def test_reharvest_with_a_quiet_feed_fetches_no_dump(federation, snapshot):
    hub, _, bad = federation
    bad.script.feed = [1, 2, 3]
    first = hub.harvest("lastig")  # learns the feed position (3); dump unchanged -> 304
    assert (first.outcome, first.feed_position) == ("unchanged", 3)
    dumps_before = len(bad.dump_requests())
    quiet = hub.harvest("lastig")
    assert (quiet.outcome, quiet.feed_position) == ("unchanged", 3)
    assert len(bad.dump_requests()) == dumps_before, "a quiet feed must not cost a dump request"
    bad.serve(bad.triples[:-1] + [ox.Triple(ox.NamedNode(bad.base_url + "praktijken/gen-00001"), SCHEMA_NAME,
                                            ox.Literal("Nieuwe naam"))])
    bad.script.feed = [1, 2, 3, 4]
    changed = hub.harvest("lastig")
    assert (changed.outcome, changed.feed_position) == ("stored", 4)
    assert len(bad.dump_requests()) == dumps_before + 1


def test_a_dump_not_written_by_oxigraph_is_not_seen_as_changed_every_time(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples, as_bamboe=False)  # xsd:nonNegativeInteger as written, not as Oxigraph keeps it
    assert b"nonNegativeInteger" in bad.script.dump
    run = hub.harvest("lastig")
    assert (run.http_status, run.outcome, run.changes) == (200, "unchanged", 0)


def test_node_down_keeps_last_copy_marked_stale(federation, snapshot):
    hub, _, bad = federation
    bad.stop()
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "cannot be reached" in run.error_en and "is niet bereikbaar" in run.error
    nothing_good_lost(hub, snapshot[1])
    status = {s.instance.id: s for s in overview(hub.store, HUB, hub.instances)}
    assert status["lastig"].stale and not status["goed"].stale
    assert status["lastig"].last_success.outcome == "stored"


def test_slow_node_times_out(federation, snapshot):
    hub, _, bad = federation
    bad.script.delay_s = 2.5  # read timeout is 1 s
    started = time.monotonic()
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "did not answer within 1 s" in run.error_en
    assert time.monotonic() - started < 15
    nothing_good_lost(hub, snapshot[1])


def test_5xx_then_recovery_within_one_run(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples[:-1])
    bad.script.fail_times = 2
    run = hub.harvest("lastig")
    statuses = [r.status for r in bad.dump_requests()[-3:]]
    assert statuses == [500, 500, 200] and run.outcome == "stored"


def test_5xx_beyond_retries_fails_then_next_run_recovers(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples[:-1])
    bad.script.fail_times = 3  # 1 try + 2 retries
    failed = hub.harvest("lastig")
    assert failed.outcome == "failed" and failed.http_status == 500
    nothing_good_lost(hub, snapshot[1])
    recovered = hub.harvest("lastig")
    assert recovered.outcome == "stored" and graph(hub, "lastig") == served(bad)
    status = {s.instance.id: s for s in overview(hub.store, HUB, hub.instances)}
    assert not status["lastig"].stale


def test_429_retry_after_is_respected(federation, snapshot):
    hub, _, bad = federation
    bad.script.fail_times, bad.script.fail_status, bad.script.retry_after = 1, 429, "2"
    started = time.monotonic()
    run = hub.harvest("lastig")
    assert run.outcome == "unchanged" and time.monotonic() - started >= 2


def test_truncated_body_fails_and_keeps_last_copy(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples[:-1])
    bad.script.truncate_to = len(bad.script.dump) // 2
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "broke off" in run.error_en
    nothing_good_lost(hub, snapshot[1])


def test_body_over_the_size_limit_fails(federation, snapshot):
    hub, _, bad = federation
    with_limits(hub, max_bytes=5000)
    bad.serve(bad.triples[:-1])
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "over the limit of 5000" in run.error_en
    nothing_good_lost(hub, snapshot[1])


def test_invalid_turtle_fails_with_url_and_line(federation, snapshot):
    hub, _, bad = federation
    bad.script.dump, bad.script.media_type = b"@prefix ex: <http://x/> .\nex:a ex:b \"open string .\n", "text/turtle"
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and bad.base_url + "dump.nq" in run.error and "regel 2" in run.error
    nothing_good_lost(hub, snapshot[1])


def test_record_with_a_violation_is_quarantined_valid_ones_go_in(federation, snapshot):
    hub, _, bad = federation
    broken = ox.NamedNode(bad.base_url + "praktijken/gen-00004")
    fresh = ox.NamedNode(bad.base_url + "praktijken/nieuw")
    new_record = [ox.Triple(fresh, t.predicate, t.object) for t in bad.triples
                  if t.subject == ox.NamedNode(bad.base_url + "praktijken/gen-00005")
                  and not isinstance(t.object, ox.BlankNode)]
    bad.serve([t for t in bad.triples if not (t.subject == broken and t.predicate == SCHEMA_NAME)] + new_record)
    run = hub.harvest("lastig")
    assert (run.outcome, run.quarantined, run.added) == ("stored", 1, 1)
    assert {f.focus for f in run.findings} == {broken.value}
    copy = hub.store.graph_triples(graph_iri(HUB, "lastig"))
    assert any(t.subject == fresh for t in copy), "the valid new record went in"
    old_name = [t for t in bad.triples if t.subject == broken and t.predicate == SCHEMA_NAME]
    assert old_name and old_name[0] in copy, "the quarantined record keeps its previous good version"
    rows = hub.store.select(
        "SELECT ?focus ?shape WHERE { GRAPH <" + log_graph(HUB) + "> { ?run <https://w3id.org/lerende-praktijken/"
        "harvest#finding> [ <http://www.w3.org/ns/shacl#focusNode> ?focus ; "
        "<http://www.w3.org/ns/shacl#sourceShape> ?shape ] } }")
    assert [(r["focus"].value, r["shape"].value) for r in rows] == [
        (broken.value, "https://w3id.org/lerende-praktijken/shapes#LearningCommunity-name")]


def test_triples_about_another_nodes_community_are_dropped(federation, snapshot):
    hub, good, bad = federation
    victim = next(t.subject for t in good.triples if t.subject.value.endswith("praktijken/gen-00000"))
    poison = [ox.Triple(victim, SCHEMA_NAME, ox.Literal("Overgenomen")),
              ox.Triple(victim, ox.NamedNode("http://purl.org/dc/terms/subject"),
                        ox.NamedNode("https://w3id.org/lerende-praktijken/id/thema/armoede"))]
    bad.serve(bad.triples + poison)
    run = hub.harvest("lastig")
    assert run.out_of_scope == 2 and run.outcome == "unchanged"
    names = hub.store.select(f"SELECT ?name WHERE {{ {victim} <http://schema.org/name> ?name }}")
    assert [row["name"].value for row in names] == [
        t.object.value for t in good.triples if t.subject == victim and t.predicate == SCHEMA_NAME]


def test_deleted_community_is_removed(federation, snapshot):
    hub, _, bad = federation
    gone = bad.base_url + "praktijken/gen-00003"
    its_blank_nodes = {t.object for t in bad.triples
                       if t.subject.value.startswith(gone) and isinstance(t.object, ox.BlankNode)}
    bad.serve([t for t in bad.triples if not t.subject.value.startswith(gone) and t.subject not in its_blank_nodes
               and not (isinstance(t.object, ox.NamedNode) and t.object.value.startswith(gone))])
    run = hub.harvest("lastig")
    assert run.outcome == "stored" and run.removed >= 1
    assert not hub.store.ask(f"ASK {{ GRAPH <{graph_iri(HUB, 'lastig')}> {{ <{gone}> ?p ?o }} }}")
    assert graph(hub, "lastig") == served(bad)


def test_empty_graph_is_held_until_confirmed(federation, snapshot):
    hub, _, bad = federation
    bad.serve([])
    held = hub.harvest("lastig")
    assert held.outcome == "held" and held.removed > 10 and "admin" in held.error_en and "beheerder" in held.error
    nothing_good_lost(hub, snapshot[1])
    again = hub.harvest("lastig")
    assert again.outcome == "held", "a hold stays until confirmed"
    confirmed = hub.harvest("lastig", confirm_removals=True)
    assert confirmed.outcome == "stored" and len(graph(hub, "lastig")) == 0


def test_recovery_with_an_unchanged_dump_clears_stale(federation, snapshot):
    hub, _, bad = federation
    bad.script.fail_times = 3
    assert hub.harvest("lastig").outcome == "failed"
    assert {s.instance.id: s.stale for s in overview(hub.store, HUB, hub.instances)}["lastig"]
    assert hub.harvest("lastig").outcome == "unchanged"  # 304: same data as before the failure
    assert not {s.instance.id: s.stale for s in overview(hub.store, HUB, hub.instances)}["lastig"]


def test_slow_drip_is_cut_off_at_the_overall_deadline(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples[:-1])
    bad.script.drip_s = 0.2  # one small piece every 0.2 s: each read is quick, the whole is endless
    with_limits(hub, total_timeout_s=2)
    started = time.monotonic()
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "took longer than 2 s" in run.error_en
    assert time.monotonic() - started < 10
    nothing_good_lost(hub, snapshot[1])


def test_a_dump_outside_the_nodes_base_url_is_not_fetched(federation, snapshot):
    hub, good, bad = federation
    bad.script.dump_url = good.base_url + "dump.nq"
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "only fetched under its own base URL" in run.error_en
    assert not good.dump_requests()[1:], "the hub never asked the other node on the bad node's behalf"


def test_redirects_are_not_followed(federation, snapshot):
    hub, good, bad = federation
    bad.script.redirect_to = good.base_url + "dump.nq"
    run = hub.harvest("lastig")
    assert run.outcome == "failed" and "redirects to" in run.error_en and run.http_status == 302


def test_a_hold_confirms_only_the_data_it_held(federation, snapshot):
    hub, _, bad = federation
    bad.serve(bad.triples[:40])
    held = hub.harvest("lastig")
    assert held.outcome == "held"
    bad.serve([])  # the node changed again before the admin confirmed
    again = hub.harvest("lastig", confirm_removals=True)
    assert again.outcome == "held" and "confirm again" in again.error_en and "bevestig opnieuw" in again.error
    nothing_good_lost(hub, snapshot[1])
    assert hub.harvest("lastig", confirm_removals=True).outcome == "stored"


def test_a_feed_that_starts_over_still_brings_the_change(federation, snapshot):
    hub, _, bad = federation
    bad.script.feed = [1, 2, 3, 4, 5]
    assert hub.harvest("lastig").feed_position == 5
    bad.serve(bad.triples[:-1])
    bad.script.feed = [1]  # the node was re-initialised: its numbers start again
    run = hub.harvest("lastig")
    assert (run.outcome, run.feed_position) == ("stored", 1)


def test_a_failed_harvest_shows_its_error_in_the_pages_language(federation, tmp_path):
    """The error is recorded in Dutch and English; /oogst and the member page show the one of the page."""
    from registry import create_app

    hub, _, bad = federation
    bad.stop()
    run = hub.harvest("lastig")
    assert run.outcome == "failed"
    recorded = read_runs(hub.store, HUB, ["lastig"])["lastig"][0]
    assert (recorded.error, recorded.error_en) == (run.error, run.error_en)
    (tmp_path / "web").mkdir()
    app = create_app({"data_dir": tmp_path / "web", "store_instance": hub.store, "base_url": HUB,
                      "instances": hub.settings["instances"], "harvest_schedule": False})
    client = app.test_client()
    assert "is niet bereikbaar" in client.get("/oogst").get_data(as_text=True)  # Dutch without a choice
    for path in ("/oogst", "/oogst/lastig"):
        dutch = client.get(path + "?lang=nl").get_data(as_text=True)  # the cookie remembers a choice
        english = client.get(path + "?lang=en").get_data(as_text=True)
        assert "is niet bereikbaar" in dutch and "cannot be reached" not in dutch, path
        assert "cannot be reached" in english and "is niet bereikbaar" not in english, path


def test_an_error_recorded_before_there_were_two_languages_still_shows(federation):
    """Old records hold one untagged literal: it is the error in either language."""
    from harvesters.log import HarvestRun, now, record_update

    hub, _, _ = federation
    instance = hub.member("lastig")
    old = HarvestRun("lastig", started=now(), ended=now(), used=instance.url, error="Oude melding.")
    hub.store.update(record_update(hub.store, HUB, instance, old, stored=False).replace('"Oude melding."@nl',
                                                                                        '"Oude melding."'))
    recorded = read_runs(hub.store, HUB, ["lastig"])["lastig"][0]
    assert recorded.error_in("nl") == recorded.error_in("en") == "Oude melding."
