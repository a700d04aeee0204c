"""Errors as `application/problem+json` (RFC 9457), or an HTML page for browsers."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from registry.errors import BamboeError, StoreError, StoreQueryError
from registry.web.negotiation import prefers_html

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
STORE_UNAVAILABLE = ("De opslag is even niet beschikbaar; probeer het zo opnieuw. "
                     "The store is unavailable, try again in a moment.")
INTERNAL = "Er ging iets mis aan onze kant; het is gelogd. Something went wrong on our side; it has been logged."


def init_app(app: Flask) -> None:
    app.register_error_handler(BamboeError, _bamboe_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def problem(status: int, title: str, detail: str, **extra):
    """Build the response: problem+json unless the client prefers HTML."""
    if _wants_page():
        return make_response(render_template("error.html", status=status, title=title, detail=detail), status)
    body = {"type": "about:blank", "status": status, "title": title, "detail": detail,
            "instance": request.path, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM
    return response


def _wants_page() -> bool:
    """An HTML error page for browsers anywhere but the JSON API; for `*/*`, HTML except on /sparql."""
    if request.path.startswith("/api/"):
        return False
    machine = [PROBLEM, "application/json"]
    return prefers_html(machine) or (
        request.path != "/sparql" and request.accept_mimetypes.best_match(["text/html", *machine]) == "text/html")


def public_detail(error: BamboeError) -> str:
    """What a visitor may read about an error: never the private store's address, port or paths.

    A store error's own message names the store (`http://127.0.0.1:PORT/...`); that goes to
    the log, the visitor reads that the store is unavailable. Use this wherever an
    error's text is shown on a public page.
    """
    if isinstance(error, StoreError):
        log.error("Store error on %s: %s", request.path, error.detail)
        return INTERNAL if isinstance(error, StoreQueryError) else STORE_UNAVAILABLE
    return error.detail


def _bamboe_error(error: BamboeError):
    if isinstance(error, StoreError):
        response = problem(error.status, error.title, public_detail(error))
        if error.status == 503:
            response.headers["Retry-After"] = "5"
        return response
    extra = {}
    if "fields" in error.context:
        from registry.editing.messages import localised
        extra["invalidParams"] = localised(error.context["fields"], g.get("lang", "nl"))
    if "results" in error.context:
        extra["errors"] = [vars(finding) for finding in error.context["results"]]
    response = problem(error.status, error.title, error.detail, **extra)
    if "retry_after" in error.context:
        response.headers["Retry-After"] = str(error.context["retry_after"])
    return response


def _http_error(error: HTTPException):
    if error.code == 400 and request.path.startswith("/api/") and "JSON" in (error.description or ""):
        return problem(400, "Ongeldige JSON", "The body is not valid JSON: " + (error.description or ""))
    response = problem(error.code or 500, error.name, error.description or error.name)
    if error.code == 429:
        response.headers.setdefault("Retry-After", "60")
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _unexpected(error: Exception):
    log.exception("Unexpected error on %s", request.path)
    return problem(500, "Interne fout", INTERNAL)
