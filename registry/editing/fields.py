"""Marshmallow fields that know their RDF: each carries the predicate and how a value
becomes a term and back, so one schema both validates the JSON and maps it to triples.

Error messages are codes ("required", "unknown-concept"...); `messages.py` turns them
into Dutch or English, so the same validation speaks both languages.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

import marshmallow as ma
import pyoxigraph as ox
from marshmallow import fields, validate

from registry.places import is_cbs_code, parse_place, place_iri

XSD = "http://www.w3.org/2001/XMLSchema#"
catalogue: contextvars.ContextVar = contextvars.ContextVar("concept_catalogue")
"""The node's ConceptCatalogue, set around every load (API request or form post)."""

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")
"""A lone surrogate (JSON "\\ud800") is not Unicode: no store, file or page can hold it."""
WEB_IRI = re.compile(r"^https?://[^/?#\s]+", re.IGNORECASE)
EMAIL = re.compile(r"""
    (?P<local>[A-Za-z0-9!$&'*+=_~-]+(?:\.[A-Za-z0-9!$&'*+=_~-]+)*)   # dot-atom without % ? # { | } ^ `
    @
    (?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+              # a domain name, never [127.0.0.1]
    (?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})""", re.VERBOSE | re.ASCII)


@dataclass(frozen=True)
class Rdf:
    """How one field maps to RDF: predicate, value -> term, term -> value."""

    predicate: str
    encode: Callable[[Any], ox.Term]
    decode: Callable[[ox.Term], Any]
    nested: type | None = None  # schema of a blank-node value
    lang: str | None = None  # text fields: the language this field owns

    def owns(self, term: ox.Term) -> bool:
        """Whether a stored value belongs to this field (an @en text is not the Dutch one's)."""
        if self.lang is None or not isinstance(term, ox.Literal):
            return True
        if self.lang == "nl":
            return term.language in (None, "nl")
        return term.language == self.lang


def coded(field: fields.Field) -> fields.Field:
    """Replace a field's (and its inner field's) messages by their keys, used as codes.

    Every field is made here, so every string field also refuses what no store can
    hold (lone surrogates, control characters): one place, no field forgotten.
    """
    field.error_messages = {key: key for key in field.error_messages}
    if isinstance(field, fields.String):
        field.validators = [*field.validators, storable_text]
    inner = getattr(field, "inner", None)
    if inner is not None:
        coded(inner)
    return field


def storable_text(value: str) -> None:
    """Refuse text with a lone surrogate or a control character (tab and newlines are text)."""
    if SURROGATE.search(value):
        raise ma.ValidationError("invalid-character")
    if CONTROL.search(value):
        raise ma.ValidationError("control-character")


def web_iri(value: str) -> None:
    """An absolute http(s) IRI the store accepts (RFC 3987: valid %-escapes, no space, <, >, {, |...)."""
    if not WEB_IRI.match(value) or not _is_iri(value):
        raise ma.ValidationError("url")


def email_address(value: str) -> None:
    """An ordinary addr-spec at a domain name: no IP literal, no %, nothing a mailto: IRI cannot hold."""
    match = EMAIL.fullmatch(value)
    if not match or len(value) > 254 or len(match["local"]) > 64 or not _is_iri("mailto:" + value):
        raise ma.ValidationError("email")


class WholeMatch(validate.Regexp):
    """A Regexp the whole value must match: `re.match` lets `$` pass a final newline ("id\\n").

    The pattern stays an ordinary one, so the OpenAPI document shows it as it is.
    """

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        return False
    return True


# --- value kinds -----------------------------------------------------------------

def _text(lang: str | None):
    return lambda value: ox.Literal(value, language=lang) if lang else ox.Literal(value)


def _literal_value(term):
    return term.value if isinstance(term, ox.Literal) else None


def _date(value: dt.date):
    return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _decode_date(term):
    try:
        return dt.date.fromisoformat(term.value)
    except (ValueError, AttributeError):
        return None


def _int(value: int):
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _decode_int(term):
    try:
        return int(term.value)
    except (ValueError, AttributeError):
        return None


def _bool(value: bool):
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))


def _decode_bool(term):
    return {"true": True, "1": True, "false": False, "0": False}.get(getattr(term, "value", None))


def _iri(value: str):
    return ox.NamedNode(value)


def _decode_iri(term):
    return term.value if isinstance(term, ox.NamedNode) else None


def _decode_place(term):
    place = parse_place(term.value) if isinstance(term, ox.NamedNode) else None
    return place.code if place else None


def _mailto(value: str):
    return ox.NamedNode("mailto:" + value)


def _decode_mailto(term):
    return term.value.removeprefix("mailto:") if isinstance(term, ox.NamedNode) else None


# --- field factories -------------------------------------------------------------

