"""A small pool of killable query workers, with a deadline, a queue bound and a per-client limit.

Rules that keep `/sparql` from hurting the rest of the node:

- **Bounded admission.** At most `workers + queue` public queries are in the node at
  once (running or waiting); the next one gets 503 with `Retry-After` at once, so
  slow queries can hold only a few of the web server's threads and pages stay fast.
- **One deadline for the whole answer.** Waiting for a worker, reloading it and
  running the query all count against `timeout_s`. Making the data's file (once per
  generation of the data, in the node) comes first and does not.
- **The data a query asks for.** A query runs on the current data, or on another
  snapshot it names (the data as of a moment, `/sparql?asOf=`). An idle worker that
  already holds that data is taken first, so live and as-of queries do not make the
  workers reload at every turn.
- **A worker is always returned or replaced.** Whatever goes wrong (the store is
  down while a worker would reload, the worker dies, the deadline passes), the
  worker goes back to the pool if it is known good, or is killed and a successor is
  started in the background, retrying until the store is back.
"""
from __future__ import annotations

import logging
import math
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

from registry.errors import (
    N_, BamboeError, QueryRefused, QueryTimeout, QueryTooLarge, QueryWorkerFailed, SandboxUnavailable,
    ServiceBusy, TooManyQueries,
)

log = logging.getLogger(__name__)

Snapshot = Callable[[], tuple[str, str]]
"""Returns (generation, path of an N-Quads file holding the data of that generation)."""
SIGABRT_EXIT = -6  # Rust aborts the process when an allocation fails under the memory cap


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    truncated: bool


class WorkerDied(Exception):
    """The worker process ended; `memory` says whether it ran out of memory."""

    def __init__(self, memory: bool, returncode: int | None):
        super().__init__(returncode)
        self.memory, self.returncode = memory, returncode


class Worker:
    """One worker process (a fresh interpreter, sharing nothing) and the socket to it."""

    def __init__(self, snapshot: tuple[str, str], memory_mb: int, ready_timeout: float = 120):
        self.generation, path = snapshot
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registry.sandbox.worker", str(theirs.fileno()), path, str(memory_mb)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.connection = Connection(ours.detach())
        self.walls: list[str] = self._expect_ready(ready_timeout)

    def reload(self, snapshot: tuple[str, str], timeout: float) -> None:
        generation, path = snapshot
        self.connection.send(("load", path))
        self._expect_ready(timeout)
        self.generation = generation

    def ask(self, payload: dict, timeout: float):
        """Send one query and wait for its answer; QueryTimeout past `timeout`."""
        try:
            self.connection.send(("query", payload))
            if not self.connection.poll(max(timeout, 0)):
                raise QueryTimeout(N_("De query is na %(seconds)s s gestopt; maak hem beperkter of voeg een LIMIT toe."),
                                   seconds=math.ceil(max(timeout, 0)), retry_after=1)
            reply = self.connection.recv()
        except (EOFError, OSError):
            raise self._death() from None
        if reply[0] == "memory":
            raise WorkerDied(memory=True, returncode=None)
        return reply

    def kill(self) -> None:
        self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            log.error("SPARQL worker %s did not end after SIGKILL", self.process.pid)
        self.connection.close()

    def _death(self) -> WorkerDied:
        try:
            code = self.process.wait(2)
        except subprocess.TimeoutExpired:
            code = None
        return WorkerDied(memory=code == SIGABRT_EXIT, returncode=code)

    def _expect_ready(self, timeout: float) -> list[str]:
        try:
            if self.connection.poll(max(timeout, 0)):
                kind, walls = self.connection.recv()
                return list(walls or [])
        except (EOFError, OSError, ValueError, TypeError):
            pass
        self.kill()
        raise QueryWorkerFailed(N_("De SPARQL-werker is niet gestart of herladen; probeer het zo opnieuw. Blijft het "
                                   "gebeuren, dan staat de oorzaak in het log van de node."))


