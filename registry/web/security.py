"""Security headers on every response; CORS open for reads only; redirects stay on this node; cookies kept close."""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, request

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.after_request(_keep_location_home)
    # Flask runs after_request functions last-registered first: first in the list, this
    # sees the cookies of every later one (i18n's `lang`). The session cookie is set after
    # them all, with its attributes from auth's SESSION_COOKIE_* settings.
    app.after_request_funcs.setdefault(None, []).insert(0, _harden_cookies)


def cookie_name(base_url: str, kind: str) -> str:
    """A cookie name of this node alone: `bamboe_session_1a2b3c4d`.

    Browsers keep cookies per host, not per port, so nodes sharing a host (the
    demo runs every node on 127.0.0.1) would overwrite each other's one `session` cookie.
    """
    return f"bamboe_{kind}_{hashlib.sha256(base_url.encode()).hexdigest()[:8]}"


def _harden_cookies(response):
    """Every cookie HttpOnly and SameSite=Lax, and Secure when the node's base URL is https."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return response
    wanted = {"httponly": "HttpOnly", "samesite": "SameSite=Lax"}
    if current_app.config["BAMBOE"]["base_url"].startswith("https://"):
        wanted["secure"] = "Secure"
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        present = {part.split("=")[0].strip().lower() for part in cookie.split(";")[1:]}
        response.headers.add("Set-Cookie", "; ".join([cookie, *(v for k, v in wanted.items() if k not in present)]))
    return response


def _keep_location_home(response):
    """Build absolute redirect targets from base_url, never from the request's Host header.

    Werkzeug's own redirects (`/beheer` -> `/beheer/`) take scheme and host from the
    request, so `Host: evil.example` would send a visitor to evil.example.
    """
    location = response.headers.get("Location")
    if location:
        response.headers["Location"] = own_location(location, current_app.config["BAMBOE"]["base_url"],
                                                    request.script_root)
    return response


def own_location(location: str, base_url: str, script_root: str = "") -> str:
    """A redirect target on this node: a relative one as it is, one naming another host re-rooted on base_url."""
    target, base = urlsplit(location), urlsplit(base_url)
    if not target.scheme and not target.netloc and not location.startswith(("//", "/\\", "\\")):
        return location
    if (target.scheme.lower(), target.netloc.lower()) == (base.scheme.lower(), base.netloc.lower()):
        return location
    path = target.path.replace("\\", "/").removeprefix(script_root).lstrip("/")
    return urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + "/" + path, target.query, target.fragment))


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.method in READ_METHODS or request.path == "/sparql":
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, Bamboe-Truncated"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST" if request.path == "/sparql" else "GET, HEAD"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
    return response
