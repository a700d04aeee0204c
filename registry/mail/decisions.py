"""Tell an applicant what the hub decided: one mail to the role address it registered with.

The form's report says the application waits for an admin; without this, someone who
used the form would never hear the outcome (or read the reason of a refusal, which
the admin writes for them). Same outbox and courier as every other message.
"""
from __future__ import annotations

from registry.mail.courier import mail_configured
from registry.mail.outbox import Message


def tell_applicant(courier, settings: dict, application, admitted: bool, reason: str = "") -> bool:
    """Queue the decision for the application's contact; False when the hub sends no mail."""
    if courier is None or not mail_configured(settings) or not application.contact:
        return False
    hub, base = settings["name"], settings["base_url"]
    if admitted:
        subject = f"[{hub}] Aanmelding van {application.name}: toegelaten"
        lines = [f"Je node {application.name} ({application.url}) is toegelaten tot {hub}.",
                 "De hub oogst hem nu, en daarna volgens zijn schema; na elke oogst die iets verandert, tegenhoudt",
                 "of mislukt, krijg je op dit adres een bericht (hoogstens één per dag).",
                 "", f"De pagina van je node op de hub: {base}oogst/{application.id}"]
    else:
        subject = f"[{hub}] Aanmelding van {application.name}: geweigerd"
        lines = [f"Je aanmelding van {application.name} ({application.url}) bij {hub} is geweigerd.",
                 "", "Reden:", reason, "",
                 f"Verhelp wat de reden noemt en meld de node opnieuw aan: {base}aanmelden"]
    body = "\n".join(lines + ["", "-- ", f"{hub} ({base})"]) + "\n"
    courier.outbox.put(Message("mail", application.contact, body, subject))
    courier.wake()
    return True
