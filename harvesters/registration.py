"""Check a candidate node before the hub lists it: a harvest that stores nothing.

The check runs the harvest's own stages (`discover`, `fetch_dump`, `parse_dump`,
`scope`, `check`) over a session that goes nowhere but the URL given
(`harvesters.ssrf`), under the harvester's limits, and says what it found. Blocking
problems (unreachable, no parseable dump, SHACL violations, records outside the node's
base URL, a dump over the size limit) refuse the node at once; warnings (no DCAT
description, no change feed, no records yet) are shown but do not stop it.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from harvesters.check import check
from harvesters.fetch import DCAT, Limits, discover, fetch_dump, get, open_session
from harvesters.parse import parse_dump
from harvesters.records import split
from harvesters.scope import scope
from harvesters.ssrf import guarded_session
from harvesters.texts import LANGUAGES, Text
from registry.errors import N_, BamboeError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCAT_TYPES = {DCAT + "Catalog", DCAT + "Dataset"}
EXAMPLES = 5
"""Resources outside the base URL named in a report, at most."""


@dataclass
class Rule:
    """One broken rule (SHACL shape) and how many records break it."""

    shape: str
    count: int
    message_nl: str
    message_en: str


@dataclass
class Report:
    """What the check of one candidate found; `problems` refuse it, `warnings` do not."""

    url: str
    checked: str = ""
    reachable: bool = False
    dcat: bool = False
    dump: str | None = None
    feed: bool = False
    bytes: int | None = None
    triples: int | None = None
    records: int | None = None
    outside: int = 0
    outside_examples: list[str] = field(default_factory=list)
    violations: int = 0
    rules: list[Rule] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # {"nl": ..., "en": ...}
    warnings: list[dict] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.problems)

    def problem(self, text: Text) -> None:
        self.problems.append(_said(text))

    def warn(self, text: Text) -> None:
        self.warnings.append(_said(text))

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls(**{**data, "rules": [Rule(**rule) for rule in data.get("rules", [])]})


def _said(text: Text) -> dict:
    return {lang: text.in_language(lang) for lang in LANGUAGES}


def check_candidate(url: str, limits: Limits, allow_private: bool = False) -> Report:
    """Check the node at `url` as a harvest would, storing nothing; never raises for the node's fault."""
    report = Report(url, checked=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    try:
        _check(report, url, limits, allow_private)
    except BamboeError as error:
        report.problem(Text.of(error))
    return report


def _check(report: Report, url: str, limits: Limits, allow_private: bool) -> None:
    with guarded_session(open_session(limits), url, allow_private) as session:
        endpoints = discover(session, url, limits)
        report.reachable, report.dump, report.feed = True, endpoints.dump, bool(endpoints.feed or endpoints.stream)
        report.dcat = _has_dcat(session, url, limits)
        fetched = fetch_dump(session, endpoints.dump, limits)
    report.bytes = len(fetched.body or b"")
    triples = parse_dump(fetched, limits)
    report.triples = len(triples)
    scoped = scope(triples, url)
    records, orphans = split(scoped.kept)
    report.records = len(records)
    report.outside = scoped.dropped_count + orphans
    report.outside_examples = sorted(scoped.dropped)[:EXAMPLES]
    _validate(report, records)
    _judge(report)


def _has_dcat(session, url: str, limits: Limits) -> bool:
    """Does the root description type a dcat:Catalog or dcat:Dataset (as every Bamboe node's does)?"""
    described = get(session, url, limits, {"Accept": "text/turtle"})
    try:
        triples = ox.parse(described.body or b"", format=ox.RdfFormat.TURTLE, base_iri=url)
        return any(t.predicate.value == RDF_TYPE and t.object.value in DCAT_TYPES for t in triples)
    except SyntaxError:
        return False


def _validate(report: Report, records: dict) -> None:
    findings = check(records, frozenset(records)).findings
    report.violations = len(findings)
    by_rule = Counter(finding.shape for finding in findings)
    first = {finding.shape: finding for finding in reversed(findings)}
    report.rules = [Rule(shape, count, first[shape].message_nl, first[shape].message_en)
                    for shape, count in by_rule.most_common()]


def _judge(report: Report) -> None:
    if report.violations:
        report.problem(Text(N_("%(count)s overtreding(en) van de regels van het register (SHACL), in %(rules)s "
                               "regel(s); verbeter ze op de node en meld hem opnieuw aan."),
                            {"count": report.violations, "rules": len(report.rules)}))
    if report.outside:
        report.problem(Text(N_("%(count)s triple(s) gaan over resources buiten de basis-URL %(url)s (bijvoorbeeld "
                               "%(example)s); een node spreekt alleen over zijn eigen resources."),
                            {"count": report.outside, "url": report.url,
                             "example": report.outside_examples[0] if report.outside_examples else "-"}))
    if not report.dcat:
        report.warn(Text(N_("De beschrijving op %(url)s noemt geen dcat:Catalog of dcat:Dataset; data-portalen "
                            "vinden de node dan niet."), {"url": report.url}))
    if not report.feed:
        report.warn(Text(N_("De node biedt geen wijzigingsfeed of event stream; de hub haalt dan elke ronde de "
                            "hele dump op."), {}))
    if not report.records:
        report.warn(Text(N_("De dump bevat nog geen records; de node verschijnt pas in de overzichten als hij "
                            "lerende praktijken publiceert."), {}))
