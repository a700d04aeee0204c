"""Who may write: bearer tokens for the API, a session (with CSRF) for the forms.

Reads stay public. Login attempts and API writes are rate limited per client address
(Flask-Limiter, in-process memory: one node process, one count).
"""
from __future__ import annotations

import re
from functools import wraps
from urllib.parse import quote, unquote, urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from registry.accounts import User
from registry.errors import N_, Forbidden, Unauthorized
from registry.web import current_node
from registry.web.security import cookie_name

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", headers_enabled=True)
csrf = CSRFProtect()
LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")
"""A path of this node: one leading slash, then no backslash, whitespace or control character."""


def login_limit() -> str:
    return current_app.config["BAMBOE"]["login_limit"]


def write_limit() -> str:
    return current_app.config["BAMBOE"]["write_limit"]


def init_app(app: Flask) -> None:
    """Sessions in a cookie of this node's own name (the demo serves every node on 127.0.0.1)."""
    base_url = app.config["BAMBOE"]["base_url"]
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config.update(SESSION_COOKIE_NAME=cookie_name(base_url, "session"), SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=base_url.startswith("https://"),
                      PERMANENT_SESSION_LIFETIME=8 * 3600)
    limiter.init_app(app)
    csrf.init_app(app)
    app.context_processor(sign_in_links)


def sign_in_links() -> dict:
    """For the navigation: `signed_in`, `signed_in_admin`, `admin_url`, `login_url` (back here after), `logout_url`."""
    user = session_user() if current_app.config["SESSION_COOKIE_NAME"] in request.cookies else None
    here = _here() if request.method == "GET" and request.endpoint != "editor.login" else request.args.get("next")
    return {"signed_in": user is not None, "signed_in_admin": bool(user and user.is_admin),
            "admin_url": url_for("editor.dashboard"), "logout_url": url_for("editor.logout"),
            "login_url": url_for("editor.login", next=here or None)}


def bearer_user() -> User:
    """The user of the request's bearer token; 401 when there is none or it is not valid."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(N_("Stuur een API-token mee: Authorization: Bearer bmb_... (een beheerder maakt er een met "
                              "`bamboe token create`)."))
    user = current_node().accounts.user_for_token(token.strip())
    if user is None:
        raise Unauthorized(N_("Dit token is hier niet geldig: het is onbekend, verlopen, ingetrokken of van een andere "
                              "node. Vraag een beheerder om een nieuw token."))
    return user


def session_user() -> User | None:
    """The user of the request's session, if the server still knows it (not logged out, not disabled)."""
    return current_node().accounts.session_user(session.get("sid"), _session_ttl_s())


def start_session(user: User) -> None:
    """Sign a user in: a fresh server-side session, its id in the signed cookie."""
    session.clear()
    session["sid"] = current_node().accounts.open_session(user.name, _session_ttl_s())
    session.permanent = True


def end_session() -> None:
    """Sign out on the server too: the session id stops working, whoever holds a copy."""
    current_node().accounts.close_session(session.get("sid"))
    session.clear()


def _session_ttl_s() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds())


def login_required(admin: bool = False, form_page: str | None = None):
    """Forms: a signed-in editor (or admin); others are sent to the login page, and back after it.

    A POST-only action cannot be returned to (a GET would be 405): the visitor comes back
    to the page that held the form, the Referer when it is ours, else `form_page` (an
    endpoint taking the same view arguments).
    """
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = session_user()
            if user is None:
                return redirect(url_for("editor.login", next=_coming_from(form_page)),
                                302 if request.method in ("GET", "HEAD") else 303)
            if admin and not user.is_admin:
                raise Forbidden(N_("Alleen beheerders zien dit; log in met een beheerdersaccount."))
            g.user = user
            return view(*args, **kwargs)
        return wrapper
    return decorator


def return_to(target: str | None) -> str:
    """Where to send a visitor after login: `target` if it is a page of this node, else the dashboard.

    Refused: other sites (`//evil`, `https://evil`, `/\\evil`, which browsers read as
    `//evil`), whitespace and control characters, the login page itself, and paths that
    answer no GET (a form's POST action would end on 405).
    """
    if target and LOCAL_PATH.fullmatch(target) and not urlsplit(target).netloc and _is_page(target):
        return target
    return url_for("editor.dashboard")


def _here() -> str:
    """This request's path and query, quoted as sent, for `next=`."""
    query = request.query_string.decode("latin-1")
    return quote(request.path) + ("?" + query if query else "")


def _coming_from(form_page: str | None) -> str:
    if request.method in ("GET", "HEAD"):
        return _here()
    referrer = urlsplit(request.referrer or "")
    if _is_ours(referrer) and referrer.path:
        came_from = referrer.path + ("?" + referrer.query if referrer.query else "")
        if return_to(came_from) == came_from:
            return came_from
    return url_for(form_page, **(request.view_args or {})) if form_page else url_for("editor.dashboard")


def _is_ours(address) -> bool:
    """Same origin as this node's base URL (or, run without a proxy, as the request)."""
    origin = (address.scheme.lower(), address.netloc.lower())
    return any(origin == (own.scheme.lower(), own.netloc.lower())
               for own in (urlsplit(current_app.config["BAMBOE"]["base_url"]), urlsplit(request.host_url)))


def _is_page(target: str) -> bool:
    try:
        endpoint, _ = current_app.create_url_adapter(request).match(unquote(urlsplit(target).path), method="GET")
    except RequestRedirect:
        return True
    except HTTPException:  # 404 or 405: nothing to show there
        return False
    return endpoint != "editor.login"
