"""Start and supervise the node's private Oxigraph server.

`bamboe serve` runs `oxigraph serve` (from the `oxigraph` PyPI package, installed
with Bamboe) on a free loopback port, with its data in the node's data directory, and
restarts it if it dies. Nothing has to be installed by hand.
"""
from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from registry.errors import ConfigError, StoreError

log = logging.getLogger(__name__)


def oxigraph_binary() -> str:
    """Find the `oxigraph` command installed beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ConfigError("The `oxigraph` command is missing: run `pip install oxigraph`.")
    return found


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OxigraphServer:
    """One `oxigraph serve` child process, restarted when it exits unexpectedly."""

    def __init__(self, location: Path, timeout_s: int = 30):
        self.location = Path(location)
        self.timeout_s = timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.location.parent / "run" / "oxigraph.log"
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> "OxigraphServer":
        """Start the server, wait until it answers, and watch it from a thread."""
        self.location.mkdir(parents=True, exist_ok=True)
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="oxigraph-watch", daemon=True)
        self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop the server and wait for it to release the data directory."""
        self._stopping.set()
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _spawn(self) -> None:
        command = [
            oxigraph_binary(), "serve", "--location", str(self.location),
            "--bind", f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s),
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            self._process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def _wait_until_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = self.log_path.read_bytes()[-2000:].decode(errors="replace")
                raise StoreError(
                    f"Oxigraph could not start on {self.location}: {error.strip()}. "
                    "Is another node using this data directory?",
                    location=str(self.location),
                )
            try:
                requests.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise StoreError(f"Oxigraph did not answer on {self.url} within {seconds} s")

    def _watch(self) -> None:
        while not self._stopping.is_set():
            if self._process.poll() is not None and not self._stopping.is_set():
                log.error("Oxigraph exited with %s; restarting", self._process.returncode)
                try:
                    self._spawn()
                except StoreError:
                    log.exception("Oxigraph restart failed; retrying")
            self._stopping.wait(1)
