"""Cut a query worker off from every network, with whatever the host allows.

Two independent walls, each enough on its own:

- an empty network namespace (`unshare(CLONE_NEWNET)`, as root or through a user
  namespace): the worker has no interface but a dead loopback of its own;
- a seccomp filter (libseccomp, no privileges needed) that makes `socket()` and
  `io_uring_setup()` fail: the worker cannot open any new socket, so SERVICE, a port
  scan or the private store are out of reach even on hosts that forbid namespaces.

The worker keeps the one socket it inherited from the node. A host that offers
neither wall gets no public queries unless its operator says an outbound firewall is
in place (setting `sparql_allow_unisolated`). `BAMBOE_SANDBOX_SKIP=netns,seccomp`
skips walls on purpose, to test and diagnose that refusal.
"""
from __future__ import annotations

import ctypes
import errno
import os

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


def isolate() -> list[str]:
    """Raise every wall this host allows; return the names of those that stand."""
    skip = set(os.environ.get("BAMBOE_SANDBOX_SKIP", "").split(","))
    walls = []
    if "netns" not in skip and cut_network():
        walls.append("netns")
    if "seccomp" not in skip and forbid_sockets():
        walls.append("seccomp")
    return walls


def cut_network() -> bool:
    """Move into an empty network namespace; False where the OS refuses."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    return libc.unshare(CLONE_NEWNET) == 0 or libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def forbid_sockets() -> bool:
    """Install a seccomp filter refusing new sockets; False where seccomp is missing."""
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for call in ("socket", "socketpair", "io_uring_setup"):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), call)
        rules.load()  # sets no_new_privs itself, so no privilege is needed
    except (ImportError, OSError, RuntimeError, ValueError):
        return False
    return True


def exit_when_orphaned(interval_s: float = 1.0) -> None:
    """Watch the parent from a thread; end this process at once when the parent is gone.

    A worker whose node was killed with -9 must not go on holding memory and CPU.
    (PR_SET_PDEATHSIG would fire when the spawning *thread* ends, and workers are
    respawned from short-lived threads, so the worker watches for itself.)
    """
    import threading
    import time

    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
