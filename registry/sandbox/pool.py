"""A small pool of killable query workers, with a deadline and a per-client limit."""
from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection

from registry.errors import BamboeError, QueryRefused, QueryTimeout, QueryTooLarge, TooManyQueries

log = logging.getLogger(__name__)

Snapshot = Callable[[], tuple[str, str]]
"""Returns (generation, path of an N-Quads file holding the data of that generation)."""


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    truncated: bool


class Worker:
    """One worker process (a fresh interpreter, sharing nothing) and the socket to it."""

    def __init__(self, snapshot: tuple[str, str], memory_mb: int):
        self.memory_mb = memory_mb
        self.generation, path = snapshot
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registry.sandbox.worker", str(theirs.fileno()), path, str(memory_mb)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.connection = Connection(ours.detach())
        self._expect_ready(timeout=120)

    def reload(self, snapshot: tuple[str, str]) -> None:
        self.generation, path = snapshot
        self.connection.send(("load", path))
        self._expect_ready(timeout=120)

    def ask(self, payload: dict, deadline: float):
        """Send one query and wait for its answer until the deadline."""
        self.connection.send(("query", payload))
        if not self.connection.poll(deadline):
            raise QueryTimeout(
                f"De query is na {deadline:g} s gestopt. The query was stopped after "
                f"{deadline:g} s; narrow it down or add a LIMIT."
            )
        return self.connection.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.connection.close()

    def _expect_ready(self, timeout: float) -> None:
        try:
            if self.connection.poll(timeout):
                self.connection.recv()
                return
        except (EOFError, OSError):
            pass
        self.kill()
        raise BamboeError("The SPARQL worker did not start; see the node's log.")


class QueryPool:
    """Run checked public queries in isolated workers; kill and respawn on deadline."""

    def __init__(self, snapshot: Snapshot, workers: int = 2, timeout_s: float = 10,
                 memory_mb: int = 512, per_client: int = 2):
        self.snapshot = snapshot
        self.size, self.timeout_s, self.memory_mb, self.per_client = workers, timeout_s, memory_mb, per_client
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Start the workers (lazily, on the first query, so idle nodes stay light)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            for _ in range(self.size):
                self._idle.put(Worker(self.snapshot(), self.memory_mb))

    def run(self, query: str, result_format: str, client: str, max_rows: int, max_bytes: int,
            union: bool = True) -> QueryResult:
        """Answer one query for one client, or raise a BamboeError that says why not."""
        self.start()
        with self._client_slot(client):
            current = self._take_worker()
            try:
                if current.generation != self.snapshot()[0]:
                    current.reload(self.snapshot())
                payload = dict(query=query, result_format=result_format, max_rows=max_rows, max_bytes=max_bytes,
                               union=union)
                status, body, truncated = current.ask(payload, self.timeout_s)
            except QueryTimeout:
                self._replace(current)
                raise
            except (EOFError, OSError, BrokenPipeError):
                self._replace(current)
                raise QueryTooLarge(
                    f"De query gebruikte meer dan {self.memory_mb} MB en is gestopt. The query "
                    f"needed more than {self.memory_mb} MB of memory and was stopped."
                )
            self._idle.put(current)
        if status == "error":
            raise QueryRefused(f"Ongeldige query / invalid query: {body}")
        return QueryResult(body, truncated)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().kill()

    @contextmanager
    def _client_slot(self, client: str):
        with self._lock:
            if self._running[client] >= self.per_client:
                raise TooManyQueries(
                    f"Er lopen al {self.per_client} queries van uw adres. Already "
                    f"{self.per_client} queries running from your address; wait for them to finish.",
                    retry_after=max(1, int(self.timeout_s)),
                )
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def _take_worker(self) -> Worker:
        try:
            return self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            raise TooManyQueries("Alle SPARQL-werkers zijn bezet. All query workers are busy; try again.",
                                 retry_after=max(1, int(self.timeout_s))) from None

    def _replace(self, dead: Worker) -> None:
        """Kill a worker and start its successor in the background so callers return at once."""
        dead.kill()

        def respawn():
            started = time.monotonic()
            while True:
                try:
                    self._idle.put(Worker(self.snapshot(), self.memory_mb))
                    log.info("SPARQL worker respawned in %.2f s", time.monotonic() - started)
                    return
                except BamboeError:
                    log.exception("SPARQL worker respawn failed; retrying")
                    time.sleep(1)

        threading.Thread(target=respawn, name="bamboe-sparql-respawn", daemon=True).start()
