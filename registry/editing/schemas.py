"""The JSON of API v1 (Dutch camelCase names) and, through its fields, the RDF it maps to.

One schema per resource kind. The store's RDF is the single source of truth: a read
maps triples to these schemas, a write maps the loaded JSON back to triples.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, pre_load, validates_schema

from registry.editing import fields as rdf

LP = "https://w3id.org/lerende-praktijken/def#"
SCHEMA = "http://schema.org/"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
READ_ONLY = ("id", "_links", "signalen", "bijeenkomsten", "verslagen", "resultaten", "praktijk")
ATTENDANCE = {
    "fysiek": SCHEMA + "OfflineEventAttendanceMode",
    "online": SCHEMA + "OnlineEventAttendanceMode",
    "hybride": SCHEMA + "MixedEventAttendanceMode",
}


class Base(ma.Schema):
    """Unknown fields are errors (all reported at once); read-only fields are ignored on input."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    error_messages = {"unknown": "unknown-field", "type": "invalid-object"}

    @pre_load
    def _drop_read_only(self, data, **kwargs):
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in READ_ONLY}
        return data


class Link(ma.Schema):
    href = fields.String()


class Links(ma.Schema):
    self = fields.Nested(Link)
    html = fields.Nested(Link)
    turtle = fields.Nested(Link)


class Signal(ma.Schema):
    regel = fields.String(metadata={"description": "IRI of the shape (reflection signal) that fired."})
    bericht = fields.String(metadata={"description": "What the signal says, in the requested language."})


class ReadOnly(Base):
    id = fields.String(dump_only=True, metadata={"description": "The resource's IRI."})
    _links = fields.Nested(Links, dump_only=True, data_key="_links")
    toestemming = rdf.coded(fields.String(load_only=True, validate=ma.validate.Length(min=1, max=500, error="length"),
                                          metadata={"description": "Where the consent of the person concerned is "
                                                    "recorded; lets personal contact data through. Kept in the private "
                                                    "audit trail only."}))
    signalen = fields.List(fields.Nested(Signal), dump_only=True, metadata={
        "description": "Reflection signals of the community (warnings, never a reason to refuse)."})


# --- nested blank nodes ------------------------------------------------------------

class Deelname(Base):
    """One perspective taking part: how many, in which roles. Never a named person."""

    class Meta(Base.Meta):
        rdf_type = LP + "Participation"

    perspectief = rdf.concept(LP + "perspective", "perspectief", required=True)
    aantal = rdf.integer(LP + "count", minimum=0, maximum=10_000)
    rollen = rdf.concepts(LP + "role", "rol")


class Contact(Base):
    """A role address of an organisation (never a private person's)."""

    class Meta(Base.Meta):
        rdf_type = "http://www.w3.org/2006/vcard/ns#Organization"

    naam = rdf.text("http://www.w3.org/2006/vcard/ns#fn", lang=None, max_length=200, required=True)
    email = rdf.email("http://www.w3.org/2006/vcard/ns#hasEmail", required=True)


# --- resources ---------------------------------------------------------------------

