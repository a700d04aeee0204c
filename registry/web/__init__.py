"""The web layer: one blueprint per concern; only the app factory imports this."""
from __future__ import annotations

from flask import Flask, current_app, g, make_response, request, send_from_directory

from registry import rdf
from registry.runtime import Node


def init_app(app: Flask) -> None:
    from registry.web import (api, api_root, auth, dump, editor, feed, graphs, hub, i18n, ldes, problems, resources,
                              security, sparql, views, vocabulary)

    problems.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    app.jinja_env.globals.update(node_settings=lambda: current_app.config["BAMBOE"])
    app.jinja_env.filters.update(label_of=_label_of, local=_local)
    for module in (resources, sparql, dump, vocabulary, feed, ldes, editor, api_root, graphs):
        app.register_blueprint(module.blueprint)
    from registry.web import privacy  # the erasure notices hubs read (registry.history.notices)

    app.register_blueprint(privacy.blueprint)
    from registry.web import spreadsheet, spreadsheet_api  # communities from and to a spreadsheet

    app.register_blueprint(spreadsheet.blueprint)
    spreadsheet_api.init_app(app)
    hub.init_app(app)
    from registry.web import join  # a hub's /aanmelden, its admin pages and its API

    join.init_app(app)
    app.register_blueprint(views.blueprint)
    from registry.web import report_problem  # "meld een fout" on the hub's community pages (registry.mail)

    app.register_blueprint(report_problem.blueprint)
    from registry.web import over_time  # the views' change over time: a template global, no routes

    app.register_blueprint(over_time.blueprint)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    auth.csrf.exempt(sparql.blueprint)  # public queries carry no session: nothing to forge


def _favicon():
    """Browsers ask for /favicon.ico whatever a page links; it changes rarely, so a year in their cache."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=365 * 24 * 3600)


def _label_of(iri: str, labels) -> str:
    return labels.label(iri, g.get("lang", "nl"))


def _local(iri: str) -> str:
    """Link to our own resources by path, so pages work whatever host serves them."""
    base = current_app.config["BAMBOE"]["base_url"]
    return "/" + iri.removeprefix(base) if iri.startswith(base) else iri


def current_node() -> Node:
    return current_app.extensions["bamboe"]


def conditional(body: bytes | str, media_type: str, vary: bool = True):
    """A response with a strong ETag from its body; 304 when the client already has it."""
    response = make_response(body)
    response.mimetype = media_type
    if vary:
        response.vary.add("Accept")
    response.add_etag()
    return response.make_conditional(request)


def rdf_response(triples, media_type: str, prefixes: dict[str, str] | None = None):
    """Serialize a graph in the chosen syntax as a conditional response."""
    return conditional(rdf.serialize(triples, rdf.BY_MEDIA_TYPE[media_type], prefixes), media_type)
