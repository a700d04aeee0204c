"""Faults of processes and connections, each fixed once and kept fixed (issue 11, items 4, 6, 7, 16).

Real `bamboe serve` processes on 127.0.0.1: kill -9, slow sockets, a reverse proxy's
headers, and the requests waitress refuses by itself.
"""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time

import psutil
import pytest
import requests

from conftest import NodeProcess, bamboe, start_node
from registry.store.server import oxigraph_binary, free_port
from registry.web.proxies import TrustedProxies
from test_hardening_sparql import SLOW, children

JSON = {"Accept": "application/sparql-results+json"}


def test_restart_after_kill_9_just_works(tmp_path):
    node = start_node(tmp_path / "crash", "den-haag-leiden.ttl")
    try:
        before = requests.get(node.url + "dump.nq").content
        stores = children(node, "oxigraph")
        assert stores
        node.process.send_signal(signal.SIGKILL)
        node.process.wait(10)
        gone, alive = psutil.wait_procs(stores, timeout=5)
        assert not alive, "the private store outlived its node"
        again = NodeProcess(node.data_dir, node.port)
        try:
            assert requests.get(again.url + "dump.nq").content == before
        finally:
            again.stop()
    finally:
        node._log.close()


def test_an_orphaned_store_from_an_older_node_is_stopped_before_serving(tmp_path):
    """A store left running by a node that died (parent gone) holds the lock; serve stops it first."""
    data_dir = tmp_path / "orphan"
    port = free_port()
    bamboe("init", "--name", "Wees", "--base-url", f"http://127.0.0.1:{port}/", data_dir=data_dir)
    store_dir = (data_dir / "store").absolute()
    store_dir.mkdir(exist_ok=True)
    orphan = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(store_dir), "--bind",
                               f"127.0.0.1:{free_port()}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dead_parent = _finished_pid()
    (data_dir / "run").mkdir(exist_ok=True)
    (data_dir / "run" / "oxigraph.pid").write_text(json.dumps(
        {"pid": orphan.pid, "parent": dead_parent, "location": str(store_dir)}))
    time.sleep(1)
    node = NodeProcess(data_dir, port)
    try:
        assert orphan.wait(10) is not None
        assert requests.get(node.url).status_code == 200
        assert "orphaned Oxigraph" in node.log
    finally:
        node.stop()
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()


def _finished_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_store_with_a_living_parent_is_left_alone(tmp_path):
    from registry.store.server import stop_orphan

    location = (tmp_path / "store").absolute()
    location.mkdir()
    store = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind",
                              f"127.0.0.1:{free_port()}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parent = subprocess.Popen(["sleep", "30"])
        pid_path = tmp_path / "oxigraph.pid"
        pid_path.write_text(json.dumps({"pid": store.pid, "parent": parent.pid, "location": str(location)}))
        assert stop_orphan(pid_path, location) is False
        assert store.poll() is None
        parent.kill()
        parent.wait()
        assert stop_orphan(pid_path, tmp_path / "elsewhere") is False  # not this directory: not ours to stop
        assert stop_orphan(pid_path, location) is True
        assert store.wait(10) is not None
    finally:
        if store.poll() is None:
            store.kill()
            store.wait()


