"""One node through every stage: fetch → parse → scope → validate → store → record.

Scope comes before validation so that triples a node may not write are never
validated, only dropped and counted. `harvest_node` never raises for a node's fault: a failing stage ends the run as
`failed`, the last good copy stays (marked stale) and the run is recorded. The store
stage replaces the node's graph and writes the run's provenance in one transaction.

A node that publishes an event stream (LDES) is followed instead of re-read: the
first harvest takes the dump and notes where the stream ends; later ones read only
the stream's pages since then, take the newest version of each changed resource as
its record and pass the same scope, validation and hold rules, and the store stage
rewrites only the changed records. Whenever the stream cannot bring the copy up to
date (gone, broken, no longer holding what the hub last read) the dump is harvested
as before; see `harvesters.ldes`.

Before anything is compared, the node's privacy erasures that the hub has not applied
yet are applied to its copy and to every version it keeps (`harvesters.erasures`).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from harvesters import erasures, ldes
from harvesters.check import check
from harvesters.fetch import Limits, discover, feed_position, fetch_dump, open_session
from harvesters.ssrf import guarded_session
from harvesters.instances import Instance
from harvesters.log import GOOD, HarvestRun, copy_baseline, graph_iri, now, record_update
from harvesters.parse import parse_dump
from harvesters.records import Record, diff, split, triples_of
from harvesters.scope import scope
from harvesters.status import read_runs
from harvesters.texts import Text
from registry.errors import N_, BamboeError, FetchError
from registry.history.erase import remove_stale_copies
from registry.ldes import versions
from registry.queries import insert_data, named
from registry.store import Store


@dataclass(frozen=True)
class Options:
    """How a hub harvests; read from its settings."""

    limits: Limits = Limits()
    hold_share: float = 0.3
    hold_min_records: int = 10
    run_folder: Path | None = None  # the hub's dump and query snapshots: removed after a privacy erase
    allow_private_nodes: bool = False  # setting of that name: may a registered node's requests go inside?

    @classmethod
    def from_settings(cls, settings: dict, data_dir: Path | None = None) -> "Options":
        return cls(Limits.from_settings(settings), settings["harvest_hold_share"],
                   run_folder=Path(data_dir) / "run" if data_dir else None,
                   allow_private_nodes=settings["allow_private_nodes"])


@dataclass(frozen=True)
class Previous:
    """What the last good run left: validators for a conditional request."""

    used: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed_position: int | None = None
    triples: int | None = None
    held_etag: str | None = None  # ETag of the dump a held run saw: only that one may be confirmed
    baseline: int | None = None  # records high-water mark of the copy since removals were last confirmed


log = logging.getLogger(__name__)
_store_lock = threading.Lock()
"""Writes to the hub's store go one at a time; fetching and validating run in parallel."""


def harvest_node(store: Store, hub_base: str, instance: Instance, options: Options,
                 confirm_removals: bool = False) -> HarvestRun:
    """Harvest one node; return what happened (also recorded in the harvest log)."""
    run = HarvestRun(instance.id, started=now(), used=instance.url)
    stored = False
    try:
        if not instance.harvestable:
            raise FetchError(N_("%(node)s heeft geen URL in het instances-bestand (of is gestopt)."),
                             node=instance.id)
        stored = _harvest(store, hub_base, instance, options, run, confirm_removals)
    except BamboeError as error:
        run.outcome = "failed"
        run.fail(Text.of(error))
        run.http_status = error.context.get("http_status", run.http_status)
    except Exception as error:  # a bug must fail this node, visibly, not the whole run
        log.exception("harvest of %s failed unexpectedly", instance.id)
        run.outcome = "failed"
        run.fail(Text(N_("Interne fout (%(kind)s: %(reason)s); zie het log van de hub."),
                      {"kind": type(error).__name__, "reason": str(error)}))
    finally:
        run.ended = run.ended or now()
        if not stored:
            try:
                update = record_update(store, hub_base, instance, run, stored=False)
                if run.outcome in GOOD:  # the copy is current: so is the position in the stream that says so
                    update += " ;\n" + ldes.remember(instance.id, run.stream_position)
                with _store_lock:
                    store.update(update)
            except BamboeError as error:  # the hub's store is down: say so, keep the run going
                log.error("could not record the harvest of %s: %s", instance.id, error.detail)
                unrecorded = Text(N_("niet vastgelegd: %(reason)s"), {"reason": Text.of(error)})
                run.error = f"{run.error or ''} ({unrecorded.in_language('nl')})".strip()
                run.error_en = f"{run.error_en or ''} ({unrecorded.in_language('en')})".strip()
    return run


def _session(instance: Instance, options: Options):
    """The harvest's HTTP session; a node that registered itself gets the guard its check had
    (`harvesters.ssrf`): its description cannot send the hub to another host or inside its network."""
    session = open_session(options.limits)
    return guarded_session(session, instance.url, options.allow_private_nodes) if instance.registered else session


