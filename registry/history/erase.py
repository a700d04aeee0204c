"""Privacy erase: rewrite every literal that holds erased text, in the data and in every version.

One *rule* says what a literal's value becomes (None: it stays). A node erases text
(`by_text`: every whole-word, case-insensitive occurrence becomes `MARK`); a hub
applies a node's notice (`by_hashes`: the values the notice names by salted SHA-256
become what the node made of them). The same rule then runs over

- the records of a graph (`rewrite_records`: a node's data, a hub's copy), each
  changed record dropped and written again, blank nodes and all;
- other literals (`rewrite_literals`: a node's audit trail, what a member's findings
  quote in a hub's harvest log);
- the version log (`rewrite_log`): each version's content is parsed, rewritten and
  given the digest `harvesters.records.split` gives the rewritten record, so the next
  catch-up or harvest finds the data and its newest version equal: no new version.

A literal is never removed, only rewritten ("Jan Jansen" becomes "[verwijderd]"): a
required name stays filled, so every record keeps passing the shapes, and node and
hub end with the same record. Each function returns update text and what it found;
the caller runs all of them (and `mark_erased`) in one update, whole or not at all.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from harvesters.records import split
from registry.ldes import XSD
from registry.queries import insert_data, named
from registry.rdf import digest
from registry.store import Store

MARK = "[verwijderd]"
"""What erased text becomes."""
Rule = Callable[[str], "str | None"]
"""A literal's lexical value -> its new value, or None when it stays as it is."""
RuleFor = Callable[[str], "Rule | None"]
"""A record's IRI -> the rule for its literals, or None when the record is left alone."""


@dataclass
class Rewritten:
    """What a rewrite changed: old value -> new value, the records it touched, versions and literals."""

    values: dict[str, str] = field(default_factory=dict)
    resources: set[str] = field(default_factory=set)
    versions: int = 0
    literals: int = 0

    def add(self, other: "Rewritten") -> "Rewritten":
        self.values.update(other.values)
        self.resources |= other.resources
        self.versions += other.versions
        self.literals += other.literals
        return self

    def __bool__(self) -> bool:
        return bool(self.values or self.literals)


def by_text(text: str) -> Rule:
    """Every occurrence of `text` as whole words, in any case and with any spacing between its words."""
    words = text.split()
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)

    def rule(value: str) -> str | None:
        new = pattern.sub(MARK, value)
        return new if new != value else None
    return rule


def needle(text: str) -> str:
    """A piece of `text` every match contains (its longest word, lower case), for the store to search first."""
    return max(text.split(), key=len).lower()


def value_hash(salt: str, value: str) -> str:
    """The SHA-256 a notice names a value by: of the notice's salt followed by the value (UTF-8)."""
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()


def by_hashes(salt: str, replacements: Mapping[str, str]) -> Rule:
    """The values whose `value_hash` a notice lists become the value listed with it."""
    return lambda value: replacements.get(value_hash(salt, value))


def in_turn(rules: Iterable[Rule]) -> Rule:
    """Several rules one after the other (notices applied in the order the node made them)."""
    rules = list(rules)

    def rule(value: str) -> str | None:
        changed = None
        for each in rules:
            new = each(changed if changed is not None else value)
            changed = new if new is not None else changed
        return changed
    return rule


def within(rule: Rule, resource: str | None = None) -> RuleFor:
    """`rule` for every record, or for `resource` and the records below it (a community's meetings...)."""
    if not resource:
        return lambda iri: rule
    return lambda iri: rule if iri == resource or iri.startswith(resource + "/") else None


def rewrite_triples(triples: Iterable[ox.Triple], rule: Rule) -> tuple[list[ox.Triple], dict[str, str]]:
    """The triples with every literal object the rule changes rewritten (language and datatype kept)."""
    triples = list(triples)
    values = {t.object.value: new for t in triples if isinstance(t.object, ox.Literal)
              and (new := rule(t.object.value)) is not None}
    if not values:
        return triples, values
    out = []
    for triple in triples:
        term = triple.object
        if isinstance(term, ox.Literal) and term.value in values:
            new = values[term.value]
            term = ox.Literal(new, language=term.language) if term.language else ox.Literal(new, datatype=term.datatype)
        out.append(ox.Triple(triple.subject, triple.predicate, term))
    return list(dict.fromkeys(out)), values  # two values that became one are one triple, as in the store


def rewrite_records(store: Store, graph: str, rule_for: RuleFor) -> tuple[str, Rewritten]:
    """The update rewriting the records of `graph` that hold a value their rule changes."""
    records, _ = split(store.graph_triples(graph))
    found, changed = Rewritten(), {}
    for iri, record in sorted(records.items()):
        rule = rule_for(iri)
        if rule is None:
            continue
        triples, values = rewrite_triples(record.triples, rule)
        if values:
            changed[iri] = triples
            found.values.update(values)
            found.resources.add(iri)
            found.literals += sum(1 for t in record.triples if isinstance(t.object, ox.Literal)
                                  and t.object.value in values)
    if not changed:
        return "", found
    drop = named("ldes/drop_records")
    update = drop.bind_values(drop.bind(graph=ox.NamedNode(graph)), "resource", map(ox.NamedNode, changed))
    return update + " ;\n" + insert_data(graph, [t for triples in changed.values() for t in triples]), found


