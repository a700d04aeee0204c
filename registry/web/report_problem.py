""""Meld een fout of vul aan" on the hub's community pages: `/overzicht/praktijk/melden?iri=…`.

A short form (message, optional reply address, a honeypot field for bots), CSRF
protected and rate limited per client address (`report_problem_limit`). The note is
queued in the hub's outbox to the contact of each member whose graph holds the
community (registry.mail.notes); the courier sends it and the row is deleted.
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from registry.errors import N_, BamboeError, NotFound
from registry.mail import notes
from registry.web import current_node
from registry.web.auth import limiter

blueprint = Blueprint("report_problem", __name__)
HONEYPOT = "website"
ERRORS = {
    "message_missing": _l("Schrijf wat er niet klopt of wat er ontbreekt."),
    "message_too_long": _l("Een melding is hooguit %(most)s tekens; maak hem korter.", most=notes.MAX_MESSAGE),
    "reply_invalid": _l("Dit is geen e-mailadres; geef een adres als naam@voorbeeld.nl, of laat het veld leeg."),
    "undeliverable": _l("Meldingen over deze praktijk kunnen nu niet worden bezorgd: de hub heeft geen mail of "
                        "webhook ingesteld, of de node geen contactadres. Neem contact op met de beheerder van "
                        "de hub."),
}


def report_problem_limit() -> str:
    return current_app.config["BAMBOE"]["report_problem_limit"]


@blueprint.route("/overzicht/praktijk/melden", methods=["GET", "POST"])
@limiter.limit(report_problem_limit, methods=["POST"])
def report():
    community, owners = _community(request.values.get("iri", "").strip())
    settings = current_node().settings
    form = {name: request.form.get(name, "").strip() for name in ("bericht", "antwoordadres")}
    errors = {}
    if request.method == "POST":
        if request.form.get(HONEYPOT):  # a bot filled the field people never see: thank it, send nothing
            return _sent(community.iri)
        errors = notes.problems(form["bericht"], form["antwoordadres"])
        if not notes.deliverable(settings, owners):
            errors["bericht"] = "undeliverable"
        if not errors:
            page = settings["base_url"].rstrip("/") + url_for("views.community", iri=community.iri)
            notes.queue(current_node().courier.outbox, settings, owners,
                        notes.Note(community.iri, community.name, page, form["bericht"], form["antwoordadres"]))
            current_node().courier.wake()
            return _sent(community.iri)
    page = render_template("views/report_problem.html", community=community, owners=owners, form=form,
                           errors={field: ERRORS[key] for field, key in errors.items()},
                           deliverable=notes.deliverable(settings, owners), most=notes.MAX_MESSAGE,
                           honeypot=HONEYPOT)
    return page, 422 if errors else 200


@blueprint.get("/overzicht/praktijk/melden/verstuurd")
def sent():
    community, owners = _community(request.args.get("iri", "").strip())
    return render_template("views/report_problem_sent.html", community=community, owners=owners)


def _sent(iri: str):
    """After a POST, the confirmation at its own address: reloading it sends nothing again."""
    return redirect(url_for("report_problem.sent", iri=iri), 303)


def _community(iri: str):
    """The community on the hub's current views and the members that hold it."""
    node = current_node()
    if node.hub is None:
        raise NotFound(N_("Deze node is geen hub: in zijn instellingen staat geen instances-bestand."))
    if not iri:
        raise BamboeError(N_("Geef de IRI van een lerende praktijk mee: /overzicht/praktijk/melden?iri=…"))
    community = node.federation.get().get(iri)
    if community is None:
        raise NotFound(N_("Geen lerende praktijk %(iri)s in de geoogste gegevens."), iri=iri)
    owners = []
    for source in community.sources:
        try:
            member = node.hub.member(source.node)
        except NotFound:  # left the federation since the views were made
            continue
        owners.append(notes.owner(member.id, member.name, member.contact, node.settings["contact"]))
    return community, owners
