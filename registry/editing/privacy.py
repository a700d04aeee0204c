"""AVG/GDPR guard: the registry describes communities, not people.

Participation is recorded as perspectives, counts and roles; a contact is a role
address of an organisation. This check refuses what would reach a private person:
an e-mail address or phone number inside free text, and a contact address that
looks personal (a name-like local part such as jan.jansen@, or a consumer mail
provider). A write may pass anyway with `toestemming`: a reference to the recorded
consent, which goes into the private audit trail, never into the public data.
"""
from __future__ import annotations

import re

EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_IN_TEXT = re.compile(r"(?<!\d)(\+31|0031|0)[\s-]?(6|[1-9]\d{1,2})([\s-]?\d){6,8}(?!\d)")
CONSUMER_MAIL = {
    "gmail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.nl", "live.com",
    "icloud.com", "me.com", "yahoo.com", "yahoo.nl", "ziggo.nl", "kpnmail.nl", "planet.nl",
    "home.nl", "xs4all.nl", "hetnet.nl", "casema.nl", "upcmail.nl", "gmx.net", "proton.me", "protonmail.com",
}
PERSONAL_LOCAL_PART = re.compile(r"^[a-z]{2,}[._][a-z]{2,}([._-][a-z]{2,})?$|^[a-z]\.[a-z]{2,}$")
ROLE_WORDS = ("info", "contact", "secretariaat", "leergemeenschap", "werkplaats", "team", "praktijk",
              "netwerk", "bureau", "kenniskring", "lerend", "wsd", "welzijn", "post", "office", "servicedesk")


def personal_data(data: dict, prefix: str = "") -> list[dict]:
    """Field errors for personal contact data in loaded JSON (nested objects included)."""
    errors = []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if key == "email":
            if isinstance(value, str) and _personal_address(value):
                errors.append({"name": name, "code": "personal-data"})
        elif isinstance(value, str) and key not in ("website", "url", "breder") and (
                EMAIL_IN_TEXT.search(value) or PHONE_IN_TEXT.search(value)):
            errors.append({"name": name, "code": "personal-data"})
        elif isinstance(value, dict):
            errors += personal_data(value, name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    errors += personal_data(item, f"{name}[{index}]")
                elif isinstance(item, str) and (EMAIL_IN_TEXT.search(item) or PHONE_IN_TEXT.search(item)):
                    errors.append({"name": f"{name}[{index}]", "code": "personal-data"})
    return errors


def _personal_address(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    if domain in CONSUMER_MAIL:
        return True
    if any(word in local for word in ROLE_WORDS):
        return False
    return bool(PERSONAL_LOCAL_PART.match(local))
