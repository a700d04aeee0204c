"""Apply a member's privacy erasures to the hub's copy of it and to every version the hub keeps.

A node that erases text publishes a notice at the list its description announces
(`registry.history.notices`): per rewritten value a salted hash and what the value
became. On every harvest the hub reads the list and, for each notice it has not
applied, rewrites the literals whose hash matches, in the records the notice names:
in its copy of the member, in the versions it took from that copy, and in its harvest
log (a finding may quote a value). The copy then equals the node's rewritten data and
each newest version the copy, so the harvest that follows stores nothing new. It is
one update with the record of which notices were applied, before the harvest's own.
"""
from __future__ import annotations

import logging

import pyoxigraph as ox
import requests

from harvesters.fetch import Limits, get
from harvesters.instances import Instance
from harvesters.log import graph_iri, log_graph, member_iri, now
from harvesters.parse import parse_dump
from registry.errors import N_, FetchError
from registry.history import erase, notices
from registry.queries import named

log = logging.getLogger(__name__)
ACCEPT = {"Accept": "application/n-triples, text/turtle;q=0.9"}


def read(session: requests.Session, url: str, limits: Limits) -> list[notices.Notice]:
    """The notices the node publishes, oldest first."""
    response = get(session, url, limits, ACCEPT)
    if response.status != 200:
        raise FetchError(N_("%(url)s antwoordde HTTP %(http_status)s op de vraag naar zijn privacy-verwijderingen; "
                            "de hub oogst deze node pas weer als hij ze kan toepassen."),
                         url=url, http_status=response.status)
    return notices.from_triples(parse_dump(response, limits))


def pending(store, hub_base: str, instance: Instance, found: list[notices.Notice]) -> tuple[str, int]:
    """The update applying the notices not applied yet (and recording them), and how many that is."""
    done = notices.applied(store, instance.id) if found else set()
    new = [notice for notice in found if notice.iri not in done and notice.iri.startswith(instance.url)]
    if not new:
        return "", 0
    rules = [(notice, erase.by_hashes(notice.salt, dict(notice.replacements))) for notice in new]

    def rule_for(iri: str) -> erase.Rule | None:  # each notice only in the records it names, in the node's order
        own = [rule for notice, rule in rules if iri in notice.resources]
        return erase.in_turn(own) if own else None

    copy = graph_iri(hub_base, instance.id)
    copy_update, in_copy = erase.rewrite_records(store, copy, rule_for)
    log_update, in_log = erase.rewrite_member_log(store, rule_for, copy, {iri for n in new for iri in n.resources})
    findings_update = _findings(store, hub_base, instance, erase.in_turn(rule for _, rule in rules))
    when = now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    parts = [copy_update, log_update, findings_update, erase.mark_erased(when) if in_log else "",
             notices.remember_applied(new, instance.id, when)]
    log.info("privacy erasures of %s: %s notice(s), %s version(s) and %s record(s) of the copy rewritten",
             instance.id, len(new), in_log.versions, len(in_copy.resources))
    return " ;\n".join(part for part in parts if part), len(new)


def _findings(store, hub_base: str, instance: Instance, rule: erase.Rule) -> str:
    """The update rewriting what this member's findings quote in the harvest log; nothing any other member's."""
    bound = {"log": ox.NamedNode(log_graph(hub_base)), "member": ox.NamedNode(member_iri(hub_base, instance.id))}
    update, _ = erase.rewrite_literals(store, rule, named("history/erase_findings").bind(**bound),
                                       named("history/erase_findings_update").bind(**bound))
    return update
