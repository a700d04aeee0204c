"""A view's data as CSV lists and as RDF (the view as a VoID/DCAT dataset of communities)."""
from __future__ import annotations

import pyoxigraph as ox

import vocab
from registry.description import expand

LISTS = ("praktijken", "tellingen", "reflectie", "bijeenkomsten", "verbanden")
"""The lists a view can be downloaded as (`?format=csv&lijst=...`); the first is the default."""
FACET_PROPERTIES = {
    "theme": "dct:subject", "kind": "dct:type", "level": "lp:level", "perspective": "lp:perspective",
    "status": "adms:status", "region": "lph:region",
}


def csv_table(view: dict, which: str) -> tuple[tuple[str, ...], list[list]]:
    """One list of a view as (column names, rows); `csv_cells.render` makes it a CSV file."""
    labels = view["labels"]
    joined = lambda iris: "; ".join(labels.get(iri, iri) for iri in iris)  # noqa: E731
    if which == "praktijken":
        rows = [[section["key"], c["iri"], c["name"], c["level"], joined(c["themes"]), joined(c["kinds"]),
                 joined(c["status"]), "; ".join(c["gemeenten"]), "; ".join(c["wijken"]), "; ".join(c["regions"]),
                 joined(c["perspectives"]), "; ".join(c["partners"]), c["start"], c["interval_weeks"],
                 "; ".join(s["node"] for s in c["sources"]), "; ".join(s["iri"] for s in c["sources"]),
                 "; ".join(c["signals"])]
                for section in view["sections"] for c in section["communities"]]
    elif which == "tellingen":
        rows = [[facet, row["value"], row["label"], row["count"]]
                for facet, found in view["counts"].items() for row in found]
    elif which == "reflectie":
        rows = [[m["key"], m["shown"], m["applies"], "" if m["share"] is None else m["share"]]
                for m in view["reflection"]]
    elif which == "bijeenkomsten":
        rows = [[row["month"], row["meetings"]] for row in view["cadence"]]
    else:
        rows = [[direction, link["iri"], link["name"], link["level"], link["why"]]
                for direction, found in view.get("links", {}).items() for link in found]
    return CSV_COLUMNS[which], rows


CSV_COLUMNS = {
    "praktijken": ("section", "iri", "name", "level", "themes", "kinds", "status", "gemeenten", "wijken", "regions",
                   "perspectives", "partners", "start", "interval_weeks", "nodes", "source_iris", "signals"),
    "tellingen": ("facet", "value", "label", "count"),
    "reflectie": ("measure", "shown", "applies", "share_percent"),
    "bijeenkomsten": ("month", "meetings"),
    "verbanden": ("direction", "iri", "name", "level", "why"),
}
"""Column names of each list: stable for scripts; a spreadsheet download shows them translated."""


def view_triples(view: dict, base_url: str) -> list[ox.Triple]:
    """The view as a dataset: its communities as members, its counts and measures, its links.

    An as-of view (`?op=`) says its day with `dct:valid` (an xsd:date, or an xsd:dateTime
    when an instant was asked for): the day the landscape it describes was so. Its IRI holds `op`, so it never claims to be today's.
    """
    n = lambda curie: ox.NamedNode(expand(curie))  # noqa: E731
    number = lambda value: ox.Literal(str(value), datatype=n("xsd:integer"))  # noqa: E731
    iri = lambda url: ox.NamedNode(url if url.startswith("http") else base_url + url.lstrip("/"))  # noqa: E731
    here = iri(view["url"])
    triples = [
        (here, n("rdf:type"), n("dcat:Dataset")),
        (here, n("rdf:type"), n("void:Dataset")),
        (here, n("dct:title"), ox.Literal(view["title"])),
        (here, n("void:entities"), number(view["count"])),
    ]
    if view.get("op"):  # an as-of view: the landscape as it was on that day
        kind = "xsd:date" if len(view["op"]) == 10 else "xsd:dateTime"  # `?op=` takes a day or an instant
        triples.append((here, n("dct:valid"), ox.Literal(view["op"], datatype=n(kind))))
    for area in view["up"]:
        triples.append((here, n("dct:isPartOf"), iri(area["url"])))
    for area in view["down"]:
        triples.append((here, n("void:subset"), iri(area["url"])))
    for section in view["sections"]:
        for c in section["communities"]:
            triples += _community(n, c)
            triples.append((here, n("rdfs:member"), ox.NamedNode(c["iri"])))
    for facet, rows in view["counts"].items():
        for row in rows:
            tally = ox.BlankNode()
            value = ox.NamedNode(row["value"]) if row["value"].startswith("http") else ox.Literal(row["value"])
            triples += [(here, n("lph:tally"), tally), (tally, n("lph:dimension"), n(FACET_PROPERTIES[facet])),
                        (tally, n("lph:value"), value), (tally, n("void:entities"), number(row["count"]))]
    for measure in view["reflection"]:
        node = ox.BlankNode()
        triples += [(here, n("lph:measure"), node), (node, n("lph:ingredient"), ox.Literal(measure["key"])),
                    (node, n("lph:shown"), number(measure["shown"])), (node, n("lph:appliesTo"), number(measure["applies"]))]
    subject = ox.NamedNode(view["community"]["iri"]) if "community" in view else None
    for direction, prop in (("wider", "lph:widerNetwork"), ("narrower", "lph:narrowerCommunity"),
                            ("nearby", "lph:nearbyCommunity")):
        for link in view.get("links", {}).get(direction, []):
            triples.append((subject, n(prop), ox.NamedNode(link["iri"])))
            if link.get("harvested"):
                triples.append((ox.NamedNode(link["iri"]), n("schema:name"), ox.Literal(link["name"])))
    return [ox.Triple(*t) for t in triples]


def _community(n, c: dict) -> list[tuple]:
    subject = ox.NamedNode(c["iri"])
    found = [(subject, n("rdf:type"), n("lp:LearningCommunity")), (subject, n("schema:name"), ox.Literal(c["name"]))]
    for key, prop in (("themes", "dct:subject"), ("kinds", "dct:type"), ("status", "adms:status"),
                      ("places", "dct:spatial"), ("part_of", "dct:isPartOf")):
        found += [(subject, n(prop), ox.NamedNode(value)) for value in c[key]]
    if c["level"]:
        found.append((subject, n("lp:level"), ox.NamedNode(vocab.CONCEPTS + "niveau/" + c["level"])))
    for source in c["sources"]:
        if source["iri"] != c["iri"]:
            found.append((subject, n("owl:sameAs"), ox.NamedNode(source["iri"])))
    return found
