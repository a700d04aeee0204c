"""Snapshots of the data as of a moment, for the query workers (`/sparql?asOf=`).

The pool answers an as-of query as it answers any other, from an N-Quads file a worker
loads (`QueryPool.run(snapshot=...)`). Such a file is named by what fixes its content:
how far the version log had come at the moment (its newest version then), the log's last
privacy erase and, on a hub, the members' descriptions. Every moment between two versions
gives the same file, so asking about many moments costs at most one file per version,
and the name is the kept-answer key (`Answers`) and the worker's generation. The times
of all versions are read once per state of the log; a request only looks up whether a
next version or a new erase is there, so any number of moments costs one read of the
log, not one per moment, and a request costs the same on a small log as on a large one.

Files live beside the live snapshots (`data_dir/run/snapshot-asof-*.nq`), so
`Snapshots.purge()` removes them with the others; a file made before a privacy erase is
deleted as soon as the erase is seen, and only the `keep` most recently used stay.
"""
from __future__ import annotations

import datetime as dt
import bisect
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from registry.history import published
from registry.history.moments import Moment
from registry.history.states import History
from registry.ldes import XSD
from registry.queries import named
from registry.store import Store

PREFIX = "snapshot-asof-"
FORMAT = "v1"
"""Part of every file name: a change to what an as-of dataset holds gives new files."""


@dataclass(frozen=True)
class AsOf:
    """The data as of one moment: its generation (file and answer key) and where the history begins."""

    moment: Moment
    generation: str
    begins: dt.datetime | None  # the oldest version's time; None: no history yet

    @property
    def before_history(self) -> bool:
        """Nothing was recorded yet at that moment: the dataset is empty."""
        return self.begins is None or self.moment.at < self.begins


class AsOfSnapshots:
    """As-of N-Quads files in `folder`, made from `history`'s states; `log_graph` on a hub."""

    def __init__(self, store: Store, history: History, folder: Path, log_graph: str | None = None, keep: int = 6):
        self.store, self.history, self.log_graph, self.keep = store, history, log_graph, keep
        self.folder = Path(folder).absolute()
        self._lock = threading.Lock()  # held while a file is made
        self._times_lock = threading.Lock()
        self._times: tuple[str | None, list[dt.datetime], list[str]] | None = None  # erase, times, numbers

    def position(self, moment: Moment) -> AsOf:
        """How far the log had come at `moment`: its generation (nothing is made yet)."""
        erased, times, numbers = self._log_times()
        recorded = bisect.bisect_right(times, moment.at)
        upto = numbers[recorded - 1] if recorded else "0"
        described = published.members_digest(self._members()) if self.log_graph else "0"
        erase = _short(erased or "")
        self._forget_erased(erase)
        return AsOf(moment, f"asof-{FORMAT}-{erase}-{upto}-{described}", times[0] if times else None)

    def _log_times(self) -> tuple[str | None, list[dt.datetime], list[str]]:
        """The last erase, every version's time (a running maximum, for bisecting) and number; read again
        only when the log moved."""
        with self._times_lock:  # one reader at a time: after a change the others wait and use its read
            known = self._times
            following = str(int(known[2][-1]) + 1) if known and known[2] else "1"
            probe = _values(self.store.select(named("history/as_of_probe").bind(
                following=ox.Literal(following, datatype=ox.NamedNode(XSD + "integer")))))
            if known and "next" not in probe and probe.get("erased") == known[0]:
                return known
            times, numbers, latest = [], [], None
            for row in self.store.select(named("history/as_of_times").text):
                at = dt.datetime.fromisoformat(row["t"].value.replace("Z", "+00:00"))
                latest = at if latest is None or at > latest else latest  # the writers keep them in order already
                times.append(latest)
                numbers.append(row["n"].value)
            self._times = (probe.get("erased"), times, numbers)
            return self._times

    def snapshot(self, as_of: AsOf) -> tuple[str, str]:
        """The file of this dataset, made unless it is there: (generation, path) for `QueryPool.run`."""
        path = self._path(as_of)
        with self._lock:  # one as-of file made at a time: each may hold the whole history's newest data
            if path.exists():
                os.utime(path)  # most recently used: kept longest
                return as_of.generation, str(path)
            return self._make(as_of)

    def _make(self, as_of: AsOf) -> tuple[str, str]:
        for _ in range(3):  # a version written meanwhile, earlier than the moment (today), moves it on
            state = self.history.state(as_of.moment)
            now = self.position(as_of.moment)
            if now.generation == as_of.generation:
                break
            as_of = now
        body = published.nquads(state, self._members() if self.log_graph else None)
        path = self._path(as_of)
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(body)
        os.replace(partial, path)
        made = sorted(self.folder.glob(PREFIX + "*.nq"), key=_mtime, reverse=True)
        for old in made[self.keep:]:
            if old != path:
                old.unlink(missing_ok=True)
        return as_of.generation, str(path)

    def _path(self, as_of: AsOf) -> Path:
        return self.folder / f"snapshot-{as_of.generation}.nq"

    def _members(self) -> list:
        return published.members(self.store, self.log_graph)

    def _forget_erased(self, erased: str) -> None:
        """Delete files made before the latest privacy erase: they may hold what it erased."""
        for path in self.folder.glob(PREFIX + "*.nq"):
            if not path.name.startswith(f"{PREFIX}{FORMAT}-{erased}-"):
                path.unlink(missing_ok=True)


def _values(rows: list) -> dict[str, str]:
    """The first row's values as text (no row, or an unbound variable: left out)."""
    return {name: term.value for name, term in (rows[0] if rows else {}).items() if term is not None}


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
