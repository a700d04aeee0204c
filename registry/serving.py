"""Run a node (or several, for the demo) under waitress, the production WSGI server."""
from __future__ import annotations

import json
import logging
import os
import resource
import signal
import threading
import time
from pathlib import Path

from waitress import create_server

from registry import create_app, linked_names
from registry.waitress_hardening import harden
from registry.config import CONFIG_FILE
from registry.errors import N_, ConfigError, StoreBusyError
from registry.store import RUN_FILE, running_node
from registry.web import over_time

log = logging.getLogger(__name__)


def build_server(data_dir: Path, host: str, port: int, threads: int | None = None):
    """Create the node app and a waitress server for it; record that the node runs.

    Limits against slow and many clients come from the settings (`threads`,
    `connection_limit`, `channel_timeout_s`); see README, 'Security'.
    """
    data_dir = Path(data_dir)
    if not (data_dir / CONFIG_FILE).exists():
        raise ConfigError(N_("%(data_dir)s is geen datamap van een node; maak er een met "
                             "`bamboe init --data %(data_dir)s ...`."), data_dir=str(data_dir))
    if running_node(data_dir):
        raise StoreBusyError(N_("Er draait al een node op %(data_dir)s (zie %(run_file)s); stop die eerst of kies een "
                                "andere datamap."), data_dir=str(data_dir), run_file=str(data_dir / RUN_FILE))
    app = create_app({"data_dir": data_dir})
    settings = app.config["BAMBOE"]
    raise_open_files_limit(settings["connection_limit"] + 200)
    server = create_server(app, host=host, port=port, threads=threads or settings["threads"], ident="bamboe",
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
                           connection_limit=settings["connection_limit"],
                           channel_timeout=settings["channel_timeout_s"], cleanup_interval=5,
                           asyncore_use_poll=True,
                           # waitress drops X-Forwarded-* from every peer; with trusted_proxies set,
                           # registry.web.proxies decides whom to believe instead
                           clear_untrusted_proxy_headers=not settings["trusted_proxies"])
    harden(server, header_timeout_s=settings["channel_timeout_s"])
    node = app.extensions["bamboe"]
    if node.hub is None:  # a node shows the names of the networks on other nodes it is part of
        linked_names.start(node.store, settings["base_url"])
    else:  # build the views' index and the timeline while the server starts, not in the first request
        node.federation.refresh_soon()
        over_time.warm(app)
    run_file = data_dir / RUN_FILE
    run_file.parent.mkdir(parents=True, exist_ok=True)
    run_file.write_text(json.dumps({
        "pid": os.getpid(),
        "url": f"http://{host}:{server.effective_port}/",
        "store_url": node.server.url if node.server else None,
    }))
    return app, server


def raise_open_files_limit(wanted: int) -> None:
    """Lift the soft limit on open files towards the hard one, so connection_limit can be met."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def stop(app, data_dir: Path) -> None:
    (Path(data_dir) / RUN_FILE).unlink(missing_ok=True)
    app.extensions["bamboe"].close()


def serve_node(data_dir: Path, host: str, port: int, threads: int | None = None) -> None:
    """Serve one node until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app, server = build_server(data_dir, host, port, threads)
    print(f"Bamboe node '{app.config['BAMBOE']['name']}' on http://{host}:{server.effective_port}/", flush=True)
    _serve_until_signal([server], lambda: stop(app, data_dir))


class _Stop(Exception):
    """Raised by the signal handler to leave the serving loop."""


_stopping = []


def _stop_now(*_) -> None:
    # Raise instead of setting an Event: a handler that takes a lock can deadlock with
    # the main thread holding that same lock inside Event.wait(). Only the first signal
    # raises, so a second one cannot cut the cleanup short.
    if not _stopping:
        _stopping.append(True)
        raise _Stop


def _serve_until_signal(servers, cleanup) -> None:
    """Run the servers in daemon threads until SIGTERM or SIGINT, then clean up and return."""
    try:
        signal.signal(signal.SIGTERM, _stop_now)
        signal.signal(signal.SIGINT, _stop_now)
        for server in servers:
            threading.Thread(target=server.run, daemon=True).start()
        while True:
            time.sleep(3600)
    except _Stop:
        pass
    finally:
        for server in servers:
            server.close()
        cleanup()