def rewrite_literals(store: Store, rule: Rule, select: str, update: str) -> tuple[str, Rewritten]:
    """The update rewriting the literals `select` finds (rows of ?value and its ?uses) that the rule changes.

    `update` is a template whose `#PAIRS` VALUES rows (?old ?new) it fills: the audit
    trail's literals on a node (`history/erase_literals`), the values a member's
    findings quote in a hub's harvest log (`history/erase_findings`).
    """
    pairs, found = [], Rewritten()
    for row in store.select(select):
        old = row["value"]
        new = rule(old.value)
        if new is not None:
            pairs.append((old, ox.Literal(new, language=old.language) if old.language
                          else ox.Literal(new, datatype=old.datatype)))
            found.values[old.value] = new
            found.literals += int(row["uses"].value)
    return (_rows(update, "PAIRS", pairs) if pairs else ""), found


def in_graph(graph: str, search: str = "") -> tuple[str, str]:
    """`rewrite_literals`' queries for every literal of `graph` (those containing `search`, lower case)."""
    return (named("history/erase_literals").bind(graph=ox.NamedNode(graph), needle=ox.Literal(search)),
            named("history/erase_literals_update").bind(graph=ox.NamedNode(graph)))


def rewrite_log(store: Store, rule_for: RuleFor, search: str = "") -> tuple[str, Rewritten]:
    """The update rewriting every version whose content holds a value its resource's rule changes.

    Each version gets its new content and the digest `harvesters.records.split` gives
    the rewritten record, so a later catch-up (node) or harvest (hub) that compares
    the data with its newest version finds them equal. `search` narrows the versions
    read to those whose N-Triples contain it (lower case).
    """
    rows = store.select(named("history/erase_versions").bind(needle=ox.Literal(_as_in_ntriples(search))))
    return rewrite_versions(rows, rule_for)


def rewrite_member_log(store: Store, rule_for: RuleFor, copy: str, resources: Iterable[str]) -> tuple[str, Rewritten]:
    """`rewrite_log` on a hub: the versions of `resources` it took from one member's `copy`."""
    query = named("history/erase_versions_of")
    text = query.bind_values(query.bind(graph=ox.Literal(copy)), "resource", map(ox.Literal, sorted(resources)))
    return rewrite_versions(store.select(text), rule_for)


def rewrite_versions(rows: list, rule_for: RuleFor) -> tuple[str, Rewritten]:
    """The update giving the versions read (rows of ?version, ?resource, ?content) their rewritten content."""
    found, rows_out = Rewritten(), []
    for row in rows:
        resource = row["resource"].value
        rule = rule_for(resource)
        if rule is None or not row["content"].value:
            continue
        triples = [quad.triple for quad in ox.parse(row["content"].value.encode(), format=ox.RdfFormat.N_TRIPLES)]
        rewritten, values = rewrite_triples(triples, rule)
        if not values:
            continue
        content = ox.serialize(rewritten, format=ox.RdfFormat.N_TRIPLES).decode()
        rows_out.append((row["version"], ox.Literal(content), ox.Literal(digest(rewritten, ox.NamedNode(resource)))))
        found.values.update(values)
        found.resources.add(resource)
        found.versions += 1
        found.literals += sum(1 for t in triples if isinstance(t.object, ox.Literal) and t.object.value in values)
    if not rows_out:
        return "", found
    return _rows(named("history/erase_versions_update").text, "ROWS", rows_out), found


def mark_erased(when: str) -> str:
    """The update saying the log was rewritten at `when`: every as-of state made before is stale."""
    return named("history/erase_mark").bind(time=ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime")))


def remove_stale_copies(folder: Path, generation: str) -> int:
    """Remove the dump, query and history snapshots of every store generation but `generation`; return how many.

    For a process that is not the one serving the node (the command line, a harvest):
    the serving process keeps its own current file, which, made after the erase, is
    clean, and makes anew what it misses (as-of and history files are named by the
    log's state, which the erase changed, so every one of them goes).
    """
    removed = 0
    for path in Path(folder).glob("*"):
        if path.name.startswith(("snapshot-", "dump-", "geschiedenis-")) and generation not in path.name:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def compact_store(location: Path) -> int:
    """Rewrite a stopped store's files from what it holds now; return the quads it holds.

    Oxigraph keeps every string it ever stored in its files (and RocksDB keeps deleted
    entries until it compacts), so an erased value stays readable on disk after the
    erase. A fresh store loaded with the current quads, every graph included, never saw it.
    """
    location = Path(location)
    fresh, old, copy = (location.with_name(location.name + suffix) for suffix in (".compact", ".old", ".nq"))
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    source = ox.Store(str(location))
    try:
        source.dump(str(copy), format=ox.RdfFormat.N_QUADS)
        count = len(source)
    finally:
        del source
    target = ox.Store(str(fresh))
    target.bulk_load(path=str(copy), format=ox.RdfFormat.N_QUADS)
    target.flush()
    del target
    copy.unlink()
    location.rename(old)
    fresh.rename(location)
    shutil.rmtree(old)
    return count


def _as_in_ntriples(text: str) -> str:
    """`text` as it appears inside an N-Triples literal (quotes, backslashes and line breaks escaped)."""
    return str(ox.Literal(text))[1:-1] if text else ""


def _rows(text: str, marker: str, rows: list[tuple]) -> str:
    """Fill the `#marker` line of a template's VALUES block with rows of terms (their N-Triples form)."""
    return text.replace(f"#{marker}\n", "".join("(" + " ".join(map(str, row)) + ")\n" for row in rows))
