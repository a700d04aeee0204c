"""A view's change page ("Wat is er veranderd tussen … en …") as data, CSV rows and an Atom feed.

`history.changes.compare` finds the changes between two as-of federations; this turns
them into what the page, its CSV and its feed show: labels for every IRI, and a link
to each community's view on the day it can be seen (the later day, or the earlier one
for a community that left the register).
"""
from __future__ import annotations

import datetime as dt
import hashlib

from feedgen.feed import FeedGenerator

from registry.history import changes
from registry.views.build import Context, changes_url, view_url, with_params
from registry.views.federation import Federation

CSV_COLUMNS = ("iri", "name", "change", "from", "to", "from_iris", "to_iris")
"""One row per change: stable names for scripts (`from`/`to` as labels, `*_iris` as IRIs)."""


def page(after: Context, before: Federation, area: dict, van: str, tot: str, today: bool) -> dict:
    """The change page of `area` between the days `van` and `tot` (`after.federation` is the one of `tot`).

    `today`: `tot` is today, so links to a community's view need no `op`.
    """
    found = changes.compare(before, after.federation, changes.within_area(area["view"], area["id"]))
    labels: dict[str, str] = {}
    rows = []
    for change in found:
        for iri in change.before + change.after:
            labels.setdefault(iri, after.label(iri))
        gone = change.kind == "ended" and not change.after
        rows.append({"iri": change.iri, "name": change.name, "kind": change.kind,
                     "before": list(change.before), "after": list(change.after),
                     "url": view_url("praktijk", change.iri, op=van if gone else "" if today else tot)})
    return {
        "view": "veranderd", "area": area, "van": van, "tot": tot,
        "url": changes_url(area["view"], area["id"], van, tot),
        "count": len(found), "counts": changes.counts(found), "kinds": list(changes.KINDS),
        "changes": rows, "labels": labels,
    }


def csv_table(changed: dict) -> tuple[tuple[str, ...], list[list]]:
    """One row per change; `from` and `to` read as labels, the IRIs beside them."""
    shown = lambda iris: "; ".join(changed["labels"].get(iri, iri) for iri in iris)  # noqa: E731
    rows = [[c["iri"], c["name"], c["kind"], shown(c["before"]), shown(c["after"]),
             "; ".join(c["before"]), "; ".join(c["after"])] for c in changed["changes"]]
    return CSV_COLUMNS, rows


def atom(changed: dict, base_url: str, words: dict, updated: dt.datetime) -> bytes:
    """The changes as an Atom 1.0 feed, one entry per change.

    `words` holds the page's language: `title`, `author`, `lang`, `gone` (what `to` says
    when the community left the register), `none` (an empty value, as the page says it) and
    a name per change kind. An entry's id depends on the change
    only (community, kind, from, to), so a reader sees it once across overlapping windows.
    """
    absolute = lambda path: base_url + path.lstrip("/")  # noqa: E731
    feed = FeedGenerator()
    feed.id(absolute(changed["url"]))
    feed.title(words["title"])
    feed.author({"name": words["author"]})
    feed.link(href=absolute(with_params(changed["url"], format="atom")), rel="self", type="application/atom+xml")
    feed.link(href=absolute(changed["url"]), rel="alternate", type="text/html")
    feed.language(words["lang"])
    feed.updated(updated)
    shown = lambda iris, empty: ", ".join(changed["labels"].get(iri, iri) for iri in iris) or empty  # noqa: E731
    for change in reversed(changed["changes"]):  # feedgen puts the last added first
        entry = feed.add_entry()
        key = "\n".join([change["iri"], change["kind"], *change["before"], "→", *change["after"]])
        entry.id(absolute("/overzicht/veranderd") + "#" + hashlib.sha256(key.encode()).hexdigest()[:32])
        entry.title(f"{change['name']}: {words[change['kind']]}")
        entry.link(href=absolute(change["url"]), rel="alternate", type="text/html")
        entry.updated(updated)
        after = shown(change["after"], words["gone"] if change["kind"] == "ended" else words["none"])
        entry.content(f"{words[change['kind']]}: {shown(change['before'], words['none'])} → {after} "
                      f"({change['iri']})", type="text")
    return feed.atom_str(pretty=True)

