"""Parse stage: the dump's bytes to triples with pyoxigraph, by media type, outside the hub's process.

The syntax comes from the response's Content-Type, else the URL's extension. A
parse error names the URL and line and fails this node only. Graph names in an
N-Quads dump are the node's own business: the hub keeps the triples.

The parse itself runs in a child of the hub's parse worker (`parse_worker`), under a
memory cap and a deadline: a dump built to exhaust the parser (RDF/XML entities, a
parser bug) then fails its own harvest, recorded like any other failure, instead of
aborting the hub with every harvest and page it serves.
"""
from __future__ import annotations

import atexit
import json
import pickle
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pyoxigraph as ox

from harvesters.fetch import Fetched, Limits
from harvesters.parse_worker import MEMORY_EXIT
from registry import rdf
from registry.errors import N_, ParseError

MB = 1024 * 1024
OUT_OF_MEMORY = {-signal.SIGABRT, -signal.SIGKILL, MEMORY_EXIT}
"""How a child over its cap ends: pyoxigraph aborts when an allocation fails, the kernel's
OOM killer kills, a MemoryError in Python exits with MEMORY_EXIT."""
GRACE_S = 10.0
"""How much longer than a parse's deadline the hub waits for the worker to report it."""


def parse_dump(fetched: Fetched, limits: Limits = Limits()) -> list[ox.Triple]:
    """Triples of a fetched dump as Oxigraph keeps them; raise ParseError naming the URL and line."""
    body = fetched.body or b""
    ntriples = parse_isolated(body, dump_syntax(fetched), fetched.url, fetched.url,
                              memory_mb=parse_memory_mb(len(body), limits), timeout_s=limits.total_timeout_s)
    return as_stored(ntriples)


def as_stored(ntriples: bytes) -> list[ox.Triple]:
    """The triples as Oxigraph will keep them, so comparing with the stored copy is fair.

    Oxigraph stores derived integer types (xsd:nonNegativeInteger...) as xsd:integer
    and drops duplicates, also across a dump's graphs; a dump from a non-Oxigraph node
    would otherwise differ from its stored copy on every harvest. The worker's
    N-Triples come from our own serializer, so they go into the store in bulk.
    """
    scratch = ox.Store()
    scratch.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return [quad.triple for quad in scratch]


def dump_syntax(fetched: Fetched) -> rdf.Syntax:
    """The dump's syntax by its media type, else by the extension of its URL."""
    try:
        return rdf.syntax_for(fetched.media_type)
    except ParseError:
        suffix = PurePosixPath(urlsplit(fetched.url).path).suffix
        try:
            return rdf.syntax_for(suffix or "?")
        except ParseError:
            if fetched.media_type:
                raise ParseError(N_("%(source)s werd geleverd als %(media_type)s, en dat is geen RDF-syntaxis die "
                                    "Bamboe leest."), source=fetched.url, media_type=fetched.media_type) from None
            raise ParseError(N_("%(source)s werd zonder mediatype geleverd en de extensie noemt geen RDF-syntaxis "
                                "die Bamboe leest."), source=fetched.url) from None


def parse_memory_mb(size: int, limits: Limits) -> int:
    """Memory one parse's child may use: the dump, the parser's buffers and the N-Triples it writes, with room."""
    return max(limits.parse_memory_mb, limits.parse_memory_factor * size // MB)


def parse_isolated(body: bytes, syntax: rdf.Syntax, base_iri: str, source: str,
                   memory_mb: int, timeout_s: float) -> bytes:
    """Parse in a capped child; return N-Triples as the store keeps them, or raise ParseError saying why not."""
    ours, theirs = socket.socketpair()
    try:
        worker.submit(theirs, dict(syntax=syntax.key, base_iri=base_iri, source=source,
                                   memory_mb=memory_mb, timeout_s=timeout_s))
    except ParseError:
        ours.close()
        raise
    finally:
        theirs.close()
    connection = Connection(ours.detach())
    try:
        try:
            connection.send_bytes(body)
        except OSError:
            pass  # the child ended before it read the whole dump; the worker says how
        if not connection.poll(timeout_s + GRACE_S):
            raise ParseError(N_("%(source)s: de parse-worker van de hub antwoordde niet; zie het log van de hub."),
                             source=source)
        kind, payload = connection.recv()
        if kind == "ok":
            payload = connection.recv_bytes()
    except (EOFError, OSError, pickle.UnpicklingError):
        raise ParseError(N_("%(source)s: de parse-worker van de hub is gestopt; zie het log van de hub."),
                         source=source) from None
    finally:
        connection.close()
    return _answer(kind, payload, source, memory_mb)


def _answer(kind: str, payload, source: str, memory_mb: int) -> bytes:
    if kind == "ok":
        return payload
    if kind == "error":
        message, values = payload  # the child's ParseError: its catalogue entry and values, filled where shown
        raise ParseError(message, **{**values, "source": values.get("source", source)})
    if kind == "timeout":
        raise ParseError(N_("%(source)s: het parsen van de dump duurde langer dan %(seconds)s s en is gestopt; de "
                            "kopie van de node blijft staan."), source=source, seconds=f"{payload:g}")
    if payload in OUT_OF_MEMORY:
        raise ParseError(N_("%(source)s: het parsen van de dump had meer dan %(memory_mb)s MB geheugen nodig en is "
                            "gestopt; de kopie van de node blijft staan. Vraag de node zijn dump na te kijken "
                            "(enorme literals, RDF/XML-entiteiten)."), source=source, memory_mb=memory_mb)
    raise ParseError(N_("%(source)s: de parser stopte onverwacht (exitstatus %(status)s); de kopie van de node "
                        "blijft staan. Zie het log van de hub."), source=source, status=payload)


class ParseWorker:
    """The hub process's one parse worker: started on first use, started again if it died."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def submit(self, job: socket.socket, request: dict) -> None:
        """Hand a job's socket and request to the worker, which forks a child for it."""
        message = json.dumps(request).encode()
        with self._lock:
            for _ in range(2):  # a worker that died since the last job is started again once
                if self._process is None or self._process.poll() is not None:
                    self._start()
                try:
                    socket.send_fds(self._control, [message], [job.fileno()])
                    return
                except OSError:
                    self._process.kill()
        raise ParseError(N_("De parse-worker van de hub start niet; zie het log van de hub."))

    def close(self) -> None:
        """Hang up: the worker kills its children and exits."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def _start(self) -> None:
        first = self._process is None and self._control is None
        self.close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen([sys.executable, "-m", "harvesters.parse_worker", str(theirs.fileno())],
                                         pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._control = ours
        if first:
            atexit.register(self.close)


worker = ParseWorker()
"""One per hub process, like multiprocessing's fork server; nothing starts until the first parse."""
