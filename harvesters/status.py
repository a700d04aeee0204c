"""Read the harvest log back: per member the last attempt, last success, staleness, findings.

Plain functions over the store; the hub's status page, its CSV export and the
scheduler (which resumes each node's schedule from its last attempt) all read here.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from harvesters.instances import Instance
from harvesters.log import GOOD, HarvestRun, graph_iri, log_graph, member_iri, now
from registry.queries import named
from registry.store import Store
from registry.validation import Finding


@dataclass
class MemberStatus:
    instance: Instance
    runs: list[HarvestRun] = field(default_factory=list)  # newest first
    copy_made: dt.datetime | None = None
    stale_since: dt.datetime | None = None
    interval_s: int | None = None
    scheduled: dt.datetime | None = None  # the scheduler's own next run time, when it runs here

    @property
    def last_attempt(self) -> HarvestRun | None:
        return self.runs[0] if self.runs else None

    @property
    def last_success(self) -> HarvestRun | None:
        return next((run for run in self.runs if run.outcome in GOOD), None)

    @property
    def last_checked(self) -> HarvestRun | None:
        """The newest run that validated a new copy (stored, held, or one that quarantined all it saw)."""
        return next((run for run in self.runs if run.outcome in ("stored", "held") or run.quarantined), None)

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    @property
    def age_s(self) -> float | None:
        """Seconds since the hub's copy was last confirmed current."""
        success = self.last_success
        return (now() - success.ended).total_seconds() if success and success.ended else None

    @property
    def next_run(self) -> dt.datetime | None:
        if self.scheduled is not None:
            return self.scheduled
        if not self.instance.harvestable or self.interval_s is None:
            return None
        attempt = self.last_attempt
        return now() if attempt is None else max(now(), attempt.started + dt.timedelta(seconds=self.interval_s))


def overview(store: Store, hub_base: str, instances: list[Instance], interval_of=None) -> list[MemberStatus]:
    """Status of every member, in the order of the instances file."""
    runs = read_runs(store, hub_base, [i.id for i in instances])
    statuses = {i.id: MemberStatus(i, runs.get(i.id, []), interval_s=interval_of(i) if interval_of else None)
                for i in instances}
    by_graph = {graph_iri(hub_base, i.id): statuses[i.id] for i in instances}
    for row in store.select(named("harvest/graphs").bind(log=ox.NamedNode(log_graph(hub_base)))):
        status = by_graph.get(row["graph"].value)
        if status:
            status.copy_made = _datetime(row["generated"])
            status.stale_since = _datetime(row["staleSince"]) if row.get("staleSince") is not None else None
    return list(statuses.values())


def read_runs(store: Store, hub_base: str, node_ids: Iterable[str]) -> dict[str, list[HarvestRun]]:
    """Every recorded run of these members, per member id, newest first."""
    prefix = member_iri(hub_base, "")
    query = named("harvest/runs")
    text = query.bind_values(query.bind(log=ox.NamedNode(log_graph(hub_base))), "member",
                             [ox.NamedNode(prefix + node_id) for node_id in node_ids])
    runs: dict[str, list[HarvestRun]] = defaultdict(list)
    seen: dict[str, HarvestRun] = {}
    for row in store.select(text):
        value = lambda name: row[name].value if row.get(name) is not None else None  # noqa: E731
        number = lambda name: int(value(name)) if value(name) is not None else None  # noqa: E731
        error = row.get("error")
        language = error.language if isinstance(error, ox.Literal) else None
        earlier = seen.get(row["run"].value)
        if earlier is not None:  # one row per language of the error: the same run again
            if language == "en":
                earlier.error_en = error.value
            elif error is not None:
                earlier.error = error.value
            continue
        node_id = row["member"].value.removeprefix(prefix)
        run = seen[row["run"].value] = HarvestRun(
            node=node_id, started=_datetime(row["started"]), ended=_datetime(row["ended"]) if value("ended") else None,
            outcome=value("outcome"), used=value("used"), http_status=number("status"), etag=value("etag"),
            last_modified=value("lastModified"), feed_position=number("feedPosition"), triples=number("triples"),
            added=number("added") or 0, updated=number("updated") or 0, removed=number("removed") or 0,
            quarantined=number("quarantined") or 0, out_of_scope=number("outOfScope") or 0,
            error=value("error") if language != "en" else None, error_en=value("error") if language == "en" else None,
        )
        runs[node_id].append(run)
    return runs


def findings(store: Store, hub_base: str, run: HarvestRun) -> dict[str, list[Finding]]:
    """The run's findings grouped by rule (the shape), rules in name order."""
    rows = store.select(named("harvest/findings").bind(log=ox.NamedNode(log_graph(hub_base)),
                                                      run=ox.NamedNode(run.iri(hub_base))))
    grouped: dict[str, dict[str, Finding]] = defaultdict(dict)
    for row in rows:
        key = (row["focus"].value, row.get("path") and row["path"].value, row.get("value") and row["value"].value)
        message = row["message"]
        existing = grouped[row["shape"].value].get(key)
        texts = {"nl": existing.message_nl, "en": existing.message_en} if existing else {}
        texts[message.language or "nl"] = message.value
        grouped[row["shape"].value][key] = Finding(
            severity=row["severity"].value.rsplit("#", 1)[-1], focus=key[0], path=key[1], value=key[2],
            message_nl=texts.get("nl", texts.get("en", "")), message_en=texts.get("en", texts.get("nl", "")),
            shape=row["shape"].value)
    return {shape: list(found.values()) for shape, found in sorted(grouped.items())}


def _datetime(literal: ox.Literal) -> dt.datetime:
    return dt.datetime.fromisoformat(literal.value.replace("Z", "+00:00"))
