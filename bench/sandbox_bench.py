"""What the public query guards cost, beside the query work itself.

For each of the 14 example queries on a store of generated communities: the text
pre-check in the node, the parse check in the worker (first time and cached), and
pyoxigraph answering the query in this process, the baseline measured in the same
run. Prints one table, medians of `--rounds` runs.

    .venv/bin/python bench/sandbox_bench.py --communities 10000
"""
from __future__ import annotations

import argparse
import statistics
import time

import pyoxigraph as ox

from registry.examples import examples
from registry.generate import generate_triples
from registry.sandbox.parsed import service_clauses
from registry.sandbox.precheck import check_query

BASE = "http://127.0.0.1:5000/"


def timed(work, rounds: int) -> float:
    """Median milliseconds of `rounds` calls."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = ox.Store()
    graph = ox.NamedNode(BASE + "data")
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                      for t in generate_triples(BASE, args.communities))
    print(f"{args.communities:,} communities, {len(store):,} quads; medians of {args.rounds} rounds, ms\n")
    print("| example query | pre-check | parse check, first | parse check, cached | pyoxigraph answer (baseline) | guards ÷ answer |")
    print("|---|---:|---:|---:|---:|---:|")
    for query in examples():
        text = query.text
        precheck = timed(lambda: check_query(text, 20000), args.rounds)
        service_clauses.cache_clear()
        first = timed(lambda: (service_clauses.cache_clear(), service_clauses(text)), args.rounds)
        cached = timed(lambda: service_clauses(text), args.rounds)
        answer = timed(lambda: list(store.query(text, use_default_graph_as_union=True)), args.rounds)
        print(f"| {query.slug} | {precheck:.2f} | {first:.1f} | {cached:.3f} | {answer:.1f} | "
              f"{(precheck + first) / answer:.2f}x |")


if __name__ == "__main__":
    main()
