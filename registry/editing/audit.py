"""The audit record every write carries: who changed what, when (PROV-O + Activity Streams).

Records go to the private graph `urn:bamboe:audit` (never dumped or queryable from
outside); the change feed and the admins' audit page read them back in order.
"""
from __future__ import annotations

import uuid

import pyoxigraph as ox

from registry import clock
from registry.accounts import User
from registry.queries import named

XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def audit_record(activity: str, iri: str, user: User, summary: str, when: str | None = None) -> str:
    """An update appending one numbered record; run it in the same request as the write."""
    return named("editing/audit").bind(
        activity=ox.NamedNode(f"urn:bamboe:activity:{uuid.uuid4()}"),
        type=ox.NamedNode(activity), object=ox.NamedNode(iri),
        agent=ox.NamedNode(f"urn:bamboe:user:{user.name}"),
        time=ox.Literal(when or now(), datatype=XSD_DATETIME),
        summary=ox.Literal(summary),
    )


def now() -> str:
    return clock.now().replace(microsecond=0).isoformat()
