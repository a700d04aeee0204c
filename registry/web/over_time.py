"""Change over time on the hub's views: what `views/_over_time.html` draws.

The view templates hold a view's data (`registry.views.build`); the template global
`over_time(view)` adds, for an area view, the series of `registry.history.series` and,
for one community, its lifetime. Both come from the timeline of the hub's version log
(`registry.history.timeline.Timelines`, one per app, kept per log token); the series of
one view are made once per timeline, filters and day. With `?op=DATE` they end at that
moment, as the log knew it then.
"""
from __future__ import annotations

import threading

from flask import Blueprint, current_app

from registry import clock
from registry.history import series as over
from registry.history.moments import day_of, parse_moment
from registry.history.timeline import Timeline, Timelines, parse_day
from registry.views import build
from registry.web import current_node

blueprint = Blueprint("over_time", __name__)
AREAS = ("landelijk", "regio", "gemeente", "wijk")
KEPT = 64
"""Series kept per timeline (views, filters and days); the oldest go first."""
_lock = threading.Lock()


@blueprint.app_template_global()
def over_time(view: dict) -> dict | None:
    """The series of an area view, or the lifetime of a community; None off a hub or for other pages."""
    node = current_node()
    if node.federation is None or view.get("view") not in (*AREAS, "praktijk"):
        return None
    timeline = _timelines(node).get()
    if timeline is None:
        return {"pending": True}
    op = view.get("op") or ""  # the day an as-of view shows (`registry.web.as_of`), as its links name it
    until = parse_moment(op).at if op else clock.now()
    if view["view"] == "praktijk":
        return {"lifetime": _lifetime(timeline, view["community"], until)}
    key = (view["view"], view["id"], tuple(sorted(view["filters"].items())), op or day_of(until).isoformat())
    with _lock:
        found = timeline.derived.get(key)
    if found is None:
        found = _series(node, timeline, view, until)
        with _lock:
            while len(timeline.derived) >= KEPT:
                timeline.derived.pop(next(iter(timeline.derived)))
            timeline.derived[key] = found
    return {"series": found}


def _timelines(node) -> Timelines:
    with _lock:
        found = current_app.extensions.get("bamboe_timelines")
        if found is None:
            found = current_app.extensions["bamboe_timelines"] = Timelines(node.store, node.hub.view_members())
        return found


def _series(node, timeline: Timeline, view: dict, until) -> over.Series:
    federation = node.federation.get()

    def key_of(iri: str) -> str:  # the views' merging: two descriptions of one community count once
        found = federation.get(iri)
        return found.iri if found else iri
    ctx = build.Context(federation, lambda iri: iri, labels=node.labels.label)
    if view["view"] == "regio":
        area = over.region(timeline, view["id"], view["member"]["area"], key_of)
    else:
        area = over.Area(view["view"], view["id"])
    return over.series(timeline, area, lambda found: build.select(ctx, found, view["filters"]), key_of, until)


def _lifetime(timeline: Timeline, entry: dict, until) -> over.Lifetime | None:
    """From the history when it knows the community, else from the dates it gives now."""
    found = over.lifetime(timeline, [source["iri"] for source in entry["sources"]], until)
    start = parse_day(entry.get("start", ""))
    if found is None and start is not None:
        found = over.Lifetime.between(start, parse_day(entry.get("end", "")), day_of(until), "einddatum")
    return found


def warm(app) -> None:
    """Start reading the hub's timeline while the server starts (a big history takes a minute)."""
    with app.app_context():
        _timelines(app.extensions["bamboe"]).get(wait_s=0)
