"""Joining a hub: `/aanmelden` for a Werkplaats, `/beheer/aanmeldingen` for the hub's admins.

A candidate enters its node's URL, name, level, area and a role address; the hub
checks the node at once as a harvest would, storing nothing (`harvesters.registration`),
and shows the report. A node with blocking problems is refused on the spot; any other
is kept as a pending application (`harvesters.members`) until an admin admits it
(it is then harvested and joins the views) or refuses it with a reason. Only a hub
registers these routes; the JSON API beside the form is `registry.web.join_api`.
"""
from __future__ import annotations

import dataclasses
import re
import threading

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
import marshmallow as ma

from harvesters import members
from harvesters.fetch import Limits
from harvesters.instances import LEVELS
from harvesters.registration import Report, check_candidate
from registry.editing.messages import field_errors, localised
from registry.errors import N_, BamboeError, InvalidInput, NotFound
from registry.mail.decisions import tell_applicant
from registry.web import current_node
from registry.web.auth import limiter, login_required
from registry.web.i18n import current_language

blueprint = Blueprint("join", __name__)
AREA_SEPARATORS = re.compile(r"[\s,;]+")
ALREADY_LISTED = N_("Deze URL (of een URL erboven of eronder) hoort al bij %(name)s; een node meldt zich één keer aan.")


APPLYING = threading.Lock()
"""Serialises the last step of applications in this process: the clash check and the write."""


class AlreadyListed(BamboeError):
    """The node (or one above or below its URL) is a member already, or has applied already."""

    status = 409
    title = N_("Al aangemeld")


def join_limit() -> str:
    return current_app.config["BAMBOE"]["join_limit"]


def init_app(app) -> None:
    """Register the form, the admin pages and the API, at a hub only."""
    if app.extensions["bamboe"].hub is None:
        return
    from registry.web import join_api

    app.register_blueprint(blueprint)
    join_api.init_app(app)


# --- the plain steps, shared with the API --------------------------------------------

def load(payload) -> dict:
    """The candidate's fields, checked; InvalidInput naming every field at fault."""
    try:
        return members.normalised(members.ApplicationSchema().load(payload))
    except ma.ValidationError as error:
        raise InvalidInput(N_("Niet alle velden zijn goed ingevuld; zie de meldingen per veld."),
                           fields=field_errors(error.messages)) from None


def already_listed(data: dict) -> str | None:
    hub = current_node().hub
    return members.clash(data, hub.instances, members.read(hub.store))


def check_and_apply(data: dict) -> tuple[Report, members.Application | None]:
    """Check the candidate's node; keep the application as pending unless the check refuses it."""
    node = current_node()
    limits = dataclasses.replace(Limits.from_settings(node.settings), retries=0)  # the applicant waits: no retries
    report = check_candidate(data["url"], limits, node.settings["allow_private_nodes"])
    current_app.logger.info("application of %s (%s): %d problem(s), %d warning(s)", data["url"], data["naam"],
                            len(report.problems), len(report.warnings))
    if report.blocking:
        return report, None
    with APPLYING:  # two applications for one node checked at the same time: the second finds the first
        listed = already_listed(data)
        if listed:
            raise AlreadyListed(ALREADY_LISTED, name=listed)
        taken = {i.id for i in node.hub.instances} | {a.id for a in members.read(node.store)}
        return report, members.apply(node.store, data, report, taken)


# --- the form ------------------------------------------------------------------------

@blueprint.get("/aanmelden")
def form():
    return render_template("join/form.html", levels=LEVELS, form={}, errors={})


@blueprint.post("/aanmelden")
@limiter.shared_limit(join_limit, scope="join")
def submit():
    typed = {"url": request.form.get("url", "").strip(), "naam": request.form.get("naam", ""),
             "niveau": request.form.get("niveau", ""), "contact": request.form.get("contact", "").strip(),
             "gebied": [code for code in AREA_SEPARATORS.split(request.form.get("gebied", "")) if code]}
    shown = {key: [request.form.get(key, "")] for key in ("url", "naam", "niveau", "gebied", "contact")}
    try:
        data = load(typed)
    except InvalidInput as error:
        errors = {item["name"].split("[")[0]: item["reason"]
                  for item in reversed(localised(error.context["fields"], current_language()))}
        return render_template("join/form.html", levels=LEVELS, form=shown, errors=errors), 400
    listed = already_listed(data)
    if listed:
        errors = {"url": gettext(ALREADY_LISTED, name=listed)}
        return render_template("join/form.html", levels=LEVELS, form=shown, errors=errors), 409
    report, application = check_and_apply(data)
    return render_template("join/form.html", levels=LEVELS, form=shown, errors={}, report=report,
                           application=application), 200


# --- the admins' pages ---------------------------------------------------------------

@blueprint.get("/beheer/aanmeldingen")
@login_required(admin=True)
def applications():
    return _applications_page()


def _applications_page(refusing: str | None = None, error: str | None = None) -> str:
    listed = list(reversed(members.read(current_node().store)))
    pending = [a for a in listed if a.state == members.PENDING]
    decided = [a for a in listed if a.state != members.PENDING]
    return render_template("join/applications.html", pending=pending, decided=decided, refusing=refusing,
                           error=error, done=request.args.get("klaar"))


@blueprint.post("/beheer/aanmeldingen/<token>/toelaten")
@login_required(admin=True, form_page="join.applications")
def admit(token: str):
    node = current_node()
    node.hub.refresh_members()  # what other processes admitted meanwhile
    pending = members.find(node.store, token)
    listed = pending and members.clash({"url": pending.url}, node.hub.instances, [])
    if listed:  # its URL became a member's since it applied: admitting it would harvest one node twice
        raise AlreadyListed(ALREADY_LISTED, name=listed)
    application = members.decide(node.store, token, members.ADMITTED, g.user.name)
    if application is None:
        raise NotFound(N_("Er is geen openstaande aanmelding %(token)s; misschien heeft een andere beheerder "
                          "er al over beslist."), token=token)
    current_app.logger.info("admin %s admitted %s (%s)", g.user.name, application.id, application.url)
    tell_applicant(node.courier, node.settings, application, True)
    node.hub.refresh_members()
    node.members_changed()
    _schedule(node)
    threading.Thread(target=lambda: node.hub.harvest(application.id), name=f"harvest-{application.id}",
                     daemon=True).start()
    return redirect(url_for("hub.member_page", node_id=application.id, gestart=1), 303)


@blueprint.post("/beheer/aanmeldingen/<token>/weigeren")
@login_required(admin=True, form_page="join.applications")
def refuse(token: str):
    reason = request.form.get("reden", "").strip()
    if not reason:
        return _applications_page(refusing=token, error=gettext("Geef een reden; de aanmelder leest hem.")), 400
    application = members.decide(current_node().store, token, members.REFUSED, g.user.name, reason[:2000])
    if application is None:
        raise NotFound(N_("Er is geen openstaande aanmelding %(token)s; misschien heeft een andere beheerder "
                          "er al over beslist."), token=token)
    current_app.logger.info("admin %s refused %s (%s)", g.user.name, application.id, application.url)
    tell_applicant(current_node().courier, current_node().settings, application, False, reason[:2000])
    return redirect(url_for("join.applications", klaar=application.id), 303)


def _schedule(node) -> None:
    """Give an admitted member its place in a running schedule at once (a scheduler elsewhere finds it itself)."""
    if node.scheduler is not None and node.scheduler.running:
        node.scheduler.sync()