def _harvest(store, hub_base, instance, options, run, confirm_removals) -> bool:
    limits = options.limits
    previous = last_good(store, hub_base, instance.id)
    with _session(instance, options) as session:
        endpoints = discover(session, instance.url, limits)
        if endpoints.erasures:
            _erase(store, hub_base, instance, erasures.read(session, endpoints.erasures, limits), options.run_folder)
        stream = _stream(session, endpoints, limits, instance)
        position = ldes.saved(store, instance.id) if stream else None
        if position and position.stream == stream.iri and previous.used and not confirm_removals:
            followed = _followed(session, stream, position, limits, instance)
            if followed is not None:
                return _apply_stream(store, hub_base, instance, options, run, stream, followed, previous)
        run.used = endpoints.dump
        same_source = previous.used == endpoints.dump
        run.stream_position = _head(session, stream, limits, instance, run) if stream else None
        if endpoints.feed:
            run.feed_position = feed_position(session, endpoints.feed, limits)
            if same_source and run.feed_position is not None and run.feed_position == previous.feed_position:
                return _unchanged(run, previous, run.feed_position)  # the feed shows nothing new: no dump request
        fetched = fetch_dump(session, endpoints.dump, limits, *(
            (previous.etag, previous.last_modified) if same_source else (None, None)))
    run.http_status = fetched.status
    if fetched.status == 304:  # our copy is the dump as it was after the feed position read above
        return _unchanged(run, previous, run.feed_position)
    run.etag, run.last_modified = fetched.etag, fetched.last_modified
    scoped = scope(parse_dump(fetched, limits), instance.url)
    records, orphans = split(scoped.kept)
    run.out_of_scope = scoped.dropped_count + orphans
    before, _ = split(store.graph_triples(graph_iri(hub_base, instance.id)))
    return _apply(store, hub_base, instance, options, run, before, records, previous, confirm_removals, patch=False)


def _erase(store, hub_base, instance, notices, run_folder: Path | None) -> None:
    """Purge what the node erased from the copy and every version, before the copy is compared with the node.

    The node's rewritten data then equals the copy, so neither the dump nor the stream
    (which carries no new version for an erase) brings the erased values back.
    """
    if not notices:
        return
    with _store_lock, versions.numbering():  # no catch-up in this process reads the log half-way
        update, count = erasures.pending(store, hub_base, instance, notices)
        if count:
            store.update(update)
            if run_folder is not None:
                remove_stale_copies(run_folder, store.state()[0])


def _stream(session, endpoints, limits, instance) -> ldes.Stream | None:
    """The node's event stream, if it offers one that reads as one; else None (the dump will do)."""
    if not endpoints.stream:
        return None
    try:
        return ldes.describe(session, endpoints.stream, limits)
    except BamboeError as error:
        log.info("stream of %s unusable (%s); harvesting its dump", instance.id, error)
        return None


def _head(session, stream, limits, instance, run) -> ldes.Position | None:
    """Where the stream ends before the dump is read: the next harvest follows it from there."""
    try:
        found = ldes.follow(session, stream, ldes.Position(stream.iri, stream.view), limits)
    except BamboeError as error:
        log.info("end of the stream of %s not found (%s); its next harvest reads the dump again", instance.id, error)
        return None
    run.stream_pages = found.pages
    return found.position


def _followed(session, stream, position, limits, instance) -> ldes.Followed | None:
    """The versions since `position`; None when the stream cannot say (a gap, a fetch or parse error)."""
    try:
        return ldes.follow(session, stream, position, limits)
    except (BamboeError, ValueError) as error:  # the dump still works
        log.info("stream of %s not followed (%s); harvesting its dump", instance.id, error)
        return None


def _apply_stream(store, hub_base, instance, options, run, stream, followed, previous) -> bool:
    """Apply the versions the node published since the last harvest to the hub's copy."""
    run.used, run.stream_pages, run.stream_position = stream.iri, followed.pages, followed.position
    if not followed.members:
        return _unchanged(run, previous, previous.feed_position)
    before, _ = split(store.graph_triples(graph_iri(hub_base, instance.id)))
    records = dict(before)
    for iri, record in ldes.newest_records(followed.members).items():
        scoped = scope(list(record.triples), instance.url) if record else None
        kept, orphans = split(scoped.kept) if scoped else ({}, 0)
        run.out_of_scope += (scoped.dropped_count if scoped else 0) + orphans
        if iri in kept:
            records[iri] = kept[iri]
        else:
            records.pop(iri, None)
    return _apply(store, hub_base, instance, options, run, before, records, previous, False, patch=True)


