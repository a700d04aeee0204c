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
    level: str = "regionaal"


DEMO_NODES = (
    DemoNode("den-haag-leiden", "WSD Den Haag & Leiden", "Werkplaats Sociaal Domein Den Haag & Leiden",
             "Hogeschool Leiden en De Haagse Hogeschool", ("GM0546", "GM0518", "GM0537"), "den-haag-leiden.ttl"),
    DemoNode("nijmegen", "WSD Arnhem en Nijmegen", "Werkplaats Sociaal Domein Arnhem en Nijmegen",
             "Hogeschool van Arnhem en Nijmegen (HAN)", ("GM0202", "GM0268", "GM0983"), "nijmegen.ttl"),
    DemoNode("utrecht", "WSD Utrecht", "Werkplaats Sociaal Domein Utrecht", "Hogeschool Utrecht",
             ("GM0344",), "utrecht.ttl"),
    DemoNode("landelijk", "Landelijke Werkplaats", "Landelijke Werkplaats Sociaal Domein (Movisie)", "",
             (), "landelijk.ttl", "landelijk"),
)
HUB_NAME = "Bamboe-hub (demo)"


DEMO_USER = "demo"
DEMO_PASSWORD = "demo-wachtwoord"
"""A demo admin on every demo node, so the editor can be tried; never on a real node."""


EXAMPLE_NATIONAL_BASE = "https://landelijk.bamboe.example/"
"""Where the examples assume the national node; the demo points those links at its own."""


def prepare(folder: Path, demo: DemoNode, port: int, fresh: bool, national_base: str = "") -> Path:
    """Create (or refresh) one demo node's data directory and load its example file.

    Links to the national node's networks (dct:isPartOf) are pointed at the demo's
    national node, so the hub can follow them from a wijk up to the national network.
    """
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
    example = data_dir / demo.example
    text = vocab.example_text(vocab.HERE / "examples" / demo.example)  # dates moved to today
    example.write_text(text.replace(EXAMPLE_NATIONAL_BASE, national_base or EXAMPLE_NATIONAL_BASE), encoding="utf-8")
    store = EmbeddedStore(data_dir / "store")
    try:
        load_files(store, [example], settings["base_url"])
    finally:
        store.close()
    return data_dir


def demo_instances(hub_port: int) -> str:
    """The demo federation's instances.yaml: the demo nodes on the ports after the hub's."""
    lines = ["# The demo federation (`bamboe demo`): four nodes on 127.0.0.1; see README.", "nodes:"]
    for offset, demo in enumerate(DEMO_NODES, start=1):
        lines += [f"  - id: {demo.id}", f"    name: \"{demo.name}\"",
                  f"    url: \"http://127.0.0.1:{hub_port + offset}/\"", f"    level: {demo.level}",
                  f"    area: [{', '.join(demo.area)}]"]
        if demo.level != "landelijk":
            lines.append("    parent: landelijk")
        lines += [f"    werkplaats: \"{demo.werkplaats}\"", f"    hogeschool: \"{demo.hogeschool}\"",
                  "    contact: bamboe@example.org", "    interval: 10m"]
    return "\n".join(lines) + "\n"


def prepare_hub(folder: Path, port: int, fresh: bool) -> Path:
    """Create (or refresh) the demo hub, which harvests the demo nodes."""
    data_dir = folder / "hub"
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "instances.yaml").write_text(demo_instances(port), encoding="utf-8")
    if not (data_dir / CONFIG_FILE).exists():
        write_config(data_dir, dict(name=HUB_NAME, base_url=f"http://127.0.0.1:{port}/",
                                    werkplaats="Werkplaatsen Sociaal Domein", contact="bamboe@example.org",
                                    instances="instances.yaml", harvest_jitter_s=3,
                                    allow_private_nodes=True))  # /aanmelden may check nodes on 127.0.0.1
    accounts = Accounts(data_dir)
    if accounts.user(DEMO_USER) is None:
        accounts.add_user(DEMO_USER, DEMO_PASSWORD, "admin")
    return data_dir


def run_demo(folder: Path, hub_port: int, fresh: bool) -> None:
    """Prepare every demo node and the hub, then serve them all until interrupted."""
    started = []
    national = next(offset for offset, demo in enumerate(DEMO_NODES, start=1) if demo.level == "landelijk")
    for offset, demo in enumerate(DEMO_NODES, start=1):
        data_dir = prepare(folder, demo, hub_port + offset, fresh, f"http://127.0.0.1:{hub_port + national}/")
        app, server = build_server(data_dir, "127.0.0.1", hub_port + offset)
        started.append((demo, data_dir, app, server))
        print(f"  {demo.name:<28} http://127.0.0.1:{hub_port + offset}/", flush=True)
    hub_dir = prepare_hub(folder, hub_port, fresh)
    app, server = build_server(hub_dir, "127.0.0.1", hub_port)
    started.append((None, hub_dir, app, server))
    print(f"  {HUB_NAME:<28} http://127.0.0.1:{hub_port}/  (harvests the nodes above; status: /oogst)", flush=True)
    print(f"Editors: /beheer/ on any node, user {DEMO_USER!r}, password {DEMO_PASSWORD!r} (demo only).", flush=True)
    print("Demo federation running; press Ctrl+C to stop.", flush=True)

    def cleanup():
        for _, data_dir, app, _ in started:
            stop(app, data_dir)

    _serve_until_signal([server for *_, server in started], cleanup)