class QueryPool:
    """Run checked public queries in isolated workers; kill and respawn on deadline."""

    def __init__(self, snapshot: Snapshot, workers: int = 2, timeout_s: float = 10,
                 memory_mb: int = 512, per_client: int = 2, queue_size: int = 2,
                 allow_unisolated: bool = False):
        self.snapshot = snapshot
        self.size, self.timeout_s, self.memory_mb, self.per_client = workers, timeout_s, memory_mb, per_client
        self.capacity = workers + queue_size
        self.allow_unisolated = allow_unisolated
        self._idle: list[Worker] = []
        self._idle_changed = threading.Condition()
        self._running: Counter[str] = Counter()
        self._admitted = 0
        self._lock = threading.Lock()
        self._started = False
        self._closed = threading.Event()
        self.refusal: str | None = None  # why public queries are switched off, if they are

    def start(self) -> None:
        """Start the workers in the background (lazily, on the first query, so idle nodes stay light)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._spawn_in_background()

    def run(self, query: str, result_format: str, client: str, max_rows: int, max_bytes: int,
            union: bool = True, base_iri: str | None = None,
            dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
            snapshot: Snapshot | None = None) -> QueryResult:
        """Answer one query for one client, or raise a BamboeError that says why not.

        `dataset` is the protocol's (default graphs, named graphs), or None for the query's own.
        `snapshot` makes the data to ask (default: the pool's, the current data); it is
        called once admitted, so making it counts against the admission and client limits.
        """
        self._refuse_if_switched_off()
        self.start()
        with self._admission(), self._client_slot(client):
            data = (snapshot or self.snapshot)()  # the store is down: raised before a worker is taken
            deadline = time.monotonic() + self.timeout_s
            worker = self._take_worker(deadline, data[0])
            payload = dict(query=query, result_format=result_format, max_rows=max_rows, max_bytes=max_bytes,
                           union=union, base_iri=base_iri, dataset=dataset)
            status, body, truncated = self._use(worker, payload, deadline, data)
        if status == "error":
            message, context = body  # the worker's catalogue message and its values
            raise QueryRefused(message, **context)
        return QueryResult(body, truncated)

    def close(self) -> None:
        self._closed.set()
        with self._idle_changed:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _use(self, worker: Worker, payload: dict, deadline: float, snapshot: tuple[str, str]):
        """Load the asked data into the worker unless it holds it, ask it; always return or replace it."""
        healthy = False
        try:
            if worker.generation != snapshot[0]:
                worker.reload(snapshot, timeout=deadline - time.monotonic())
            reply = worker.ask(payload, deadline - time.monotonic())
            healthy = True
            return reply
        except WorkerDied as death:
            raise self._explain(death) from None
        finally:
            if healthy:
                self._put_idle(worker)
            else:
                self._replace(worker)

    def _explain(self, death: WorkerDied) -> BamboeError:
        if death.memory:
            return QueryTooLarge(N_("De query gebruikte meer dan %(memory_mb)s MB geheugen en is gestopt; maak hem "
                                    "beperkter of voeg een LIMIT toe."), memory_mb=self.memory_mb)
        log.error("SPARQL worker stopped unexpectedly (exit status %s)", death.returncode)
        return QueryWorkerFailed(
            N_("De query is afgebroken: de query-werker stopte onverwacht (exitstatus %(returncode)s). Probeer het "
               "opnieuw en meld het aan de beheerders van de node als het terugkomt."),
            returncode=death.returncode, retry_after=2)

    def _refuse_if_switched_off(self) -> None:
        if self.refusal:
            raise SandboxUnavailable(self.refusal, retry_after=3600)

    @contextmanager
    def _admission(self):
        """Let at most `capacity` queries in (running or waiting); refuse the rest at once."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise ServiceBusy(N_("Alle SPARQL-werkers zijn bezet; probeer het over %(retry_after)s s opnieuw."),
                                  retry_after=max(1, int(self.timeout_s / 2)))
            self._admitted += 1
        try:
            yield
        finally:
            with self._lock:
                self._admitted -= 1

    @contextmanager
    def _client_slot(self, client: str):
        with self._lock:
            if self._running[client] >= self.per_client:
                raise TooManyQueries(
                    N_("Er lopen al %(running)s queries vanaf je adres; wacht tot die klaar zijn."),
                    running=self.per_client, retry_after=max(1, int(self.timeout_s)))
            self._running[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def _take_worker(self, deadline: float, generation: str) -> Worker:
        """Wait for an idle worker until the deadline, in short slices so a switch-off is seen."""
        with self._idle_changed:
            while (left := deadline - time.monotonic()) > 0:
                self._refuse_if_switched_off()
                if self._idle:
                    return self._pick(generation)
                self._idle_changed.wait(min(left, 0.25))
        raise ServiceBusy(N_("Alle SPARQL-werkers zijn bezet of starten opnieuw; probeer het over %(retry_after)s s "
                             "opnieuw."), retry_after=max(1, int(self.timeout_s / 2)))

    def _pick(self, generation: str) -> Worker:
        """The idle worker that holds this data already, else the one idle longest; call holding the lock."""
        holding = next((worker for worker in self._idle if worker.generation == generation), self._idle[0])
        self._idle.remove(holding)
        return holding

    def _put_idle(self, worker: Worker) -> None:
        with self._idle_changed:
            self._idle.append(worker)
            self._idle_changed.notify()

    def _replace(self, dead: Worker) -> None:
        """Kill a worker and start its successor in the background so callers return at once."""
        dead.kill()
        self._spawn_in_background()

    def _spawn_in_background(self) -> None:
        threading.Thread(target=self._spawn_until_done, name="bamboe-sparql-spawn", daemon=True).start()

    def _spawn_until_done(self) -> None:
        """Start one worker, retrying (the store may be down) until it stands or the pool closes."""
        started, wait = time.monotonic(), 0.5
        while not self._closed.is_set():
            try:
                worker = Worker(self.snapshot(), self.memory_mb)
            except (BamboeError, OSError) as error:
                detail = error.detail if isinstance(error, BamboeError) else str(error)
                log.warning("SPARQL worker could not start (%s); retrying in %.1f s", detail, wait)
                self._closed.wait(wait)
                wait = min(wait * 2, 5)
                continue
            if not self._admit_walls(worker):
                return
            if self._closed.is_set():
                worker.kill()
                return
            self._put_idle(worker)
            log.info("SPARQL worker ready in %.2f s (walls: %s)", time.monotonic() - started,
                     ", ".join(worker.walls) or "none")
            return

    def _admit_walls(self, worker: Worker) -> bool:
        """Refuse a worker without network isolation unless the operator allowed it."""
        if worker.walls:
            return True
        if self.allow_unisolated:
            log.critical("SPARQL worker runs WITHOUT network isolation (no network namespace, no seccomp): "
                         "sparql_allow_unisolated is set, so an outbound firewall must block this host's "
                         "loopback and private ranges for the node's user.")
            return True
        worker.kill()
        self.refusal = N_("Publieke SPARQL-queries staan uit: deze server kan de query-werkers niet van het netwerk "
                          "afsluiten, met een netwerknamespace noch met seccomp. De beheerder vindt in de README, "
                          "onder ‘Security’, wat eraan te doen is.")
        log.critical("Public SPARQL switched off: no network namespace and no seccomp for the query workers. "
                     "Install libseccomp2, or set sparql_allow_unisolated = true only behind an outbound "
                     "firewall.")
        return False

