"""Validate stage: the core shapes over the records that changed, all in one pass.

Only new and changed records are validated (with the records they point to as
context, e.g. a report's meeting or a community's own concepts), in one data graph;
each violation is mapped back to the record it belongs to, so an unchanged record is
never re-checked and quarantine stays per record.
A record with a violation is quarantined; valid records of the same node still go
in. Reflection signals (warnings) are not computed here: the hub derives them from
the stored data like any node does.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from harvesters.records import Record
from registry.validation import Finding, rule_of, validate

PASSES = 3
"""Quarantining a record can break a record that points to it; re-check those, this often."""


@dataclass(frozen=True)
class Checked:
    quarantined: dict[str, list[Finding]]  # record IRI -> its violations

    @property
    def findings(self) -> list[Finding]:
        return [finding for found in self.quarantined.values() for finding in found]


def check(records: dict[str, Record], changed: frozenset[str], validator: Callable = validate) -> Checked:
    """Validate the changed records; return those to quarantine with their violations.

    `validator` is `registry.validation.validate` (the shapes compiled to SPARQL);
    the tests pass pySHACL's to show both quarantine the same records.
    """
    quarantined: dict[str, list[Finding]] = {}
    to_check = set(changed)
    for _ in range(PASSES):
        if not to_check:
            break
        found = _violations(records, to_check, quarantined, validator)
        if not found:
            break
        quarantined.update(found)
        to_check = {iri for iri in changed - quarantined.keys()
                    if _points_to(records[iri], found.keys())}
    return Checked(quarantined)


def _violations(records: dict[str, Record], to_check: set[str], excluded, validator) -> dict[str, list[Finding]]:
    context = {iri for name in to_check for iri in _references(records[name])
               if iri in records and iri not in excluded}
    graph = [triple for iri in to_check | context for triple in records[iri].triples]
    owners = {t.subject.value: iri for iri in to_check for t in records[iri].triples
              if isinstance(t.subject, ox.BlankNode)}
    found: dict[str, list[Finding]] = {}
    for finding in validator(graph, core_only=True).violations:
        owner = finding.focus if finding.focus in to_check else owners.get(finding.focus)
        if owner is not None:
            found.setdefault(owner, []).append(dataclasses.replace(finding, focus=owner, shape=rule_of(finding.shape)))
    return found


def _references(record: Record) -> set[str]:
    return {t.object.value for t in record.triples if isinstance(t.object, ox.NamedNode)}


def _points_to(record: Record, iris) -> bool:
    return bool(_references(record) & set(iris))

