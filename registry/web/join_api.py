"""`POST /api/v1/aanmeldingen`: the form of `/aanmelden` as JSON, in the hub's OpenAPI document.

The same steps as the form (`registry.web.join`); field errors and a refused node are
problem+json with every field at fault in `invalidParams`, a refused node's report in
`rapport`. The application's address holds a random token, so only the applicant
(who got it in `Location`) reads its state there.
"""
from __future__ import annotations

import re

import marshmallow as ma
from flask import url_for
from flask_babel import gettext

from harvesters import members
from registry.errors import N_, InvalidInput, NotFound
from registry.web import current_node
from registry.web.api import _body, _negotiate
from registry.web.api_spec import PREFIX, ApiBlueprint
from registry.web.auth import csrf, limiter
from registry.web.i18n import current_language
from registry.web.join import ALREADY_LISTED, AlreadyListed, already_listed, check_and_apply, join_limit, load
from registry.web.problems import problem

blueprint = ApiBlueprint("api_join", __name__, url_prefix=PREFIX,
                         description="Een node aanmelden bij deze hub (alleen op een hub).")
blueprint.before_request(_negotiate)
TOKEN = re.compile(r"[0-9a-f]{32}")
NO_APPLICATION = N_("Er is geen aanmelding op dit adres.")


class Regel(ma.Schema):
    regel = ma.fields.String(metadata={"description": "IRI of the broken rule (SHACL shape)."})
    aantal = ma.fields.Integer(metadata={"description": "Violations of this rule."})
    melding = ma.fields.String(metadata={"description": "The rule's message, in the Accept-Language."})


class Rapport(ma.Schema):
    """What the hub's check of the node found."""

    bereikbaar = ma.fields.Boolean()
    dcat = ma.fields.Boolean(metadata={"description": "The root description names a dcat:Catalog or dcat:Dataset."})
    dump = ma.fields.String(allow_none=True)
    bytes = ma.fields.Integer(allow_none=True)
    triples = ma.fields.Integer(allow_none=True)
    records = ma.fields.Integer(allow_none=True)
    buitenBasis = ma.fields.Integer(metadata={"description": "Triples about resources outside the node's base URL."})
    overtredingen = ma.fields.Integer(metadata={"description": "SHACL violations in all."})
    regels = ma.fields.List(ma.fields.Nested(Regel))
    problemen = ma.fields.List(ma.fields.String(), metadata={"description": "Why the node is refused (blocking)."})
    waarschuwingen = ma.fields.List(ma.fields.String(), metadata={"description": "Worth fixing; not blocking."})


class Aanmelding(ma.Schema):
    """An application and its state."""

    id = ma.fields.String(metadata={"description": "The node's id at this hub (made from its name)."})
    status = ma.fields.String(metadata={"enum": [members.PENDING, members.ADMITTED, members.REFUSED]})
    url = ma.fields.String()
    naam = ma.fields.String()
    rapport = ma.fields.Nested(Rapport)
    reden = ma.fields.String(metadata={"description": "Why it was refused, when it was."})


def init_app(app) -> None:
    """Put the routes in the node's own OpenAPI document (each app has its own `Api`)."""
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    api.register_blueprint(blueprint)
    csrf.exempt(blueprint)


@blueprint.route("/aanmeldingen", endpoint="apply", methods=["POST"])
@limiter.shared_limit(join_limit, scope="join")
@blueprint.doc(summary="Apply to join this hub with a node", description=(
    "Checks the node at once as a harvest would, storing nothing: reachable, its description, its dump parses, "
    "SHACL violations, records outside its base URL, size within the hub's limits. A node with blocking problems "
    "is refused (400, the report in `rapport`); any other is kept as a pending application for the hub's "
    "admins (201). Rate limited per client address (setting `join_limit`)."),
    requestBody={"required": True, "content": {"application/json": {"schema": members.ApplicationSchema}}})
@blueprint.response(201, Aanmelding, headers={"Location": "Location"})
@blueprint.problems(400, 406, 409, 413, 415, 429)
def apply():
    data = load(_body())
    listed = already_listed(data)
    if listed:
        raise AlreadyListed(ALREADY_LISTED, name=listed)
    report, application = check_and_apply(data)
    if application is None:
        said = [problem_[current_language()] for problem_ in report.problems]
        return problem(400, gettext("Node geweigerd"), " ".join(said),
                       invalidParams=[{"name": "url", "code": "node-refused", "reason": text} for text in said],
                       rapport=represent_report(report))
    location = url_for("api_join.application", token=application.token)
    return represent(application), 201, {"Location": location}


@blueprint.route("/aanmeldingen/<token>", endpoint="application", methods=["GET"])
@blueprint.doc(summary="Read the state of an application (its address came in Location)")
@blueprint.response(200, Aanmelding)
@blueprint.problems(400, 404, 406)
def application(token: str):
    if not TOKEN.fullmatch(token):
        raise InvalidInput(NO_APPLICATION, fields=[{"name": "token", "code": "format"}])
    found = members.find(current_node().store, token)
    if found is None:
        raise NotFound(NO_APPLICATION)
    return represent(found)


def represent(application: members.Application) -> dict:
    refused = application.decisions[0].reason if application.state == members.REFUSED else None
    return {"id": application.id, "status": application.state, "url": application.url, "naam": application.name,
            "rapport": represent_report(application.report), **({"reden": refused} if refused else {})}


def represent_report(report) -> dict:
    lang = current_language()
    return {"bereikbaar": report.reachable, "dcat": report.dcat, "dump": report.dump, "bytes": report.bytes,
            "triples": report.triples, "records": report.records, "buitenBasis": report.outside,
            "overtredingen": report.violations,
            "regels": [{"regel": rule.shape, "aantal": rule.count,
                        "melding": rule.message_en if lang == "en" else rule.message_nl} for rule in report.rules],
            "problemen": [said[lang] for said in report.problems],
            "waarschuwingen": [said[lang] for said in report.warnings]}
