"""The hub's harvest schedule: one APScheduler per hub, whatever runs the web app.

A WSGI server may create the app in several worker processes, and a debug reloader
in two; only the process that takes `run/harvest/scheduler.lock` schedules. The
lock dies with its process, so a restarted hub takes it again. Each node gets an
interval job with jitter; coalesce and max_instances=1 keep a node to one run at
a time, the executor bounds how many run in parallel, and a run that passes
`harvest_job_timeout_s` is recorded as failed and let go, so no job stays
"running". The schedule needs no store of its own: each node's first run after a
(re)start is its last recorded attempt plus its interval, read from the harvest log.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import random
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor as JobExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from harvesters.hub import Hub
from harvesters.locks import FileLock
from harvesters.log import HarvestRun, now, record_update
from harvesters.status import overview
from harvesters.texts import Text
from registry.errors import N_

log = logging.getLogger(__name__)


MEMBERS_JOB = "bamboe-members"
MEMBERS_EVERY_S = 60
"""How often the scheduler looks for nodes admitted through /aanmelden in another process."""


class HarvestScheduler:
    """Harvest every member on its interval, in the one process holding the lock."""

    def __init__(self, hub: Hub, lock_folder: Path):
        self.hub = hub
        self.lock = FileLock(Path(lock_folder) / "scheduler.lock")
        self.scheduler: BackgroundScheduler | None = None
        parallel = max(1, hub.settings["harvest_parallel"])
        self._runner = ThreadPoolExecutor(max_workers=parallel * 2, thread_name_prefix="harvest-run")
        self._parallel = parallel

    def start(self) -> bool:
        """Start scheduling unless another process already does; say whether this one does."""
        if not self.lock.acquire():
            log.info("harvest scheduler already runs in pid %s; not starting another", self.lock.holder())
            return False
        self.scheduler = BackgroundScheduler(
            executors={"default": JobExecutor(self._parallel)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=dt.timezone.utc,
        )
        self._add(self.hub.harvestable)
        self.scheduler.add_job(self.sync, IntervalTrigger(seconds=MEMBERS_EVERY_S), id=MEMBERS_JOB,
                               name="members admitted elsewhere")
        self.scheduler.start()
        log.info("harvest scheduler started in pid %s for %d node(s)", os.getpid(), len(self.hub.harvestable))
        return True

    def sync(self) -> list[str]:
        """Give members admitted since (by any process over this store) their place; the ids added."""
        if self.scheduler is None:
            return []
        self.hub.refresh_members()
        new = [i for i in self.hub.harvestable if self.scheduler.get_job(i.id) is None]
        self._add(new)
        if new:
            log.info("harvest scheduler added %s", ", ".join(i.id for i in new))
        return [i.id for i in new]

    def _add(self, instances) -> None:
        """A job per node, first due when its last harvest says (plus a little jitter)."""
        jitter = self.hub.settings["harvest_jitter_s"]
        for status in overview(self.hub.store, self.hub.base, instances, self.hub.interval_s):
            interval = self.hub.interval_s(status.instance)
            first = status.next_run + dt.timedelta(seconds=random.uniform(0, min(jitter, interval / 10)))
            self.scheduler.add_job(self.run, IntervalTrigger(seconds=interval, jitter=jitter or None),
                                   args=[status.instance.id], id=status.instance.id, name=status.instance.name,
                                   next_run_time=first, replace_existing=True)

    def run(self, node_id: str) -> HarvestRun | None:
        """One scheduled run, given up (and recorded as failed) after the hard timeout."""
        timeout = self.hub.settings["harvest_job_timeout_s"]
        future = self._runner.submit(self.hub.harvest, node_id)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            instance = self.hub.member(node_id)
            run = HarvestRun(node_id, started=now() - dt.timedelta(seconds=timeout), ended=now(),
                             used=instance.url)
            run.fail(Text(N_("Opgegeven na %(seconds)s s (harvest_job_timeout_s)."), {"seconds": timeout}))
            self.hub.store.update(record_update(self.hub.store, self.hub.base, instance, run, stored=False))
            log.warning("harvest of %s passed %s s; recorded as failed", node_id, timeout)
            return run

    def next_run(self, node_id: str) -> dt.datetime | None:
        job = self.scheduler.get_job(node_id) if self.scheduler else None
        return job.next_run_time if job else None

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def shutdown(self) -> None:
        if self.scheduler and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._runner.shutdown(wait=False, cancel_futures=True)
        self.lock.release()
