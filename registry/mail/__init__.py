"""Messages a hub sends: harvest reports to a node's contact and "meld een fout" notes.

Nothing is sent while a harvest or a web request waits: a message is put in the
outbox (`outbox.py`, `<data>/outbox.sqlite3`, beside the accounts and apart from the
public RDF store), and the courier (`courier.py`, a background thread) delivers it
by SMTP or as a JSON POST to a webhook, retrying with backoff; a row is deleted once
it is sent, or after its last attempt.
"""
from registry.mail.courier import Courier, check_settings, mail_configured
from registry.mail.outbox import Message, Outbox, addresses

__all__ = ["Courier", "Message", "Outbox", "addresses", "check_settings", "mail_configured"]
