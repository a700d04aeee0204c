"""Harvest the federation's nodes into a hub: fetch → parse → validate → scope → store → record.

- `instances`: the member list (instances.yaml), validated with line numbers.
- `fetch`, `parse`, `records`, `scope`, `check`: the pipeline stages, plain functions.
- `parse_worker`: the hub's worker process; each dump is parsed in a memory-capped child of it.
- `log`: what every run did, as PROV-O in the hub's harvest-log graph.
- `pipeline`: one node through every stage; `harvest_many` for a bounded parallel run.
- `schedule`: the hub's one APScheduler, guarded by a file lock.

Nothing here imports the web layer; the hub's pages read what `log` recorded.
"""
