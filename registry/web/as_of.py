"""The day a hub's view shows: `?op=` read, the federation as of it, and caches per day.

Every view takes `?op=2026-03-01` (or a dateTime with a time zone): the landscape as it
was then, made from the version log (`node.federation_as_of`), its links keeping `op`.
Today's views share one cache, emptied when the federation index changes; an as-of
day's views live with that day's state (`node.history.derived`) and go when it goes.
"""
from __future__ import annotations

import datetime as dt
import threading
import weakref

from flask import current_app, g, request

from registry import clock
from registry.errors import N_, NotFound
from registry.history.moments import DATE, Moment, day_of, parse_moment
from registry.views import build
from registry.web import current_node

_days_lock = threading.Lock()

def hub_node():
    """The running hub; a plain node has no views."""
    node = current_node()
    if node.federation is None:
        raise NotFound(N_("Deze node is geen hub: er zijn geen overzichten."))
    return node


def context(moment: Moment | None = None, op: str = "") -> build.Context:
    """The views' context: today's federation, or the one as of `moment` (`op` is how links name it)."""
    node = hub_node()
    lang = g.get("lang", "nl")
    label = lambda iri: node.labels.label(iri, lang)  # noqa: E731
    if moment is None:
        return build.Context(node.federation.get(), label, labels=node.labels.label)
    return build.Context(node.federation_as_of(moment), label, today=moment.day, labels=node.labels.label,
                         op=op, moment=moment)


def asked_moment(name: str = "op") -> tuple[Moment | None, str]:
    """The moment a parameter asks for, and how links repeat it (a date as given, else UTC); none when empty."""
    text = request.args.get(name, "").strip()
    if not text:
        return None, ""
    moment = parse_moment(text, name)
    return moment, moment.label if DATE.fullmatch(text) else moment.text


def views_cache(ctx: build.Context) -> ViewCache | DayCache:
    """Today's views share one cache; an as-of federation's views are kept with it (and go when it goes).

    Keyed by the federation object rather than asking `node.history` again: each such
    question reads the log's token, a scan of the log.
    """
    if ctx.moment is None:
        return current_app.extensions.setdefault("bamboe_views", ViewCache())
    days = current_app.extensions.setdefault("bamboe_views_as_of", weakref.WeakKeyDictionary())
    with _days_lock:
        return days.setdefault(ctx.federation, DayCache())


def banner(ctx: build.Context) -> dict | None:
    """What the banner of an as-of page says: its day, and when history begins if that is later."""
    if not ctx.op:
        return None
    return {"op": ctx.op, "day": ctx.today.isoformat(), "today_url": build.with_params(request.full_path, op=""),
            "begins": history_begins(ctx.moment, ctx)}


def local_today() -> dt.date:
    """Today in the Netherlands, as `?op=` reads days."""
    return day_of(clock.now())


def history_begins(moment: Moment, ctx: build.Context | None = None) -> str | None:
    """When the version log begins, if `moment` lies before it (nothing is known then); else None.

    With a context, the log's first time is read once per its federation (it moves only
    when the log is first written or erased, and a new federation is made then too).
    """
    node = hub_node()
    first = views_cache(ctx).get(ctx.federation, ("begins",), node.history.begins) if ctx else node.history.begins()
    if first is None:
        return local_today().isoformat()
    begins = dt.datetime.fromisoformat(first.replace("Z", "+00:00"))
    return day_of(begins).isoformat() if moment.at < begins else None


class ViewCache:
    """Views made from one federation index, by what was asked; emptied when the index changes."""

    most = 256

    def __init__(self):
        self._federation, self._made, self._lock = None, {}, threading.Lock()

    def get(self, federation, key: tuple, make):
        with self._lock:
            if federation is not self._federation or len(self._made) >= self.most:
                self._federation, self._made = federation, {}
            found = self._made.get(key)
        if found is None:
            found = make()
            with self._lock:
                if federation is self._federation:
                    self._made[key] = found
        return found


class DayCache:
    """Views of one as-of federation (the caller keeps one per federation); it holds no reference to it."""

    most = 256

    def __init__(self):
        self._made, self._lock = {}, threading.Lock()

    def get(self, federation, key: tuple, make):
        with self._lock:
            found = self._made.get(key)
        if found is None:
            found = make()
            with self._lock:
                if len(self._made) >= self.most:
                    self._made.clear()
                self._made[key] = found
        return found
