"""The outbox: messages waiting to be delivered, kept on disk until sent.

One SQLite file in the data directory (`outbox.sqlite3`), so a message survives a
restart and several processes of one hub share it: a sender claims a row for a while
before it delivers it, so two processes never send the same message. A row is
deleted once sent; one that keeps failing is retried with backoff (1 min, 2, 4 ...
at most 6 hours apart) and dropped after `MAX_ATTEMPTS`, so a note with a reply
address is never kept longer than it takes to deliver it.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path

from registry import clock

OUTBOX_FILE = "outbox.sqlite3"
CHANNELS = ("mail", "webhook")
MAX_ATTEMPTS = 10
FIRST_RETRY_S = 60
LONGEST_WAIT_S = 6 * 3600
CLAIM_S = 300
"""A claimed row is left alone this long; a sender that died meanwhile frees it this way."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
    body TEXT NOT NULL, reply_to TEXT NOT NULL, created REAL NOT NULL, attempts INTEGER NOT NULL,
    next_try REAL NOT NULL, claimed_until REAL, last_error TEXT);
"""


@dataclass
class Message:
    """One message to one channel: mail to addresses (comma-separated), or a JSON body to a webhook URL."""

    channel: str
    recipient: str
    body: str
    subject: str = ""
    reply_to: str = ""
    id: int | None = None
    attempts: int = 0


class Outbox:
    """The hub's messages waiting to go out."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / OUTBOX_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.transaction() as db:
            db.execute(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (`BEGIN IMMEDIATE`): others wait, nobody reads half of it."""
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def put(self, message: Message, db: sqlite3.Connection | None = None) -> int:
        """Queue a message for delivery now; inside `db`'s transaction when one is given."""
        if message.channel not in CHANNELS:
            raise ValueError(f"unknown channel {message.channel!r}")
        if db is None:
            with self.transaction() as own:
                return self.put(message, own)
        now = _now()
        cursor = db.execute(
            "INSERT INTO outbox (channel, recipient, subject, body, reply_to, created, attempts, next_try) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (message.channel, message.recipient, message.subject, message.body, message.reply_to, now, now))
        return cursor.lastrowid

    def claim_due(self, most: int = 20) -> list[Message]:
        """Messages due now that no other sender holds; held by this one for `CLAIM_S`."""
        now = _now()
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM outbox WHERE next_try <= ? "
                              "AND (claimed_until IS NULL OR claimed_until < ?) "
                              "ORDER BY next_try, id LIMIT ?", (now, now, most)).fetchall()
            db.executemany("UPDATE outbox SET claimed_until = ? WHERE id = ?", [(now + CLAIM_S, r["id"]) for r in rows])
        return [_message(row) for row in rows]

    def sent(self, message: Message) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (message.id,))

    def failed(self, message: Message, error: str) -> bool:
        """Count a failed attempt; True when it will be retried, False when it was the last and the row is gone."""
        attempts = message.attempts + 1
        with self.transaction() as db:
            if attempts >= MAX_ATTEMPTS:
                db.execute("DELETE FROM outbox WHERE id = ?", (message.id,))
                return False
            db.execute("UPDATE outbox SET attempts = ?, next_try = ?, claimed_until = NULL, last_error = ? "
                       "WHERE id = ?", (attempts, _now() + retry_after_s(attempts), error[:500], message.id))
        return True

    def waiting(self) -> list[dict]:
        """Every queued message with its attempts, next try and last error (for tests and admins)."""
        with self.transaction() as db:
            return [dict(row) for row in db.execute("SELECT * FROM outbox ORDER BY id")]


def addresses(contact: str) -> str:
    """The mail addresses in a contact field, as a message's recipient: comma-separated ('' when none)."""
    return ", ".join(address for _, address in getaddresses([contact or ""]) if "@" in address)


def retry_after_s(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: doubling from a minute, at most six hours."""
    return min(FIRST_RETRY_S * 2 ** (attempts - 1), LONGEST_WAIT_S)


def _message(row: sqlite3.Row) -> Message:
    return Message(channel=row["channel"], recipient=row["recipient"], body=row["body"], subject=row["subject"],
                   reply_to=row["reply_to"], id=row["id"], attempts=row["attempts"])


def _now() -> float:
    return clock.now().timestamp()
