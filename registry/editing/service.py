"""Edit a node's resources: read, create, replace, patch and delete, with the checks a
shared registry needs. Both the JSON API and the HTML forms go through here.

Every write is one SPARQL update: the resource's old description out, the new one
in, its tombstone (on delete) and its audit record, plus the store's change token.
Writes are serialised by a lock and guarded by ETags, so two editors never
overwrite each other silently. Validation runs in two layers: the schema (shape of
the JSON, known concepts) and then SHACL on the community the write touches, which
also yields the reflection signals returned with a successful write.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field

import marshmallow as ma
import pyoxigraph as ox

from registry import clock, rdf
from registry.accounts import User
from registry.communities import describe
from registry.editing import fields as rdf_fields, freshness
from registry.editing.audit import audit_record, now as _now
from registry.editing.concepts import ConceptCatalogue
from registry.editing.mapping import RDF_TYPE, blank_closure, from_triples, owned, to_triples
from registry.editing.merge_patch import merge_patch, without_nulls
from registry.editing.messages import field_errors, shacl_field
from registry.editing.privacy import personal_data
from registry.editing.schemas import KINDS, NESTED, Begrip, Praktijk
from registry.errors import (N_, BamboeError, Gone, InvalidInput, NotFound, PreconditionFailed,
                             PreconditionRequired)
from registry.ldes import versions
from registry.node import data_graph
from registry.places import parse_place
from registry.queries import insert_data, named
from registry.signals import Signal, for_one
from registry.validation import Finding, validate

AS = "https://www.w3.org/ns/activitystreams#"
XSD = "http://www.w3.org/2001/XMLSchema#"
AUDIT_GRAPH = "urn:bamboe:audit"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}\Z")  # \Z: "$" would let a final newline through
RESERVED = {"nieuw"}
"""Ids never given out: the editor's page for a new item sits beside the items (`.../resultaten/nieuw`)."""
NOT_AN_OBJECT = N_("De inhoud moet een JSON-object zijn ({...}), geen lijst, tekst of getal.")
FIELDS_INVALID = N_("Niet alle velden zijn geldig; invalidParams noemt elk veld met de reden.")


class Conflict(BamboeError):
    """A delete that would leave other resources pointing at nothing."""

    status = 409
    title = N_("Conflict")


class ChangedSince(Conflict):
    """A batch write found a community changed after its rows were checked (its ETag moved)."""


@dataclass(frozen=True)
class BatchItem:
    """One community of a batch write: new (no `slug`), or an update of `slug` as it was at `etag`."""

    data: dict
    fields: list[str]  # the audit record's list of what changed
    slug: str | None = None
    etag: str | None = None
    name: str = ""


@dataclass
class Saved:
    """The outcome of a write: the resource as it now reads, its ETag and its signals."""

    kind: str
    iri: str
    data: dict
    etag: str
    warnings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Address:
    """Where a resource lives: its kind, its IRI and (for nested kinds) its community."""

    kind: str
    iri: str
    community: str | None

    @property
    def schema(self):
        return KINDS[self.kind]


