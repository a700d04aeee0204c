"""Everything a running node holds: settings, store, caches and the query pool."""
from __future__ import annotations

import gzip
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from registry import rdf
from registry.accounts import Accounts
from registry.communities import CommunityIndex
from registry.editing.concepts import ConceptCatalogue
from registry.editing.service import Editor
from registry.errors import StoreError
from registry.history import dump as history_dump
from registry.history.moments import Moment
from registry.history.states import History, Token, token
from registry.labels import Labels
from registry.node import data_graph
from registry.sandbox import QueryPool
from registry.signals import SignalIndex
from registry.store import EmbeddedStore, Store, remote_store, vocabulary
from registry.store.remote import RemoteStore
from registry.store.server import OxigraphServer
from registry.views.index import FederationIndex, federation_of

log = logging.getLogger(__name__)


@dataclass
class Node:
    settings: dict
    data_dir: Path
    store: Store
    server: OxigraphServer | None = None
    index: CommunityIndex = field(init=False)
    labels: Labels = field(init=False)
    signals: SignalIndex = field(init=False)
    pool: QueryPool = field(init=False)

    def __post_init__(self):
        self._install_vocabulary()
        self.labels = Labels(self.store)
        self.index = CommunityIndex(self.store, self.labels.label)
        self.signals = SignalIndex(self.store)
        self.snapshots = Snapshots(self.store, self.data_dir / "run")
        self.accounts = Accounts(self.data_dir)
        self.concepts = ConceptCatalogue(self.store)
        self.editor = Editor(self.store, self.settings, self.concepts, self.snapshots)
        s = self.settings
        self.pool = QueryPool(self.snapshots.current, s["sparql_workers"], s["sparql_timeout_s"],
                              s["sparql_memory_mb"], s["sparql_per_client"], s["sparql_queue"],
                              s["sparql_allow_unisolated"])
        self.hub = None
        if s["instances"]:
            from harvesters.hub import Hub  # harvesters builds on registry; import it only for a hub

            self.hub = Hub(s, self.data_dir, self.store)
        self.courier = None
        if self.hub:  # reports to the members' contacts and "meld een fout" notes (harvesters.report_back)
            from harvesters.report_back import attach

            self.courier = attach(self.hub, self.data_dir)
        self.federation = None
        if self.hub:
            self.federation = FederationIndex(self.store, self.hub.view_members(), follow_members=self._members_now)
            self.hub.after_harvest.append(lambda run: self.members_changed())
        self.history = History(self.store, data_graph(s["base_url"]))
        self.scheduler = None

    def _members_now(self):
        """The hub's members as the store has them now (admissions by any process over this store)."""
        self.hub.refresh_members()
        return self.hub.view_members()

    def members_changed(self) -> None:
        """Let the views follow the hub's member list (a node admitted through /aanmelden), in the background."""
        self.federation.members = self.hub.view_members()
        self.federation.refresh_soon()

    def federation_as_of(self, moment: Moment):
        """The hub's federation as it was at `moment`, made once per moment from the version log."""
        members = self.hub.view_members()
        return self.history.derived(moment, "federation", lambda state: federation_of(state.texts, members, moment.day))

    def _install_vocabulary(self) -> None:
        """Give the store the shipped vocabulary the signals follow (a private graph; see store.vocabulary)."""
        try:
            vocabulary.install(self.store)
        except StoreError as error:  # the store is down: the signals install it when it is back
            log.warning("could not install the vocabulary graph yet: %s", error.detail)

    def start_schedule(self) -> bool:
        """Start harvesting on a schedule, unless another process of this hub already does."""
        from harvesters.schedule import HarvestScheduler

        self.scheduler = HarvestScheduler(self.hub, self.data_dir / "run" / "harvest")
        return self.scheduler.start()

    @classmethod
    def start(cls, settings: dict, data_dir: Path, store: Store | None = None) -> "Node":
        """Open the configured store (starting the private Oxigraph server if needed)."""
        server = None
        if store is None:
            if settings["store"] == "remote":
                store = remote_store(settings)
            elif settings["store"] == "embedded":
                store = EmbeddedStore(data_dir / "store")
            else:
                server = OxigraphServer(data_dir / "store", settings["store_timeout_s"]).start()
                store = RemoteStore.for_oxigraph(server.url)
        return cls(settings, data_dir, store, server)

    def close(self) -> None:
        """Stop scheduler, workers, store and server; safe to call more than once."""
        if self.scheduler:
            self.scheduler.shutdown()
        if self.courier:
            self.courier.stop()
        self.pool.close()
        self.store.close()
        if self.server:
            self.server.stop()


