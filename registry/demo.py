"""The demo federation: one node per example Werkplaats, on 127.0.0.1, filled with examples."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import vocab
from registry.accounts import Accounts
from registry.config import CONFIG_FILE, load_settings, write_config
from registry.loading import load_files
from registry.serving import _serve_until_signal, build_server, stop
from registry.store import EmbeddedStore


@dataclass(frozen=True)
class DemoNode:
    id: str
    name: str
    werkplaats: str
    hogeschool: str
    area: tuple[str, ...]
    example: str


DEMO_NODES = (
    DemoNode("den-haag-leiden", "WSD Den Haag & Leiden", "Werkplaats Sociaal Domein Den Haag & Leiden",
             "Hogeschool Leiden en De Haagse Hogeschool", ("GM0546", "GM0518", "GM0537"), "den-haag-leiden.ttl"),
    DemoNode("nijmegen", "WSD Arnhem en Nijmegen", "Werkplaats Sociaal Domein Arnhem en Nijmegen",
             "Hogeschool van Arnhem en Nijmegen (HAN)", ("GM0202", "GM0268", "GM0983"), "nijmegen.ttl"),
    DemoNode("utrecht", "WSD Utrecht", "Werkplaats Sociaal Domein Utrecht", "Hogeschool Utrecht",
             ("GM0344",), "utrecht.ttl"),
    DemoNode("landelijk", "Landelijke Werkplaats", "Landelijke Werkplaats Sociaal Domein (Movisie)", "",
             (), "landelijk.ttl"),
)


DEMO_USER = "demo"
DEMO_PASSWORD = "demo-wachtwoord"
"""A demo admin on every demo node, so the editor can be tried; never on a real node."""


def prepare(folder: Path, demo: DemoNode, port: int, fresh: bool) -> Path:
    """Create (or refresh) one demo node's data directory and load its example file."""
    data_dir = folder / demo.id
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / CONFIG_FILE).exists():
        write_config(data_dir, dict(
            name=demo.name, base_url=f"http://127.0.0.1:{port}/", werkplaats=demo.werkplaats,
            hogeschool=demo.hogeschool, area=list(demo.area), contact="bamboe@example.org",
        ))
    settings = load_settings(data_dir)
    accounts = Accounts(data_dir)
    if accounts.user(DEMO_USER) is None:
        accounts.add_user(DEMO_USER, DEMO_PASSWORD, "admin")
    store = EmbeddedStore(data_dir / "store")
    try:
        load_files(store, [vocab.HERE / "examples" / demo.example], settings["base_url"])
    finally:
        store.close()
    return data_dir


def run_demo(folder: Path, first_port: int, fresh: bool) -> None:
    """Prepare every demo node, then serve them all until interrupted."""
    started = []
    for offset, demo in enumerate(DEMO_NODES):
        data_dir = prepare(folder, demo, first_port + offset, fresh)
        app, server = build_server(data_dir, "127.0.0.1", first_port + offset)
        started.append((demo, data_dir, app, server))
        print(f"  {demo.name:<28} http://127.0.0.1:{first_port + offset}/", flush=True)
    print(f"Editors: /beheer/ on any node, user {DEMO_USER!r}, password {DEMO_PASSWORD!r} (demo only).", flush=True)
    print("Demo federation running; press Ctrl+C to stop.", flush=True)

    def cleanup():
        for _, data_dir, app, _ in started:
            stop(app, data_dir)

    _serve_until_signal([server for *_, server in started], cleanup)