class Editor:
    def __init__(self, store, settings: dict, concepts: ConceptCatalogue, snapshots=None):
        self.store = store
        self.base = settings["base_url"]
        self.graph = ox.NamedNode(data_graph(self.base))
        self.concepts = concepts
        self.snapshots = snapshots
        self._lock = threading.Lock()

    # --- addresses -------------------------------------------------------------------

    def address(self, kind: str, slug: str, community: str | None = None) -> Address:
        if kind not in KINDS or not SLUG.match(slug) or (community is not None and not SLUG.match(community)):
            raise NotFound(N_("Het adres %(kind)s/%(slug)s bestaat niet op deze node; controleer het."),
                           kind=kind, slug=slug)
        if KINDS[kind] in NESTED:
            parent = self.base + "praktijken/" + community
            return Address(kind, f"{parent}/{kind}/{slug}", parent)
        return Address(kind, f"{self.base}{kind}/{slug}", None)

    @contextmanager
    def loading(self):
        """Let the schemas' concept checks see this node's catalogue."""
        token = rdf_fields.catalogue.set(self.concepts)
        try:
            yield
        finally:
            rdf_fields.catalogue.reset(token)

    def load(self, kind: str, payload, partial: bool = False) -> dict:
        """Validate JSON against a kind's schema; every field error at once."""
        if not isinstance(payload, dict):
            raise InvalidInput(NOT_AN_OBJECT, fields=[{"name": "", "code": "invalid-object"}])
        with self.loading():
            try:
                return KINDS[kind]().load(payload, partial=partial)
            except ma.ValidationError as error:
                raise InvalidInput(FIELDS_INVALID, fields=field_errors(error.messages)) from None

    # --- reads -----------------------------------------------------------------------

    def _description(self, iri: str) -> list[ox.Triple]:
        triples = self.store.construct(named("editing/description").bind(resource=ox.NamedNode(iri), graph=self.graph))
        return list(dict.fromkeys(triples))  # a CONSTRUCT may repeat a triple once per matching row

    def read(self, address: Address) -> Saved:
        triples = self._description(address.iri)
        subject = ox.NamedNode(address.iri)
        types = {t.object.value for t in triples if t.subject == subject and t.predicate == RDF_TYPE}
        if AS + "Tombstone" in types:
            deleted = next((t.object.value for t in triples if t.predicate.value == AS + "deleted"), "")
            raise Gone(N_("%(iri)s is verwijderd op %(deleted)s."), iri=address.iri, deleted=deleted)
        if address.schema.Meta.rdf_type not in types:
            raise NotFound(N_("Op %(iri)s staat niets van deze soort; controleer het adres."), iri=address.iri)
        if address.community and not self._exists_typed(address.community, Praktijk.Meta.rdf_type):
            raise NotFound(N_("Op %(iri)s staat geen lerende praktijk; controleer het adres."), iri=address.community)
        data = from_triples(address.schema, triples, subject)
        return Saved(address.kind, address.iri, data, rdf.digest(triples, subject))

    def _exists_typed(self, iri: str, rdf_type: str) -> bool:
        return any(t.predicate == RDF_TYPE and t.object.value == rdf_type and t.subject.value == iri
                   for t in self._description(iri))

    def children(self, community: str) -> dict[str, list[str]]:
        """Ids of a community's meetings, reports and results."""
        rows = self.store.select(named("editing/children").bind(community=ox.NamedNode(community), graph=self.graph))
        found: dict[str, list[str]] = {schema.Meta.collection: [] for schema in NESTED}
        for row in rows:
            rest = row["resource"].value.removeprefix(community + "/").split("/")
            if len(rest) == 2 and rest[0] in found:
                found[rest[0]].append(rest[1])
        return {key: sorted(values) for key, values in found.items()}

    def children_data(self, community: str) -> dict[str, list[tuple[str, dict]]]:
        """A community's meetings, reports and results as (id, data), read in one query."""
        triples = describe(self.store, community)
        return {kind: [(slug, from_triples(KINDS[kind], triples, ox.NamedNode(f"{community}/{kind}/{slug}")))
                       for slug in slugs]
                for kind, slugs in self.children(community).items()}

    def list(self, kind: str, community: str | None = None) -> list[str]:
        """Slugs of the resources of one kind (of one community for nested kinds)."""
        if community is not None:
            parent = self.address("praktijken", community)
            self.read(parent)
            return self.children(parent.iri)[kind]
        prefix = f"{self.base}{kind}/"
        rows = self.store.select(named("editing/below").bind(
            prefix=ox.Literal(prefix), type=ox.NamedNode(KINDS[kind].Meta.rdf_type), graph=self.graph))
        slugs = (row["resource"].value.removeprefix(prefix) for row in rows)
        return sorted(slug for slug in slugs if "/" not in slug and SLUG.match(slug))

    # --- writes ----------------------------------------------------------------------

    def create(self, kind: str, data: dict, user: User, community: str | None = None,
               slug: str | None = None) -> Saved:
        with self._lock:
            if community is not None:
                self.read(self.address("praktijken", community))
            slug = self._free_slug(kind, slug or _slug_for(kind, data), community)
            address = self.address(kind, slug, community)
            return self._write(address, data, [], user, AS + "Create", fields_changed=sorted(data))

    def replace(self, address: Address, data: dict, user: User, if_match: str | None) -> Saved:
        with self._lock:
            current = self._guard(address, if_match)
            old = self._description(address.iri)
            changed = sorted(k for k in set(data) | set(current.data) if data.get(k) != current.data.get(k))
            return self._write(address, data, old, user, AS + "Update", fields_changed=changed)

    def check_patch(self, kind: str, changes) -> None:
        """Refuse a merge patch whose own values are wrong, before any ETag is compared."""
        self.load(kind, without_nulls(changes), partial=True)

    def patch(self, address: Address, changes: dict, user: User, if_match: str | None) -> Saved:
        """JSON Merge Patch (RFC 7396) on the resource's JSON, then validated as a whole, as a replace is."""
        with self._lock:
            current = self._guard(address, if_match)
            schema = address.schema()
            data = self.load(address.kind, merge_patch(schema.dump(current.data), changes))
            old = self._description(address.iri)
            changed = sorted(name for name in changes if name in schema.load_fields)  # a stray key is no audit text
            return self._write(address, data, old, user, AS + "Update", fields_changed=changed)

    def delete(self, address: Address, user: User, if_match: str | None) -> None:
        with self._lock:
            self._guard(address, if_match)
            if address.kind == "begrippen" and self.store.ask(
                    named("editing/in_use").bind(resource=ox.NamedNode(address.iri), graph=self.graph)):
                raise Conflict(N_("%(iri)s wordt nog gebruikt; haal het eerst weg bij de lerende praktijken die het "
                                  "noemen."), iri=address.iri)
            doomed = [address.iri]
            if address.kind == "praktijken":
                doomed += [f"{address.iri}/{kind}/{slug}" for kind, slugs in self.children(address.iri).items()
                           for slug in slugs]
            elif address.kind == "bijeenkomsten":
                doomed += self._reports_on(address)  # a report of a deleted meeting goes with it
            now = _now()
            tombstones = [t for iri in doomed for t in _tombstone(iri, self._type_of(iri), now)]
            update = " ;\n".join(self._for_each(name, doomed) for name in ("editing/delete_description", "editing/unlink"))
            update += " ;\n" + insert_data(self.graph.value, tombstones)
            update += " ;\n" + audit_record(AS + "Delete", address.iri, user, "", now)
            self.store.update(update)
            self._record_versions()
        if self.snapshots is not None:
            self.snapshots.purge()

    def check_community(self, data: dict, slug: str | None, stand_in: str) -> None:
        """Validate a community as a write would store it (the SHACL shapes too), writing nothing.

        A new one is checked at a stand-in slug (`stand_in`), as nothing is minted before it
        is written; InvalidInput names the fields at fault.
        """
        if slug:
            address = self.address("praktijken", slug)
        else:
            address = Address("praktijken", f"{self.base}praktijken/{stand_in}", None)
        data = {key: value for key, value in data.items() if key != "toestemming"}
        old = self._description(address.iri) if slug else []
        self._check(address, self._build(address, data, old))

    def write_batch(self, items: list[BatchItem], user: User) -> list[str]:
        """Create and update communities in ONE store update: all of them or, on any problem, none.

        Each gets its audit record and its history version, as a single write would. An
        update whose community changed after `etag` refuses the whole batch (ChangedSince).
        Returns the IRIs written, in order.
        """
        with self._lock:
            taken: set[str] = set()
            triples, records, replaced, written = [], [], [], []
            for item in items:
                data = dict(item.data)
                consent = data.pop("toestemming", None)
                if item.slug is None:
                    address = self.address("praktijken", self._batch_slug(data, taken))
                    old, activity, fields = [], AS + "Create", sorted(data)
                else:
                    address = self.address("praktijken", item.slug)
                    if self.read(address).etag != item.etag:
                        raise ChangedSince(N_("%(name)s is gewijzigd nadat het bestand werd gecontroleerd; upload "
                                              "het opnieuw en bekijk de voorvertoning."), name=item.name)
                    old, activity, fields = self._description(address.iri), AS + "Update", list(item.fields)
                    replaced.append(address.iri)
                if consent:
                    fields = [*fields, f"toestemming: {consent}"]
                triples += self._build(address, data, old)
                records.append(audit_record(activity, address.iri, user, ", ".join(fields)))
                written.append(address.iri)
            if not written:
                return []
            update = [self._for_each("editing/delete_description", replaced)] if replaced else []
            update += [insert_data(self.graph.value, triples), *records]
            self.store.update(" ;\n".join(update))
            self._record_versions()
        return written

    def _batch_slug(self, data: dict, taken: set[str]) -> str:
        """An id no stored community and no earlier item of the batch has."""
        wanted = _slug_for("praktijken", data)
        slug, n = self._free_slug("praktijken", wanted, None), 1
        while slug in taken:
            n += 1
            slug = self._free_slug("praktijken", f"{wanted[:95]}-{n}", None)
        taken.add(slug)
        return slug

    def confirm(self, address: Address, user: User) -> Saved:
        """Record that the community is still current (`lp:confirmed` today): audited and versioned like any
        write, but its description and `dct:modified` stay as they are, so no ETag is asked for."""
        if address.kind != "praktijken":
            raise NotFound(N_("Alleen een lerende praktijk kan als actueel worden bevestigd."))
        with self._lock:
            self.read(address)
            subject = ox.NamedNode(address.iri)
            triples = freshness.confirmed(self._description(address.iri), subject, clock.today())
            update = self._for_each("editing/delete_description", [address.iri])
            update += " ;\n" + insert_data(self.graph.value, triples)
            update += " ;\n" + audit_record(AS + "Update", address.iri, user, "bevestigd")
            self.store.update(update)
            self._record_versions()
            return self.read(address)

    def _record_versions(self) -> None:
        """Keep the history of this write: a version of each resource it changed, at the audit's time."""
        versions.catch_up(self.store, versions.NodeData(self.graph.value))

    def _for_each(self, name: str, iris: list[str]) -> str:
        query = named(name)
        return query.bind_values(query.bind(graph=self.graph), "resource", [ox.NamedNode(i) for i in iris])

    def _reports_on(self, meeting: Address) -> list[str]:
        rows = self.store.select(named("editing/reports_on").bind(meeting=ox.NamedNode(meeting.iri), graph=self.graph))
        return [row["resource"].value for row in rows]

    def _type_of(self, iri: str) -> str | None:
        subject = ox.NamedNode(iri)
        return next((t.object.value for t in self._description(iri)
                     if t.subject == subject and t.predicate == RDF_TYPE), None)

    def _guard(self, address: Address, if_match: str | None) -> Saved:
        current = self.read(address)
        if not if_match:
            raise PreconditionRequired(N_("Stuur If-Match mee met de ETag die je las, zodat geen wijziging ongezien "
                                          "wordt overschreven."))
        tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
        if "*" not in tags and f'"{current.etag}"' not in tags and current.etag not in tags:
            raise PreconditionFailed(N_("Iemand anders heeft dit gewijzigd nadat je het las; lees het opnieuw en breng "
                                        "je wijziging opnieuw aan."),
                                     etag=current.etag)
        return current

    def _free_slug(self, kind: str, wanted: str, community: str | None) -> str:
        if not SLUG.match(wanted):
            raise InvalidInput(N_("Het id is niet geldig: gebruik kleine letters, cijfers en streepjes."),
                               fields=[{"name": "id", "code": "bad-id"}])
        slug, n = wanted, 1
        while slug in RESERVED or self.store.ask(named("editing/exists").bind(
                resource=ox.NamedNode(self.address(kind, slug, community).iri), graph=self.graph)):
            n += 1
            slug = f"{wanted[:95]}-{n}"
        return slug

    def _write(self, address: Address, data: dict, old: list[ox.Triple], user: User, activity: str,
               fields_changed: list[str]) -> Saved:
        schema = address.schema
        data = dict(data)
        consent = data.pop("toestemming", None)
        if not consent and (personal := personal_data(data)):
            raise InvalidInput(N_("Persoonsgegevens worden niet gepubliceerd zonder vastgelegde toestemming; leg de "
                                  "toestemming vast of haal de persoonsgegevens weg."), fields=personal)
        if consent:
            fields_changed = [*fields_changed, f"toestemming: {consent}"]
        if schema.__name__ == "Verslag":
            meeting = f"{address.community}/bijeenkomsten/{data['bijeenkomst']}"
            if not self._exists_typed(meeting, KINDS["bijeenkomsten"].Meta.rdf_type):
                raise InvalidInput(FIELDS_INVALID, fields=[{"name": "bijeenkomst", "code": "unknown-meeting"}])
        if schema is Begrip and not self.concepts.all().get(data["breder"]):
            raise InvalidInput(FIELDS_INVALID, fields=[{"name": "breder", "code": "unknown-concept"}])
        triples = self._build(address, data, old)
        warnings = self._check(address, triples)
        update = self._for_each("editing/delete_description", [address.iri])
        update += " ;\n" + insert_data(self.graph.value, triples)
        update += " ;\n" + audit_record(activity, address.iri, user, ", ".join(fields_changed))
        self.store.update(update)
        self._record_versions()
        saved = self.read(address)
        saved.warnings = warnings
        return saved

    def _build(self, address: Address, data: dict, old: list[ox.Triple]) -> list[ox.Triple]:
        """The resource's new triples: what the schema maps, what it does not model, and links."""
        subject = ox.NamedNode(address.iri)
        schema = address.schema
        kept = _kept(schema, old, subject)
        new = kept + to_triples(schema, data, subject, parent=address.community)
        if address.kind == "praktijken":
            new.append(ox.Triple(subject, ox.NamedNode("http://purl.org/dc/terms/publisher"),
                                 ox.NamedNode(self.base + "werkplaats")))
            new = freshness.stamped(new, old, subject, clock.today())
        if schema is Begrip:
            new.append(ox.Triple(subject, ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme"),
                                 ox.NamedNode(self.base + "begrippen")))
        extra = self._new_places(new)
        link = getattr(schema.Meta, "link", None)
        if link:
            extra.append(ox.Triple(ox.NamedNode(address.community), ox.NamedNode(link), subject))
        return new + extra

    def preview(self, payload: dict, slug: str | None = None) -> list[Signal]:
        """The reflection signals a community would have if saved like this; nothing is written.

        The same signals as its public page (`registry.signals`), at every moment of
        filling in the form: a field not valid yet is left out, and an empty form has
        the signals of an empty community.
        """
        with self.loading():
            try:
                data = Praktijk().load({k: v for k, v in payload.items() if k != "toestemming"}, partial=True)
            except ma.ValidationError as error:
                data = error.valid_data or {}
        iri = self.address("praktijken", slug).iri if slug else self.base + "praktijken/_voorbeeld"
        address = Address("praktijken", iri, None)
        new = self._build(address, data, self._description(iri) if slug else [])
        context = self._context(iri, ox.NamedNode(iri)) if slug else []
        return for_one(context + new + self._local_concepts(), iri)

    def _new_places(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        """Describe a wijk or buurt the data names for the first time (code, year, gemeente)."""
        known = {row["place"].value for row in self.store.select(named("editing/known_places").bind(graph=self.graph))}
        out = []
        for iri in {t.object.value for t in triples if t.predicate.value == "http://purl.org/dc/terms/spatial"}:
            place = parse_place(iri)
            if place and place.kind in ("wijk", "buurt") and iri not in known:
                out += _place_triples(place)
        return out

    def signals(self, community: str):
        """The reflection signals of one community as it is stored now."""
        return for_one(describe(self.store, community) + self._local_concepts(), community)

    def _local_concepts(self) -> list[ox.Triple]:
        return self.store.construct(named("editing/local_concept_triples").bind(graph=self.graph))

    def _context(self, community: str, subject: ox.NamedNode) -> list[ox.Triple]:
        """The community as stored, without the old description of the resource being written."""
        context = describe(self.store, community)
        stale = set(blank_closure(context, subject))
        return [t for t in context if t not in stale]

    def _check(self, address: Address, new: list[ox.Triple]) -> list[Finding]:
        """SHACL on the community the write touches; violations refuse, warnings return."""
        community = address.community or (address.iri if address.kind == "praktijken" else None)
        context = self._context(community, ox.NamedNode(address.iri)) if community else []
        context += self._local_concepts()
        report = validate(context + new)
        if report.violations:
            raise InvalidInput(N_("De gegevens houden zich niet aan de regels van het register; invalidParams noemt "
                                  "elk veld met de reden."),
                               fields=[shacl_field(address.schema, finding, new) for finding in report.violations])
        return [w for w in report.warnings if w.focus == community]


def _kept(schema, old: list[ox.Triple], subject: ox.NamedNode) -> list[ox.Triple]:
    """The stored triples a replace keeps: what the schema does not model (and not a tombstone)."""
    kept = []
    for triple in old:
        if triple.subject != subject or owned(schema, triple):
            continue
        if triple.predicate == RDF_TYPE and triple.object.value == AS + "Tombstone":
            continue
        if triple.predicate.value.startswith(AS):
            continue
        kept.append(triple)
        if isinstance(triple.object, ox.BlankNode):
            kept += blank_closure(old, triple.object)
    return kept


def _place_triples(place) -> list[ox.Triple]:
    lp, skos, schema = "https://w3id.org/lerende-praktijken/def#", "http://www.w3.org/2004/02/skos/core#", "http://schema.org/"
    iri = ox.NamedNode(place.iri)
    year = place.iri.rsplit("/", 2)[-2]
    container = (f"https://identifier.overheid.nl/tooi/id/gemeente/{place.gemeente.lower()}" if place.kind == "wijk"
                 else place.iri.rsplit("/", 1)[0] + "/WK" + place.code[2:8])
    name = ("Wijk " if place.kind == "wijk" else "Buurt ") + place.code
    return [
        ox.Triple(iri, RDF_TYPE, ox.NamedNode(lp + ("Wijk" if place.kind == "wijk" else "Buurt"))),
        ox.Triple(iri, ox.NamedNode(schema + "name"), ox.Literal(name)),
        ox.Triple(iri, ox.NamedNode(skos + "notation"), ox.Literal(place.code)),
        ox.Triple(iri, ox.NamedNode(lp + "cbsYear"), ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear"))),
        ox.Triple(iri, ox.NamedNode(schema + "containedInPlace"), ox.NamedNode(container)),
    ]


def _tombstone(iri: str, former: str | None, when: str) -> list[ox.Triple]:
    subject = ox.NamedNode(iri)
    triples = [ox.Triple(subject, RDF_TYPE, ox.NamedNode(AS + "Tombstone")),
               ox.Triple(subject, ox.NamedNode(AS + "deleted"), ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime")))]
    if former:
        triples.append(ox.Triple(subject, ox.NamedNode(AS + "formerType"), ox.NamedNode(former)))
    return triples


def _slug_for(kind: str, data: dict) -> str:
    if kind in ("bijeenkomsten",):
        return data["datum"].isoformat()
    if kind == "verslagen":
        return data["bijeenkomst"]
    text = data.get("naam") or data.get("label") or "item"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "item"