def _apply(store, hub_base, instance, options, run, before, records, previous, confirm_removals, patch) -> bool:
    """Quarantine, hold or store the node's new records; `patch` writes only the changed ones."""
    graph = graph_iri(hub_base, instance.id)
    final = _quarantine(records, before, run)
    changes = diff(before, final)
    run.added, run.updated, run.removed = len(changes.added), len(changes.updated), len(changes.removed)
    triples = triples_of(final.values())
    run.triples = len(triples)
    confirmed = confirm_removals and previous.held_etag is not None and previous.held_etag == run.etag
    baseline = max(previous.baseline or 0, len(before))
    reason = hold_reason(len(before), len(final), len(changes.removed), baseline, options)
    if reason and not confirmed:
        run.outcome, run.baseline = "held", baseline
        run.fail(Text(N_("%(reason)s; de vorige kopie blijft staan tot een beheerder het bevestigt "
                         "(de node is veranderd sinds de bevestiging: bevestig opnieuw).") if confirm_removals
                      else N_("%(reason)s; de vorige kopie blijft staan tot een beheerder het bevestigt."),
                      {"reason": reason}))
        return False
    if not changes:
        run.outcome = "unchanged"
        return False
    run.outcome = "stored"
    run.baseline = len(final) if confirmed else max(baseline, len(final))
    with _store_lock, versions.numbering():
        run.ended = now()  # the copy's time, its provenance's and its versions' (later in the log than any before)
        also = " ;\n".join(part for part in (
            record_update(store, hub_base, instance, run, stored=True),
            ldes.remember(instance.id, run.stream_position),
            versions.harvest_versions(store, graph, final, run.ended, {
                "run": run.iri(hub_base), "source": run.used or "", "etag": run.etag or ""})) if part)
        if patch:
            drop = named("ldes/drop_records")
            changed = [ox.NamedNode(iri) for iri in sorted(changes.updated | changes.removed)]
            new = triples_of(final[iri] for iri in sorted(changes.added | changes.updated))
            store.update(" ;\n".join([drop.bind_values(drop.bind(graph=ox.NamedNode(graph)), "resource", changed),
                                       insert_data(graph, new), also]))
        else:
            store.replace_graph(graph, triples, also=also)
    return True


def _quarantine(records: dict[str, Record], before: dict[str, Record], run: HarvestRun) -> dict[str, Record]:
    """Leave out records with violations; an updated one keeps its previous good version."""
    changed = diff(before, records).changed
    checked = check(records, changed)
    run.quarantined, run.findings = len(checked.quarantined), checked.findings
    final = {iri: record for iri, record in records.items() if iri not in checked.quarantined}
    final.update({iri: before[iri] for iri in checked.quarantined if iri in before})
    return final


def hold_reason(before: int, after: int, removed: int, baseline: int, options: Options) -> Text | None:
    """Why a harvest must wait for an admin to confirm its removals; None when it may be stored.

    `before` and `after` are the node's records in the hub's copy now and after this
    harvest, `removed` how many of them it drops, and `baseline` the most records the
    copy has held since an admin last confirmed removals (the high-water mark, reset
    to the confirmed count). A harvest is held when it would:

    1. leave no records of a copy that has any, whatever its size;
    2. remove more than `hold_share` of the copy's records at once (a copy of at
       least `hold_min_records`);
    3. leave fewer than (1 - `hold_share`) x `baseline` records (a baseline of at
       least `hold_min_records`), so successive cuts that each pass rule 2
       (87 -> 65 -> 56 records) are held once they add up.
    """
    share, least = options.hold_share, options.hold_min_records
    if before and not after:
        return Text(N_("alle %(before)s records zouden verdwijnen"), {"before": before})
    if before >= least and removed > share * before:
        return Text(N_("%(removed)s van de %(before)s records zouden in één keer verdwijnen"),
                    {"removed": removed, "before": before})
    if baseline >= least and after < (1 - share) * baseline:
        return Text(N_("er zouden %(after)s records overblijven van de %(baseline)s die de node had sinds "
                       "verwijderingen het laatst zijn bevestigd (meer dan %(share)s minder)"),
                    {"after": after, "baseline": baseline, "share": f"{share:.0%}"})
    return None


def _unchanged(run: HarvestRun, previous: Previous, feed_position: int | None) -> bool:
    """Nothing new: the copy and its validators stay."""
    run.outcome = "unchanged"
    run.etag, run.last_modified, run.triples = previous.etag, previous.last_modified, previous.triples
    run.feed_position = feed_position
    return False


def last_good(store: Store, hub_base: str, node_id: str) -> Previous:
    """Validators of the copy the hub holds (newest stored or unchanged run), and a pending hold."""
    runs = read_runs(store, hub_base, [node_id]).get(node_id, [])
    held = runs[0].etag if runs and runs[0].outcome == "held" else None
    baseline = copy_baseline(store, hub_base, node_id)
    for run in runs:
        if run.outcome in GOOD:
            return Previous(run.used, run.etag, run.last_modified, run.feed_position, run.triples, held, baseline)
    return Previous(held_etag=held, baseline=baseline)
