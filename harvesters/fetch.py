"""Fetch stage: find a node's dump and feed, and fetch only what changed.

Retries with backoff and jitter on 429, 5xx and connection errors come from urllib3's
`Retry` (honouring `Retry-After`, capped so no node can park a harvester). Every
request has connect and read timeouts; a body is streamed under a byte limit and an
overall deadline, so a slow drip or a huge dump fails this node only.
"""
from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, TimeoutError
from urllib3.util.retry import Retry

from registry.errors import N_, FetchError
from registry.history.notices import SPECIFICATION as ERASURES

USER_AGENT = "Bamboe-harvester/0.1 (+https://w3id.org/lerende-praktijken)"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
ACTIVITY_STREAMS = "https://www.w3.org/TR/activitystreams-core/"
LDES = "https://w3id.org/ldes/specification"
MAX_FEED_POSITION = 2**63
DUMP_PREFERENCE = (".nq", ".nt", ".ttl")
"""Line-based N-Quads first: fastest to parse, and a cut-off body cannot pass as whole."""


@dataclass(frozen=True)
class Limits:
    """How long and how much one node may cost a harvest."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    total_timeout_s: float = 120.0
    max_bytes: int = 100_000_000
    retries: int = 3
    backoff_s: float = 0.5
    retry_after_max_s: float = 30.0
    parse_memory_mb: int = 1024  # the least a dump's parse may use ...
    parse_memory_factor: int = 20  # ... or this many times the dump's size, if more

    @classmethod
    def from_settings(cls, settings: dict) -> "Limits":
        return cls(connect_timeout_s=settings["harvest_connect_timeout_s"],
                   read_timeout_s=settings["harvest_read_timeout_s"],
                   total_timeout_s=settings["harvest_timeout_s"], max_bytes=settings["harvest_max_bytes"],
                   retries=settings["harvest_retries"])


@dataclass(frozen=True)
class Endpoints:
    """Where a node publishes: read from its root description (VoID and DCAT)."""

    dump: str
    feed: str | None = None
    stream: str | None = None  # the node's event stream (LDES), followed instead of the dump when possible
    erasures: str | None = None  # the node's privacy erasures, applied to the hub's copy and versions


@dataclass(frozen=True)
class Fetched:
    """One dump response: 304 (body None) or 200 with its validators."""

    url: str
    status: int
    body: bytes | None
    media_type: str
    etag: str | None
    last_modified: str | None


class CappedRetry(Retry):
    """urllib3's Retry, but a node's `Retry-After` waits at most `retry_after_max_s`."""

    retry_after_max_s = 30.0

    def new(self, **kwargs):
        retry = super().new(**kwargs)
        retry.retry_after_max_s = self.retry_after_max_s
        return retry

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.retry_after_max_s)


def open_session(limits: Limits) -> requests.Session:
    """An HTTP session retrying 429/5xx/connection errors with exponential backoff and jitter."""
    retry = CappedRetry(
        total=limits.retries, connect=limits.retries, read=limits.retries, status=limits.retries,
        backoff_factor=limits.backoff_s, backoff_jitter=limits.backoff_s, backoff_max=10,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    retry.retry_after_max_s = limits.retry_after_max_s
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def discover(session: requests.Session, base_url: str, limits: Limits) -> Endpoints:
    """Read the node's root description for its dump, change feed, event stream and privacy erasures."""
    response = get(session, base_url, limits, {"Accept": "application/n-triples, text/turtle;q=0.9"})
    if response.status != 200:
        raise FetchError(N_("%(url)s antwoordde HTTP %(http_status)s op de vraag naar zijn beschrijving."),
                         url=base_url, http_status=response.status)
    media_type = response.media_type or "text/turtle"
    try:
        formats = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}
        triples = list(ox.parse(response.body, format=formats.get(media_type, ox.RdfFormat.TURTLE),
                                base_iri=base_url))
    except SyntaxError as error:
        raise FetchError(N_("%(url)s beschrijft zichzelf niet in RDF (%(reason)s); is het wel een Bamboe-node?"),
                         url=base_url, reason=str(error)) from error
    dumps = [t.object.value for t in triples if t.predicate.value == VOID + "dataDump"
             and isinstance(t.object, ox.NamedNode)]
    if not dumps:
        raise FetchError(N_("%(url)s noemt geen void:dataDump in zijn beschrijving."), url=base_url)
    dump = min(dumps, key=lambda url: next((i for i, ext in enumerate(DUMP_PREFERENCE) if url.endswith(ext)), 99))
    feed, stream, erasures = (_endpoint(triples, standard) for standard in (ACTIVITY_STREAMS, LDES, ERASURES))
    for url in (dump, feed, stream, erasures):
        if url and not url.startswith(base_url):
            raise FetchError(N_("%(url)s noemt %(named)s als dump of feed; een node wordt alleen onder zijn eigen "
                                "basis-URL opgehaald."), url=base_url, named=url)
    return Endpoints(dump=dump, feed=feed, stream=stream, erasures=erasures)


def _endpoint(triples: list[ox.Triple], standard: str) -> str | None:
    """The endpoint URL of the service that conforms to `standard`, if the description names one."""
    services = {t.subject for t in triples if t.predicate.value == DCT + "conformsTo" and t.object.value == standard}
    return next((t.object.value for t in triples if t.subject in services
                 and t.predicate.value == DCAT + "endpointURL"), None)


