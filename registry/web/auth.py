"""Who may write: bearer tokens for the API, a session (with CSRF) for the forms.

Reads stay public. Login attempts and API writes are rate limited per client address
(Flask-Limiter, in-process memory: one node process, one count).
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from registry.accounts import User
from registry.errors import Forbidden, Unauthorized
from registry.web import current_node

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", headers_enabled=True)
csrf = CSRFProtect()


def login_limit() -> str:
    return current_app.config["BAMBOE"]["login_limit"]


def write_limit() -> str:
    return current_app.config["BAMBOE"]["write_limit"]


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["BAMBOE"]["base_url"].startswith("https://"),
                      PERMANENT_SESSION_LIFETIME=8 * 3600)
    limiter.init_app(app)
    csrf.init_app(app)


def bearer_user() -> User:
    """The user of the request's bearer token; 401 when there is none or it is not valid."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send an API token: Authorization: Bearer bmb_... (create one with `bamboe token create`).")
    user = current_node().accounts.user_for_token(token.strip())
    if user is None:
        raise Unauthorized("This token is not valid here: unknown, expired, revoked or of another node.")
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


def login_required(admin: bool = False):
    """Forms: a signed-in editor (or admin); others are sent to the login page."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = session_user()
            if user is None:
                from flask import redirect, url_for
                return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
            if admin and not user.is_admin:
                raise Forbidden("Alleen beheerders zien dit. Only admins can see this.")
            g.user = user
            return view(*args, **kwargs)
        return wrapper
    return decorator
