"""JSON API v1 for editors, after the Dutch API Design Rules (Logius).

Dutch plural nouns in kebab-case, the major version in the path, `API-Version` on
every response, problem+json errors with every field error at once (400, never 422),
405 with `Allow`, 406/415, ETags with If-Match (412 when stale, 428 when missing, 400
when it is no ETag). OpenAPI 3 is generated from the marshmallow schemas by flask-smorest
(conventions in registry/web/api_spec.py) and served at
/api/v1/openapi.json (no auth, CORS *); /api/v1/docs renders it with a Swagger UI
the node serves itself, so it works offline.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from urllib.parse import urlencode
from pathlib import Path

import marshmallow as ma
import swagger_ui_bundle
from flask import Blueprint as FlaskBlueprint, Flask, g, render_template, request, send_from_directory
from flask.views import MethodView
from werkzeug.exceptions import BadRequest

from registry.communities import page_neighbours
from registry.editing.schemas import NESTED, Begrip, Praktijk
from registry.editing.service import FIELDS_INVALID, NOT_AN_OBJECT, Address, Saved
from registry.editing.erasure import MAX_LENGTH, MIN_LENGTH, erase_text
from registry.editing.messages import field_errors
from registry.errors import N_, Forbidden, InvalidInput, NotAcceptable, UnsupportedMediaType
from registry.web import current_node, json_body
from registry.web.api_spec import PREFIX, VERSION, ApiBlueprint, BamboeApi, Conventions, spec_options
from registry.web.auth import write_limit, bearer_user, csrf, limiter

JSON_TYPES = ("application/json", "application/merge-patch+json")
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"}
ENTITY_TAGS = re.compile(r'\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*')
"""If-Match as RFC 9110 has it: `*`, or a comma-separated list of quoted (perhaps weak) ETags."""


blueprint = ApiBlueprint("api_v1", __name__, url_prefix=PREFIX,
                         description="Lerende praktijken van deze node lezen en bewerken.")
BEARER = [{"bearer": []}]
PAGE_HEADERS = ("X-Total-Count", "X-Pagination-Page", "X-Pagination-Limit", "Link")


def init_app(app: Flask) -> None:
    """Document and serve the API; each app gets its own `Api`, so its own OpenAPI document.

    The demo runs every node and the hub in one process: one shared `Api` would hand
    every node the spec (and `servers` address) of the app created last.
    """
    settings = app.config["BAMBOE"]
    app.config.update(API_TITLE="Bamboe API", API_VERSION=VERSION, OPENAPI_VERSION="3.0.3",
                      OPENAPI_URL_PREFIX=PREFIX, OPENAPI_JSON_PATH="openapi.json",
                      API_SPEC_OPTIONS=spec_options(settings))
    json_body.init_app(app)
    api = BamboeApi(app, spec_kwargs={"extra_plugins": [Conventions()]})
    api.register_blueprint(blueprint)
    app.register_blueprint(docs_blueprint)
    csrf.exempt(blueprint)
    # one count per client address for all API writes, whichever route they hit
    limiter.shared_limit(write_limit, scope="api-writes", methods=["POST", "PUT", "PATCH", "DELETE"])(blueprint)
    app.after_request(_version)


@blueprint.before_request
def _negotiate():
    if "lang" not in request.args:
        g.lang = request.accept_languages.best_match(["nl", "en"]) or "nl"
    accepted = request.accept_mimetypes
    if request.headers.get("Accept") and not (accepted.best_match(["application/json", "application/problem+json"])):
        raise NotAcceptable(N_("Deze API spreekt alleen JSON: stuur Accept: application/json."))
    bodiless = (request.endpoint or "").endswith(".praktijken_confirmation") and not request.get_data()
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype not in JSON_TYPES and not bodiless:
        raise UnsupportedMediaType(N_("Stuur de inhoud als application/json (of application/merge-patch+json voor PATCH)."))


def _version(response):
    if request.path.startswith(PREFIX):
        response.headers["API-Version"] = VERSION
    return response


def _body() -> dict:
    try:
        payload = request.get_json()
    except BadRequest as error:  # not JSON, not UTF-8, or nested too deep (json_body.MAX_DEPTH)
        message, context = _unreadable_body(error)
        raise InvalidInput(message, **context, fields=[{"name": "", "code": "invalid-object"}]) from None
    if payload is None:  # the JSON `null`
        raise InvalidInput(NOT_AN_OBJECT, fields=[{"name": "", "code": "invalid-object"}])
    return payload


def _unreadable_body(error: BadRequest) -> tuple[str, dict]:
    """Why the body is not JSON, by place: the parser's words are for developers, and English.

    Outside debug mode Flask re-raises a bare 400, so the parser's error is further down the chain.
    """
    cause = error.__cause__ or error.__context__
    while cause is not None and not isinstance(cause, ValueError):  # UnicodeDecodeError is a ValueError too
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, json_body.TooDeep):
        return N_("De JSON is dieper genest dan %(depth)s niveaus; maak hem vlakker."), {"depth": json_body.MAX_DEPTH}
    if isinstance(cause, json.JSONDecodeError):
        return (N_("De inhoud is geen geldige JSON: er klopt iets niet op regel %(line)s, kolom %(column)s."),
                {"line": cause.lineno, "column": cause.colno})
    if isinstance(cause, UnicodeError):
        return N_("De inhoud is geen UTF-8; stuur JSON als UTF-8."), {}
    return N_("De inhoud is geen geldige JSON."), {}


def represent(saved: Saved, signals: list | None = None) -> dict:
    """The stored resource as API JSON: its data plus id, links, children and signals."""
    node = current_node()
    base = node.settings["base_url"]
    path = saved.iri.removeprefix(base)
    data = dict(saved.data)
    data["id"] = saved.iri
    data["_links"] = {"self": {"href": f"/api/v1/{path}"}, "html": {"href": f"/{path}"},
                      "turtle": {"href": f"/{path}.ttl"}}
    lang = g.get("lang", "nl")
    community = saved.iri if saved.kind == "praktijken" else (
        saved.iri.rsplit("/", 2)[0] if saved.kind in {s.Meta.collection for s in NESTED} else None)
    if saved.kind == "praktijken":
        data.update(node.editor.children(saved.iri))
    if community:
        if signals is None:
            data["signalen"] = [{"regel": f"https://w3id.org/lerende-praktijken/shapes#{s.key}",
                                 "bericht": s.message.get(lang) or s.message.get("nl", "")}
                                for s in node.editor.signals(community)]
        else:
            data["signalen"] = [{"regel": f.shape, "bericht": f.message_en if lang == "en" else f.message_nl}
                                for f in signals]
    return data


def _respond(saved: Saved, status: int = 200, signals=None):
    headers = {"ETag": f'"{saved.etag}"'}
    if status == 201:
        headers["Location"] = f"/api/v1/{saved.iri.removeprefix(current_node().settings['base_url'])}"
    return represent(saved, signals), status, headers


def _page_args() -> tuple[int, int]:
    errors = []
    values = {}
    for name, default, high in (("pagina", 1, 1_000_000), ("perPagina", 20, 100)):
        raw = request.args.get(name, str(default))
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:  # "²".isdigit() is True
            errors.append({"name": name, "code": "range"})
        else:
            values[name] = int(raw)
    if errors:
        raise InvalidInput(N_("Niet alle queryparameters zijn geldig; invalidParams noemt elke parameter met de "
                              "reden."), fields=errors)
    return values["pagina"], values["perPagina"]


def _paged(slugs: list[str], read):
    page, size = _page_args()
    total = len(slugs)
    items = [represent(read(slug)) for slug in slugs[(page - 1) * size: page * size]]
    last = max(1, math.ceil(total / size))
    links = []
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "pagina"]
    for rel, number in page_neighbours(page, last).items():
        links.append(f'<{request.path}?{urlencode([("pagina", number), *kept])}>; rel="{rel}"')
    headers = {"X-Total-Count": str(total), "X-Pagination-Page": str(page), "X-Pagination-Limit": str(size)}
    if links:
        headers["Link"] = ", ".join(links)
    return items, 200, headers


def _write(status: int, action):
    user = bearer_user()
    saved = action(user)
    return _respond(saved, status, saved.warnings)


# --- views, one pair per kind ------------------------------------------------------

def _collection_view(schema):
    kind = schema.Meta.collection
    missing = (404, 410) if schema in NESTED else ()  # the community above may be missing or deleted

    class Collection(MethodView):
        @blueprint.response(200, schema(many=True), headers={name: name for name in PAGE_HEADERS})
        @blueprint.problems(400, *missing, 406)
        @blueprint.doc(summary=f"List {kind}", parameters=[
            {"in": "query", "name": "pagina", "schema": {"type": "integer", "minimum": 1}},
            {"in": "query", "name": "perPagina", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        ] + ([{"in": "query", "name": n, "schema": {"type": "string"}} for n in ("thema", "soort", "niveau", "status", "q")]
             if kind == "praktijken" else []))
        def get(self, community=None):
            editor = current_node().editor
            if kind == "praktijken":
                slugs = _filtered_communities()
            else:
                slugs = editor.list(kind, community)
            return _paged(slugs, lambda slug: editor.read(editor.address(kind, slug, community)))

        @blueprint.doc(summary=f"Create in {kind}", security=BEARER,
                       requestBody={"required": True, "content": {"application/json": {"schema": schema}}})
        @blueprint.response(201, schema, headers={"ETag": "ETag", "Location": "Location"})
        @blueprint.problems(400, 401, *missing, 406, 413, 415, 429)
        def post(self, community=None):
            editor = current_node().editor
            bearer_user()
            data = editor.load(kind, _body())
            return _write(201, lambda user: editor.create(kind, data, user, community))

    Collection.__name__ = f"{kind.title()}Collection"
    return Collection


def _item_view(schema):
    kind = schema.Meta.collection
    if_match = {"in": "header", "name": "If-Match", "required": True, "description": "The ETag of the version you read.",
                "schema": {"type": "string", "pattern": f"^({ENTITY_TAGS.pattern})$"}}
    in_use = (409,) if kind == "begrippen" else ()  # a concept a community still names stays

    class Item(MethodView):
        def _address(self, slug, community) -> Address:
            return current_node().editor.address(kind, slug, community)

        @blueprint.response(200, schema, headers={"ETag": "ETag"})
        @blueprint.alt_response(304, description="Not modified: If-None-Match names the current ETag.",
                                headers={"ETag": "ETag"}, success=True)
        @blueprint.problems(404, 406, 410)
        @blueprint.doc(summary=f"Read one of {kind}")
        def get(self, slug, community=None):
            saved = current_node().editor.read(self._address(slug, community))
            if f'"{saved.etag}"' in request.headers.get("If-None-Match", ""):
                return "", 304, {"ETag": f'"{saved.etag}"'}
            return _respond(saved)

        @blueprint.doc(summary=f"Replace one of {kind}", security=BEARER, parameters=[if_match],
                       requestBody={"required": True, "content": {"application/json": {"schema": schema}}})
        @blueprint.response(200, schema, headers={"ETag": "ETag"})
        @blueprint.problems(400, 401, 404, 406, 410, 412, 413, 415, 428, 429)
        def put(self, slug, community=None):
            editor = current_node().editor
            address = self._address(slug, community)
            bearer_user()
            data = editor.load(kind, _body())
            return _write(200, lambda user: editor.replace(address, data, user, _if_match()))

        @blueprint.doc(summary=f"Change fields of one of {kind} (JSON Merge Patch)", security=BEARER,
                       parameters=[if_match],
                       requestBody={"required": True, "content": {"application/merge-patch+json": {"schema": schema}}})
        @blueprint.response(200, schema, headers={"ETag": "ETag"})
        @blueprint.problems(400, 401, 404, 406, 410, 412, 413, 415, 428, 429)
        def patch(self, slug, community=None):
            editor = current_node().editor
            address = self._address(slug, community)
            bearer_user()
            changes = _body()
            editor.check_patch(kind, changes)
            return _write(200, lambda user: editor.patch(address, changes, user, _if_match()))

        @blueprint.doc(summary=f"Delete one of {kind} (leaves a tombstone)", security=BEARER, parameters=[if_match])
        @blueprint.response(204)
        @blueprint.problems(400, 401, 404, 406, *in_use, 410, 412, 428, 429)
        def delete(self, slug, community=None):
            user = bearer_user()
            current_node().editor.delete(self._address(slug, community), user, _if_match())
            return "", 204

    Item.__name__ = f"{kind.title()}Item"
    return Item


def _if_match() -> str | None:
    """The If-Match header; one that is neither `*` nor quoted ETags is refused (400), not merely unmatched."""
    value = request.headers.get("If-Match", "").strip()
    if value and not ENTITY_TAGS.fullmatch(value):
        raise InvalidInput(N_("If-Match is geen geldige ETag: stuur de ETag precies zoals je die las, met "
                              "aanhalingstekens (\"...\"), of *."), fields=[{"name": "If-Match", "code": "format"}])
    return value or None


def _filtered_communities() -> list[str]:
    node = current_node()
    filters = {key: request.args[key] for key in ("thema", "soort", "niveau", "status") if request.args.get(key)}
    facet = {"thema": "theme", "soort": "kind", "niveau": "level", "status": "status"}
    found = node.index.search({facet[k]: v for k, v in filters.items()}, request.args.get("q", ""))
    prefix = node.settings["base_url"] + "praktijken/"
    return sorted(s.iri.removeprefix(prefix) for s in found if s.iri.startswith(prefix) and "/" not in s.iri.removeprefix(prefix))


for _schema in (Praktijk, Begrip):
    _kind = _schema.Meta.collection
    blueprint.route(f"/{_kind}", endpoint=f"{_kind}_collection")(_collection_view(_schema))
    blueprint.route(f"/{_kind}/<slug>", endpoint=f"{_kind}_item")(_item_view(_schema))
for _schema in NESTED:
    _kind = _schema.Meta.collection
    blueprint.route(f"/praktijken/<community>/{_kind}", endpoint=f"{_kind}_collection")(_collection_view(_schema))
    blueprint.route(f"/praktijken/<community>/{_kind}/<slug>", endpoint=f"{_kind}_item")(_item_view(_schema))


@blueprint.route("/praktijken/<slug>/bevestiging", endpoint="praktijken_confirmation", methods=["POST"])
@blueprint.doc(summary="Confirm that a community is still current", security=BEARER,
               description="Records `lp:confirmed` (today) on the community without changing anything else: the "
                           "signal `NotConfirmedCurrent` (\"Nog actueel?\") is gone for twelve months. Audited and "
                           "versioned like any write; no If-Match needed. Send no body, or the empty object `{}` "
                           "as `application/json`; anything else is refused (400 or 415).",
               requestBody={"required": False, "content": {"application/json": {"schema": {
                   "type": "object", "additionalProperties": False, "maxProperties": 0}}}})
@blueprint.response(200, Praktijk, headers={"ETag": "ETag"})
@blueprint.problems(400, 401, 404, 406, 410, 413, 415, 429)
def confirm_community(slug):
    user = bearer_user()
    if request.get_data():
        payload = _body()
        if not isinstance(payload, dict):
            raise InvalidInput(NOT_AN_OBJECT, fields=[{"name": "", "code": "invalid-object"}])
        if payload:  # a confirmation changes nothing, so it takes no fields
            raise InvalidInput(FIELDS_INVALID, fields=[{"name": name, "code": "unknown-field"} for name in payload])
    editor = current_node().editor
    return _respond(editor.confirm(editor.address("praktijken", slug), user))


# --- privacy erase (admins only) ---------------------------------------------------

class PrivacyVerwijdering(ma.Schema):
    """What to erase: a text, everywhere or in one record and the records below it."""

    error_messages = {"unknown": "unknown-field", "type": "invalid-object"}

    tekst = ma.fields.String(required=True, error_messages={"required": "required", "null": "null"},
                             validate=ma.validate.Length(min=MIN_LENGTH, max=MAX_LENGTH, error="length"), metadata={
                                 "description": "The text to erase: every literal holding it as whole words, in any "
                                                "case, is rewritten (the text becomes `[verwijderd]`)."})
    bron = ma.fields.String(validate=ma.validate.Length(min=1, max=2000, error="length"), metadata={
        "description": "IRI of a record of this node: erase only there and in the records below it."})
    reden = ma.fields.String(validate=ma.validate.Length(max=300, error="length"), metadata={
        "description": "Why, for the audit trail (the erased text is taken out of it too)."})


class PrivacyVerwijderd(ma.Schema):
    """What an erase did."""

    id = ma.fields.String(allow_none=True, metadata={"description": "IRI of the published notice (on "
                                                                    "/privacy/verwijderingen); null when the text "
                                                                    "occurred nowhere."})
    tijd = ma.fields.DateTime(metadata={"description": "When the erase was recorded (UTC)."})
    bronnen = ma.fields.List(ma.fields.String(), metadata={"description": "The records whose data or versions "
                                                                          "were rewritten."})
    waarden = ma.fields.Integer(metadata={"description": "Distinct values rewritten in the data and the versions."})
    versies = ma.fields.Integer(metadata={"description": "Versions in the history that were rewritten."})
    auditregels = ma.fields.Integer(metadata={"description": "Values rewritten in the private audit trail."})


@blueprint.route("/privacy-verwijderingen", endpoint="privacy_erase", methods=["POST"])
@blueprint.doc(summary="Erase a text from the data and from every version (admins only)", security=BEARER,
               description="Rewrites every literal holding the text in the node's data, its audit trail and every "
                           "version of its history, in one step, and publishes a notice without the text at "
                           "/privacy/verwijderingen so harvesting hubs purge their copies and versions too.",
               requestBody={"required": True, "content": {"application/json": {"schema": PrivacyVerwijdering}}})
@blueprint.response(200, PrivacyVerwijderd)
@blueprint.problems(400, 401, 403, 406, 409, 413, 415, 429)
def privacy_erase():
    user = bearer_user()
    if not user.is_admin:
        raise Forbidden(N_("Alleen een beheerder mag gegevens wissen; gebruik een token van een beheerdersaccount."))
    payload = _body()
    if not isinstance(payload, dict):
        raise InvalidInput(NOT_AN_OBJECT, fields=[{"name": "", "code": "invalid-object"}])
    try:
        asked = PrivacyVerwijdering().load(payload)
    except ma.ValidationError as error:
        raise InvalidInput(FIELDS_INVALID, fields=field_errors(error.messages)) from None
    node = current_node()
    with node.editor._lock:  # one write at a time: no edit lands between reading and rewriting
        erased = erase_text(node.store, node.settings, asked["tekst"], user, asked.get("bron"), asked.get("reden", ""))
    if erased.notice:
        node.snapshots.purge()  # no dump or query snapshot on disk keeps what was erased
    return {"id": erased.notice, "tijd": dt.datetime.fromisoformat(erased.time), "bronnen": list(erased.resources),
            "waarden": erased.values, "versies": erased.versions, "auditregels": erased.audit}


docs_blueprint = FlaskBlueprint("api_docs", __name__, url_prefix=PREFIX)
"""The documentation page and its scripts: outside the smorest blueprint, so not in the spec."""


@docs_blueprint.route("/docs")
def docs():
    """Swagger UI over the OpenAPI document, with scripts served by this node."""
    return render_template("api_docs.html"), 200, {"Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")}


@docs_blueprint.route("/docs/static/<name>")
def docs_static(name: str):
    if name not in SWAGGER_FILES:
        from registry.errors import NotFound
        raise NotFound(N_("Het bestand %(name)s bestaat hier niet."), name=name)
    return send_from_directory(SWAGGER_DIR, name, max_age=86400)
