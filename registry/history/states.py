"""The data as of a moment, made from the version log and kept for the next request.

`History.state(moment)` is the one place an as-of dataset is made: the version of each
resource valid at that moment (recorded by then, and not yet superseded: its `#until`
is later or absent), in the graph the live store keeps it in (a hub's member graph
`{hub}graph/{id}`, a node's data graph). Views with `?op=`, `/sparql?asOf=` and
`bamboe export --as-of` all read it. States are kept per moment (least recently
used first out) until the log grows or a privacy erase rewrites it.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from registry.history.moments import Moment
from registry.ldes import XSD, versions
from registry.queries import named
from registry.store import EmbeddedStore, Store


BLANK_SUBJECT = re.compile(r"(?m)^_:")
BLANK_OBJECT = re.compile(r'(?m) _:([^\s"<>]+) \.$')
"""A blank node in N-Triples, one triple a line: the subject at a line's start, or the object just before
the final ` .` (a label holds no quote or angle bracket, so a literal or IRI that ends a line never matches)."""


@dataclass(frozen=True)
class Token:
    """How far the log is: any change here may change a state."""

    count: int
    erased: str | None
    first: str | None  # time of the oldest version: when history begins


def token(store: Store) -> Token:
    row = versions.head(store)
    erased = store.select(named("history/erased").text)
    count = int(row["count"].value) if row.get("count") is not None else 0
    return Token(count, erased[0]["erased"].value if erased else None,
                 row["first"].value if row.get("first") is not None else None)


def state_texts(store: Store, moment: Moment, default_graph: str) -> dict[str, bytes]:
    """The data as of `moment` as one N-Triples document per graph, from one read of the versions valid then.

    Each version's blank node labels get its number in front, so versions never merge
    (as `rename_blank_nodes` would, without a Python object per triple): the text goes
    to Oxigraph's parser whole, once per graph.
    """
    per_graph: dict[str, list[str]] = {}
    for row in store.select(named("history/state").bind(
            moment=ox.Literal(moment.text, datatype=ox.NamedNode(XSD + "dateTime")))):
        content = row["content"].value
        if not content:
            continue  # a version saying the resource is gone
        if "_:" in content:
            tag = row["number"].value
            content = BLANK_OBJECT.sub(rf" _:v{tag}_\1 .", BLANK_SUBJECT.sub(f"_:v{tag}_", content))
        graph = row["derived"].value if row.get("derived") is not None else default_graph
        per_graph.setdefault(graph, []).append(content if content.endswith("\n") else content + "\n")
    return {graph: "".join(texts).encode() for graph, texts in sorted(per_graph.items())}


def state_quads(store: Store, moment: Moment, default_graph: str) -> list[ox.Quad]:
    """Every quad of the data as of `moment` (for tests and small states: a Python object per quad)."""
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for graph, text in state_texts(store, moment, default_graph).items()
            for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]


def loaded(texts: dict[str, bytes]) -> EmbeddedStore:
    """A scratch store (in memory) holding each graph's N-Triples, bulk loaded."""
    scratch = EmbeddedStore()
    for graph, text in texts.items():
        scratch.bulk_load(text, ox.RdfFormat.N_TRIPLES, graph)
    return scratch


def state_as_of(store: Store, moment: Moment, default_graph: str) -> EmbeddedStore:
    """A scratch store (in memory) holding the data as of `moment`."""
    return loaded(state_texts(store, moment, default_graph))


class State:
    """The data as of one moment: N-Triples per graph, and a store of them made when first asked for.

    A hub's as-of views read the texts per member graph (`views.index.federation_of`)
    and never need the store; `/sparql?asOf` and the export do.
    """

    def __init__(self, texts: dict[str, bytes]):
        self.texts = texts
        self._store: EmbeddedStore | None = None
        self._lock = threading.Lock()

    def store(self) -> EmbeddedStore:
        with self._lock:
            if self._store is None:
                self._store = loaded(self.texts)
            return self._store


class History:
    """As-of states of one store, cached per moment; `derive` adds what a caller builds on a state."""

    def __init__(self, store: Store, default_graph: str, keep: int = 4):
        self.store, self.default_graph, self.keep = store, default_graph, keep
        self._kept: OrderedDict[str, tuple[Token, State, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def begins(self) -> str | None:
        """When the oldest version was recorded (None: no history yet)."""
        return token(self.store).first

    def state(self, moment: Moment) -> EmbeddedStore:
        return self._entry(moment)[1].store()

    def derived(self, moment: Moment, name: str, make: Callable[[State], object]):
        """Something made from the state once per state (the federation index of a hub, say)."""
        entry = self._entry(moment)
        with self._lock:
            if name in entry[2]:
                return entry[2][name]
        made = make(entry[1])
        with self._lock:
            return entry[2].setdefault(name, made)

    def _entry(self, moment: Moment):
        now = token(self.store)
        key = moment.text
        with self._lock:
            found = self._kept.get(key)
            if found and found[0] == now:
                self._kept.move_to_end(key)
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per moment at a time; the others wait for it
            with self._lock:
                found = self._kept.get(key)
                if found and found[0] == now:
                    return found
            entry = (now, State(state_texts(self.store, moment, self.default_graph)), {})
            with self._lock:
                self._kept[key] = entry
                self._kept.move_to_end(key)
                while len(self._kept) > self.keep:
                    self._kept.popitem(last=False)
                self._building.pop(key, None)
            return entry
