"""Editing benchmark: latency of API writes (two-layer validation + one-transaction update).

Generates communities, serves them with `bamboe serve` on 127.0.0.1, and times, one
request at a time, what an editor does: create a community, read it, patch it with
If-Match, log a meeting, read the change feed. Each write runs marshmallow, SHACL on
the community it touches and one SPARQL update; the table shows what that costs as the
node grows (`--communities`). Prints one table.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from registry.accounts import Accounts
from registry.config import write_config
from registry.generate import generate_triples
from registry.node import data_graph
from registry.store import EmbeddedStore
from registry.store.server import free_port

from node_bench import _wait_for  # bench/ is on sys.path when run as a script

T = "https://w3id.org/lerende-praktijken/id/"


def body(n: int) -> dict:
    return {"naam": f"Bench kring {n}", "soort": T + "soort/leergemeenschap", "themas": [T + "thema/armoede"],
            "niveau": T + "niveau/wijk", "plaatsen": ["GM0537"], "frequentieWeken": 4,
            "deelname": [{"perspectief": T + "perspectief/professional", "aantal": 3, "rollen": [T + "rol/gespreksleider"]},
                         {"perspectief": T + "perspectief/ervaringsdeskundige", "aantal": 2}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bamboe-edit-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    triples = generate_triples(base, args.communities, seed=42)
    write_config(folder, dict(name="Bench", base_url=base, write_limit="100000 per minute"))
    store = EmbeddedStore(folder / "store")
    store.replace_graph(data_graph(base), triples)
    store.close()
    accounts = Accounts(folder)
    accounts.add_user("bench", "bench-wachtwoord", "editor")
    token, _ = accounts.create_token("bench")
    auth = {"Authorization": f"Bearer {token}"}
    node = subprocess.Popen([sys.executable, "-m", "registry.cli", "serve", "--data", str(folder), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timings: dict[str, list[float]] = {k: [] for k in ("create community (POST)", "read (GET)",
                                                       "patch with If-Match", "log a meeting (POST)",
                                                       "feed page (GET ?na=)")}
    try:
        _wait_for(base)
        session = requests.Session()
        session.get(base + "api/v1/praktijken/gen-00001")  # warm caches once
        for n in range(args.edits):
            created = _timed(timings["create community (POST)"], session.post, base + "api/v1/praktijken",
                             json=body(n), headers=auth, expect=201)
            item = base + created.headers["Location"].lstrip("/")
            read = _timed(timings["read (GET)"], session.get, item, expect=200)
            _timed(timings["patch with If-Match"], session.patch, item, json={"gedeeldeVraag": f"Vraag {n}?"},
                   headers={**auth, "If-Match": read.headers["ETag"]}, expect=200)
            _timed(timings["log a meeting (POST)"], session.post, item + "/bijeenkomsten",
                   json={"datum": "2026-11-01", "vorm": "fysiek"}, headers=auth, expect=201)
            _timed(timings["feed page (GET ?na=)"], session.get, base + f"wijzigingen?na={max(0, 4 * n - 10)}", expect=200)
    finally:
        node.terminate()
        node.wait(timeout=60)
    print(f"\n{args.communities} generated communities ({len(triples)} triples), {args.edits} edits of each kind, "
          "one request at a time\n")
    print("| operation | p50 ms | p95 ms |")
    print("|---|---|---|")
    for name, values in timings.items():
        values.sort()
        print(f"| {name} | {statistics.median(values) * 1000:.0f} | {values[int(0.95 * (len(values) - 1))] * 1000:.0f} |")


def _timed(into: list[float], call, url: str, expect: int, **kwargs):
    started = time.perf_counter()
    response = call(url, timeout=120, **kwargs)
    into.append(time.perf_counter() - started)
    if response.status_code != expect:
        raise SystemExit(f"{url}: {response.status_code} {response.text[:500]}")
    return response


if __name__ == "__main__":
    main()
