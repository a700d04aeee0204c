"""Bamboe node: publishes a Werkplaats' learning communities as linked data."""
from __future__ import annotations

import atexit
from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the node application.

    Defaults, then `<data_dir>/bamboe.toml`, then `BAMBOE_*` environment variables,
    then `config` (tests pass settings here, and may pass a ready `store`).
    """
    from registry.config import load_settings
    from registry.runtime import Node  # imported here: query workers import `registry` and must start light

    config = dict(config or {})
    data_dir = Path(config.pop("data_dir", None) or "data")
    store = config.pop("store_instance", None)
    settings = load_settings(data_dir, config)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings["secret_key"] or "dev-only-not-secret",
        MAX_CONTENT_LENGTH=settings["max_request_bytes"],
        JSON_SORT_KEYS=False,
        BAMBOE=settings,
    )
    node = Node.start(settings, data_dir, store)
    app.extensions["bamboe"] = node
    atexit.register(node.close)

    from registry import web

    web.init_app(app)
    if settings["trusted_proxies"]:
        from registry.web.proxies import TrustedProxies

        app.wsgi_app = TrustedProxies(app.wsgi_app, settings["trusted_proxies"])
    return app
