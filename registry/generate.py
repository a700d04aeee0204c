"""Realistic synthetic learning communities, for tests and benchmarks.

Each community has the ingredients of the handreiking in varying completeness: some
lack experts by experience, a reporter or an agreed frequency, so the reflection
signals have something to find. Same seed, same data.
"""
from __future__ import annotations

import datetime as dt
import random

import pyoxigraph as ox

import vocab
from registry.description import named_node as n
from registry.places import place_iri

ID = vocab.CONCEPTS
THEMES = ["bestaanszekerheid", "armoede", "zorgzame-samenleving", "energietransitie", "ouderenzorg",
          "psychische-kwetsbaarheid", "wijkteams", "zelfredzaamheid", "jeugd", "participatie", "wonen"]
KINDS = ["kennisnetwerk", "lerend-netwerk", "leergemeenschap", "leerwerkgemeenschap", "community-of-practice",
         "living-lab"]
PERSPECTIVES = ["gemeente", "professional", "client", "bewoner", "vrijwilliger", "ervaringsdeskundige",
                "onderwijs", "onderzoeker", "student", "bestuurder", "informeel-netwerk"]
KNOWLEDGE = ["ervaringskennis", "lokale-kennis", "professionele-kennis", "wetenschappelijke-kennis"]
STATUSES = ["actief"] * 6 + ["gepauzeerd", "beeindigd", "in-voorbereiding"]
GEMEENTEN = {"GM0537": "Katwijk", "GM0546": "Leiden", "GM0518": "Den Haag", "GM0983": "Venlo",
             "GM0268": "Nijmegen", "GM0202": "Arnhem", "GM0344": "Utrecht", "GM0363": "Amsterdam",
             "GM0599": "Rotterdam", "GM0014": "Groningen", "GM0772": "Eindhoven", "GM0153": "Enschede"}
PARTNERS = ["Movisie", "Vilans", "Sociaal Werk Nederland", "Pharos", "Welzijnskwartier", "Woningcorporatie De Sleutel",
            "Buurtteam Centrum", "GGD", "ROC Midden", "Thuiszorg Samen"]
QUESTIONS = {
    "armoede": "Hoe signaleren we armoede eerder, samen met bewoners?",
    "bestaanszekerheid": "Hoe zorgen we samen voor bestaanszekerheid in de wijk?",
    "ouderenzorg": "Hoe behouden ouderen hun levenskwaliteit als ze ouder worden?",
    "psychische-kwetsbaarheid": "Hoe wordt de wijk een plek waar mensen met psychische kwetsbaarheid meedoen?",
}
TERMS = {name: ox.NamedNode(iri) for name, iri in vocab.PREFIXES.items()}


def date(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=n("xsd:date"))