def test_three_hundred_slow_sockets_do_not_take_the_node_down(tmp_path):
    """Slowloris: 300 connections sending a header byte every 2 s; pages still answer, and the drip is cut."""
    node = start_node(tmp_path / "slowloris", "den-haag-leiden.ttl", env={"BAMBOE_CHANNEL_TIMEOUT_S": "6"})
    sockets: list[socket.socket] = []
    stop = threading.Event()
    try:
        for _ in range(300):
            sock = socket.create_connection(("127.0.0.1", node.port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)

        def drip():
            while not stop.is_set():
                for sock in sockets:
                    try:
                        sock.sendall(b"X")
                    except OSError:
                        pass
                stop.wait(2)

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        for _ in range(5):
            started = time.monotonic()
            response = requests.get(node.url + "praktijken", headers={"Accept": "text/html"}, timeout=10)
            assert response.status_code == 200 and time.monotonic() - started < 1.0
            time.sleep(0.5)
        time.sleep(14)  # header timeout 6 s, swept every 5 s
        closed = 0
        for sock in sockets:
            sock.settimeout(0.5)
            try:
                closed += sock.recv(1) == b""
            except (ConnectionResetError, BrokenPipeError):
                closed += 1
            except socket.timeout:
                pass
        assert closed == len(sockets), f"only {closed} of {len(sockets)} slow requests were closed"
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        node.stop()


def test_waitress_own_refusals_are_problem_json(node):
    too_big = requests.post(node.url + "api/v1/praktijken", data=b"x" * 3_000_000,
                            headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
    assert too_big.headers["Content-Type"] == "application/problem+json"
    assert too_big.json()["status"] == 413
    huge_header = requests.get(node.url, headers={"X-Big": "y" * 300_000})
    assert huge_header.status_code == 431
    assert huge_header.headers["Content-Type"] == "application/problem+json"
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        answer = sock.recv(65536).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 400") and "application/problem+json" in answer


def test_client_behind_a_trusted_proxy_is_the_forwarded_address(tmp_path):
    node = start_node(tmp_path / "proxied", "den-haag-leiden.ttl", env={
        "BAMBOE_TRUSTED_PROXIES": "127.0.0.1", "BAMBOE_SPARQL_PER_CLIENT": "1", "BAMBOE_SPARQL_TIMEOUT_S": "3",
        "BAMBOE_SPARQL_QUEUE": "4"})
    try:
        requests.get(node.url + "sparql", params={"query": "ASK {}"}, headers=JSON, timeout=30)
        statuses = _two_slow_queries(node, ["203.0.113.1", "203.0.113.2"])
        assert 429 not in statuses, statuses  # two clients behind the proxy: one query each is fine
        statuses = _two_slow_queries(node, ["203.0.113.3", "203.0.113.3"])
        assert 429 in statuses, statuses  # the same client twice: the second is over its limit
    finally:
        node.stop()


def test_forwarded_for_from_an_untrusted_address_is_ignored(node):
    """Without trusted_proxies a client cannot pick its own key: all of them are 127.0.0.1 here."""
    statuses = _two_slow_queries(node, ["198.51.100.1", "198.51.100.2", "198.51.100.3"])
    assert 429 in statuses, statuses  # per client 2 in the node fixture


def _two_slow_queries(node, forwarded: list[str]) -> list[int]:
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda address=address: statuses.append(requests.get(
        node.url + "sparql", params={"query": SLOW}, headers={**JSON, "X-Forwarded-For": address}, timeout=30
    ).status_code)) for address in forwarded]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    for thread in threads:
        thread.join(30)
    return statuses


@pytest.mark.parametrize("remote, forwarded, client", [
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),                  # not a proxy: its header is ignored
    ("127.0.0.1", "1.2.3.4", "1.2.3.4"),                        # one trusted proxy
    ("127.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),               # the client's own spoofed hop is not believed
    ("127.0.0.1", "1.2.3.4, 10.0.0.5", "1.2.3.4"),              # two trusted proxies in a row
    ("127.0.0.1", "", "127.0.0.1"),                             # no header
    ("127.0.0.1", "1.2.3.4, not-an-address", "127.0.0.1"),      # a proxy forwarding garbage: keep the proxy
    ("10.0.0.5", "2001:db8::1", "2001:db8::1"),                 # IPv6 client
])
def test_trusted_proxies_rule(remote, forwarded, client):
    assert TrustedProxies(None, ["127.0.0.1", "10.0.0.0/8"]).client(remote, forwarded) == client


def test_trusted_proxies_setting_is_checked():
    from registry.errors import ConfigError

    with pytest.raises(ConfigError, match="trusted_proxies"):
        TrustedProxies(None, ["not-a-network"])
