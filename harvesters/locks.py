"""File locks that other processes respect: one harvest per node, one scheduler per hub.

`flock` locks belong to an open file and vanish when the process dies, so a crashed
worker never leaves a node "running" forever.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


class FileLock:
    """A non-blocking exclusive lock on a file; `acquire` says whether we got it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def holder(self) -> str:
        """Pid of the process holding the lock, as written when it was taken."""
        try:
            return self.path.read_text().strip()
        except FileNotFoundError:
            return ""


@contextmanager
def try_lock(path: Path):
    """Yield True while holding the lock, False (at once) if another holder has it."""
    lock = FileLock(path)
    got = lock.acquire()
    try:
        yield got
    finally:
        if got:
            lock.release()
