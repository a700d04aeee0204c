"""Example queries for researchers: `registry/queries/examples/NN-slug.rq`.

Each file opens with `# nl:`, `# en:` and `# bron:` lines (the question in Dutch and
English, and the source text it comes from), followed by the SPARQL itself. A question
about the past adds `# zoals-op: 2026-01-01`: the page then asks it of the data as of
that day (`/sparql?asOf=`), which the person can change. The query page lists them;
tests run each against a known federation.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Example:
    slug: str
    question: dict[str, str]
    source: str
    text: str
    as_of: str = ""  # the day the question is asked about by default (`asOf`), or "" for today's data

    def title(self, lang: str = "nl") -> str:
        return self.question.get(lang) or self.question["nl"]


@cache
def examples() -> tuple[Example, ...]:
    folder = resources.files("registry.queries").joinpath("examples")
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".rq"):
            continue
        text = path.read_text(encoding="utf-8")
        header = {}
        for line in text.splitlines():
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
        found.append(Example(slug=path.name.removesuffix(".rq"), question={"nl": header["nl"], "en": header["en"]},
                             source=header.get("bron", ""), text=text, as_of=header.get("zoals-op", "")))
    return tuple(found)


def example(slug: str) -> Example | None:
    return next((e for e in examples() if e.slug == slug), None)
