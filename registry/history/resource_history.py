"""The versions of one community record and of its meetings and reports, each with what changed.

The hub's community view lists them as "Geschiedenis", newest first. A version's
content is the record's N-Triples as the log keeps it (`registry.ldes.versions`); what
changed is worked out here against the previous version of the same resource, field by
field: a field is a property of the resource, its values the objects (a blank node,
such as a participation, is one value: its own properties and values, described).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.queries import named
from registry.store import Store

SHOWN = 200
"""Versions listed on a community's page at most (the newest); the JSON holds as many."""
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FieldLabel = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Version:
    """One recorded version of one resource."""

    number: int
    resource: str
    kind: str  # Create, Update or Delete (the AS2 activity's local name)
    time: dt.datetime
    derived_from: str | None  # a hub's member graph
    triples: tuple[ox.Triple, ...]


@dataclass(frozen=True)
class FieldChange:
    """One property of a resource that differs between two versions; values as (raw, label)."""

    field: str
    label: str
    change: str  # added, removed or changed
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]


def versions_of(store: Store, iri: str) -> list[Version]:
    """Every version of `iri` and of the resources under it (`{iri}/...`), newest first."""
    query = named("history/versions_of").bind(iri=ox.Literal(iri), prefix=ox.Literal(iri.rstrip("/") + "/"))
    found = []
    for row in store.select(query):
        content = row["content"].value if row.get("content") is not None else ""
        found.append(Version(
            int(row["number"].value), row["resource"].value, row["kind"].value.rsplit("#", 1)[-1],
            _instant(row["time"].value), row["derived"].value if row.get("derived") is not None else None,
            tuple(ox.parse(content, format=ox.RdfFormat.N_TRIPLES)) if content else ()))
    return found


def difference(before: Version | None, after: Version, label: Callable[[str], str],
               field_label: Callable[[str], str] | None = None) -> list[FieldChange]:
    """What differs from `before` (None: there was none) to `after`, per field, in field label order.

    `label` names values (concepts, places) and the properties inside a blank node;
    `field_label` names the fields themselves (`label` when not given).
    """
    field_label = field_label or label
    old = _fields(before, label) if before is not None else {}
    new = _fields(after, label)
    found = []
    for field in old.keys() | new.keys():
        was, now = old.get(field, {}), new.get(field, {})
        added = tuple(sorted((raw, shown) for raw, shown in now.items() if raw not in was))
        removed = tuple(sorted((raw, shown) for raw, shown in was.items() if raw not in now))
        if added or removed:
            change = "added" if not was else "removed" if not now else "changed"
            found.append(FieldChange(field, field_label(field), change, added, removed))
    return sorted(found, key=lambda c: (c.label.casefold(), c.field))


def history(store: Store, iris: Iterable[str], label: Callable[[str], str], member_names: dict[str, str],
            until: dt.datetime | None = None, field_label: FieldLabel | None = None) -> list[dict]:
    """The versions of a community (each of its sources' IRIs) and what is under it, newest first.

    `until` leaves out what was recorded after it (an as-of view shows the history up to its day).
    `field_label(part, property)` names a field as the editor's form does ('' is the community
    itself, else `bijeenkomsten`, `verslagen`...); None falls back to `label`.
    """
    iris = list(iris)
    versions = sorted({v.number: v for iri in iris for v in versions_of(store, iri)}.values(),
                      key=lambda v: (v.time, v.number), reverse=True)
    if until is not None:
        versions = [v for v in versions if v.time <= until]
    previous: dict[tuple, Version] = {}
    entries = []
    for version in reversed(versions):  # oldest first: each is compared with the one before it
        own = (version.resource, version.derived_from)  # two members describing one resource keep apart
        names = _field_names(_part(version, iris)[0], label, field_label)
        changes = [] if version.kind != "Update" else difference(previous.get(own), version, label, names)
        previous[own] = version
        entries.append(_entry(version, changes, iris, member_names))
    return entries[::-1]


def _field_names(part: str, label: Callable[[str], str], field_label: FieldLabel | None) -> Callable[[str], str]:
    """How the fields of one kind of resource are named: as the editor does, else by `label`."""
    return lambda field: (field_label(part, field) if field_label else None) or label(field)


def _part(version: Version, iris: list[str]) -> tuple[str, str]:
    """Which kind of resource under the community a version is of, and its slug ('', '': the community)."""
    owner = next((iri for iri in iris if version.resource == iri or version.resource.startswith(iri + "/")), "")
    part, _, slug = version.resource.removeprefix(owner).strip("/").partition("/")
    return part, slug


def _entry(version: Version, changes: list[FieldChange], iris: list[str], member_names: dict[str, str]) -> dict:
    part, slug = _part(version, iris)
    return {
        "number": version.number, "resource": version.resource, "part": part, "slug": slug,
        "kind": version.kind, "time": version.time.isoformat().replace("+00:00", "Z"),
        "member": version.derived_from, "member_name": member_names.get(version.derived_from or "", ""),
        "changes": [{"field": c.field, "label": c.label, "change": c.change,
                     "added": [{"value": raw, "label": shown} for raw, shown in c.added],
                     "removed": [{"value": raw, "label": shown} for raw, shown in c.removed]} for c in changes],
    }


def _fields(version: Version, label: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """The resource's properties: field IRI -> {raw value: value as people read it}."""
    by_subject: dict = {}
    for triple in version.triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    fields: dict[str, dict[str, str]] = {}
    for triple in by_subject.get(ox.NamedNode(version.resource), []):
        raw, shown = _value(triple.object, by_subject, label, set())
        fields.setdefault(triple.predicate.value, {})[raw] = shown
    return fields


def _value(term, by_subject: dict, label: Callable[[str], str], seen: set) -> tuple[str, str]:
    """A value as compared (raw) and as read (shown); a blank node by what it says, labels and all."""
    if isinstance(term, ox.NamedNode):
        return term.value, label(term.value)
    if isinstance(term, ox.Literal):
        return term.value, term.value
    if term in seen:
        return "…", "…"
    parts = sorted(((t.predicate.value, *_value(t.object, by_subject, label, seen | {term}))
                    for t in by_subject.get(term, [])), key=lambda p: (p[0], p[1]))
    raw = "[" + "; ".join(f"{p} {r}" for p, r, _ in parts) + "]"
    shown = ", ".join(f"{label(p)}: {s}" for p, _, s in parts if p != RDF_TYPE)  # its type says little to people
    return raw, shown


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
