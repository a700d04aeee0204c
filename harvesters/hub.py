"""A hub: a node whose settings name an instances file, and what it does with it."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from harvesters.instances import Instance, load_instances, parse_interval
from harvesters.locks import try_lock
from harvesters.log import HarvestRun, graph_iri
from harvesters.members import admitted
from harvesters.pipeline import Options, harvest_node
from registry.errors import N_, NotFound, StoreError
from registry.store import Store
from registry.views.federation import Member

log = logging.getLogger(__name__)


def instances_path(settings: dict, data_dir: Path) -> Path:
    """The instances file named in the settings, relative to the data directory if not absolute."""
    return (Path(data_dir) / settings["instances"]).resolve()


class Hub:
    """The federation as this hub sees it: its members, how to harvest them, and locks."""

    def __init__(self, settings: dict, data_dir: Path, store: Store):
        self.settings = settings
        self.store = store
        self.base = settings["base_url"]
        self.path = instances_path(settings, data_dir)
        self.seed = load_instances(self.path)
        self.instances = list(self.seed)
        self.refresh_members()
        self.options = Options.from_settings(settings, data_dir)
        self.default_interval_s = parse_interval(settings["harvest_interval"])
        self.lock_folder = Path(data_dir) / "run" / "harvest"
        self.after_harvest: list[Callable[[HarvestRun], None]] = []
        """Called after each harvest that stored a copy (the views' index refreshes itself)."""
        self.after_each_harvest: list[Callable[[Instance, HarvestRun], None]] = []
        """Called after every finished harvest, whatever its outcome (reports to the node's contact).
        A callback that raises is logged and never fails the harvest."""

    def member(self, node_id: str) -> Instance:
        for instance in self.instances:
            if instance.id == node_id:
                return instance
        raise NotFound(N_("Geen node %(node)r in %(file)s; bekend zijn: %(known)s."), node=node_id,
                       file=self.path.name, known=", ".join(i.id for i in self.instances))

    def refresh_members(self) -> None:
        """The members: the seed list of the instances file, then those admitted through /aanmelden.

        An admitted node whose id or URL a seed entry has since taken is left out (and logged).
        """
        try:
            joined = admitted(self.store)
        except StoreError as error:  # the store is down: the seed list will do until it is back
            log.warning("could not read the admitted members: %s", error.detail)
            return
        seeds = {i.id for i in self.seed}, {i.url for i in self.seed if i.url}
        clashing = [i.id for i in joined if i.id in seeds[0] or i.url in seeds[1]]
        if clashing:
            log.warning("admitted member(s) %s left out: the instances file has their id or URL", clashing)
        self.instances = [*self.seed, *(i for i in joined if i.id not in clashing)]

    def interval_s(self, instance: Instance) -> int:
        return instance.interval_s or self.default_interval_s

    def view_members(self) -> list[Member]:
        """The members as the views place them: id, name, level, area and their graph."""
        return [Member(i.id, i.name, i.level, i.area, graph_iri(self.base, i.id)) for i in self.instances]

    @property
    def harvestable(self) -> list[Instance]:
        return [instance for instance in self.instances if instance.harvestable]

    def harvest(self, node_id: str, confirm_removals: bool = False) -> HarvestRun | None:
        """Harvest one node now; None when a harvest of it is already running anywhere."""
        instance = self.member(node_id)
        with try_lock(self.lock_folder / f"{instance.id}.lock") as got:
            if not got:
                log.info("harvest of %s already running; skipped", instance.id)
                return None
            run = harvest_node(self.store, self.base, instance, self.options, confirm_removals)
        if run.outcome == "stored":
            for callback in self.after_harvest:
                callback(run)
        for each in self.after_each_harvest:
            try:
                each(instance, run)
            except Exception:  # noqa: BLE001 - a report must never fail the harvest it reports on
                log.exception("after-harvest callback failed for %s", instance.id)
        log.info("harvested %s: %s in %.1f s%s", instance.id, run.outcome, run.seconds,
                 f" ({run.error})" if run.error else "")
        return run

    def harvest_many(self, node_ids: Iterable[str],
                     on_done: Callable[[str, HarvestRun | None], None] | None = None,
                     confirm_removals: bool = False) -> dict[str, HarvestRun | None]:
        """Harvest several nodes, `harvest_parallel` at a time; report each as it finishes."""
        results: dict[str, HarvestRun | None] = {}
        with ThreadPoolExecutor(max_workers=max(1, self.settings["harvest_parallel"]),
                                thread_name_prefix="harvest") as pool:
            futures = {pool.submit(self.harvest, node_id, confirm_removals): node_id for node_id in node_ids}
            for future in as_completed(futures):
                node_id = futures[future]
                results[node_id] = future.result()
                if on_done:
                    on_done(node_id, results[node_id])
        return results
