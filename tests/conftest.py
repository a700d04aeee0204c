"""Shared fixtures: stores over every backend, and real node servers on 127.0.0.1."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

import vocab
from registry.store import EmbeddedStore, RemoteStore
from registry.store.server import OxigraphServer, free_port

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "vocab" / "examples"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Debian's chromium, headless, for the browser tests (`playwright install` cannot download here)."""
BAMBOE = [sys.executable, "-m", "registry.cli"]


@pytest.fixture(params=["memory", "disk", "oxigraph-server"])
def store(request, tmp_path):
    """Every storage backend, so one contract test covers them all."""
    if request.param == "memory":
        backend = EmbeddedStore()
    elif request.param == "disk":
        backend = EmbeddedStore(tmp_path / "store")
    else:
        server = OxigraphServer(tmp_path / "store").start()
        request.addfinalizer(server.stop)
        backend = RemoteStore.for_oxigraph(server.url)
    yield backend
    backend.close()


def bamboe(*args, data_dir=None, check=True, **kwargs) -> subprocess.CompletedProcess:
    """Run the real `bamboe` command line."""
    command = [*BAMBOE, *map(str, args)]
    if data_dir is not None:
        command += ["--data", str(data_dir)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=kwargs.pop("cwd", ROOT), **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class NodeProcess:
    """A node started with `bamboe serve` in its own process, on a free loopback port."""

    def __init__(self, data_dir: Path, port: int, env: dict | None = None):
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}/"
        # Output goes to a file: a pipe nobody reads fills up and blocks the node's logging.
        self.log_path = data_dir.parent / f"{data_dir.name}-node.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [*BAMBOE, "serve", "--data", str(data_dir), "--port", str(port)],
            cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self._wait()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("node exited:\n" + self.log)
            try:
                requests.get(self.url, timeout=1)
                return
            except (requests.ConnectionError, requests.Timeout):  # a loaded machine: the first page can take >1 s
                time.sleep(0.1)
        raise AssertionError("node did not start in time")

    @property
    def run_record(self) -> dict:
        return json.loads((self.data_dir / "run" / "node.json").read_text())

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def start_node(data_dir: Path, example: str | None = None, name: str = "Testnode",
               env: dict | None = None, area: tuple[str, ...] = ("GM0537",)) -> NodeProcess:
    """Init a data directory, load an example (or nothing), and serve it."""
    port = free_port()
    area_args = [arg for code in area for arg in ("--area", code)]
    bamboe("init", "--name", name, "--base-url", f"http://127.0.0.1:{port}/", *area_args, data_dir=data_dir)
    if example:  # its dates moved to today, so recent and planned meetings stay so (vocab.example_text)
        current = data_dir.parent / f"{data_dir.name}-{example}"
        current.write_text(vocab.example_text(EXAMPLES / example), encoding="utf-8")
        bamboe("load", current, data_dir=data_dir)
    return NodeProcess(data_dir, port, env)


@pytest.fixture(scope="session")
def node(tmp_path_factory):
    """One real node serving the Den Haag & Leiden example, shared by read-only tests."""
    started = start_node(tmp_path_factory.mktemp("node"), "den-haag-leiden.ttl", "WSD Den Haag & Leiden",
                         env={"BAMBOE_SPARQL_TIMEOUT_S": "3", "BAMBOE_SPARQL_MEMORY_MB": "400"})
    yield started
    started.stop()


@dataclass
class EditingNode:
    """A running node with an editor and an admin account, each with an API token."""

    node: NodeProcess
    editor_token: str
    admin_token: str
    password: str = "veilig-wachtwoord-1"

    @property
    def url(self) -> str:
        return self.node.url

    def headers(self, token: str | None = None, **extra) -> dict:
        return {"Authorization": f"Bearer {token or self.editor_token}", **extra}


def start_editing_node(data_dir: Path, example: str | None = "den-haag-leiden.ttl", env: dict | None = None) -> EditingNode:
    """A node plus accounts made with the real CLI (`bamboe user add`, `bamboe token create`)."""
    started = start_node(data_dir, example, "WSD Den Haag & Leiden", env=env)
    password = EditingNode.password
    bamboe("user", "add", "redactie", "--password-stdin", data_dir=data_dir, input=password + "\n")
    bamboe("user", "add", "beheer", "--role", "admin", "--password-stdin", data_dir=data_dir, input=password + "\n")
    editor_token = bamboe("token", "create", "--user", "redactie", data_dir=data_dir).stdout.strip()
    admin_token = bamboe("token", "create", "--user", "beheer", data_dir=data_dir).stdout.strip()
    return EditingNode(started, editor_token, admin_token)


@pytest.fixture(scope="session")
def editing_node(tmp_path_factory):
    """One real node with the Den Haag & Leiden example that tests may write to."""
    started = start_editing_node(tmp_path_factory.mktemp("editing"), env={
        "BAMBOE_LOGIN_LIMIT": "300 per minute", "BAMBOE_WRITE_LIMIT": "3000 per minute"})
    yield started
    started.node.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
