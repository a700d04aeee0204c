"""The hub's schedule: one scheduler per hub across WSGI workers, resumed from the log,
bounded in parallel, and never leaving a run hanging."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import requests

from conftest import ROOT, bamboe
from fakenode import FakeNode
from harvesters.hub import Hub
from harvesters.schedule import HarvestScheduler
from harvesters.status import read_runs
from registry.config import load_settings
from registry.store import EmbeddedStore
from registry.store.server import OxigraphServer, free_port

HUB = "http://hub.test/"


def make_hub(tmp_path, nodes: dict[str, FakeNode], **settings) -> Hub:
    instances = tmp_path / "instances.yaml"
    instances.write_text("nodes:\n" + "".join(
        f"  - {{id: {node_id}, name: {node_id}, url: '{node.base_url}', level: lokaal, area: [GM0344], interval: 1h}}\n"
        for node_id, node in nodes.items()))
    return Hub(load_settings(None, {"base_url": HUB, "instances": str(instances), **settings}), tmp_path,
               EmbeddedStore())


@pytest.fixture
def nodes():
    started = {f"n{i}": FakeNode(communities=2, seed=i) for i in range(4)}
    yield started
    for node in started.values():
        node.stop()


def test_schedule_resumes_from_the_last_recorded_attempt(tmp_path, nodes):
    hub = make_hub(tmp_path, nodes, harvest_jitter_s=0)
    done = hub.harvest("n0").started
    scheduler = HarvestScheduler(hub, tmp_path / "locks")
    assert scheduler.start()
    try:
        assert scheduler.next_run("n0") == done + dt.timedelta(hours=1), "one interval after the last attempt"
        deadline = time.monotonic() + 20
        while len(read_runs(hub.store, HUB, nodes)) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        runs = read_runs(hub.store, HUB, nodes)
        assert [run.outcome for run in runs["n0"]] == ["stored"], "not harvested again before its interval"
        assert all(runs[node_id][0].outcome == "stored" for node_id in ("n1", "n2", "n3")), "never harvested: due now"
        job = scheduler.scheduler.get_job("n0")
        assert (job.coalesce, job.max_instances) == (True, 1)
    finally:
        scheduler.shutdown()


def test_a_second_scheduler_for_the_same_hub_does_not_start(tmp_path, nodes):
    hub = make_hub(tmp_path, nodes)
    first, second = HarvestScheduler(hub, tmp_path / "locks"), HarvestScheduler(hub, tmp_path / "locks")
    try:
        assert first.start() and not second.start()
        assert first.lock.holder() == str(os.getpid())
    finally:
        first.shutdown()
        second.shutdown()
    third = HarvestScheduler(hub, tmp_path / "locks")
    assert third.start(), "the lock is free again once its holder stops"
    third.shutdown()


def test_hard_timeout_records_the_run_as_failed(tmp_path, nodes):
    hub = make_hub(tmp_path, nodes, harvest_job_timeout_s=1, harvest_read_timeout_s=10)
    nodes["n2"].script.delay_s = 3
    scheduler = HarvestScheduler(hub, tmp_path / "locks")
    started = time.monotonic()
    run = scheduler.run("n2")
    assert time.monotonic() - started < 2.5
    assert run.outcome == "failed" and "Gave up after 1 s" in run.error_en
    assert [r.outcome for r in read_runs(hub.store, HUB, ["n2"])["n2"]] == ["failed"]
    scheduler.shutdown()
    time.sleep(3)  # let the abandoned request finish before the node stops


def test_parallel_harvests_are_bounded(tmp_path, nodes):
    hub = make_hub(tmp_path, nodes, harvest_parallel=2)
    for node in nodes.values():
        node.script.delay_s = 0.4
    runs = hub.harvest_many(list(nodes))
    assert {run.outcome for run in runs.values()} == {"stored"}
    windows = [(r.start, r.end) for node in nodes.values() for r in node.dump_requests()]
    overlap = max(sum(start <= moment < end for start, end in windows) for moment, _ in windows)
    assert overlap == 2


def test_one_scheduler_across_gunicorn_workers(tmp_path, nodes):
    """Three forked workers each create the app; the nodes are harvested once, not three times."""
    server = OxigraphServer(tmp_path / "store").start()
    instances = tmp_path / "instances.yaml"
    instances.write_text("nodes:\n" + "".join(
        f"  - {{id: {node_id}, name: {node_id}, url: '{node.base_url}', level: lokaal, area: [GM0344]}}\n"
        for node_id, node in nodes.items()))
    port = free_port()
    data = tmp_path / "hub"
    bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--store", "remote",
           "--instances", instances, data_dir=data)
    base = server.url.rstrip("/")
    env = {**os.environ, "BAMBOE_STORE_QUERY_URL": f"{base}/query?union-default-graph",
           "BAMBOE_STORE_UPDATE_URL": f"{base}/update", "BAMBOE_STORE_GSP_URL": f"{base}/store",
           "BAMBOE_HARVEST_JITTER_S": "0", "BAMBOE_SPARQL_WORKERS": "1"}
    log = open(tmp_path / "gunicorn.log", "w")
    app = "registry:create_app(" + json.dumps({"data_dir": str(data)}) + ")"
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", app],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                harvested = {row["id"]: row for row in _csv(requests.get(f"http://127.0.0.1:{port}/oogst.csv", timeout=10).text)}
                if all(row["last_outcome"] == "stored" for row in harvested.values()):
                    break
            except (requests.ConnectionError, requests.Timeout):  # still starting, or a sync worker busy harvesting
                pass
            time.sleep(0.3)
        time.sleep(2)  # time enough for a second scheduler, if there were one, to harvest again
        assert all(row["last_outcome"] == "stored" for row in harvested.values()), (tmp_path / "gunicorn.log").read_text()
        for node in nodes.values():
            assert len(node.dump_requests()) == 1, "each node harvested exactly once"
        holder = (data / "run" / "harvest" / "scheduler.lock").read_text().strip()
        workers = [str(child.pid) for child in psutil.Process(process.pid).children()]
        assert holder in workers and len(workers) == 3
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()
        server.stop()


def _csv(text):
    import csv
    import io
    return list(csv.DictReader(io.StringIO(text)))
