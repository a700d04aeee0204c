"""The members who joined through `/aanmelden`: applications and decisions in the hub's store.

`instances.yaml` stays the seed list; nodes that apply are kept as RDF in the private
graph `urn:bamboe:members` (never dumped, harvested or shown to public queries). An
application records what the candidate entered, when, and the report of its check;
each decision on it (admitted or refused, by which admin, when, and why) is added
beside it and nothing is ever rewritten, so the graph is the member list's history.
An application's state is its newest decision's, or pending without one.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from dataclasses import dataclass, field

import marshmallow as ma
import pyoxigraph as ox
from marshmallow import fields, validate

from harvesters.instances import LEVELS, Instance
from harvesters.registration import Report
from registry.editing.fields import coded, email_address, web_iri
from registry.places import is_cbs_code
from registry.queries import insert_data, named
from registry.store import Store

GRAPH = "urn:bamboe:members"
LPH = "https://w3id.org/lerende-praktijken/harvest#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
XSD = "http://www.w3.org/2001/XMLSchema#"
PENDING, ADMITTED, REFUSED = "pending", "admitted", "refused"
KINDS = {LPH + "Admission": ADMITTED, LPH + "Refusal": REFUSED}
_decide = threading.Lock()
"""Two admins deciding on one application at once: the second sees the first's decision."""


def _cbs_code(value: str) -> None:
    if not is_cbs_code(value.strip().upper()):
        raise ma.ValidationError("not-cbs-code")


def _base_url(value: str) -> None:
    web_iri(value)
    if "?" in value or "#" in value or "@" in value.split("/")[2]:  # no query, fragment or user:password@
        raise ma.ValidationError("url")


class ApplicationSchema(ma.Schema):
    """What a candidate enters, with the Dutch names of the form and the API."""

    class Meta:
        unknown = ma.RAISE

    url = coded(fields.String(required=True, validate=[validate.Length(max=500, error="length"), _base_url],
                              metadata={"description": "Base URL of the node (its root description).",
                                        "example": "https://praktijken.example.org/"}))
    naam = coded(fields.String(required=True, validate=validate.Length(min=1, max=200, error="length"),
                               metadata={"description": "Name of the node or its Werkplaats."}))
    niveau = coded(fields.String(required=True, validate=validate.OneOf(LEVELS, error="one-of"),
                                 metadata={"description": "Level of the node.", "enum": list(LEVELS)}))
    gebied = coded(fields.List(fields.String(validate=_cbs_code), required=True,
                               validate=validate.Length(max=500, error="length"),
                               metadata={"description": "CBS codes of the area it serves, e.g. GM0344 or PV27."}))
    contact = coded(fields.String(required=True, validate=email_address,
                                  metadata={"description": "Role e-mail address of its maintainers (no personal "
                                                           "address)."}))

    @ma.validates_schema(skip_on_field_errors=False)
    def area_unless_national(self, data, **kwargs):
        """Every level but the national one serves an area; reported with the other field errors."""
        if data.get("niveau") not in (None, "landelijk") and "gebied" in data and not data["gebied"]:
            raise ma.ValidationError("at-least-one", "gebied")


@dataclass
class Decision:
    state: str
    by: str
    time: dt.datetime
    reason: str = ""


@dataclass
class Application:
    """A candidate node, what its check found, and what was decided."""

    token: str
    id: str
    name: str
    url: str
    level: str
    area: tuple[str, ...]
    contact: str
    applied: dt.datetime
    report: Report
    decisions: list[Decision] = field(default_factory=list)  # newest first

    @property
    def state(self) -> str:
        return self.decisions[0].state if self.decisions else PENDING

    @property
    def iri(self) -> str:
        return application_iri(self.token)

    def instance(self) -> Instance:
        return Instance(self.id, self.name, self.url, self.level, self.area, contact=self.contact, registered=True)


def application_iri(token: str) -> str:
    return f"urn:bamboe:aanmelding:{token}"


def normalised(data: dict) -> dict:
    """The loaded form or API body with its URL ending in one slash and CBS codes in capitals."""
    return {**data, "url": data["url"].rstrip("/") + "/", "naam": " ".join(data["naam"].split()),
            "gebied": tuple(dict.fromkeys(code.strip().upper() for code in data["gebied"]))}


def read(store: Store) -> list[Application]:
    """Every application, oldest first, with its decisions."""
    by_subject: dict[str, dict[str, list[ox.Term]]] = {}
    for triple in store.construct(named("members/all").text):
        by_subject.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, []).append(triple.object)
    applications = [_application(iri, said, by_subject) for iri, said in by_subject.items()
                    if ox.NamedNode(LPH + "Application") in said.get(RDF_TYPE, [])]
    return sorted(applications, key=lambda a: a.applied)


