"""Errors as `application/problem+json` (RFC 9457), or an HTML page for browsers."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from registry.errors import BamboeError, StoreError, StoreQueryError, fill
from registry.web.i18n import current_language
from registry.web.negotiation import prefers_html

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
STORE_UNAVAILABLE = _l("De opslag is even niet beschikbaar; probeer het zo opnieuw.")
INTERNAL = _l("Er ging iets mis aan onze kant; het is gelogd.")
HTTP_TITLES = {
    400: _l("Ongeldig verzoek"), 401: _l("Niet aangemeld"), 403: _l("Geen toegang"), 404: _l("Niet gevonden"),
    405: _l("Methode niet toegestaan"), 406: _l("Formaat niet beschikbaar"), 408: _l("Verzoek duurde te lang"),
    409: _l("Conflict"), 410: _l("Verwijderd"), 411: _l("Lengte ontbreekt"), 412: _l("Intussen gewijzigd"),
    413: _l("Verzoek te groot"), 414: _l("Adres te lang"), 415: _l("Soort inhoud niet ondersteund"),
    422: _l("Ongeldige invoer"), 428: _l("If-Match ontbreekt"), 429: _l("Te veel verzoeken"),
    431: _l("Kopregels te groot"), 500: _l("Interne fout"), 501: _l("Niet ondersteund"),
    502: _l("Node niet bereikbaar"), 503: _l("Even niet beschikbaar"),
}
HTTP_DETAILS = {
    400: _l("Het verzoek is niet te verwerken; controleer adres, parameters en inhoud."),
    401: _l("Log in of stuur een geldig token mee."),
    403: _l("Je hebt geen rechten voor deze handeling."),
    404: _l("Op dit adres staat niets. Controleer het adres of begin op de startpagina."),
    405: _l("Deze handeling kan niet op dit adres; zie de kop Allow voor wat wel kan."),
    406: _l("Geen van de gevraagde formaten is beschikbaar."),
    413: _l("Het verzoek is groter dan deze node aanneemt."),
    415: _l("Deze soort inhoud wordt hier niet aangenomen."),
    429: _l("Te veel verzoeken in korte tijd; probeer het zo opnieuw."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(BamboeError, _bamboe_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def problem(status: int, title: str, detail: str, **extra):
    """Build the response: problem+json unless the client prefers HTML; both in the page's language."""
    if _wants_page():
        response = make_response(render_template("error.html", status=status, title=title, detail=detail), status)
    else:
        body = {"type": "about:blank", "status": status, "title": str(title), "detail": str(detail),
                "instance": request.path, **extra}
        response = jsonify(body)
        response.status_code = status
        response.mimetype = PROBLEM
    response.headers["Content-Language"] = current_language()
    return response


def localised(error: BamboeError) -> tuple[str, str]:
    """(title, detail) of an error in the page's language, its values filled in."""
    return gettext(error.title), fill(gettext(error.message), error.context)


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
        return str(INTERNAL if isinstance(error, StoreQueryError) else STORE_UNAVAILABLE)
    return localised(error)[1]


def _bamboe_error(error: BamboeError):
    if isinstance(error, StoreError):
        response = problem(error.status, gettext(error.title), public_detail(error))
        if error.status == 503:
            response.headers["Retry-After"] = "5"
        return response
    extra = {}
    if "fields" in error.context:
        from registry.editing.messages import localised as localised_fields
        extra["invalidParams"] = localised_fields(error.context["fields"], current_language())
    if "results" in error.context:
        extra["errors"] = [vars(finding) for finding in error.context["results"]]
    response = problem(error.status, *localised(error), **extra)
    if "retry_after" in error.context:
        response.headers["Retry-After"] = str(error.context["retry_after"])
    return response


def _http_error(error: HTTPException):
    if error.code == 400 and request.path.startswith("/api/") and "JSON" in (error.description or ""):
        return problem(400, gettext("Ongeldige JSON"), gettext("De inhoud is geen geldige JSON."))
    code = error.code or 500
    title = HTTP_TITLES.get(code) or HTTP_TITLES[500 if code >= 500 else 400]  # never werkzeug's English name
    response = problem(code, str(title), str(HTTP_DETAILS.get(code, title)))
    if error.code == 429:
        response.headers.setdefault("Retry-After", "60")
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _unexpected(error: Exception):
    log.exception("Unexpected error on %s", request.path)
    return problem(500, gettext("Interne fout"), str(INTERNAL))
