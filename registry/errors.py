"""Every error Bamboe raises on purpose, each carrying the context to act on it.

The web layer turns them into `application/problem+json` (RFC 9457) or an HTML
page; the CLI prints the message and exits non-zero.
"""
from __future__ import annotations


class BamboeError(Exception):
    """Base class: a message for people plus the HTTP status it maps to."""

    status = 400
    title = "Ongeldig verzoek"

    def __init__(self, detail: str, **context):
        super().__init__(detail)
        self.detail = detail
        self.context = context


class ConfigError(BamboeError):
    """A setting or data directory is missing or wrong."""

    status = 500
    title = "Configuratiefout"


class StoreError(BamboeError):
    """The store could not be reached or refused the request."""

    status = 503
    title = "Opslag niet beschikbaar"


class StoreQueryError(StoreError):
    """The store rejected a query or update Bamboe itself wrote: a bug, not bad input."""

    status = 500
    title = "Interne fout"


class StoreBusyError(StoreError):
    """Another process owns the store directory."""


class ParseError(BamboeError):
    """RDF or SPARQL that could not be parsed; `context` names file and line."""

    title = "Kan de invoer niet lezen"


class ValidationError(BamboeError):
    """Data that breaks the shared shapes; `context['results']` lists each violation."""

    title = "Gegevens voldoen niet aan de vorm"


class NotAcceptable(BamboeError):
    """No representation matches the request's Accept header."""

    status = 406
    title = "Formaat niet beschikbaar"


class NotFound(BamboeError):
    status = 404
    title = "Niet gevonden"


class QueryRefused(BamboeError):
    """A public SPARQL query that is not allowed (update, SERVICE, too long...)."""

    title = "Query geweigerd"


class QueryTimeout(BamboeError):
    """A public SPARQL query ran past its deadline and was stopped."""

    status = 503
    title = "Query duurde te lang"


class QueryTooLarge(BamboeError):
    """A public SPARQL query used more memory than allowed and was stopped."""

    status = 503
    title = "Query gebruikte te veel geheugen"


class QueryWorkerFailed(BamboeError):
    """A public query's worker stopped for a reason other than the deadline or memory."""

    status = 503
    title = "Query afgebroken"


class ServiceBusy(BamboeError):
    """Every public query slot is taken (or the workers are restarting); try again shortly."""

    status = 503
    title = "Even bezet"


class SandboxUnavailable(BamboeError):
    """Public queries are switched off: this host cannot isolate the query workers."""

    status = 503
    title = "Publieke queries uitgeschakeld"


class TooManyQueries(BamboeError):
    """A client has too many queries running at once."""

    status = 429
    title = "Te veel gelijktijdige queries"


class InvalidInput(BamboeError):
    """A request body with field errors; `context['fields']` lists every one at once."""

    title = "Ongeldige invoer"


class Unauthorized(BamboeError):
    """No valid credentials: no token, an unknown, expired or revoked one, or no session."""

    status = 401
    title = "Niet aangemeld"


class Forbidden(BamboeError):
    """Valid credentials without the role the action needs."""

    status = 403
    title = "Geen toegang"


class Gone(BamboeError):
    """A resource that was deleted; its tombstone says when."""

    status = 410
    title = "Verwijderd"


class PreconditionFailed(BamboeError):
    """An If-Match that no longer matches: someone else changed the resource."""

    status = 412
    title = "Intussen gewijzigd"


class PreconditionRequired(BamboeError):
    """A write without If-Match, which would overwrite changes unseen."""

    status = 428
    title = "If-Match ontbreekt"


class InstancesError(ConfigError):
    """An instances.yaml that cannot be used; `context['problems']` names line and field."""


class FetchError(BamboeError):
    """A node could not be fetched: down, too slow, too large, or an HTTP error."""

    status = 502
    title = "Node niet bereikbaar"
