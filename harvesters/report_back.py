"""Report back: after a harvest that stored, held or failed, one message to the node's contact.

Hooked into `Hub.after_each_harvest`. A harvest that changed nothing ("unchanged")
sends nothing. A node gets at most one message per Dutch calendar day
(Europe/Amsterdam, by `registry.clock`):

- the first reported harvest of a day is queued at once;
- a later one that day is kept in the outbox file (`report_days.pending`), not lost:
  the next day's message covers it. That message goes with the node's first reported
  harvest of a later day, or, if it has none, on its own as soon as the day has
  turned (the courier calls `flush_due` every round). It leads with the newest kept
  harvest and lists the others as "earlier harvests since the last message".

The report itself (`compose`) holds the outcome, the counts, the reason of a hold or
failure, the findings grouped by rule (count, a few examples, the rule's
documentation) and the member's public page on the hub (`/oogst/<id>`). It is mailed
(plain Dutch text) to the node's contact address in the instances file, and POSTed
as JSON to `report_webhook` when that is set.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable

from babel.dates import format_datetime

from harvesters.instances import Instance
from harvesters.log import HarvestRun, member_iri
from registry import clock
from registry.errors import NotFound
from registry.history.moments import AMSTERDAM, day_of
from registry.mail import Courier, Message, Outbox, addresses, mail_configured
from registry.vocab_docs import rule_anchor

log = logging.getLogger(__name__)
REPORTED = ("stored", "held", "failed")
EXAMPLES = 3
"""Examples shown per rule; the member page lists them all."""
MAX_PENDING = 20
SCHEMA = "CREATE TABLE IF NOT EXISTS report_days (node TEXT PRIMARY KEY, day TEXT NOT NULL, pending TEXT NOT NULL)"
OUTCOMES_NL = {
    "stored": "opgeslagen: de hub heeft de nieuwe gegevens overgenomen.",
    "held": "aangehouden: de hub houdt de vorige kopie vast tot een beheerder van de hub de verwijderingen bevestigt.",
    "failed": "mislukt: de hub kon de gegevens niet oogsten; de vorige kopie blijft staan.",
}
SHORT_NL = {"stored": "opgeslagen", "held": "aangehouden", "failed": "mislukt"}


class ReportBack:
    """The hub's after-harvest reporter; `member(node_id)` finds an instance (raising NotFound when gone)."""

    def __init__(self, settings: dict, outbox: Outbox, member: Callable[[str], Instance],
                 wake: Callable[[], None] = lambda: None):
        self.settings = settings
        self.outbox = outbox
        self.member = member
        self.wake = wake
        with outbox.transaction() as db:
            db.execute(SCHEMA)

    def __call__(self, instance: Instance, run: HarvestRun) -> None:
        """Queue this harvest's report now, or keep it for the next day's message."""
        if run.outcome not in REPORTED or not (mail_configured(self.settings) or self.settings["report_webhook"]):
            return
        report = compose(self.settings, instance, run)
        today = _today()
        with self.outbox.transaction() as db:
            row = db.execute("SELECT day, pending FROM report_days WHERE node = ?", (instance.id,)).fetchone()
            kept = json.loads(row["pending"]) if row else []
            if row and row["day"] == today:
                db.execute("UPDATE report_days SET pending = ? WHERE node = ?",
                           (json.dumps((kept + [report])[-MAX_PENDING:]), instance.id))
                log.info("report on %s kept for tomorrow: one message a day", instance.id)
                return
            self._queue(db, instance, report, kept)
            db.execute("INSERT OR REPLACE INTO report_days VALUES (?, ?, '[]')", (instance.id, today))
        self.wake()

    def flush_due(self) -> None:
        """Send the reports kept on an earlier day that no harvest has sent along since."""
        today = _today()
        queued = False
        with self.outbox.transaction() as db:
            for row in db.execute("SELECT node, pending FROM report_days WHERE day < ? AND pending != '[]'",
                                  (today,)).fetchall():
                kept = json.loads(row["pending"])
                try:
                    instance = self.member(row["node"])
                except NotFound:  # not a member this process knows (yet): keep them for the one that does
                    continue
                self._queue(db, instance, kept[-1], kept[:-1])
                db.execute("UPDATE report_days SET day = ?, pending = '[]' WHERE node = ?", (today, row["node"]))
                queued = True
        if queued:
            self.wake()

    def _queue(self, db, instance: Instance, report: dict, earlier: list[dict]) -> None:
        report = {**report, "earlier": [summary(r) for r in earlier]}
        recipient = addresses(instance.contact)
        if recipient and mail_configured(self.settings):
            subject, body = mail_text(report)
            self.outbox.put(Message("mail", recipient, body, subject), db)
        elif not recipient:
            log.info("no contact address for %s: its harvest report is not mailed", instance.id)
        if self.settings["report_webhook"]:
            self.outbox.put(Message("webhook", self.settings["report_webhook"],
                                    json.dumps(report, ensure_ascii=False)), db)


