"""Report back: a harvest that changes, holds or fails a node's data mails its contact, once a day at most.

A hub in this process harvests a scripted node over real HTTP on 127.0.0.1; the
reports go through the real outbox and courier to a real SMTP server (aiosmtpd) or
webhook receiver on 127.0.0.1. The time is moved through `registry.clock`.
"""
from __future__ import annotations

import datetime as dt
import time

import pyoxigraph as ox
import pytest

from fakenode import FakeNode
from mailserver import MailServer, WebhookReceiver, text_of, wait_for
from registry import create_app
from registry.mail.outbox import FIRST_RETRY_S, MAX_ATTEMPTS, Message, Outbox, retry_after_s
from registry.store import EmbeddedStore
from registry.store.server import free_port

HUB = "http://hub.test/"
CONTACT = "beheer@proef.test"
NAME = "http://schema.org/name"


class Clock:
    """The hub's time, moved by the test; each harvest a minute later, so each run has its own IRI."""

    def __init__(self, start: str):
        self.moment = dt.datetime.fromisoformat(start)

    def __call__(self) -> dt.datetime:
        return self.moment

    def move(self, **delta) -> None:
        self.moment += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    moved = Clock("2026-12-03T09:00:00+00:00")
    monkeypatch.setattr("registry.clock.now", moved)
    return moved


@pytest.fixture
def member():
    """A node whose second community has no name: quarantined, one finding under the name rule."""
    fake = FakeNode(communities=4, seed=7)
    fake.broken = fake.base_url + "praktijken/gen-00001"
    fake.serve(without(fake, fake.broken, NAME))
    yield fake
    fake.stop()


@pytest.fixture
def mail():
    server = MailServer().start()
    yield server
    server.stop()


def without(fake: FakeNode, subject: str, predicate: str | None = None) -> list[ox.Triple]:
    return [t for t in fake.triples
            if not (t.subject.value == subject and (predicate is None or t.predicate.value == predicate))]


def described(fake: FakeNode, text: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(fake.base_url + "praktijken/gen-00000"),
                     ox.NamedNode("http://schema.org/description"), ox.Literal(text, language="nl"))


def make_hub(tmp_path, member: FakeNode, **settings):
    instances = tmp_path / "instances.yaml"
    instances.write_text("nodes:\n  - {id: proef, name: WSD Proef, url: '%s', level: lokaal, area: [GM0344], "
                         "contact: '%s'}\n" % (member.base_url, CONTACT))
    app = create_app({"data_dir": tmp_path, "store_instance": EmbeddedStore(), "name": "Hub", "base_url": HUB,
                      "instances": str(instances), "harvest_schedule": False, **settings})
    node = app.extensions["bamboe"]
    node.hub.after_harvest.clear()  # no background index refresh: these tests read no views
    return node


@pytest.fixture
def hub(tmp_path, member, mail, clock):
    node = make_hub(tmp_path, member, **mail.settings())
    yield node
    node.close()


def harvest(node, clock):
    clock.move(minutes=1)
    return node.hub.harvest("proef")


def settled(node) -> None:
    """Deliver what is due now, and see nothing is left waiting (the courier's thread may be sending it)."""
    node.courier.round()
    wait_for(lambda: node.courier.outbox.waiting() == [])


def test_a_harvest_that_stores_changes_sends_one_report(hub, member, mail, clock):
    run = harvest(hub, clock)
    assert run.outcome == "stored" and run.quarantined == 1
    wait_for(lambda: mail.messages)
    settled(hub)
    assert len(mail.messages) == 1
    message = mail.messages[0]
    assert (message["To"], message["From"]) == (CONTACT, "hub@hub.test")
    assert mail.envelopes[0][1] == [CONTACT]
    assert message["Subject"] == "[Hub] Oogst van WSD Proef: opgeslagen"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = text_of(message)
    assert "Uitkomst: opgeslagen" in body
    assert f"Wijzigingen: {run.added} nieuw, 0 gewijzigd, 0 verwijderd; 1 in quarantaine" in body and run.added > 3
    assert "Bevindingen per regel (1 in totaal):" in body
    assert f"Uitleg bij de regel: {HUB}def#regel-LearningCommunity-name" in body
    assert f"  - {member.broken} {NAME}" in body
    assert f"{HUB}oogst/proef" in body, "the member's public page on the hub"
    assert "3 december 2026 om 10:01" in body, "the time as the Netherlands saw it"


def test_an_unchanged_harvest_sends_nothing(hub, member, mail, clock):
    harvest(hub, clock)
    wait_for(lambda: mail.messages)
    clock.move(days=1)  # a new day: only the unchanged outcome keeps it quiet
    assert harvest(hub, clock).outcome == "unchanged"
    settled(hub)
    assert len(mail.messages) == 1