class Praktijk(ReadOnly):
    """A learning community (lp:LearningCommunity). Fields in the editor form's order."""

    class Meta(Base.Meta):
        rdf_type = LP + "LearningCommunity"
        collection = "praktijken"

    naam = rdf.text(SCHEMA + "name", lang=None, max_length=200, required=True)
    alternatieveNaam = rdf.text(SCHEMA + "alternateName", lang=None, max_length=200)
    soort = rdf.concept(DCT + "type", "soort", required=True)
    niveau = rdf.concept(LP + "level", "niveau", required=True)
    status = rdf.concept("http://www.w3.org/ns/adms#status", "status")
    themas = rdf.concepts(DCT + "subject", "thema", required=True,
                          validate=ma.validate.Length(min=1, error="at-least-one"))
    gedeeldeVraag = rdf.text(LP + "sharedQuestion")
    beschrijving = rdf.text(SCHEMA + "description")
    plaatsen = rdf.places(DCT + "spatial")
    startdatum = rdf.date(SCHEMA + "startDate")
    einddatum = rdf.date(SCHEMA + "endDate")
    frequentieWeken = rdf.integer(LP + "meetingIntervalWeeks", minimum=1, maximum=104)
    vertrouwelijkheidsafspraken = rdf.boolean(LP + "confidentialityAgreement")
    kennis = rdf.concepts(LP + "knowledgeKind", "kennis")
    deelname = rdf.nested(LP + "participation", Deelname, many=True)
    aansluiten = rdf.text(LP + "howToJoin")
    contact = rdf.nested("http://www.w3.org/ns/dcat#contactPoint", Contact)
    website = rdf.web_address(SCHEMA + "url")
    onderdeelVan = rdf.web_addresses(DCT + "isPartOf")
    partners = rdf.web_addresses("http://www.w3.org/ns/org#hasMember")
    bijeenkomsten = fields.List(fields.String(), dump_only=True)
    verslagen = fields.List(fields.String(), dump_only=True)
    resultaten = fields.List(fields.String(), dump_only=True)

    @validates_schema(skip_on_field_errors=False)  # report it together with every other error
    def _dates_in_order(self, data, **kwargs):
        if data.get("startdatum") and data.get("einddatum") and data["einddatum"] < data["startdatum"]:
            raise ma.ValidationError("end-before-start", "einddatum")


class Bijeenkomst(ReadOnly):
    """A planned or held meeting (lp:Meeting) of one community."""

    class Meta(Base.Meta):
        rdf_type = LP + "Meeting"
        collection = "bijeenkomsten"
        link = LP + "hasMeeting"

    naam = rdf.text(SCHEMA + "name", lang=None, max_length=200)
    datum = rdf.date(SCHEMA + "startDate", required=True)
    locatie = rdf.text(SCHEMA + "location", lang=None, max_length=200)
    plaats = rdf.place(DCT + "spatial")
    vorm = rdf.choice(SCHEMA + "eventAttendanceMode", ATTENDANCE)
    aanwezigePerspectieven = rdf.concepts(LP + "perspectivePresent", "perspectief")


class Verslag(ReadOnly):
    """An analytic report (lp:AnalyticReport) of one meeting."""

    class Meta(Base.Meta):
        rdf_type = LP + "AnalyticReport"
        collection = "verslagen"

    bijeenkomst = rdf.sibling(LP + "reportsOn", "bijeenkomsten", required=True)
    datum = rdf.date(DCT + "issued", required=True)
    titel = rdf.text(DCT + "title", max_length=300)
    centraleVraag = rdf.text(LP + "centralQuestion")
    handelingsperspectieven = rdf.texts(LP + "courseOfAction")
    meegelezen = rdf.boolean(LP + "readByMember")
    url = rdf.web_address(SCHEMA + "url")


class Resultaat(ReadOnly):
    """A named, communicated result (lp:Result)."""

    class Meta(Base.Meta):
        rdf_type = LP + "Result"
        collection = "resultaten"
        link = LP + "hasResult"

    naam = rdf.text(SCHEMA + "name", lang=None, max_length=200, required=True)
    beschrijving = rdf.text(SCHEMA + "description")
    datum = rdf.date(DCT + "date")
    leerlus = rdf.concept(LP + "learningLoop", "leerlus")


class Begrip(ReadOnly):
    """One of the node's own concepts, narrowing a shared one (skos:broader)."""

    class Meta(Base.Meta):
        rdf_type = SKOS + "Concept"
        collection = "begrippen"

    label = rdf.text(SKOS + "prefLabel", max_length=200, required=True)
    labelEn = rdf.text(SKOS + "prefLabel", lang="en", max_length=200)
    definitie = rdf.text(SKOS + "definition")
    breder = rdf.web_address(SKOS + "broader", required=True)


NESTED = (Bijeenkomst, Verslag, Resultaat)
KINDS = {schema.Meta.collection: schema for schema in (Praktijk, Begrip, *NESTED)}
