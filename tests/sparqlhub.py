"""A small real hub for the SPARQL protocol and ADR tests: two member nodes, harvested once, one graph each.

The first member is the session's `node` (Den Haag & Leiden); the second is started
here with the Nijmegen example. The hub is a real `bamboe serve` process that never
harvests on its own, so its data stays as the one `bamboe harvest --all` left it. The
test modules that need it share one (`shared_hub`): starting it takes some 20 s.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import NodeProcess, bamboe, start_node
from registry.store.server import free_port


class SmallHub:
    def __init__(self, root: Path, first: NodeProcess):
        self.second = start_node(root / "nijmegen", "nijmegen.ttl", "WSD Arnhem en Nijmegen", area=("GM0268",))
        self.members = {"dhl": first, "nij": self.second}
        instances = root / "instances.yaml"
        instances.write_text("nodes:\n" + "".join(
            f"  - {{id: {member}, name: 'Node {member}', url: '{node.url}', level: regionaal, area: []}}\n"
            for member, node in self.members.items()))
        port = free_port()
        data_dir = root / "hub"
        bamboe("init", "--name", "Hub", "--base-url", f"http://127.0.0.1:{port}/", "--instances", instances,
               data_dir=data_dir)
        bamboe("harvest", "--all", data_dir=data_dir, env={**os.environ})
        self.hub = NodeProcess(data_dir, port, env={"BAMBOE_HARVEST_SCHEDULE": "false", "BAMBOE_CONTACT": CONTACT})
        self.url = self.hub.url

    def graph(self, member: str) -> str:
        """The hub's named graph holding a member's harvested data."""
        return f"{self.url}graph/{member}"

    def stop(self) -> None:
        self.hub.stop()
        self.second.stop()


CONTACT = "federatie@wsd.example"
"""The hub's role address, as a real deployment has one (the ADR linter asks for it)."""
HUB = pytest.StashKey[SmallHub]()


def shared_hub(request: pytest.FixtureRequest, node: NodeProcess) -> SmallHub:
    """The session's one small hub, started by the first module that asks and stopped when the session ends."""
    if HUB not in request.config.stash:
        root = request.getfixturevalue("tmp_path_factory").mktemp("sparql-hub")
        request.config.stash[HUB] = SmallHub(root, node)
        request.config.add_cleanup(request.config.stash[HUB].stop)
    return request.config.stash[HUB]