def text(predicate: str, lang: str | None = "nl", max_length: int = 4000, **kw) -> fields.Field:
    """Free text. Stored as a literal whatever it contains; pages escape it on output."""
    return coded(fields.String(
        validate=validate.Length(min=1, max=max_length, error="length"),
        metadata={"rdf": Rdf(predicate, _text(lang), _literal_value, lang=lang)}, **kw))


def texts(predicate: str, lang: str | None = "nl", max_length: int = 2000, **kw) -> fields.Field:
    return coded(fields.List(
        fields.String(validate=validate.Length(min=1, max=max_length, error="length")),
        metadata={"rdf": Rdf(predicate, _text(lang), _literal_value, lang=lang)}, **kw))


def date(predicate: str, **kw) -> fields.Field:
    return coded(fields.Date(metadata={"rdf": Rdf(predicate, _date, _decode_date)}, **kw))


def integer(predicate: str, minimum: int, maximum: int = 100_000, **kw) -> fields.Field:
    return coded(fields.Integer(
        strict=True, validate=validate.Range(min=minimum, max=maximum, error="range"),
        metadata={"rdf": Rdf(predicate, _int, _decode_int)}, **kw))


def boolean(predicate: str, **kw) -> fields.Field:
    return coded(fields.Boolean(metadata={"rdf": Rdf(predicate, _bool, _decode_bool)}, **kw))


def web_address(predicate: str, **kw) -> fields.Field:
    return coded(fields.Url(schemes={"http", "https"}, validate=web_iri,
                            metadata={"rdf": Rdf(predicate, _iri, _decode_iri)}, **kw))


def web_addresses(predicate: str, **kw) -> fields.Field:
    return coded(fields.List(fields.Url(schemes={"http", "https"}, validate=web_iri),
                             metadata={"rdf": Rdf(predicate, _iri, _decode_iri)}, **kw))


def email(predicate: str, **kw) -> fields.Field:
    return coded(fields.Email(validate=email_address, metadata={"rdf": Rdf(predicate, _mailto, _decode_mailto)}, **kw))


def _known_in(scheme: str):
    def check(value: str):
        if not catalogue.get().in_scheme(value, scheme):
            raise ma.ValidationError("unknown-concept")
    return check


def concept(predicate: str, scheme: str, **kw) -> fields.Field:
    """One concept IRI from a SKOS scheme (shared or the node's own narrower concepts)."""
    return coded(fields.String(validate=_known_in(scheme),
                               metadata={"rdf": Rdf(predicate, _iri, _decode_iri), "scheme": scheme}, **kw))


def concepts(predicate: str, scheme: str, **kw) -> fields.Field:
    return coded(fields.List(fields.String(validate=_known_in(scheme)),
                             metadata={"rdf": Rdf(predicate, _iri, _decode_iri), "scheme": scheme}, **kw))


def _cbs_code(value: str):
    if not value.isascii() or not is_cbs_code(value):  # \d also matches digits of other scripts
        raise ma.ValidationError("not-cbs-code")


def place(predicate: str, **kw) -> fields.Field:
    """A CBS code (GM0537, WK053700, BU05370000, PV28) stored as the place's IRI."""
    return coded(fields.String(validate=_cbs_code, metadata={
        "rdf": Rdf(predicate, lambda code: ox.NamedNode(place_iri(code)), _decode_place)}, **kw))


def places(predicate: str, **kw) -> fields.Field:
    return coded(fields.List(fields.String(validate=_cbs_code), metadata={
        "rdf": Rdf(predicate, lambda code: ox.NamedNode(place_iri(code)), _decode_place)}, **kw))


def choice(predicate: str, options: dict[str, str], **kw) -> fields.Field:
    """One of a few words, each standing for an IRI (e.g. fysiek -> schema:OfflineEventAttendanceMode)."""
    back = {iri: word for word, iri in options.items()}
    return coded(fields.String(
        validate=validate.OneOf(list(options), error="one-of"),
        metadata={"rdf": Rdf(predicate, lambda word: ox.NamedNode(options[word]),
                             lambda term: back.get(term.value)), "options": list(options)}, **kw))


def nested(predicate: str, schema: type, many: bool = False, **kw) -> fields.Field:
    """Blank nodes described by another schema (a participation, a contact point)."""
    rdf = Rdf(predicate, None, None, nested=schema)
    if many:
        return coded(fields.List(fields.Nested(schema), metadata={"rdf": rdf}, **kw))
    return coded(fields.Nested(schema, metadata={"rdf": rdf}, **kw))


def sibling(predicate: str, collection: str, **kw) -> fields.Field:
    """A link to a sibling resource by its id, e.g. a report's meeting ("2026-03-03")."""
    return coded(fields.String(validate=WholeMatch(r"^[a-z0-9][a-z0-9-]{0,99}$", error="bad-id"),
                               metadata={"rdf": Rdf(predicate, None, None), "sibling": collection}, **kw))