def integer(value: int, kind: str = "xsd:integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=n(kind))


def generate_triples(base_url: str, count: int, seed: int = 1, today: dt.date | None = None) -> list[ox.Triple]:
    """Triples for `count` communities under `base_url`, dated relative to `today`."""
    rng = random.Random(seed)
    base = base_url.rstrip("/") + "/"
    today = today or dt.date.today()
    triples: list[ox.Triple] = []
    add = lambda s, p, o: triples.append(ox.Triple(s, n(p) if isinstance(p, str) else p, o))  # noqa: E731
    for partner in PARTNERS:
        org = ox.NamedNode(f"{base}organisaties/{_slug(partner)}")
        add(org, "rdf:type", n("org:Organization"))
        add(org, "schema:name", ox.Literal(partner))
    for i in range(count):
        _community(add, rng, base, i, today)
    return triples


def _community(add, rng: random.Random, base: str, i: int, today: dt.date) -> None:
    community = ox.NamedNode(f"{base}praktijken/gen-{i:05d}")
    theme = rng.choice(THEMES)
    kind, level = rng.choice(KINDS), rng.choice(["landelijk", "regionaal", "lokaal", "lokaal", "wijk", "wijk"])
    code = rng.choice(list(GEMEENTEN))
    start = today - dt.timedelta(days=rng.randint(30, 1100))
    add(community, "rdf:type", n("lp:LearningCommunity"))
    add(community, "schema:name", ox.Literal(f"{kind.replace('-', ' ').capitalize()} {theme.replace('-', ' ')} "
                                             f"{GEMEENTEN[code]} {i}", language="nl"))
    add(community, "lp:sharedQuestion", ox.Literal(QUESTIONS.get(theme, f"Wat werkt bij {theme.replace('-', ' ')}?"),
                                                   language="nl"))
    add(community, "dct:subject", ox.NamedNode(f"{ID}thema/{theme}"))
    add(community, "dct:type", ox.NamedNode(f"{ID}soort/{kind}"))
    add(community, "lp:level", ox.NamedNode(f"{ID}niveau/{level}"))
    add(community, "adms:status", ox.NamedNode(f"{ID}status/{rng.choice(STATUSES)}"))
    add(community, "schema:startDate", date(start))
    if level != "landelijk":
        add(community, "dct:spatial", ox.NamedNode(place_iri(code)))
    if level == "wijk":
        add(community, "dct:spatial", ox.NamedNode(place_iri(f"WK{code[2:]}{rng.randint(0, 9):02d}")))
    if rng.random() < 0.8:
        add(community, "lp:meetingIntervalWeeks", integer(rng.choice([3, 4, 4, 6, 8]), "xsd:positiveInteger"))
    for number, perspective in enumerate(rng.sample(PERSPECTIVES, rng.randint(2, 6))):
        participation = ox.BlankNode(f"c{i}p{number}")
        add(community, "lp:participation", participation)
        add(participation, "lp:perspective", ox.NamedNode(f"{ID}perspectief/{perspective}"))
        add(participation, "lp:count", integer(rng.randint(1, 8), "xsd:nonNegativeInteger"))
    roles = [role for role in ("gespreksleider", "notulist") if rng.random() < 0.75]
    for role in roles:
        participation = ox.BlankNode(f"c{i}{role}")
        add(community, "lp:participation", participation)
        add(participation, "lp:perspective", ox.NamedNode(f"{ID}perspectief/{rng.choice(['professional', 'onderzoeker'])}"))
        add(participation, "lp:role", ox.NamedNode(f"{ID}rol/{role}"))
    for knowledge in rng.sample(KNOWLEDGE, rng.randint(1, 3)):
        add(community, "lp:knowledgeKind", ox.NamedNode(f"{ID}kennis/{knowledge}"))
    for partner in rng.sample(PARTNERS, rng.randint(1, 3)):
        add(community, "org:hasMember", ox.NamedNode(f"{base}organisaties/{_slug(partner)}"))
    _meetings(add, rng, community, start, today)


def _meetings(add, rng: random.Random, community: ox.NamedNode, start: dt.date, today: dt.date) -> None:
    """One to three meetings from some months ago; later ones may be planned, never reported on."""
    day = max(start, today - dt.timedelta(days=rng.randint(20, 200)))
    for _ in range(rng.randint(1, 3)):
        meeting = ox.NamedNode(f"{community.value}/bijeenkomsten/{day.isoformat()}")
        add(community, "lp:hasMeeting", meeting)
        add(meeting, "rdf:type", n("lp:Meeting"))
        add(meeting, "schema:startDate", date(day))
        add(meeting, "schema:eventAttendanceMode", n(rng.choice(["schema:OfflineEventAttendanceMode"] * 3 + [
            "schema:OnlineEventAttendanceMode"])))
        if day < today and rng.random() < 0.7:
            issued = day + dt.timedelta(days=rng.choice([2, 5, 6, 9, 14]))
            if issued <= today:  # a report dated after today has not been shared yet
                report = ox.NamedNode(f"{community.value}/verslagen/{day.isoformat()}")
                add(report, "rdf:type", n("lp:AnalyticReport"))
                add(report, "lp:reportsOn", meeting)
                add(report, "dct:issued", date(issued))
        day += dt.timedelta(weeks=rng.choice([3, 4, 6]))


def generate_turtle(base_url: str, count: int, seed: int = 1) -> bytes:
    return ox.serialize(generate_triples(base_url, count, seed), format=ox.RdfFormat.TURTLE, prefixes=vocab.PREFIXES)


def _slug(name: str) -> str:
    return "-".join(name.lower().split())
