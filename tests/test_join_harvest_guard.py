"""A node that registered itself is harvested through the same guard as its check (`harvesters.ssrf`).

An admin listed the seed nodes of `instances.yaml`; a registered node chose its own
URL, and its server answers as it likes (a redirect anywhere). So its harvests, like
its check, go nowhere but its own origin, and never inside the hub's network unless
`allow_private_nodes` says so. (A description naming a dump elsewhere is refused for
every node, by the harvester's own base-URL check.)
"""
from __future__ import annotations

from fakenode import FakeNode
from harvesters.instances import Instance
from harvesters.pipeline import Options, harvest_node
from registry.store import EmbeddedStore

HUB = "http://hub.test/"


def instance(fake: FakeNode, registered: bool) -> Instance:
    return Instance(id="aangemeld", name="Aangemeld", url=fake.base_url, level="lokaal", area=("GM0344",),
                    registered=registered)


def test_a_registered_node_inside_the_hubs_network_is_not_harvested_unless_allowed():
    fake = FakeNode(communities=2, seed=3)
    try:
        refused = harvest_node(EmbeddedStore(), HUB, instance(fake, True), Options(allow_private_nodes=False))
        assert refused.outcome == "failed" and "afgeschermd netwerk" in refused.error
        assert fake.requests == []  # nothing reached the node
        assert harvest_node(EmbeddedStore(), HUB, instance(fake, True), Options(allow_private_nodes=True)).outcome \
            == "stored"
        assert harvest_node(EmbeddedStore(), HUB, instance(fake, False), Options()).outcome == "stored"  # a seed node
    finally:
        fake.stop()


def test_the_guard_refuses_a_redirect_to_another_port():
    from harvesters.fetch import Limits, open_session
    from harvesters.ssrf import Refused, guarded_session

    fake, other = FakeNode(communities=1, seed=6), FakeNode(communities=1, seed=7)
    try:
        with guarded_session(open_session(Limits()), fake.base_url, True) as session:
            try:
                session.get(other.base_url + "dump.nq", timeout=5)
            except Refused:
                pass
            else:
                raise AssertionError("a request to another port went out")
        assert other.requests == []
    finally:
        fake.stop()
        other.stop()
