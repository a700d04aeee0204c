""""Meld een fout of vul aan": a visitor's note on a community, queued to its node's contact.

Plain functions (no Flask): check what was typed, find who gets it, and queue one mail
per owning node (and one JSON POST to `report_webhook` when set). Nothing is stored
but the outbox row, which is deleted once it is sent (see `outbox.py`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from registry.mail.courier import mail_configured
from registry.mail.outbox import Message, Outbox, addresses

MAX_MESSAGE = 2000
MAX_ADDRESS = 254
ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+")


@dataclass(frozen=True)
class Owner:
    """A node holding the community: where its note goes (comma-separated addresses, '' when none)."""

    node: str
    name: str
    addresses: str


@dataclass(frozen=True)
class Note:
    community: str  # its IRI
    community_name: str
    page: str  # the community's page on the hub
    message: str
    reply_to: str = ""


def problems(message: str, reply_to: str) -> dict[str, str]:
    """What is wrong with the form, by field: keys of registry.web.report_problem.ERRORS."""
    found = {}
    if not message:
        found["bericht"] = "message_missing"
    elif len(message) > MAX_MESSAGE:
        found["bericht"] = "message_too_long"
    if reply_to and (len(reply_to) > MAX_ADDRESS or not ADDRESS.fullmatch(reply_to)):
        found["antwoordadres"] = "reply_invalid"
    return found


def owner(node_id: str, name: str, contact: str, fallback: str) -> Owner:
    """A node as its note's addressee: its own contact, else the hub's (which then forwards it)."""
    return Owner(node_id, name, addresses(contact) or addresses(fallback))


def deliverable(settings: dict, owners: list[Owner]) -> bool:
    """Can a note on this community reach anyone: a webhook, or mail to some owner's address."""
    return bool(settings["report_webhook"]) or (mail_configured(settings) and any(o.addresses for o in owners))


def queue(outbox: Outbox, settings: dict, owners: list[Owner], note: Note) -> int:
    """Queue the note to each owner (and the webhook) in one transaction; the number of messages queued."""
    queued = 0
    with outbox.transaction() as db:
        if mail_configured(settings):
            for each in owners:
                if each.addresses:
                    subject, body = mail_text(settings, each, note)
                    outbox.put(Message("mail", each.addresses, body, subject, note.reply_to), db)
                    queued += 1
        if settings["report_webhook"]:
            payload = {"type": "melding", "hub": settings["base_url"], "hub_name": settings["name"],
                       "nodes": [o.node for o in owners], "community": note.community,
                       "community_name": note.community_name, "page": note.page, "message": note.message,
                       "reply_to": note.reply_to or None}
            outbox.put(Message("webhook", settings["report_webhook"], json.dumps(payload, ensure_ascii=False)), db)
            queued += 1
    return queued


def mail_text(settings: dict, to: Owner, note: Note) -> tuple[str, str]:
    """Subject and plain Dutch text of a note to one owner."""
    subject = f"[{settings['name']}] Melding over ‘{note.community_name}’"
    reply = (f"Antwoordadres: {note.reply_to} (een antwoord op deze mail gaat daarheen)" if note.reply_to
             else "De melder gaf geen antwoordadres op.")
    lines = [f"Beste beheerder van {to.name},", "",
             f"Via de hub {settings['name']} kwam een melding binnen over de lerende praktijk "
             f"‘{note.community_name}’:", note.community, f"Op de hub: {note.page}", "",
             "Bericht:", "", note.message, "", reply, "",
             "Gaat het om gegevens op je node, pas ze daar aan; de hub neemt ze bij de volgende oogst over.",
             "De hub bewaart deze melding niet: hij stond alleen in de wachtrij tot hij verstuurd was.",
             "", "-- ", settings["name"], settings["base_url"]]
    return subject, "\n".join(lines) + "\n"

