"""When a community's description was last changed or confirmed, in its own published triples.

Two dates, both on the community, so a hub harvesting the node sees them too:

- `dct:modified`: the day its own description last changed. The editor stamps it on a
  write that changes something; a save that changes nothing keeps the date it had, so
  a save is never mistaken for a change (nor makes a version in the history).
- `lp:confirmed`: the day someone last said the description is still current without
  changing anything ("Nog actueel" on the editor's dashboard, or the API's
  `bevestiging`). It replaces the previous confirmation; `dct:modified` stays.

The signal `lpsh:NotConfirmedCurrent` (vocab/shapes/recommended.ttl) asks "Nog
actueel?" when neither date, nor a meeting held, falls in the last twelve months.
"""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from registry import rdf

MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
CONFIRMED = ox.NamedNode("https://w3id.org/lerende-praktijken/def#confirmed")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
SIGNAL = "NotConfirmedCurrent"
"""The key of the freshness signal (`registry.signals.Signal.key`)."""


def day(value: dt.date) -> ox.Literal:
    return ox.Literal(value.isoformat(), datatype=XSD_DATE)


def stamped(new: list[ox.Triple], old: list[ox.Triple], subject: ox.NamedNode, today: dt.date) -> list[ox.Triple]:
    """The new description with `dct:modified`: today if it differs from the old one, else the old date."""
    fresh = list(dict.fromkeys(t for t in new if not _is(t, subject, MODIFIED)))
    before = list(dict.fromkeys(t for t in old if not _is(t, subject, MODIFIED)))
    dates = [t for t in old if _is(t, subject, MODIFIED)]
    if old and dates and rdf.digest(fresh, subject) == rdf.digest(before, subject):
        return fresh + dates
    return fresh + [ox.Triple(subject, MODIFIED, day(today))]


def confirmed(old: list[ox.Triple], subject: ox.NamedNode, today: dt.date) -> list[ox.Triple]:
    """The stored description with `lp:confirmed` set to today; nothing else changes."""
    return [t for t in old if not _is(t, subject, CONFIRMED)] + [ox.Triple(subject, CONFIRMED, day(today))]


def _is(triple: ox.Triple, subject: ox.NamedNode, predicate: ox.NamedNode) -> bool:
    return triple.subject == subject and triple.predicate == predicate
