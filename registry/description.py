"""A small read-only index over a handful of triples, for templates to walk."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

import vocab

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def expand(curie: str) -> str:
    """`schema:name` -> full IRI, using the shared prefixes."""
    prefix, _, local = curie.partition(":")
    return vocab.PREFIXES[prefix] + local if prefix in vocab.PREFIXES and not local.startswith("//") else curie


def named_node(curie: str) -> ox.NamedNode:
    """`dct:title` -> its NamedNode, by the shared prefixes; an unknown prefix is a KeyError, never a made-up IRI."""
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(vocab.PREFIXES[prefix] + local)


class Description:
    """Triples indexed by subject and predicate; predicates may be given as CURIEs."""

    def __init__(self, triples: list[ox.Triple]):
        self.triples = triples
        self._index: dict = defaultdict(lambda: defaultdict(list))
        for triple in triples:
            self._index[_key(triple.subject)][triple.predicate.value].append(triple.object)

    def __bool__(self) -> bool:
        return bool(self.triples)

    def objects(self, subject, predicate: str) -> list:
        return self._index.get(_key(subject), {}).get(expand(predicate), [])

    def value(self, subject, predicate: str, lang: str | None = None):
        """One object: a literal in the wanted language if there is one, else the first."""
        found = self.objects(subject, predicate)
        if lang:
            for term in found:
                if isinstance(term, ox.Literal) and term.language == lang:
                    return term
        return found[0] if found else None

    def text(self, subject, predicate: str, lang: str | None = None) -> str:
        term = self.value(subject, predicate, lang)
        return "" if term is None else term.value

    def subjects_with(self, predicate: str, obj) -> list:
        predicate, target = expand(predicate), _key(obj)
        return [t.subject for t in self.triples if t.predicate.value == predicate and _key(t.object) == target]

    def types(self, subject) -> set[str]:
        return {term.value for term in self.objects(subject, "rdf:type") if isinstance(term, ox.NamedNode)}

    def predicates(self, subject) -> dict[str, list]:
        return dict(self._index.get(_key(subject), {}))


def _key(term) -> str:
    if isinstance(term, str):
        return term
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value