class Snapshots:
    """N-Quads copies of the store for the query workers, one per store generation."""

    def __init__(self, store: Store, folder: Path):
        self.store = store
        self.folder = Path(folder).absolute()  # send_file resolves relative paths against the app, not the cwd
        self._current: tuple[str, str] | None = None
        self._previous: str | None = None
        self._lock = threading.Lock()
        self._history_lock = threading.Lock()  # apart: a history dump takes seconds, a query snapshot must not wait

    def current(self) -> tuple[str, str]:
        generation = self.store.state()[0]
        with self._lock:
            if self._current is None or self._current[0] != generation:
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"snapshot-{generation}.nq"
                partial = path.with_suffix(".partial")
                partial.write_bytes(self.store.dump())
                os.replace(partial, path)
                if self._previous:  # the one before is kept: a request may still be reading it
                    for old in self.folder.glob(f"*-{self._previous}.*"):
                        old.unlink(missing_ok=True)
                self._previous = self._current[0] if self._current else None
                self._current = (generation, str(path))
                self._drop_old_history()  # a privacy erase rewrote the log: its old dump must go now
            return self._current

    def purge(self) -> None:
        """Remove every snapshot and dump file, so deleted data leaves no copy on disk."""
        with self._lock:
            for path in self.folder.glob("snapshot-*"):
                path.unlink(missing_ok=True)
            for path in self.folder.glob("dump-*"):
                path.unlink(missing_ok=True)
            for path in self.folder.glob(history_dump.PREFIX + "*"):
                path.unlink(missing_ok=True)
            self._current = self._previous = None

    def dump_file(self, syntax_key: str, gzipped: bool) -> tuple[str, Path]:
        """The dump of the current generation in N-Quads or Turtle, made once and kept."""
        try:
            return self._dump_file(syntax_key, gzipped)
        except FileNotFoundError:  # the store moved on twice while this read: read the newest
            return self._dump_file(syntax_key, gzipped)

    def _dump_file(self, syntax_key: str, gzipped: bool) -> tuple[str, Path]:
        generation, snapshot = self.current()
        path = Path(snapshot)
        if syntax_key == "turtle":
            path = self._derived(path, path.with_name(f"dump-{generation}.ttl"), rdf.nquads_to_turtle)
        if gzipped:
            path = self._derived(path, path.with_name(path.name + ".gz"), gzip.compress)
        return generation, path

    def history_file(self, base: str, source: str) -> tuple[Token, BinaryIO]:
        """The history dump of the log as it is now (registry/history/dump.py), open for reading.

        Made once per log state; making one deletes every other, so after a privacy
        erase no older file keeps what was erased. `source` is what a node's versions
        were derived from (its dump). The file is opened here, so a newer state that
        deletes it meanwhile does not cut this reader short.
        """
        try:
            return self._history_file(base, source)
        except FileNotFoundError:  # another process made a newer state's file and deleted this one
            return self._history_file(base, source)

    def _history_file(self, base: str, source: str) -> tuple[Token, BinaryIO]:
        state = token(self.store)
        path = self.folder / history_dump.file_name(state)
        with self._history_lock:
            if not path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                history_dump.write(self.store, base, source, path, upto=state.count)
            self._drop_old_history(path)
            return state, path.open("rb")

    def _drop_old_history(self, keep: Path | None = None) -> None:
        """Delete history dumps of any log state but the current one (or `keep`)."""
        made = list(self.folder.glob(history_dump.PREFIX + "*.nq.gz"))
        if not made:
            return
        keep = keep or self.folder / history_dump.file_name(token(self.store))
        for path in made:
            if path != keep:
                path.unlink(missing_ok=True)

    def _derived(self, source: Path, target: Path, convert) -> Path:
        with self._lock:
            if not target.exists():
                partial = target.with_name(target.name + ".partial")
                partial.write_bytes(convert(source.read_bytes()))
                os.replace(partial, target)
        return target
