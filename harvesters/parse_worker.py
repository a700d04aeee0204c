"""The hub's parse worker: forks one memory-capped child per dump, so a hostile dump can kill only that child.

Started as `python -m harvesters.parse_worker FD` by `harvesters.parse`: a fresh
interpreter that imports the parser once, then waits on the socket FD for jobs. A
job is a small JSON request with a socket of its own. The worker forks a child for
it (cheap: nothing to import, no threads in the worker), which caps its memory with
`RLIMIT_DATA`, reads the dump's bytes from the job socket and answers ("ok", size)
followed by the triples as N-Triples, or ("error", (message, values)). When pyoxigraph cannot
allocate it aborts the process: that ends the child, never the hub. The worker waits
for every child, kills one past its deadline, and tells the job how a child that
sent nothing ended: ("exit", status) or ("timeout", seconds).
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from registry import rdf
from registry.errors import ParseError
from registry.sandbox.worker import limit_memory

MEMORY_EXIT = 3
"""Exit status of a child that ran out of memory in Python (pyoxigraph aborts instead)."""


@dataclass
class Job:
    """One dump being parsed: its child, the socket to the hub, and its deadline."""

    pid: int
    hub: socket.socket
    timeout_s: float
    deadline: float
    killed: bool = False


def serve(control: socket.socket) -> None:
    """Fork a child per job until the hub hangs up; then kill what still runs."""
    running: dict[int, Job] = {}  # by the child's pidfd, which select() sees become readable when it ends
    while True:
        first = min((job.deadline for job in running.values() if not job.killed), default=None)
        timeout = None if first is None else max(0.0, first - time.monotonic())
        ready, _, _ = select.select([control, *running], [], [], timeout)
        if control in ready:
            message, fds, _, _ = socket.recv_fds(control, 65536, 1)
            if not message:
                break
            pidfd, job = start(json.loads(message), socket.socket(fileno=fds[0]), control, running)
            running[pidfd] = job
        for pidfd in [fd for fd in ready if fd is not control]:
            report(running.pop(pidfd), pidfd)
        for job in running.values():
            if not job.killed and job.deadline <= time.monotonic():
                os.kill(job.pid, signal.SIGKILL)
                job.killed = True
    for job in running.values():
        os.kill(job.pid, signal.SIGKILL)


def start(request: dict, hub: socket.socket, control: socket.socket, running: dict[int, Job]) -> tuple[int, Job]:
    """Fork the child for one job; in the child, close what belongs to the worker and parse."""
    pid = os.fork()
    if pid == 0:
        for pidfd, other in running.items():
            os.close(pidfd)
            other.hub.close()
        control.close()
        _child(hub, request)
    return os.pidfd_open(pid), Job(pid, hub, request["timeout_s"], time.monotonic() + request["timeout_s"])


def report(job: Job, pidfd: int) -> None:
    """Reap a child and tell its job how it ended (the hub reads this only when the child sent nothing)."""
    os.close(pidfd)
    _, status = os.waitpid(job.pid, 0)
    ending = ("timeout", job.timeout_s) if job.killed else ("exit", os.waitstatus_to_exitcode(status))
    try:
        Connection(job.hub.detach()).send(ending)
    except OSError:
        pass  # the hub gave up on this job already


def _child(job: socket.socket, request: dict) -> None:
    """Parse one dump under the memory cap and answer; never return into the worker's loop."""
    status = 0
    try:
        limit_memory(request["memory_mb"])
        connection = Connection(job.detach())
        try:
            ntriples = parse_job(connection.recv_bytes(), request)
        except ParseError as error:
            if error.context.get("out_of_memory"):
                raise MemoryError from None
            plain = {name: value for name, value in error.context.items()
                     if isinstance(value, (str, int, float, bool)) or value is None}
            connection.send(("error", (error.message, plain)))  # the hub fills it in each language
        else:
            connection.send(("ok", len(ntriples)))
            connection.send_bytes(ntriples)
    except MemoryError:
        status = MEMORY_EXIT
    except BaseException:  # a bug: say so in the hub's log; the hub reports the exit status
        traceback.print_exc()
        status = 1
    finally:
        os._exit(status)


def parse_job(body: bytes, request: dict) -> bytes:
    """The dump's triples as N-Triples, streamed from the parser: memory stays a few times the dump."""
    quads = rdf.iter_parse(body, rdf.syntax_for(request["syntax"]), base_iri=request["base_iri"],
                           source=request["source"])
    return ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the hub's terminal is the hub's to handle
    serve(socket.socket(fileno=int(sys.argv[1])))