def find(store: Store, token: str) -> Application | None:
    return next((a for a in read(store) if a.token == token), None)


def admitted(store: Store) -> list[Instance]:
    """The admitted members, as instances the hub harvests."""
    return [application.instance() for application in read(store) if application.state == ADMITTED]


def clash(data: dict, instances: list[Instance], applications: list[Application]) -> str | None:
    """The member or open application that already has this base URL (or one above or below it)."""
    url = data["url"]
    taken = [(i.url, i.name) for i in instances if i.url]
    taken += [(a.url, a.name) for a in applications if a.state == PENDING]
    for other, name in taken:
        if url.startswith(other) or other.startswith(url):
            return name
    return None


def apply(store: Store, data: dict, report: Report, taken_ids: set[str]) -> Application:
    """Store a checked application as pending; its id is made from its name, unlike any taken one."""
    application = Application(uuid.uuid4().hex, _free_id(data["naam"], taken_ids), data["naam"], data["url"],
                              data["niveau"], tuple(data["gebied"]), data["contact"],
                              dt.datetime.now(dt.timezone.utc).replace(microsecond=0), report)
    subject = ox.NamedNode(application.iri)
    said = [(RDF_TYPE, ox.NamedNode(LPH + "Application")), (LPH + "nodeId", ox.Literal(application.id)),
            (SCHEMA + "name", ox.Literal(application.name)), (SCHEMA + "url", ox.Literal(application.url)),
            (LPH + "level", ox.Literal(application.level)), (LPH + "contact", ox.Literal(application.contact)),
            (DCT + "created", _time(application.applied)),
            (LPH + "report", ox.Literal(json.dumps(report.as_dict()), datatype=ox.NamedNode(RDF_JSON)))]
    said += [(LPH + "area", ox.Literal(code)) for code in application.area]
    store.update_private(insert_data(GRAPH, [ox.Triple(subject, ox.NamedNode(p), o) for p, o in said]))
    return application


def decide(store: Store, token: str, state: str, by: str, reason: str = "") -> Application | None:
    """Record an admin's decision on a pending application; None when there is none pending with this token.

    Written with `update`, not `update_private`: the member list changes what the hub
    publishes, so its change token moves and every process sees the new list.
    """
    with _decide:
        application = find(store, token)
        if application is None or application.state != PENDING:
            return None
        decision = Decision(state, by, dt.datetime.now(dt.timezone.utc), reason)
        node = ox.NamedNode(f"{application.iri}#besluit-{uuid.uuid4().hex[:12]}")
        kind = next(iri for iri, name in KINDS.items() if name == state)
        triples = [ox.Triple(ox.NamedNode(application.iri), ox.NamedNode(LPH + "decision"), node),
                   ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind)),
                   ox.Triple(node, ox.NamedNode(PROV + "wasAssociatedWith"), ox.Literal(by)),
                   ox.Triple(node, ox.NamedNode(PROV + "atTime"), _time(decision.time))]
        if reason:
            triples.append(ox.Triple(node, ox.NamedNode(LPH + "reason"), ox.Literal(reason)))
        store.update(insert_data(GRAPH, triples))
        application.decisions.insert(0, decision)
        return application


def _free_id(name: str, taken: set[str]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "node"
    stem = stem if stem[0].isalnum() else "node-" + stem
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


def _application(iri: str, said: dict, by_subject: dict) -> Application:
    def one(predicate: str) -> str:
        return said[predicate][0].value

    decisions = []
    for node in said.get(LPH + "decision", []):
        about = by_subject.get(node.value, {})
        kind = next((KINDS[t.value] for t in about.get(RDF_TYPE, []) if t.value in KINDS), None)
        if kind and about.get(PROV + "atTime"):
            decisions.append(Decision(kind, about.get(PROV + "wasAssociatedWith", [ox.Literal("")])[0].value,
                                      dt.datetime.fromisoformat(about[PROV + "atTime"][0].value),
                                      about.get(LPH + "reason", [ox.Literal("")])[0].value))
    decisions.sort(key=lambda d: d.time, reverse=True)
    return Application(iri.removeprefix("urn:bamboe:aanmelding:"), one(LPH + "nodeId"), one(SCHEMA + "name"),
                       one(SCHEMA + "url"), one(LPH + "level"), tuple(sorted(t.value for t in said.get(LPH + "area", []))),
                       one(LPH + "contact"), dt.datetime.fromisoformat(one(DCT + "created")),
                       Report.from_dict(json.loads(one(LPH + "report"))), decisions)


def _time(moment: dt.datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
