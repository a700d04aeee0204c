"""Every error Bamboe raises on purpose, each carrying the context to act on it.

The web layer turns them into `application/problem+json` (RFC 9457) or an HTML
page; the CLI prints the message and exits non-zero.

Messages are in Dutch, the interface's source language, and marked with `N_` so
`pybabel extract` puts them in the catalogue; the web layer shows them in the page's
language. Values go in as named context, not into the text, so the message stays one
catalogue entry: `NotFound(N_("Geen lijst %(name)s."), name=which)`.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message


class BamboeError(Exception):
    """Base class: a message for people plus the HTTP status it maps to."""

    status = 400
    title = N_("Ongeldig verzoek")

    def __init__(self, detail: str, **context):
        self.message = detail  # the catalogue entry, with %(name)s placeholders
        self.context = context
        self.detail = fill(detail, context)
        super().__init__(self.detail)


def fill(message: str, values: dict) -> str:
    """`message % values` when it has placeholders those values fill; else the message as is."""
    if "%(" not in message:
        return message
    try:
        return message % values
    except (KeyError, ValueError, TypeError):
        return message


class ConfigError(BamboeError):
    """A setting or data directory is missing or wrong."""

    status = 500
    title = N_("Configuratiefout")


class StoreError(BamboeError):
    """The store could not be reached or refused the request."""

    status = 503
    title = N_("Opslag niet beschikbaar")


class StoreQueryError(StoreError):
    """The store rejected a query or update Bamboe itself wrote: a bug, not bad input."""

    status = 500
    title = N_("Interne fout")


class StoreBusyError(StoreError):
    """Another process owns the store directory."""


class ParseError(BamboeError):
    """RDF or SPARQL that could not be parsed; `context` names file and line."""

    title = N_("Kan de invoer niet lezen")


class ValidationError(BamboeError):
    """Data that breaks the shared shapes; `context['results']` lists each violation."""

    title = N_("Gegevens voldoen niet aan de vorm")


class NotAcceptable(BamboeError):
    """No representation matches the request's Accept header."""

    status = 406
    title = N_("Formaat niet beschikbaar")


class UnsupportedMediaType(BamboeError):
    """A request body in a format this endpoint does not take."""

    status = 415
    title = N_("Soort inhoud niet ondersteund")


class NotFound(BamboeError):
    status = 404
    title = N_("Niet gevonden")


class QueryRefused(BamboeError):
    """A public SPARQL query that is not allowed (update, SERVICE, too long...)."""

    title = N_("Query geweigerd")


class UpdateRefused(QueryRefused):
    """A well-formed SPARQL update sent to a read-only endpoint: understood, and refused by policy."""

    status = 403


class QueryTimeout(BamboeError):
    """A public SPARQL query ran past its deadline and was stopped."""

    status = 503
    title = N_("Query duurde te lang")


class QueryTooLarge(BamboeError):
    """A public SPARQL query used more memory than allowed and was stopped."""

    status = 503
    title = N_("Query gebruikte te veel geheugen")


class QueryWorkerFailed(BamboeError):
    """A public query's worker stopped for a reason other than the deadline or memory."""

    status = 503
    title = N_("Query afgebroken")


class ServiceBusy(BamboeError):
    """Every public query slot is taken (or the workers are restarting); try again shortly."""

    status = 503
    title = N_("Even bezet")


class SandboxUnavailable(BamboeError):
    """Public queries are switched off: this host cannot isolate the query workers."""

    status = 503
    title = N_("Publieke queries uitgeschakeld")


class TooManyQueries(BamboeError):
    """A client has too many queries running at once."""

    status = 429
    title = N_("Te veel gelijktijdige queries")


class InvalidInput(BamboeError):
    """A request body with field errors; `context['fields']` lists every one at once."""

    title = N_("Ongeldige invoer")


class Unauthorized(BamboeError):
    """No valid credentials: no token, an unknown, expired or revoked one, or no session."""

    status = 401
    title = N_("Niet aangemeld")


class Forbidden(BamboeError):
    """Valid credentials without the role the action needs."""

    status = 403
    title = N_("Geen toegang")


class Gone(BamboeError):
    """A resource that was deleted; its tombstone says when."""

    status = 410
    title = N_("Verwijderd")


class PreconditionFailed(BamboeError):
    """An If-Match that no longer matches: someone else changed the resource."""

    status = 412
    title = N_("Intussen gewijzigd")


class PreconditionRequired(BamboeError):
    """A write without If-Match, which would overwrite changes unseen."""

    status = 428
    title = N_("If-Match ontbreekt")


class InstancesError(ConfigError):
    """An instances.yaml that cannot be used; `context['problems']` names line and field."""


class FetchError(BamboeError):
    """A node could not be fetched: down, too slow, too large, or an HTTP error."""

    status = 502
    title = N_("Node niet bereikbaar")
