"""Make waitress answer its own errors as problem+json and drop requests that never finish.

waitress refuses an oversized body (413) or header (431) and malformed requests (400)
itself, before Flask sees them, as plain text; a client reading the API expects
`application/problem+json` like every other error. And its idle timeout does not
stop a slowloris client that sends one header byte every few seconds: such a
request is closed once its header has taken longer than `header_timeout_s`.
"""
from __future__ import annotations

import json
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask

from registry.web.api_spec import PREFIX as API_PREFIX, VERSION as API_VERSION

TITLES = {400: "Ongeldig verzoek", 413: "Verzoek te groot", 431: "Kopregels te groot", 500: "Interne fout"}
DETAILS = {
    400: "Het verzoek volgt de regels van HTTP niet en kan niet worden gelezen; controleer de kopregels.",
    413: "Het verzoek is groter dan deze node aanneemt.",
    431: "De kopregels van het verzoek zijn groter dan deze node aanneemt.",
    500: "Er ging iets mis aan onze kant; het is gelogd.",
}
"""In Dutch, the default language: these answers come before the request is read, so before `?lang=en` is."""


class ProblemErrorTask(ErrorTask):
    """waitress's own error responses, as RFC 9457 problem details."""

    def execute(self):
        error = self.request.error
        general = 500 if error.code >= 500 else 400
        body = json.dumps({
            "type": "about:blank", "status": error.code, "title": TITLES.get(error.code, TITLES[general]),
            "detail": DETAILS.get(error.code, DETAILS[general]),
        }).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/problem+json"))
        self.response_headers.append(("Content-Language", "nl"))
        if (getattr(self.request, "path", "") or "").startswith(API_PREFIX):  # as on every answer of the API
            self.response_headers.append(("API-Version", API_VERSION))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class TimedParser(HTTPRequestParser):
    """A request parser that remembers when the request's first byte came."""

    def __init__(self, adj):
        super().__init__(adj)
        self.started = time.time()


class HardenedChannel(HTTPChannel):
    error_task_class = ProblemErrorTask
    parser_class = TimedParser


def harden(server, header_timeout_s: float) -> None:
    """Use the hardened channel on `server` and close requests whose header drags on."""
    listeners = [server] if hasattr(server, "channel_class") else [  # one socket, or several (MultiSocketServer)
        one for one in server.map.values() if hasattr(one, "channel_class")]
    for one in listeners:
        one.channel_class = HardenedChannel
        _close_slow_headers(one, header_timeout_s)


def _close_slow_headers(server, header_timeout_s: float) -> None:
    idle_sweep = server.maintenance

    def maintenance(now):
        idle_sweep(now)
        for channel in list(server.active_channels.values()):
            request = channel.request
            if request is not None and not request.headers_finished and now - request.started > header_timeout_s:
                channel.will_close = True

    server.maintenance = maintenance
