"""History dump benchmark: time, size and memory of `/dump-geschiedenis.nq.gz` over a real hub's log.

The federation and its months come from `bench/history.py`: FakeNodes serving generated
data that changes every month (every community's count moves, half add a meeting, 5% end,
1% go), harvested once a month by the production pipeline into an in-memory hub, which
records the versions in the harvest's transaction. Then the history dump is made as the
hub makes it (`registry.history.dump.write`), and measured:

- the counts for VoID (`summary`, one aggregate query over the log) and the token query
  every `/` asks first;
- writing the gzipped file: seconds, quads, bytes gzipped and unpacked, and the growth
  of the process's resident memory while writing (sampled), beside the size of the log;
- that the file holds exactly the quads `summary` counted.

    .venv/bin/python bench/history_dump.py --communities 1000 --versions 10 [--keep log.nq]
    .venv/bin/python bench/history_dump.py --log log.nq     # measure a kept log again
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import resource
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from registry import clock
from registry.history import dump as history_dump
from registry.history.states import token
from registry.ldes import LOG_GRAPH
from registry.store import EmbeddedStore

HERE = Path(__file__).resolve().parent


def federation_bench():
    """`bench/history.py` as a module (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("history_bench", HERE / "history.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakMemory:
    """Resident memory sampled every 20 ms while the block runs."""

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._done.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=1000, help="communities in all, spread over the members")
    parser.add_argument("--versions", type=int, default=10, help="monthly harvests; every community changes in each")
    parser.add_argument("--members", type=int, default=None, help="member nodes (default: one per 1,000 communities)")
    parser.add_argument("--keep", type=Path, help="also write the log (N-Quads) here, to measure again with --log")
    parser.add_argument("--log", type=Path, help="measure the log kept by --keep instead of harvesting one")
    args = parser.parse_args()
    args.members = args.members or max(1, args.communities // 1000)
    args.per_member = args.communities // args.members
    bench = federation_bench()
    hub = EmbeddedStore()
    if args.log:
        hub.extend(ox.parse(args.log.read_bytes(), format=ox.RdfFormat.N_QUADS))
    else:
        harvest(args, bench, hub)
    measure(bench, hub)
    hub.close()


def harvest(args, bench, hub: EmbeddedStore) -> None:
    """The months of `bench/history.py`, harvested into `hub`."""
    real_now = clock.now
    nodes, instances, _ = bench.start_federation(args)
    twin, timings = EmbeddedStore(), bench.Timings()
    timings.install()
    started = time.perf_counter()
    try:
        bench.run_history(args, nodes, instances, hub, twin, timings)
    finally:
        clock.now = real_now
        for fake in nodes:
            fake.stop()
    twin.close()
    print(f"log built by {args.members * args.versions} harvests in {time.perf_counter() - started:.0f} s")
    if args.keep:
        args.keep.write_bytes(hub.dump([LOG_GRAPH]))


def measure(bench, hub: EmbeddedStore) -> None:
    _, log_quads, log_bytes = bench.log_size(hub)
    token_s, _ = timed(lambda: token(hub))
    summary_s, summary = timed(lambda: history_dump.summary(hub))
    cached_s, _ = timed(lambda: history_dump.summary(hub))
    print(f"log: {summary.versions:,} versions of {summary.resources:,} resources, {log_quads:,} quads, "
          f"{log_bytes / 1e6:.1f} MB N-Quads")
    print(f"token {token_s * 1000:.0f} ms; VoID counts (summary) {summary_s:.2f} s, then {cached_s * 1000:.1f} ms "
          f"while the log stays")
    path = Path(tempfile.mkdtemp()) / "geschiedenis.nq.gz"
    with PeakMemory() as memory:
        cpu = time.process_time()
        write_s, written = timed(lambda: history_dump.write(hub, bench.HUB, bench.HUB + "dump.nq", path))
        cpu = time.process_time() - cpu
    unpacked = len(gzip.decompress(path.read_bytes()))
    print(f"write {write_s:.1f} s ({cpu:.1f} s CPU): {written:,} quads, {path.stat().st_size / 1e6:.1f} MB gzip "
          f"({unpacked / 1e6:.1f} MB unpacked, {written / write_s:,.0f} quads/s); resident memory "
          f"{memory.before:.0f} MB before, peak {memory.peak:.0f} MB (+{memory.peak - memory.before:.0f} MB)")
    print("file holds what summary counted" if written == summary.quads
          else f"MISMATCH: summary {summary.quads:,}, file {written:,}")


if __name__ == "__main__":
    main()
