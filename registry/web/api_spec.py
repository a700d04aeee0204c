"""The OpenAPI document of API v1, as the Dutch API Design Rules linter (Logius' Spectral ruleset) asks.

It documents what the API does, no more: `API-Version` on every response (errors too, see
`api._version`), each problem+json answer an operation can really give, `servers` at the
node's public `/api/v1` address from `base_url` (never the request's Host), and the
maintainers' name, start page and role e-mail address as `info.contact`.
tests/test_adr_lint.py lints the served document with the official ruleset.
"""
from __future__ import annotations

from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

VERSION = "1.0.0"
PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
HEADERS = {
    "API-Version": {"description": "The full version of the API that answered (semantic versioning).",
                    "schema": {"type": "string", "example": VERSION}},
    "ETag": {"description": "Version of the resource; send it back as If-Match to change it, or as If-None-Match "
                            "to read it only when it changed.", "schema": {"type": "string"}},
    "Location": {"description": "Path of the new resource.", "schema": {"type": "string"}},
    "Link": {"description": "Neighbouring pages (RFC 8288): first, prev, next, last.", "schema": {"type": "string"}},
    "X-Total-Count": {"description": "Number of items on all pages.", "schema": {"type": "integer"}},
    "X-Pagination-Page": {"description": "This page's number.", "schema": {"type": "integer"}},
    "X-Pagination-Limit": {"description": "Items per page.", "schema": {"type": "integer"}},
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
}
PROBLEMS = {
    400: "Invalid input: `invalidParams` names every field, parameter or header at fault, all at once.",
    401: "No valid token: send `Authorization: Bearer bmb_...`.",
    403: "The token is valid but its account may not do this (an admin's token is needed).",
    404: "Nothing of this kind at this address.",
    406: "The Accept header names no JSON type.",
    409: "Conflict: still in use elsewhere (remove those uses first), or not done on this node (a hub erases "
         "nothing itself: its members do).",
    410: "Deleted: a tombstone remains at this address.",
    412: "Changed since you read it: If-Match names an older ETag.",
    413: "The body is larger than this node accepts.",
    415: "The body is not application/json (or application/merge-patch+json for PATCH).",
    428: "If-Match is missing: send the ETag you read.",
    429: "Too many writes from this address; wait as Retry-After says.",
}
RETRY = {429, 503}


class InvalidParam(ma.Schema):
    name = ma.fields.String(required=True, metadata={"description": "Field (dotted path), parameter or header."})
    code = ma.fields.String(required=True, metadata={"description": "Stable code of the error, e.g. `required`."})
    reason = ma.fields.String(required=True, metadata={"description": "The error in words, in the Accept-Language."})
    shape = ma.fields.String(metadata={"description": "IRI of the register's rule (SHACL shape) that was broken."})


class Problem(ma.Schema):
    """RFC 9457 problem details, as registry.web.problems writes them (`instance` is missing only
    when the web server refuses a request before the node reads it, e.g. a body too large)."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True, metadata={"description": "What went wrong and what to do next."})
    instance = ma.fields.String(metadata={"description": "The path that was asked for."})
    invalidParams = ma.fields.List(ma.fields.Nested(InvalidParam), metadata={
        "description": "With 400: every field, parameter or header at fault, all at once."})


class BamboeApi(Api):
    """flask-smorest without its own error handler (the node's problem+json handler answers),
    and with problem+json error responses that carry the node's headers."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for name, header in HEADERS.items():
            self.spec.components.header(name, header)
        for status, description in PROBLEMS.items():
            self.spec.components.response(HTTPStatus(status).name, self._problem(status, description), lazy=True)
        self.spec.components.response("DEFAULT_ERROR", self._problem(
            500, "Unexpected error (500), or the store is unavailable for a moment (503, with Retry-After)."), lazy=True)

    def _problem(self, status: int, description: str) -> dict:
        headers = ["API-Version", *(["Retry-After"] if status in RETRY or status >= 500 else [])]
        response = {"description": description, "schema": Problem, "headers": {name: name for name in headers}}
        prepare_response(response, self.spec, PROBLEM_JSON)
        return response


class Conventions(BasePlugin):
    """Paths relative to the server URL (which ends in `/api/v1`); `API-Version` on every response."""

    def path_helper(self, path=None, **kwargs):
        return path.removeprefix(PREFIX) if path else path

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            for response in operation.get("responses", {}).values():
                if isinstance(response, dict):  # a named response (str) has its headers already
                    response.setdefault("headers", {})["API-Version"] = "API-Version"


def spec_options(settings: dict) -> dict:
    """Contact, server and security scheme of this node's document, from its settings."""
    contact = {"name": settings["werkplaats"] or settings["name"], "url": settings["base_url"]}
    if settings["contact"]:  # no made-up address when the node has none: the linter then says so
        contact["email"] = settings["contact"]
    return {
        "info": {"description": "Schrijf-API van een Bamboe-node. Lezen is openbaar; schrijven vraagt een "
                                "token (`bamboe token create`). Write API of a Bamboe node.",
                 "contact": contact},
        "servers": [{"url": settings["base_url"] + PREFIX.lstrip("/")}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint that documents an operation's problem answers in one line."""

    def problems(self, *statuses: int):
        """Document the problem+json answers an operation really gives (named responses, see `PROBLEMS`)."""
        def decorate(view):
            for status in reversed(statuses):
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view
        return decorate
