"""A node's privacy erase: text taken out of its data, its audit trail and every version, at once.

Personal data may be published with recorded consent (`registry.editing.privacy`),
and consent can be withdrawn. The erase rewrites every literal in which the text
occurs (whole words, any case; see `registry.history.erase`) in the node's data,
in the private audit trail and in every version of the private version log, and
publishes a notice for the hubs (`registry.history.notices`). One update does all
of it, with an audit record that names what was done but not the text, so an erase
that fails leaves everything as it was.

`resource` limits the erase to one record and the records below it (a community's
meetings, reports and results); the audit trail, private to the node's admins, is
always cleaned whole. A hub erases nothing itself: it applies its members' notices.
"""
from __future__ import annotations

from dataclasses import dataclass

from registry import clock
from registry.accounts import User
from registry.editing.audit import audit_record
from registry.errors import N_, BamboeError, InvalidInput
from registry.history import erase, notices
from registry.ldes import AS, versions
from registry.node import data_graph
from registry.store import Store

AUDIT_GRAPH = "urn:bamboe:audit"
MIN_LENGTH = 3
"""Shortest text an erase takes: a shorter one would hit far more than one person's name."""
MAX_LENGTH = 500


class HubErase(BamboeError):
    """A hub holds copies of its members' data: the member erases, the hub follows its notice."""

    status = 409
    title = N_("Conflict")


@dataclass(frozen=True)
class Erased:
    """What an erase did; `notice` is None when the text occurred nowhere (nothing was written)."""

    notice: str | None
    time: str
    resources: tuple[str, ...]
    values: int  # distinct literal values rewritten in the data and the versions
    versions: int
    audit: int  # literals rewritten in the audit trail


def erase_text(store: Store, settings: dict, text: str, user: User, resource: str | None = None,
               reason: str = "") -> Erased:
    """Erase `text` everywhere the node keeps it (or in `resource` and below); see the module's docstring."""
    if settings["instances"]:
        raise HubErase(N_("Dit is een hub: hij wist niet zelf. Laat de node die de gegevens publiceert ze wissen; "
                          "de hub past die verwijdering toe bij de volgende oogst."))
    text = _checked(text, resource, settings["base_url"])
    graph = data_graph(settings["base_url"])
    with versions.numbering():  # no catch-up in this process reads the log half-way
        erased = _erase(store, settings["base_url"], graph, text, user, resource, reason)
    if erased.notice or erased.audit:
        versions.catch_up(store, versions.NodeData(graph))  # moves past the erase's audit record; records nothing
    return erased


def _erase(store: Store, base: str, graph: str, text: str, user: User, resource: str | None, reason: str) -> Erased:
    rule, search = erase.by_text(text), erase.needle(text)
    data_update, in_data = erase.rewrite_records(store, graph, erase.within(rule, resource))
    log_update, in_log = erase.rewrite_log(store, erase.within(rule, resource), search)
    audit_update, in_audit = erase.rewrite_literals(store, rule, *erase.in_graph(AUDIT_GRAPH, search))
    when = clock.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    published = erase.Rewritten().add(in_data).add(in_log)
    if not (published or in_audit):
        return Erased(None, when, (), 0, 0, 0)
    notice = notices.new_notice(base, when, published.resources, published.values) if published else None
    summary = (f"privacy-verwijdering ({len(published.values)} waarden; {len(published.resources)} bronnen; "
               f"{in_log.versions} versies; {in_audit.literals} auditregels"
               + (f"; reden: {_cleaned(reason, rule)}" if reason.strip() else "") + ")")
    store.update(" ;\n".join(part for part in (
        data_update, log_update, audit_update, notices.record(notice, base) if notice else "",
        audit_record(AS + "Update", graph, user, summary, when), erase.mark_erased(when) if in_log else "") if part))
    return Erased(notice.iri if notice else None, when, tuple(sorted(published.resources)),
                  len(published.values), in_log.versions, in_audit.literals)


def _checked(text, resource: str | None, base: str) -> str:
    """The text with its spacing tidied; refuse what is too short, too long, or a resource not of this node."""
    fields = []
    tidy = " ".join(text.split()) if isinstance(text, str) else ""
    if not MIN_LENGTH <= len(tidy) <= MAX_LENGTH:
        fields.append({"name": "tekst", "code": "length"})
    if resource is not None and not (isinstance(resource, str) and resource.startswith(base)
                                     and len(resource) > len(base)):
        fields.append({"name": "bron", "code": "not-on-this-node"})
    if fields:
        raise InvalidInput(N_("Geef de te wissen tekst (%(least)s tot %(most)s tekens) en, als je het wissen "
                              "wilt beperken, het adres van een bron op deze node."),
                           least=MIN_LENGTH, most=MAX_LENGTH, fields=fields)
    return tidy


def _cleaned(reason: str, rule: erase.Rule) -> str:
    """The reason as the audit trail may keep it: without the erased text, and without commas (field separators)."""
    text = " ".join(reason.split())[:300]
    return (rule(text) or text).replace(",", ";")
