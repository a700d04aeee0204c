"""A view's change page: what changed in its area between the days `van` and `tot`.

`/overzicht/veranderd`, and `/veranderd` after a region's, gemeente's or wijk's view:
HTML, JSON, CSV (`?format=csv`, one row per change) or Atom (`?format=atom`). Both
days are read as `?op=` is; `tot` defaults to today, `van` to three months before it.
The comparison itself is `history.changes`; the page's data `views.changed`.
"""
from __future__ import annotations

import calendar
import datetime as dt

from flask import g, jsonify, render_template
from flask_babel import gettext, lazy_gettext as _l
from werkzeug.utils import secure_filename

from registry.errors import N_
from registry.history.moments import BadMoment, Moment, end_of
from registry.ldes import versions
from registry.views import build, changed
from registry.web import conditional
from registry.web.as_of import asked_moment, context, history_begins, hub_node, local_today, views_cache
from registry.web.csv_download import csv_response
from registry.web.negotiation import HTML

JSON, CSV, ATOM = "application/json", "text/csv", "application/atom+xml"
FORMATS = {"html": HTML, "json": JSON, "csv": CSV, "atom": ATOM}
DEFAULT_MONTHS = 3
"""A change page without `van` looks back this many months from `tot`."""
KINDS = {
    "started": _l("Nieuw gestart"), "ended": _l("Gestopt"), "level": _l("Ander niveau"),
    "theme": _l("Ander thema"), "perspective_gained": _l("Perspectief erbij"),
    "perspective_lost": _l("Perspectief weg"),
}


def respond(media_type: str, kind: str, key: str = ""):
    """A view's change page in `media_type` (one of `FORMATS`): what changed in its area from `van` to `tot`."""
    node = hub_node()
    van, tot, today = _window()
    ctx = context(tot, "" if today else tot.label)
    area = build.area(ctx, kind, key)
    cache_key = ("changes", kind, area["id"], van.text, g.get("lang", "nl"))
    made = views_cache(ctx).get(ctx.federation, cache_key, lambda: changed.page(
        ctx, node.federation_as_of(van), area, van.label, tot.label, today))
    name = secure_filename("-".join(part for part in ("veranderd", area["id"], made["van"], made["tot"]) if part))
    if media_type == JSON:
        return conditional(jsonify(made).get_data(), JSON)
    if media_type == CSV:
        return csv_response(*changed.csv_table(made), f"{name}.csv")
    if media_type == ATOM:
        updated = views_cache(ctx).get(ctx.federation, ("updated",), lambda: _updated(tot))
        return conditional(changed.atom(made, node.settings["base_url"], _feed_words(made, node), updated), ATOM)
    return conditional(render_template("views/changes.html", changed=made, kinds=KINDS,
                                       begins=history_begins(van, ctx), last_day=local_today().isoformat()), HTML)


def _window() -> tuple[Moment, Moment, bool]:
    """The two days a change page compares: `tot` (default today) and `van` (default three months before)."""
    tot, _ = asked_moment("tot")
    today = tot is None or tot.day == local_today()
    tot = tot or end_of(local_today())
    van, _ = asked_moment("van")
    van = van or end_of(months_before(tot.day, DEFAULT_MONTHS))
    if van.at > tot.at:
        raise BadMoment(N_("van=%(van)s ligt na tot=%(tot)s: kies een begin vóór het eind."),
                        van=van.label, tot=tot.label)
    return van, tot, today


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or that month's last day when it is shorter (31 May -> 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _updated(tot: Moment) -> dt.datetime:
    """The feed's `updated`: the newest version recorded by `tot` (stable until the log moves)."""
    newest = versions.head(hub_node().store).get("time")
    if newest is None:
        return tot.at
    return min(tot.at, dt.datetime.fromisoformat(newest.value.replace("Z", "+00:00")))


def _feed_words(made: dict, node) -> dict:
    """The feed's words in the page's language."""
    area = gettext("Landelijk overzicht") if made["area"]["view"] == "landelijk" else made["area"]["title"]
    return {"title": gettext("Wat is er veranderd in %(area)s tussen %(van)s en %(tot)s", area=area,
                             van=made["van"], tot=made["tot"]),
            "author": node.settings["name"], "lang": g.get("lang", "nl"),
            "gone": gettext("niet meer in het register"), "none": gettext("geen"),
            **{kind: str(text) for kind, text in KINDS.items()}}
