"""The shapes compiled to SPARQL (`registry.validation.compiled`) against pySHACL, the reference.

Both engines run on the example data, on generated federations and on a file that
breaks every core constraint (`tests/data/violations.ttl`); they must report the same
violations and warnings: the same focus node, property, rule and number of values.
Values are compared by count only, since rdflib rewrites ill-typed literals
("misschien"^^xsd:boolean becomes "false") while the compiled checks report them as written.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import vocab
from harvesters.check import check
from harvesters.records import split
from registry.generate import generate_triples
from registry.validation import compiled, rule_of, validate, validate_with_pyshacl

BASE = "https://node.example/"
DATA = Path(__file__).parent / "data"
SPEC_NOT_PYSHACL = {
    ("Violation", BASE + "praktijken/bad-dates", "http://schema.org/startDate", vocab.SHAPES + "LearningCommunity-dateOrder"),
}
"""Where the compiled checks follow the SHACL spec and pySHACL 0.40 does not: sh:lessThanOrEquals
with an ill-typed value ("2026-13-45"^^xsd:date) "cannot be compared", which the spec makes a result;
rdflib's comparison returns NotImplemented there, which pySHACL takes for "less or equal"."""


def turtle(text: str) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=BASE)]


def found(report, spec_only=frozenset()) -> Counter:
    return Counter((f.severity, f.focus, f.path, rule_of(f.shape)) for f in report.findings
                   if (f.severity, f.focus, f.path, rule_of(f.shape)) not in spec_only)


DATASETS = {
    **{path.stem: lambda path=path: turtle(vocab.example_text(path)) for path in vocab.example_files()},
    "generated": lambda: generate_triples(BASE, 40, seed=13),
    "violations": lambda: turtle((DATA / "violations.ttl").read_text(encoding="utf-8")),
}


@pytest.mark.parametrize("core_only", [True, False], ids=["core", "core+recommended"])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_compiled_checks_report_what_pyshacl_reports(name, core_only):
    triples = DATASETS[name]()
    reference = validate_with_pyshacl(triples, core_only=core_only)
    ours = validate(triples, core_only=core_only)
    assert found(ours, SPEC_NOT_PYSHACL) == found(reference)
    assert len(found(ours)) >= len(found(reference))
    if name == "violations":  # every core rule is broken somewhere in this file
        broken = {rule_of(f.shape) for f in ours.violations}
        rules = {check.shape for check in compiled.checks(True)}
        assert rules <= broken, f"not exercised: {sorted(rules - broken)}"


def test_findings_carry_the_shapes_messages_in_both_languages():
    report = validate(turtle((DATA / "violations.ttl").read_text(encoding="utf-8")), core_only=True)
    no_name = [f for f in report.violations if f.focus == BASE + "praktijken/no-name"
               and f.path == "http://schema.org/name"]
    assert [f.message_nl for f in no_name] == ["Een lerende praktijk heeft precies één naam (schema:name) als tekst."]
    assert no_name[0].message_en.startswith("A learning community has exactly one name")


def test_the_harvest_quarantines_the_same_records_with_either_engine():
    triples = generate_triples(BASE, 30, seed=5) + turtle((DATA / "violations.ttl").read_text(encoding="utf-8"))
    records, _ = split(triples)
    changed = frozenset(records)
    ours, reference = check(records, changed), check(records, changed, validator=validate_with_pyshacl)
    assert set(ours.quarantined) == set(reference.quarantined)
    assert BASE + "praktijken/two-names" in ours.quarantined
    assert sum(iri.startswith(BASE + "praktijken/gen-") for iri in ours.quarantined) == 0


def test_a_shape_using_unsupported_shacl_is_refused_not_skipped():
    shapes = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .""", format="turtle")
    with pytest.raises(compiled.UnsupportedShape, match="closed"):
        compiled.compile_shapes(shapes)
