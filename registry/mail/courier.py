"""The courier: delivers the outbox by SMTP or webhook, in a background thread.

SMTP with the standard library (`smtplib`, `email.message.EmailMessage`: plain text,
UTF-8); a webhook gets the message's JSON body as a POST. A failure is counted in the
outbox and retried later; it never reaches the harvest or request that queued it.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from urllib.parse import urlsplit
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import requests

from registry.errors import N_, ConfigError
from registry.mail.outbox import Message, Outbox

log = logging.getLogger(__name__)
TLS_MODES = ("none", "starttls", "ssl")
POLL_S = 30.0
"""How often the courier looks for due messages without being woken."""
TIMEOUT_S = 30


def mail_configured(settings: dict) -> bool:
    return bool(settings["smtp_host"])


def check_settings(settings: dict) -> None:
    """Refuse mail settings that cannot work, when the node starts rather than at the first message."""
    if settings["smtp_tls"] not in TLS_MODES:
        raise ConfigError(N_("smtp_tls moet een van %(choices)s zijn, niet %(value)r."),
                          choices=", ".join(TLS_MODES), value=settings["smtp_tls"])
    if mail_configured(settings) and not (settings["mail_from"] or settings["contact"]):
        raise ConfigError(N_("Met smtp_host is ook mail_from nodig (of contact): het adres waarvan de hub mailt."))
    webhook = settings["report_webhook"]
    if webhook and not webhook.startswith(("http://", "https://")):
        raise ConfigError(N_("report_webhook moet een http(s)-URL zijn, niet %(url)r."), url=webhook)


class Courier:
    """Sends what the outbox holds; `before_round` callables run first in each round (e.g. a daily digest)."""

    def __init__(self, settings: dict, outbox: Outbox, before_round: Iterable[Callable[[], None]] = ()):
        check_settings(settings)
        self.settings = settings
        self.outbox = outbox
        self.before_round = list(before_round)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def configured(self) -> bool:
        """Is there any way out: an SMTP server or a webhook."""
        return mail_configured(self.settings) or bool(self.settings["report_webhook"])

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="courier", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Deliver soon: something was just queued."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(TIMEOUT_S + 5)

    def round(self) -> int:
        """Run the hooks, then deliver every due message; the number sent."""
        for hook in self.before_round:
            try:
                hook()
            except Exception:  # noqa: BLE001 - a broken hook must not stop the mail that is queued
                log.exception("courier hook %r failed", hook)
        return self.deliver_due()

    def deliver_due(self) -> int:
        sent = 0
        for message in self.outbox.claim_due():
            try:
                self.send(message)
            except (OSError, smtplib.SMTPException, requests.RequestException, ValueError) as error:
                why = f"{type(error).__name__}: {error}"
                if message.channel == "webhook":  # a hook's URL often holds its secret: keep only its host
                    why = why.replace(message.recipient, urlsplit(message.recipient).netloc or "webhook")
                kept = self.outbox.failed(message, why)
                log.warning("message %s (%s) not delivered: %s; %s", message.id, message.channel, why,
                            "will retry" if kept else "gave up after the last attempt")
                continue
            self.outbox.sent(message)
            sent += 1
        return sent

    def send(self, message: Message) -> None:
        if message.channel == "webhook":
            response = requests.post(message.recipient, data=message.body.encode("utf-8"), timeout=(5, TIMEOUT_S),
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "Bamboe-hub"}, allow_redirects=False)
            response.raise_for_status()
            return
        self._smtp(self._email(message))

    def _email(self, message: Message) -> EmailMessage:
        sender = self.settings["mail_from"] or self.settings["contact"]
        email = EmailMessage()
        email["From"] = sender
        email["To"] = message.recipient
        email["Subject"] = " ".join(message.subject.split())  # names from harvested data may hold line breaks
        if message.reply_to:
            email["Reply-To"] = message.reply_to
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
        email.set_content(message.body, charset="utf-8")
        return email

    def _smtp(self, email: EmailMessage) -> None:
        s = self.settings
        mode = s["smtp_tls"]
        if mode == "ssl":
            client = smtplib.SMTP_SSL(s["smtp_host"], s["smtp_port"], timeout=TIMEOUT_S,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s["smtp_host"], s["smtp_port"], timeout=TIMEOUT_S)
        with client:
            if mode == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s["smtp_user"]:
                client.login(s["smtp_user"], s["smtp_password"])
            client.send_message(email)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before the round: a wake during it brings the next round at once
            try:
                self.round()
            except Exception:  # noqa: BLE001 - e.g. the outbox file locked too long: try again next round
                log.exception("courier round failed")
            self._wake.wait(POLL_S)
