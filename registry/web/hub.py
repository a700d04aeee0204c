"""The hub's harvest status: `/oogst` (HTML and CSV), `/oogst/<id>`, and an admin trigger.

Public, like the harvest-log graph it reads: per member the last attempt and last
success, staleness, counts, the next run, and the current validation report grouped
by rule with a link to the rule's documentation. An admin can start a harvest of
one node, or confirm a mass deletion the harvester held.
"""
from __future__ import annotations

import threading

import pyoxigraph as ox
from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from werkzeug.routing import BaseConverter

from harvesters.log import log_graph, member_iri
from harvesters.status import MemberStatus, findings, overview
from registry.description import Description
from registry.errors import N_, NotFound
from registry.queries import named
from registry.vocab_docs import rule_anchor
from registry.web import conditional, current_node, rdf_response
from registry.web.auth import login_required
from registry.web.csv_download import csv_response
from registry.web.i18n import current_language
from registry.web.negotiation import HTML, RDF_TYPES, choose, split_extension

blueprint = Blueprint("hub", __name__)
OFFERED = [HTML, *RDF_TYPES]
CSV_COLUMNS = ("id", "name", "level", "url", "last_attempt", "last_outcome", "last_success", "stale_since",
               "age_s", "triples", "added", "updated", "removed", "quarantined", "out_of_scope", "next_run", "error")


class RunConverter(BaseConverter):
    """A harvest run's name in its IRI (its start, `20261203T141500123456Z`), with an optional format
    extension; so the member's POST-only actions (`oogsten`, `bevestigen`) still answer a GET with 405."""

    regex = r"\d{8}T\d{12}Z(?:\.[a-z]+)?"


def init_app(app) -> None:
    """Start the harvest schedule of a hub (in one process only; see harvesters.schedule)."""
    node = app.extensions["bamboe"]
    app.url_map.converters["run"] = RunConverter
    app.register_blueprint(blueprint)
    app.jinja_env.globals.update(is_hub=lambda: current_node().hub is not None)
    app.jinja_env.filters.update(duration=duration)
    if node.hub is not None and node.settings["harvest_schedule"]:
        node.start_schedule()


def _hub():
    hub = current_node().hub
    if hub is None:
        raise NotFound(N_("Deze node is geen hub: in zijn instellingen staat geen instances-bestand."))
    return hub


def _statuses() -> list[MemberStatus]:
    hub = _hub()
    statuses = overview(hub.store, hub.base, hub.instances, hub.interval_s)
    scheduler = current_node().scheduler
    if scheduler is not None and scheduler.running:
        for status in statuses:
            status.scheduled = scheduler.next_run(status.instance.id)
    return statuses


@blueprint.get("/oogst")
@blueprint.get("/oogst.<ext>")
def status_page(ext: str | None = None):
    if ext not in (None, "csv"):
        raise NotFound(N_("Er is geen /oogst.%(ext)s; gebruik /oogst (HTML) of /oogst.csv."), ext=ext)
    statuses = _statuses()
    if ext == "csv" or request.args.get("format") == "csv":
        return csv_response(CSV_COLUMNS, _csv_rows(statuses), "oogst.csv", vary=False)
    html = render_template("hub/status.html", statuses=statuses, file=_hub().path.name)
    return conditional(html, "text/html")


@blueprint.get("/oogst/<node_id>")
def member_page(node_id: str):
    hub = _hub()
    node_id, ext = split_extension(node_id)
    hub.member(node_id)
    media_type = choose(OFFERED, ext)
    if media_type != HTML:  # the member as the harvest log describes it (`lph:Member`)
        return rdf_response(_logged(hub, member_iri(hub.base, node_id)), media_type)
    status = next(s for s in _statuses() if s.instance.id == node_id)
    checked = status.last_checked
    report = findings(hub.store, hub.base, checked) if checked else {}
    return render_template("hub/member.html", status=status, report=report, rule_anchor=rule_anchor,
                           started=request.args.get("gestart") == "1")


@blueprint.get("/oogst/<node_id>/<run:run>")
def run_page(node_id: str, run: str):
    """One harvest run at its IRI: what the log records of it, for people and programs."""
    hub = _hub()
    hub.member(node_id)
    run, ext = split_extension(run)
    iri = f"{member_iri(hub.base, node_id)}/{run}"
    triples = _logged(hub, iri)
    if not triples:
        raise NotFound(N_("De oogst %(iri)s staat niet (meer) in het oogstlog."), iri=iri)
    media_type = choose(OFFERED, ext)
    if media_type != HTML:
        return rdf_response(triples, media_type)
    here = "/" + iri.removeprefix(hub.base)
    page = render_template("resource.html", iri=iri, here=here, description=Description(triples),
                           labels=current_node().labels)
    return conditional(page, HTML)


def _logged(hub, iri: str) -> list:
    query = named("harvest/describe").bind(log=ox.NamedNode(log_graph(hub.base)), resource=ox.NamedNode(iri))
    return hub.store.construct(query)


@blueprint.post("/oogst/<node_id>/oogsten")
@login_required(admin=True, form_page="hub.member_page")
def trigger(node_id: str):
    _start(node_id, confirm_removals=False)
    return redirect(url_for("hub.member_page", node_id=node_id, gestart=1), 303)


@blueprint.post("/oogst/<node_id>/bevestigen")
@login_required(admin=True, form_page="hub.member_page")
def confirm(node_id: str):
    _start(node_id, confirm_removals=True)
    return redirect(url_for("hub.member_page", node_id=node_id, gestart=1), 303)


def _start(node_id: str, confirm_removals: bool) -> None:
    """Harvest in the background; the node lock keeps it to one run at a time."""
    hub = _hub()
    hub.member(node_id)
    current_app.logger.info("admin %s started a harvest of %s", g.user.name, node_id)
    threading.Thread(target=lambda: hub.harvest(node_id, confirm_removals), name=f"harvest-{node_id}",
                     daemon=True).start()


def _csv_rows(statuses: list[MemberStatus]) -> list[list]:
    rows = []
    for s in statuses:
        last, success = s.last_attempt, s.last_success
        rows.append([
            s.instance.id, s.instance.name, s.instance.level, s.instance.url,
            _iso(last.started) if last else "", last.outcome if last else "",
            _iso(success.ended) if success else "", _iso(s.stale_since),
            "" if s.age_s is None else round(s.age_s), "" if not success or success.triples is None else success.triples,
            last.added if last else "", last.updated if last else "", last.removed if last else "",
            last.quarantined if last else "", last.out_of_scope if last else "",
            _iso(s.next_run), (last.error_in(current_language()) or "") if last else "",
        ])
    return rows


def duration(seconds: float) -> str:
    """A short age: 45 s, 12 min, 5 u, 3 d (units read the same in Dutch and English)."""
    for unit, size in (("d", 86400), ("u", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else ""