def fetch_dump(session: requests.Session, url: str, limits: Limits,
               etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """Conditional GET of the dump: a 304 transfers no body."""
    headers = {"Accept": "application/n-quads, application/n-triples;q=0.9, text/turtle;q=0.8"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    fetched = get(session, url, limits, headers)
    if fetched.status not in (200, 304):
        raise FetchError(N_("%(url)s antwoordde HTTP %(http_status)s."), url=url, http_status=fetched.status)
    return fetched


def feed_position(session: requests.Session, feed_url: str, limits: Limits) -> int | None:
    """Number of the newest change in the feed (its `totalItems`), where a first harvest starts.

    Only a JSON integer from 0 to 2**63 - 1 is a position: it is stored as an
    xsd:integer and compared with the next run's, and `1e400` or `2.5` would break both.
    """
    page = get(session, feed_url, limits, {"Accept": "application/activity+json, application/ld+json"})
    if page.status != 200:
        return None
    try:
        total = json.loads(page.body)["totalItems"]
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        raise FetchError(N_("%(url)s is geen wijzigingsfeed (%(kind)s: %(reason)s)."),
                         url=feed_url, kind=type(error).__name__, reason=str(error)[:200]) from None
    if type(total) is not int or not 0 <= total < MAX_FEED_POSITION:
        raise FetchError(N_("%(url)s is geen wijzigingsfeed: totalItems moet een geheel getal van 0 tot en met "
                            "%(maximum)s zijn, niet %(value)s."),
                         url=feed_url, maximum=MAX_FEED_POSITION - 1, value=_shown(total))
    return total


def _shown(value) -> str:
    """A JSON value in a few characters, for an error message."""
    if isinstance(value, (bool, int, float)) or value is None:
        return json.dumps(value)[:40]
    return json.dumps(value[:40]) if isinstance(value, str) else f"JSON {type(value).__name__}"


def get(session: requests.Session, url: str, limits: Limits, headers: dict) -> Fetched:
    """GET under timeouts, a byte limit and an overall deadline; errors become FetchError.

    Redirects are not followed (a node is fetched only under its own base URL). The
    deadline is kept by a timer that closes the connection, so a slow drip ends too.
    """
    try:
        with session.get(url, headers=headers, stream=True, allow_redirects=False,
                         timeout=(limits.connect_timeout_s, limits.read_timeout_s)) as response:
            if response.is_redirect:
                raise FetchError(N_("%(url)s verwijst door naar %(location)s; zet de uiteindelijke URL van de node "
                                    "in het instances-bestand."),
                                 url=url, location=response.headers.get("Location"), http_status=response.status_code)
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limits.max_bytes:
                raise FetchError(N_("%(url)s is %(size)s bytes, meer dan de grens van %(limit)s."),
                                 url=url, size=declared, limit=limits.max_bytes)
            body = _read(response, url, limits) if response.status_code == 200 else None
            return Fetched(url, response.status_code, body,
                           response.headers.get("Content-Type", "").split(";")[0].strip().lower(),
                           response.headers.get("ETag"), response.headers.get("Last-Modified"))
    except requests.RequestException as error:
        message, values = _describe(error, limits)
        raise FetchError(message, url=url, **values) from error


def _read(response: requests.Response, url: str, limits: Limits) -> bytes:
    chunks, size = [], 0
    expired = threading.Event()
    sock = _socket_of(response)

    def expire():
        expired.set()
        if sock is not None:  # shut the socket so a blocked read stops now
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        response.close()

    watchdog = threading.Timer(limits.total_timeout_s, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(N_("%(url)s stuurde meer dan de grens van %(limit)s bytes."),
                                 url=url, limit=limits.max_bytes)
            chunks.append(chunk)
    except (requests.RequestException, AttributeError, ValueError, OSError) as error:
        if expired.is_set():
            raise _too_slow(url, limits) from error
        raise
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise _too_slow(url, limits)
    return b"".join(chunks)


def _socket_of(response: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from, found before reading starts.

    urllib3 keeps it on the connection, except when the server closes the connection after
    the response (`Connection: close`, HTTP/1.0): http.client then hands the socket to the
    response alone and the connection's `sock` is None.
    """
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is None:
        reader = getattr(getattr(response.raw, "_fp", None), "fp", None)  # http.client's buffered socket reader
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _too_slow(url: str, limits: Limits) -> FetchError:
    return FetchError(N_("%(url)s deed er langer dan %(seconds)s s over om te versturen."),
                      url=url, seconds=f"{limits.total_timeout_s:g}")


def _describe(error: requests.RequestException, limits: Limits) -> tuple[str, dict]:
    """Say what went wrong in a few words, without urllib3's object reprs: message and its values."""
    cause = error.args[0] if error.args else error
    reason = getattr(cause, "reason", cause)
    text = str(reason)
    text = text[text.index("[Errno"):].rstrip(")'\"") if "[Errno" in text else text
    unreachable = N_("%(url)s is niet bereikbaar: %(reason)s.")
    if isinstance(reason, NewConnectionError):  # a subclass of the timeout errors in urllib3
        return unreachable, {"reason": text[:200]}
    if (isinstance(error, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError)):
        return (N_("%(url)s nam binnen %(seconds)s s geen verbinding aan."),
                {"seconds": f"{limits.connect_timeout_s:g}"})
    if isinstance(error, requests.Timeout) or isinstance(reason, TimeoutError):
        return N_("%(url)s antwoordde niet binnen %(seconds)s s."), {"seconds": f"{limits.read_timeout_s:g}"}
    if isinstance(error, requests.ConnectionError):
        return unreachable, {"reason": text[:200]}
    return N_("%(url)s: de overdracht brak af: %(reason)s."), {"reason": text[:200]}
