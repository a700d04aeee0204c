"""Editor and admin accounts and their API tokens, kept apart from the published data.

Secrets never go into the RDF store (which is dumped and queryable): accounts live in
`<data>/accounts.sqlite3`. Passwords and tokens are stored as argon2id hashes only.
A token reads `bmb_<id>_<secret>`: the id finds the row, the secret is verified
against its hash, so a lookup never scans every hash. Verified tokens are remembered
for a minute (by SHA-256 of the token) to keep argon2's deliberate cost off every
API call; revocation and expiry are still checked on every request.

A signed-in editor's session is a row here too: the login stores a random session
id (its SHA-256, like the tokens, never the id itself) and the signed cookie carries
the id. Every request checks the row still exists, so logging out, or disabling the
user, ends the session on the server: a copied cookie opens nothing afterwards.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.errors import N_, BamboeError

ACCOUNTS_FILE = "accounts.sqlite3"
ROLES = ("editor", "admin")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10
TOKEN_PATTERN = re.compile(r"^bmb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
VERIFIED_TTL_S = 60
SESSION_TTL_S = 8 * 3600
"""A session ends this long after its login, whatever the cookie says."""
SEEN_EVERY_S = 60
"""`last_seen` is written at most this often, not on every request."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL,
    created TEXT NOT NULL, disabled TEXT);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), hash TEXT NOT NULL,
    label TEXT NOT NULL, created TEXT NOT NULL, expires TEXT NOT NULL, revoked TEXT);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name),
    created TEXT NOT NULL, last_seen TEXT NOT NULL);