def compose(settings: dict, instance: Instance, run: HarvestRun) -> dict:
    """The report on one harvest, as the webhook gets it and the mail says it."""
    base = settings["base_url"]
    return {
        "type": "oogstrapport",
        "hub": base, "hub_name": settings["name"],
        "node": instance.id, "node_name": instance.name,
        "member_page": member_iri(base, instance.id),
        "run": run.iri(base),
        "outcome": run.outcome,
        "started": _iso(run.started), "ended": _iso(run.ended),
        "counts": {"added": run.added, "updated": run.updated, "removed": run.removed,
                   "quarantined": run.quarantined, "out_of_scope": run.out_of_scope, "triples": run.triples},
        "error": run.error,
        "findings": findings_by_rule(base, run),
    }


def findings_by_rule(base: str, run: HarvestRun) -> list[dict]:
    """The run's findings per rule (shape), rules in name order as the member page shows them."""
    grouped = defaultdict(list)
    for finding in run.findings:
        grouped[finding.shape].append(finding)
    return [{"rule": shape, "documentation": f"{base}def#{rule_anchor(shape)}", "message": found[0].message_nl,
             "severity": found[0].severity, "count": len(found),
             "examples": [{"focus": f.focus, "path": f.path, "value": f.value} for f in found[:EXAMPLES]]}
            for shape, found in sorted(grouped.items())]


def summary(report: dict) -> dict:
    """An earlier harvest as a later message lists it."""
    return {key: report[key] for key in ("run", "outcome", "started", "counts", "error")}


def mail_text(report: dict) -> tuple[str, str]:
    """Subject and plain Dutch text of a report."""
    subject = f"[{report['hub_name']}] Oogst van {report['node_name']}: {SHORT_NL[report['outcome']]}"
    lines = [f"Beste beheerder van {report['node_name']},", "",
             f"De hub {report['hub_name']} heeft je node geoogst op {_when(report['started'])}.", "",
             f"Uitkomst: {OUTCOMES_NL[report['outcome']]}"]
    if report["error"]:
        lines.append(f"Reden: {report['error']}")
    lines += [_counts(report["counts"]), ""]
    if report["outcome"] != "failed":  # a failed harvest checked nothing
        lines += _findings(report["findings"])
    if report["earlier"]:
        lines += ["Eerdere oogsten sinds het vorige bericht:"]
        lines += [f"- {_when(r['started'])}: {SHORT_NL[r['outcome']]} ({_short_counts(r['counts'])})"
                  + (f"; reden: {r['error']}" if r["error"] else "") for r in report["earlier"]]
        lines.append("")
    lines += [f"Alles over je node op de hub, met het volledige validatierapport: {report['member_page']}",
              f"Deze oogst: {report['run']}", "",
              "Dit bericht gaat naar het contactadres van je node in de federatie, hooguit één keer per dag; "
              "oogsten zonder wijzigingen krijgen geen bericht.", "", "-- ", report["hub_name"], report["hub"]]
    return subject, "\n".join(lines) + "\n"


def _findings(rules: list[dict]) -> list[str]:
    if not rules:
        return ["Geen bevindingen: alle gegevens voldoen aan de regels.", ""]
    total = sum(rule["count"] for rule in rules)
    lines = [f"Bevindingen per regel ({total} in totaal):", ""]
    for rule in rules:
        kind = "fout" if rule["severity"] == "Violation" else "waarschuwing"
        lines += [f"* {rule['message']} ({kind}, {rule['count']}x)", f"  Uitleg bij de regel: {rule['documentation']}"]
        for example in rule["examples"]:
            where = " ".join(part for part in (example["focus"], example["path"]) if part)
            lines.append(f"  - {where}" + (f" (waarde: {example['value']})" if example["value"] else ""))
        if rule["count"] > len(rule["examples"]):
            lines.append(f"  - en nog {rule['count'] - len(rule['examples'])}")
        lines.append("")
    return lines


def _counts(counts: dict) -> str:
    return (f"Wijzigingen: {counts['added']} nieuw, {counts['updated']} gewijzigd, {counts['removed']} verwijderd; "
            f"{counts['quarantined']} in quarantaine (niet overgenomen), {counts['out_of_scope']} buiten bereik.")


def _short_counts(counts: dict) -> str:
    return (f"{counts['added']} nieuw, {counts['updated']} gewijzigd, {counts['removed']} verwijderd, "
            f"{counts['quarantined']} in quarantaine")


def _when(iso: str | None) -> str:
    if not iso:
        return "onbekend"
    return format_datetime(dt.datetime.fromisoformat(iso), "d MMMM y 'om' HH:mm", tzinfo=AMSTERDAM, locale="nl")


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _today() -> str:
    return day_of(clock.now()).isoformat()


def attach(hub, data_dir) -> Courier:
    """Give a hub its outbox, courier and reporter; the courier runs when mail or a webhook is set."""
    outbox = Outbox(data_dir)
    courier = Courier(hub.settings, outbox)
    reporter = ReportBack(hub.settings, outbox, hub.member, courier.wake)
    courier.before_round.append(reporter.flush_due)
    hub.after_each_harvest.append(reporter)
    if courier.configured:
        courier.start()
    return courier
