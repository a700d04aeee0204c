"""Timeline benchmark: the lives of every community from the version log, and the series of a view.

Makes the same changing federation as `bench/history_models.py` (1,000 communities per
member graph, each changing in every one of `--versions` monthly harvests: a count
moves, half add a meeting, some end, about 1% are removed), writes it as the hub's
version log (`registry.ldes.versions.log_triples`) into an embedded store, and times:

- the full timeline (`registry.history.timeline.extend` from nothing): reading the
  versions, loading each into its own graph of a scratch store, the facts query, the
  placement by `federation.assemble`;
- bringing it up to date after one more harvest (only the new versions are read);
- the log token a request checks (`states.token`);
- the series of the national view and of one gemeente (`registry.history.series`).

Absolute times move on a shared machine; run it twice if a number matters.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history_models as hm  # noqa: E402  (a sibling bench module)

from registry import clock  # noqa: E402
from registry.history import series  # noqa: E402
from registry.history.states import token  # noqa: E402
from registry.history.timeline import extend  # noqa: E402
from registry.store import EmbeddedStore  # noqa: E402


def timed(call):
    """(seconds, result); the CPU seconds of this process are kept in `cpu` (less moved by a busy machine)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = call()
    timed.cpu = time.process_time() - cpu_started
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=1000, help="communities in all (1,000 per member graph)")
    parser.add_argument("--versions", type=int, default=10, help="harvests; each community changes in every one")
    args = parser.parse_args()
    members = hm.members(max(1, args.communities // hm.PER_NODE))
    changes, _, _ = hm.history(members, min(hm.PER_NODE, args.communities), args.versions, args.versions // 2)
    last = hm.moment(args.versions - 1)
    store = EmbeddedStore()
    store.extend(hm.literal_log([c for c in changes if c.time != last]))
    print(f"{args.communities:,} communities, {args.versions} versions: {len(changes):,} record versions "
          f"in the log", flush=True)
    seconds, timeline = timed(lambda: extend(None, store, members))
    kept = sum(len(life.versions) for life in timeline.lives.values())
    print(f"full timeline of {args.versions - 1} harvests: {seconds:.1f} s, {timed.cpu:.1f} s CPU "
          f"({len(timeline.lives):,} lives, "
          f"{kept:,} versions with distinct facts, {len(timeline.meetings):,} meetings)", flush=True)
    store.extend(hm.literal_log([c for c in changes if c.time == last]))
    seconds, timeline = timed(lambda: extend(timeline, store, members))
    print(f"after one more harvest ({sum(c.time == last for c in changes):,} new versions): {seconds:.2f} s, "
          f"{timed.cpu:.2f} s CPU")
    seconds, _ = timed(lambda: token(store))
    print(f"log token (checked per request): {seconds * 1000:.0f} ms")
    until = clock.now()
    keep = lambda found: found  # noqa: E731  (no filters)
    seconds, made = timed(lambda: series.series(timeline, series.Area("landelijk"), keep, lambda iri: iri, until))
    print(f"series of the national view: {seconds:.2f} s ({len(made.quarters)} quarters, {len(made.months)} months)")
    code = next(iter(members)).area[0]
    seconds, _ = timed(lambda: series.series(timeline, series.Area("gemeente", code), keep, lambda iri: iri, until))
    print(f"series of gemeente {code}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