def test_a_second_change_the_same_day_waits_for_the_next_day(hub, member, mail, clock):
    harvest(hub, clock)
    wait_for(lambda: mail.messages)
    member.serve(member.triples)  # the broken one mended: one added, no findings
    assert harvest(hub, clock).outcome == "stored"
    member.serve(member.triples + [described(member, "Nu met een beschrijving")])  # and one updated
    assert harvest(hub, clock).outcome == "stored"
    settled(hub)
    assert len(mail.messages) == 1, "one message a day"
    clock.move(days=1)
    hub.courier.round()  # the day turned: the kept reports go out as one message
    wait_for(lambda: len(mail.messages) == 2)
    settled(hub)
    assert len(mail.messages) == 2
    body = text_of(mail.messages[1])
    assert "Uitkomst: opgeslagen" in body and "4 december 2026" not in body
    assert "Eerdere oogsten sinds het vorige bericht:" in body
    assert "- 3 december 2026 om 10:02: opgeslagen (1 nieuw, 0 gewijzigd, 0 verwijderd" in body, \
        "the first kept harvest, listed"
    assert "3 december 2026 om 10:03" in body.split("Eerdere")[0], "the newest kept harvest leads"
    member.serve(member.triples + [described(member, "En nog eens anders")])
    assert harvest(hub, clock).outcome == "stored"
    settled(hub)
    assert len(mail.messages) == 2, "that was the day's message: this one waits for the next"


def test_a_held_or_failed_harvest_is_reported(hub, member, mail, clock):
    harvest(hub, clock)
    wait_for(lambda: mail.messages)
    member.serve([])  # every record gone at once: held for an admin
    clock.move(days=1)
    assert harvest(hub, clock).outcome == "held"
    wait_for(lambda: len(mail.messages) == 2)
    assert mail.messages[1]["Subject"].endswith(": aangehouden")
    body = text_of(mail.messages[1])
    assert "Reden: alle " in body and " records zouden verdwijnen" in body
    member.script.fail_times, member.script.fail_status = 10, 404  # not retried: a quick failure
    clock.move(days=1)
    assert harvest(hub, clock).outcome == "failed"
    wait_for(lambda: len(mail.messages) == 3)
    body = text_of(mail.messages[2])
    assert "Uitkomst: mislukt" in body and "Reden: " in body and "Bevindingen" not in body


def test_smtp_down_queues_and_retries_and_the_harvest_still_finishes(tmp_path, member, clock):
    down = MailServer(free_port())  # its port, with nobody listening yet
    node = make_hub(tmp_path, member, **down.settings())
    try:
        began = time.monotonic()
        assert harvest(node, clock).outcome == "stored"
        assert time.monotonic() - began < 10
        node.courier.round()
        wait_for(lambda: node.courier.outbox.waiting()[0]["attempts"] >= 1)  # this round's try, or the thread's
        [waiting] = node.courier.outbox.waiting()
        assert waiting["attempts"] >= 1 and "Connection" in waiting["last_error"]
        assert waiting["next_try"] > clock().timestamp(), "retried later, not at once"
        down.start()
        node.courier.round()
        assert not down.messages, "not before its retry time"
        clock.move(seconds=FIRST_RETRY_S * 2 + 1)
        node.courier.round()
        wait_for(lambda: down.messages)
        assert node.courier.outbox.waiting() == []
        assert down.messages[0]["Subject"].endswith(": opgeslagen")
    finally:
        node.close()
        down.stop()


def test_webhook_receives_the_report_as_json(tmp_path, member, clock):
    hook = WebhookReceiver()
    node = make_hub(tmp_path, member, report_webhook=hook.url)
    try:
        harvest(node, clock)
        wait_for(lambda: hook.bodies)
        report = hook.bodies[0]
        assert (report["type"], report["node"], report["outcome"]) == ("oogstrapport", "proef", "stored")
        assert report["member_page"] == HUB + "oogst/proef"
        assert report["counts"]["added"] > 3 and report["counts"]["quarantined"] == 1
        [rule] = report["findings"]
        assert rule["count"] == 1 and rule["examples"][0]["focus"] == member.broken
        assert rule["documentation"] == HUB + "def#regel-LearningCommunity-name"
        assert report["earlier"] == []
    finally:
        node.close()
        hook.stop()


def test_a_message_that_keeps_failing_is_dropped_after_its_last_attempt(tmp_path, clock):
    outbox = Outbox(tmp_path)
    outbox.put(Message("mail", "beheer@proef.test", "tekst", "onderwerp"))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        [message] = outbox.claim_due()
        assert outbox.claim_due() == [], "claimed: no second sender gets it"
        assert outbox.failed(message, "ConnectionRefusedError") == (attempt < MAX_ATTEMPTS)
        assert outbox.claim_due() == [], "not due again before its backoff"
        clock.move(seconds=retry_after_s(attempt) + 1)
    assert outbox.waiting() == []
    assert (retry_after_s(1), retry_after_s(2), retry_after_s(30)) == (60, 120, 6 * 3600)


def test_a_name_with_a_line_break_still_makes_a_mail(tmp_path):
    """Found by an independent tester: a node named "Evil\\r\\nBcc: ..." made every mail to it fail, then vanish."""
    from registry.config import DEFAULTS
    from registry.mail.courier import Courier
    from registry.mail.outbox import Message, Outbox
    from harvesters.members import normalised

    settings = {**DEFAULTS, "mail_from": "hub@test.nl", "smtp_host": "127.0.0.1", "smtp_tls": "none"}
    email = Courier(settings, Outbox(tmp_path))._email(
        Message("mail", "node@test.nl", "tekst", "[Hub] Oogst van Evil\r\nBcc: victim@x.nl: opgeslagen"))
    assert email["Subject"] == "[Hub] Oogst van Evil Bcc: victim@x.nl: opgeslagen" and email["Bcc"] is None
    assert normalised({"url": "http://n.test", "naam": "Evil\r\nBcc: x@y.nl", "gebied": []})["naam"] == \
        "Evil Bcc: x@y.nl"
