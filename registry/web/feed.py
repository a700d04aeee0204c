"""The change feed: every create, update and delete in order, for harvesters and people.

`/wijzigingen` is an Activity Streams 2.0 OrderedCollection; `?na=N` gives the page of
changes after number N (at most 100, oldest first, with `next` while more follow).
Numbers come from the audit trail and never change, so a harvester keeps the last one
it saw and asks for what came after: an empty page when nothing changed. The same
changes, newest first, as Atom for feed readers: `/wijzigingen.atom`.

Items name the changed resource and the kind of change only, never its content: a
deleted resource leaves nothing in the feed but its IRI and the time.
"""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
from feedgen.feed import FeedGenerator
from flask import Blueprint, g, jsonify, request

from registry.errors import N_, InvalidInput, NotFound
from registry.queries import named
from registry.web import conditional, current_node
from registry.web.negotiation import choose

AS = "https://www.w3.org/ns/activitystreams#"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = "application/ld+json"
ATOM = "application/atom+xml"
PAGE = 100
KINDS = {"praktijken": "lp:LearningCommunity", "bijeenkomsten": "lp:Meeting", "verslagen": "lp:AnalyticReport",
         "resultaten": "lp:Result", "begrippen": "skos:Concept"}
LABELS = {"Create": ("aangemaakt", "created"), "Update": ("gewijzigd", "updated"), "Delete": ("verwijderd", "deleted")}

blueprint = Blueprint("feed", __name__)


def changes_after(store, after: int) -> list[dict]:
    rows = store.select(named("editing/changes").bind(after=ox.Literal(str(after), datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))))
    return [_change(row) for row in rows]


def recent_changes(store, before: int | None = None) -> list[dict]:
    bound = ox.Literal(str(before if before is not None else 2**62),
                       datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return [_change(row) for row in store.select(named("editing/recent_changes").bind(before=bound))]


def _change(row) -> dict:
    return {"sequence": int(row["sequence"].value), "type": row["type"].value.removeprefix(AS),
            "object": row["object"].value, "time": row["time"].value,
            "summary": row["summary"].value if row.get("summary") is not None else "",
            "agent": row["agent"].value.removeprefix("urn:bamboe:user:")}


def last_sequence(store) -> int:
    rows = store.select(named("editing/latest_change").text)
    return int(rows[0]["last"].value) if rows else 0


@blueprint.get("/wijzigingen")
@blueprint.get("/wijzigingen.<ext>")
def changes(ext: str | None = None):
    node = current_node()
    by_extension = {"atom": ATOM, "jsonld": LD_JSON, "json": LD_JSON}
    if ext is not None and ext not in by_extension:
        raise NotFound(N_("Hier is geen .%(ext)s; gebruik /wijzigingen (Activity Streams) of /wijzigingen.atom."),
                       ext=ext)
    media_type = by_extension.get(ext) or choose([LD_JSON, ACTIVITY_JSON, "application/json", ATOM])
    if media_type == ATOM:
        return conditional(_atom(node), ATOM)
    base = node.settings["base_url"]
    collection = base + "wijzigingen"
    raw = request.args.get("na")
    if raw is None:
        body = {"@context": AS_CONTEXT, "id": collection, "type": "OrderedCollection",
                "summary": f"Wijzigingen in {node.settings['name']}", "totalItems": last_sequence(node.store),
                "first": collection + "?na=0"}
    else:
        if not (raw.isascii() and raw.isdigit()):
            raise InvalidInput(N_("`na` is het nummer van de laatste wijziging die je zag: geef een getal vanaf 0 "
                                  "(0 voor alles)."),
                               fields=[{"name": "na", "code": "range"}])
        after = int(raw)
        found = changes_after(node.store, after)
        page, more = found[:PAGE], len(found) > PAGE
        body = {"@context": [AS_CONTEXT, {"lp": "https://w3id.org/lerende-praktijken/def#",
                                          "skos": "http://www.w3.org/2004/02/skos/core#"}],
                "id": f"{collection}?na={after}", "type": "OrderedCollectionPage", "partOf": collection,
                "startIndex": after, "orderedItems": [_item(base, change) for change in page]}
        if more:
            body["next"] = f"{collection}?na={page[-1]['sequence']}"
    response = conditional(jsonify(body).get_data(), media_type)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _item(base: str, change: dict) -> dict:
    kind = change["object"].removeprefix(base).split("/")
    object_type = "Tombstone" if change["type"] == "Delete" else KINDS.get(
        kind[-2] if len(kind) >= 2 else "", "Dataset" if change["object"] == base + "graph" else "Object")
    item = {"id": f"{base}wijzigingen#{change['sequence']}", "type": change["type"],
            "published": change["time"], "actor": base + "werkplaats",
            "object": {"id": change["object"], "type": object_type}}
    if change["type"] == "Delete":
        item["object"]["deleted"] = change["time"]
    return item


def _atom(node) -> bytes:
    base = node.settings["base_url"]
    lang = g.get("lang", "nl")
    feed = FeedGenerator()
    feed.id(base + "wijzigingen")
    feed.title(("Wijzigingen in " if lang == "nl" else "Changes in ") + node.settings["name"])
    feed.link(href=base + "wijzigingen.atom", rel="self")
    feed.link(href=base + "praktijken", rel="alternate")
    feed.language(lang)
    changes = recent_changes(node.store)
    feed.updated(changes[0]["time"] if changes else dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    for change in reversed(changes):
        entry = feed.add_entry()
        entry.id(f"{base}wijzigingen#{change['sequence']}")
        label = node.labels.label(change["object"], lang)
        verb = LABELS.get(change["type"], (change["type"], change["type"]))[lang == "en"]
        entry.title(f"{label} {verb}")
        entry.updated(change["time"])
        entry.content(f"{change['type']} {change['object']} ({change['time']})", type="text")
        if change["type"] != "Delete":
            entry.link(href=change["object"], rel="alternate")
    return feed.atom_str(pretty=True)
