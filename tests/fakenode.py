"""A node-like HTTP server on 127.0.0.1 whose misbehaviour a test scripts.

It answers like a Bamboe node where it matters to a harvester (a root description
naming its dump and, optionally, its change feed; a dump with ETag and 304s; feed
pages), and can instead be slow, fail with 5xx or 429 a number of times, cut its
body short, send too much, or serve whatever bytes the test gives it. It records
every request, so tests can assert that a re-harvest transferred no body.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from registry.generate import generate_triples


@dataclass
class Request:
    path: str
    headers: dict
    status: int
    body_bytes: int
    start: float = 0.0  # time.monotonic() when the request arrived and when it was answered
    end: float = 0.0


@dataclass
class Script:
    """What the server does next; tests change these fields between harvests."""

    dump: bytes = b""
    media_type: str = "application/n-quads"
    feed: list[int] | None = None  # change numbers in the feed; None: no feed offered
    fail_times: int = 0  # answer this many dump requests with `fail_status` first
    fail_status: int = 500
    retry_after: str | None = None
    delay_s: float = 0.0  # before answering the dump
    truncate_to: int | None = None  # promise the full length, send only this many bytes
    conditional: bool = True
    drip_s: float = 0.0  # send the dump in small pieces with this pause between them
    dump_url: str | None = None  # what the description names as the dump (default: our own)
    redirect_to: str | None = None  # answer the dump request with a 302 to here
    feed_total: str | None = None  # raw JSON for the feed's totalItems (default: its newest change number)


class FakeNode:
    def __init__(self, communities: int = 3, seed: int = 1):
        self.script = Script()
        self.requests: list[Request] = []
        self.concurrent = 0
        self.max_concurrent = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.triples = generate_triples(self.base_url, communities, seed) if communities else []
        self.serve(self.triples)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, triples: list[ox.Triple], as_bamboe: bool = True) -> None:
        """Serve these triples as the dump (N-Quads in the node's data graph).

        `as_bamboe` passes them through an Oxigraph store first, as a real node's dump
        is (derived integer types become xsd:integer); False serves them as given.
        """
        graph = ox.NamedNode(self.base_url + "graph")
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        if as_bamboe:
            store = ox.Store()
            store.bulk_extend(quads)
            quads = list(store)
        self.script.dump = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self.script.media_type = "application/n-quads"

    def dump_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/dump")]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _description(self) -> bytes:
        base, feed = self.base_url, ""
        if self.script.feed is not None:
            feed = (f"<{base}> <http://www.w3.org/ns/dcat#service> <{base}wijzigingen> .\n"
                    f"<{base}wijzigingen> <http://purl.org/dc/terms/conformsTo> "
                    "<https://www.w3.org/TR/activitystreams-core/> ;\n"
                    f"  <http://www.w3.org/ns/dcat#endpointURL> <{base}wijzigingen> .\n")
        dump = self.script.dump_url or f"{base}dump.nq"
        return (f"<{base}#dataset> <http://rdfs.org/ns/void#dataDump> <{dump}> ;\n"
                f"  <http://rdfs.org/ns/void#uriSpace> \"{base}\" .\n" + feed).encode()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.arrived = time.monotonic()
                with fake._lock:
                    fake.concurrent += 1
                    fake.max_concurrent = max(fake.max_concurrent, fake.concurrent)
                try:
                    self._route()
                finally:
                    with fake._lock:
                        fake.concurrent -= 1

            def _route(self):
                path = self.path
                if path == "/":
                    return self._send(200, fake._description(), "text/turtle")
                if path.startswith("/wijzigingen"):
                    return self._feed(path)
                if path.startswith("/dump"):
                    return self._dump()
                return self._send(404, b"not here", "text/plain")

            def _feed(self, path):
                numbers = fake.script.feed or []
                base = fake.base_url + "wijzigingen"
                if "?na=" not in path and fake.script.feed_total is not None:
                    raw = f'{{"id": "{base}", "type": "OrderedCollection", "totalItems": {fake.script.feed_total}}}'
                    return self._send(200, raw.encode(), "application/activity+json")
                if "?na=" not in path:
                    body = {"id": base, "type": "OrderedCollection", "totalItems": max(numbers, default=0)}
                else:
                    after = int(path.split("?na=")[1])
                    body = {"id": f"{base}?na={after}", "type": "OrderedCollectionPage",
                            "orderedItems": [{"id": f"{base}#{n}", "type": "Update"} for n in numbers if n > after]}
                return self._send(200, json.dumps(body).encode(), "application/activity+json")

            def _dump(self):
                script = fake.script
                time.sleep(script.delay_s)
                if script.redirect_to:
                    return self._send(302, b"", "text/plain", {"Location": script.redirect_to})
                if script.fail_times > 0:
                    script.fail_times -= 1
                    extra = {"Retry-After": script.retry_after} if script.retry_after else {}
                    return self._send(script.fail_status, b"try later", "text/plain", extra)
                etag = '"' + hashlib.sha256(script.dump).hexdigest()[:16] + '"'
                if script.conditional and self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", script.media_type, {"ETag": etag})
                extra = {"ETag": etag} if script.conditional else {}
                if script.drip_s:
                    return self._drip(script.dump, script.media_type, script.drip_s)
                if script.truncate_to is not None:
                    return self._send(200, script.dump, script.media_type, extra, cut=script.truncate_to)
                return self._send(200, script.dump, script.media_type, extra)

            def _drip(self, body, media_type, pause):
                self.send_response(200)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for start in range(0, len(body), 100):
                        self.wfile.write(body[start:start + 100])
                        self.wfile.flush()
                        time.sleep(pause)
                except OSError:
                    pass  # the harvester hung up, as it should
                fake.requests.append(Request(self.path, dict(self.headers), 200, 0, self.arrived, time.monotonic()))

            def _send(self, status, body, media_type, extra=None, cut=None):
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                sent = body if cut is None or status == 304 else body[:cut]
                if status != 304:
                    self.wfile.write(sent)
                    self.wfile.flush()
                fake.requests.append(Request(self.path, dict(self.headers), status, 0 if status == 304 else len(sent),
                                             self.arrived, time.monotonic()))
                if cut is not None:
                    self.close_connection = True

        return Handler


def rdflib_graph(nquads: bytes):
    """Merge an N-Quads document's graphs with rdflib: the second, independent parser."""
    import warnings

    import rdflib

    dataset = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6 warns about its own Dataset internals
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=nquads, format="nquads")
    merged = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        merged.add((s, p, o))
    return merged
