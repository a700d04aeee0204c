"""Storage behind one small interface; which backend is a configuration choice.

- `EmbeddedStore`: pyoxigraph in this process (tests, staging, a stopped node).
- `RemoteStore`: any SPARQL 1.1 Protocol + Graph Store Protocol store, including the
  private Oxigraph server `bamboe serve` supervises (see `server.py`) and Virtuoso
  (`store_flavour = "virtuoso"`, see `remote.py`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from registry.errors import ConfigError
from registry.store.base import META_GRAPH, Solution, Store
from registry.store.embedded import EmbeddedStore
from registry.store.remote import FLAVOURS, RemoteStore

RUN_FILE = "run/node.json"

__all__ = ["META_GRAPH", "Solution", "Store", "EmbeddedStore", "RemoteStore", "open_store", "running_node"]


def running_node(data_dir: Path) -> dict | None:
    """Return the run record of a node serving this data directory, if one is alive."""
    path = Path(data_dir) / RUN_FILE
    try:
        record = json.loads(path.read_text())
        os.kill(record["pid"], 0)
    except (FileNotFoundError, ProcessLookupError, ValueError, KeyError):
        return None
    except PermissionError:
        pass
    return record


def open_store(data_dir: Path, settings: dict) -> Store:
    """Open the node's store for a command-line tool.

    While the node runs, go through its store server so there is only ever one
    writer; otherwise open the data directory in-process.
    """
    if settings["store"] == "remote":
        return remote_store(settings)
    record = running_node(data_dir)
    if record and record.get("store_url"):
        return RemoteStore.for_oxigraph(record["store_url"])
    return EmbeddedStore(Path(data_dir) / "store")


def remote_store(settings: dict) -> RemoteStore:
    """Open the SPARQL 1.1 store the settings name (store = remote)."""
    urls = [settings[f"store_{kind}_url"] for kind in ("query", "update", "gsp")]
    if not all(urls):
        raise ConfigError("store = remote needs store_query_url, store_update_url and store_gsp_url.")
    flavour = FLAVOURS.get(settings["store_flavour"])
    if flavour is None:
        raise ConfigError(f"store_flavour must be one of {', '.join(FLAVOURS)}, not {settings['store_flavour']!r}.")
    return RemoteStore(*urls, user=settings["store_user"], password=settings["store_password"], flavour=flavour)
