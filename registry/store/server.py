"""Start and supervise the node's private Oxigraph server.

`bamboe serve` runs `oxigraph serve` (from the `oxigraph` PyPI package, installed
with Bamboe) on a free loopback port, with its data in the node's data directory, and
restarts it if it dies. Nothing has to be installed by hand.

The server dies with the node: the kernel sends it SIGKILL when the thread that
started it ends (`PR_SET_PDEATHSIG`), so one long-lived keeper thread starts and
restarts it. A server orphaned anyway (a node of an older version killed with -9)
is found through `run/oxigraph.pid` and stopped before a new one starts, so a
restart after `kill -9` just works.
"""
from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import signal
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
        self.location = Path(location).absolute()
        self.timeout_s = timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.location.parent / "run" / "oxigraph.log"
        self.pid_path = self.location.parent / "run" / "oxigraph.pid"
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> "OxigraphServer":
        """Start the server from a keeper thread, wait until it answers, and keep watching it."""
        self.location.mkdir(parents=True, exist_ok=True)
        stop_orphan(self.pid_path, self.location)
        first = {}
        ready = threading.Event()

        def keep():
            try:
                self._spawn()
            except StoreError as error:
                first["error"] = error
                return
            finally:
                ready.set()
            self._watch()

        self._watcher = threading.Thread(target=keep, name="oxigraph-keeper", daemon=True)
        self._watcher.start()
        ready.wait()
        if "error" in first:
            raise first["error"]
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
        self.pid_path.unlink(missing_ok=True)

    def _spawn(self) -> None:
        command = [
            oxigraph_binary(), "serve", "--location", str(self.location),
            "--bind", f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s),
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log_file:
            self._process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT,
                                             preexec_fn=_die_with(os.getpid()))
        self.pid_path.write_text(json.dumps({"pid": self._process.pid, "parent": os.getpid(),
                                             "location": str(self.location)}))
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


def _die_with(parent: int):
    """A preexec_fn: have the kernel kill the child when its parent goes (Linux only)."""
    def arrange():
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the request took hold
            os._exit(1)
    return arrange


def stop_orphan(pid_path: Path, location: Path) -> bool:
    """Kill an Oxigraph server left on `location` by a node that no longer exists.

    Only a process that is `oxigraph serve` on this very directory, whose recorded
    parent is gone, is stopped; anything else is left alone.
    """
    try:
        record = json.loads(pid_path.read_text())
        pid, parent = int(record["pid"]), int(record["parent"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return False
    if _alive(parent) and parent != os.getpid():
        return False
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if b"serve" not in command or str(location).encode() not in command or b"oxigraph" not in command[0]:
        return False
    log.warning("Stopping an orphaned Oxigraph server (pid %s) left on %s", pid, location)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid_path.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    except OSError:
        return True