"""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Token:
    id: str
    user: str
    label: str
    created: str
    expires: str
    revoked: str | None


class Accounts:
    """Users and tokens of one node."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / ACCOUNTS_FILE
        self._hasher = PasswordHasher()
        self._verified: dict[str, float] = {}
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    # --- users -----------------------------------------------------------------

    def add_user(self, name: str, password: str, role: str = "editor") -> User:
        if not NAME_PATTERN.match(name):
            raise BamboeError(N_("%(name)r is geen geldige gebruikersnaam: gebruik 2 tot 40 tekens uit a-z, 0-9, '.', "
                                 "'_' en '-', te beginnen met een letter of cijfer."), name=name)
        if role not in ROLES:
            raise BamboeError(N_("Onbekende rol %(role)r; kies uit %(choices)s."), role=role, choices=", ".join(ROLES))
        if len(password) < MIN_PASSWORD:
            raise BamboeError(N_("Een wachtwoord heeft minstens %(minimum)s tekens; kies een langer wachtwoord."),
                              minimum=MIN_PASSWORD)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise BamboeError(N_("Gebruiker %(name)r bestaat al; kies een andere naam."), name=name)
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?, NULL)",
                       (name, role, self._hasher.hash(password), _now()))
        return User(name, role)

    def users(self) -> list[tuple[User, str, str | None]]:
        with self._connect() as db:
            rows = db.execute("SELECT name, role, created, disabled FROM users ORDER BY name").fetchall()
        return [(User(r["name"], r["role"]), r["created"], r["disabled"]) for r in rows]

    def disable_user(self, name: str) -> None:
        """Disable a user and revoke all their tokens (kept for the audit trail)."""
        with self._connect() as db:
            if not db.execute("UPDATE users SET disabled = ? WHERE name = ?", (_now(), name)).rowcount:
                raise BamboeError(N_("Er is geen gebruiker %(name)r; `bamboe user list` toont wie er zijn."), name=name)
            db.execute("UPDATE tokens SET revoked = ? WHERE user = ? AND revoked IS NULL", (_now(), name))
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
        self._verified.clear()

    def user(self, name: str) -> User | None:
        with self._connect() as db:
            row = db.execute("SELECT name, role FROM users WHERE name = ? AND disabled IS NULL", (name,)).fetchone()
        return User(row["name"], row["role"]) if row else None

    def check_password(self, name: str, password: str) -> User | None:
        """The user if the password is right; spends the same time when the user is unknown."""
        with self._connect() as db:
            row = db.execute("SELECT name, role, password FROM users WHERE name = ? AND disabled IS NULL",
                             (name,)).fetchone()
        stored = row["password"] if row else _DUMMY_HASH
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(row["name"], row["role"]) if row else None

    # --- tokens ----------------------------------------------------------------

    def create_token(self, user: str, days: int = 90, label: str = "") -> tuple[str, Token]:
        """Create a token; the secret is returned here once and never stored."""
        if self.user(user) is None:
            raise BamboeError(N_("Er is geen actieve gebruiker %(name)r; maak die aan met `bamboe user add`."), name=user)
        if not 1 <= days <= 3650:
            raise BamboeError(N_("--days moet tussen 1 en 3650 liggen."))
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        created = _now()
        expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)).replace(microsecond=0).isoformat()
        with self._connect() as db:
            db.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, NULL)",
                       (token_id, user, self._hasher.hash(secret), label, created, expires))
        return f"bmb_{token_id}_{secret}", Token(token_id, user, label, created, expires, None)

    def tokens(self, user: str | None = None) -> list[Token]:
        query = "SELECT id, user, label, created, expires, revoked FROM tokens"
        with self._connect() as db:
            rows = db.execute(query + (" WHERE user = ?" if user else "") + " ORDER BY created",
                              (user,) if user else ()).fetchall()
        return [Token(*row) for row in rows]

    def revoke_token(self, token_id: str) -> None:
        with self._connect() as db:
            if not db.execute("UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
                              (_now(), token_id)).rowcount:
                raise BamboeError(N_("Er is geen actief token %(token)r; `bamboe token list` toont de tokens."),
                                  token=token_id)
        self._verified.clear()

    def user_for_token(self, token: str) -> User | None:
        """The active user a token belongs to, or None if it is unknown, expired or revoked."""
        match = TOKEN_PATTERN.match(token)
        if not match:
            return None
        token_id, secret = match.groups()
        with self._connect() as db:
            row = db.execute(
                "SELECT t.hash, t.expires, u.name, u.role FROM tokens t JOIN users u ON u.name = t.user "
                "WHERE t.id = ? AND t.revoked IS NULL AND u.disabled IS NULL", (token_id,)).fetchone()
        if row is None or row["expires"] <= _now():
            return None
        digest = _digest(token)
        with self._lock:
            fresh = self._verified.get(digest, 0) > time.monotonic()
        if not fresh:
            try:
                self._hasher.verify(row["hash"], secret)
            except (VerificationError, InvalidHashError):
                return None
            with self._lock:
                self._verified[digest] = time.monotonic() + VERIFIED_TTL_S
        return User(row["name"], row["role"])

    # --- sessions (the editor forms) ----------------------------------------

    def open_session(self, user: str, ttl_s: int = SESSION_TTL_S) -> str:
        """Start a session for a signed-in user; the id is returned once, for the signed cookie."""
        session_id = secrets.token_urlsafe(32)
        now = _now()
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE created < ?", (_ago(ttl_s),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_digest(session_id), user, now, now))
        return session_id

    def session_user(self, session_id: str | None, ttl_s: int = SESSION_TTL_S) -> User | None:
        """The active user of a session that still exists and has not expired, else None."""
        if not session_id or not isinstance(session_id, str):
            return None
        digest = _digest(session_id)
        with self._connect() as db:
            row = db.execute(
                "SELECT s.created, s.last_seen, u.name, u.role FROM sessions s JOIN users u ON u.name = s.user "
                "WHERE s.id_hash = ? AND u.disabled IS NULL", (digest,)).fetchone()
            if row is None or row["created"] < _ago(ttl_s):
                return None
            if row["last_seen"] < _ago(SEEN_EVERY_S):
                db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (_now(), digest))
        return User(row["name"], row["role"])

    def close_session(self, session_id: str | None) -> None:
        """End a session (logout); a copy of its cookie opens nothing afterwards."""
        if session_id and isinstance(session_id, str):
            with self._connect() as db:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _ago(seconds: int) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


_DUMMY_HASH = PasswordHasher().hash("not-a-real-password")
