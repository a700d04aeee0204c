"""A small federation with known data for the views, the query page and the example queries.

Three real Bamboe nodes on 127.0.0.1 (two regional Werkplaatsen and a national one), a
fourth member without a node, and a hub that harvests them. Dates are relative to
today, so cadence, reports and duration come out the same on any day.

    west (regionaal, GM0537 Katwijk + GM0546 Leiden)
      koestal        wijk WK053700, armoede, isPartOf landelijk/netwerk-armoede, meets every 4 weeks
      hoornes        wijk WK053701, armoede, in voorbereiding
      samen-katwijk  lokaal GM0537, armoede; ALSO described by landelijk (same name, place, partners)
      leiden-ouderen lokaal GM0546, ouderenzorg, shares the partner Welzijnskwartier Katwijk
      regio-armoede  regionaal, armoede, no place (its region is its publisher's)
    oost (regionaal, GM0268 Nijmegen)
      hengstdal      wijk WK026801, armoede, ended after five months
      katwijk-ouderen lokaal GM0537 (in west's area), ouderenzorg
    landelijk
      netwerk-armoede landelijk, armoede
      samen-katwijk   (the twin of west's)
    noord (regionaal, GM0014, no node yet): an empty region
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from conftest import NodeProcess, bamboe
from registry.store.server import free_port

TODAY = dt.date.today()
PREFIXES = """@prefix lp: <https://w3id.org/lerende-praktijken/def#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix soort: <https://w3id.org/lerende-praktijken/id/soort/> .
@prefix thema: <https://w3id.org/lerende-praktijken/id/thema/> .
@prefix perspectief: <https://w3id.org/lerende-praktijken/id/perspectief/> .
@prefix kennis: <https://w3id.org/lerende-praktijken/id/kennis/> .
@prefix niveau: <https://w3id.org/lerende-praktijken/id/niveau/> .
@prefix rol: <https://w3id.org/lerende-praktijken/id/rol/> .
@prefix leerlus: <https://w3id.org/lerende-praktijken/id/leerlus/> .
@prefix status: <https://w3id.org/lerende-praktijken/id/status/> .
@prefix gemeente: <https://identifier.overheid.nl/tooi/id/gemeente/> .
@prefix cbs: <https://w3id.org/lerende-praktijken/id/cbs/2024/> .
"""


def day(days_ago: int) -> str:
    return f'"{(TODAY - dt.timedelta(days=days_ago)).isoformat()}"^^xsd:date'


def participation(*perspectives: str, roles: dict | None = None) -> str:
    parts = []
    for perspective in perspectives:
        role = (roles or {}).get(perspective, "deelnemer")
        parts.append(f"[ a lp:Participation ; lp:perspective perspectief:{perspective} ; "
                     f'lp:count "2"^^xsd:nonNegativeInteger ; lp:role rol:{role} ]')
    return "lp:participation " + " , ".join(parts) + " ;"


KOESTAL_MEETINGS = [7 + 28 * k for k in range(6)]
"""Koestal met every four weeks, the last a week ago; each report came three days later."""


def west(national: str) -> str:
    meetings = "".join(
        f"<praktijken/koestal/bijeenkomsten/{n}> a lp:Meeting ; schema:startDate {day(ago)} ; "
        f"schema:eventAttendanceMode schema:OfflineEventAttendanceMode .\n"
        f"<praktijken/koestal/verslagen/{n}> a lp:AnalyticReport ; lp:reportsOn <praktijken/koestal/bijeenkomsten/{n}> ; "
        f"dct:issued {day(ago - 3)} .\n"
        for n, ago in enumerate(KOESTAL_MEETINGS))
    links = " , ".join(f"<praktijken/koestal/bijeenkomsten/{n}>" for n in range(len(KOESTAL_MEETINGS)))
    return PREFIXES + f"""
<organisaties/gemeente-katwijk> a org:Organization ; schema:name "Gemeente Katwijk" .
<organisaties/welzijnskwartier> a org:Organization ; schema:name "Welzijnskwartier Katwijk" .
cbs:WK053700 a lp:Wijk ; schema:name "Koestal" ; skos:notation "WK053700" ; lp:cbsYear "2024"^^xsd:gYear ; schema:containedInPlace gemeente:gm0537 .
cbs:WK053701 a lp:Wijk ; schema:name "Hoornes" ; skos:notation "WK053701" ; lp:cbsYear "2024"^^xsd:gYear ;
    schema:containedInPlace gemeente:gm0537 .

<praktijken/koestal> a lp:LearningCommunity ; schema:name "Leergemeenschap Koestal" ;
    lp:sharedQuestion "Hoe signaleren we armoede in Koestal eerder?"@nl ;
    dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:wijk ;
    dct:spatial cbs:WK053700 , gemeente:gm0537 ; adms:status status:actief ;
    {participation("ervaringsdeskundige", "professional", "onderwijs", "onderzoeker",
                   roles={"onderzoeker": "gespreksleider", "onderwijs": "notulist"})}
    lp:knowledgeKind kennis:ervaringskennis ;
    lp:meetingIntervalWeeks "4"^^xsd:positiveInteger ; schema:startDate "2023-01-10"^^xsd:date ;
    dct:isPartOf <{national}praktijken/netwerk-armoede> ;
    lp:hasResult <praktijken/koestal/resultaten/sinterklaas> ;
    lp:hasMeeting {links} .
<praktijken/koestal/resultaten/sinterklaas> a lp:Result ; schema:name "Sinterklaasfeest" ;
    dct:date "2024-12-05"^^xsd:date ; lp:learningLoop leerlus:dubbelslag .
{meetings}
<praktijken/hoornes> a lp:LearningCommunity ; schema:name "Buurtkring Hoornes" ;
    dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:wijk ;
    dct:spatial cbs:WK053701 , gemeente:gm0537 ; adms:status status:in-voorbereiding ;
    {participation("bewoner", "professional")}
    schema:startDate {day(100)} .

<praktijken/samen-katwijk> a lp:LearningCommunity ; schema:name "Samen tegen armoede Katwijk" ;
    dct:type soort:lerend-netwerk ; dct:subject thema:armoede ; lp:level niveau:lokaal ;
    dct:spatial gemeente:gm0537 ; adms:status status:actief ;
    {participation("gemeente", "professional")}
    schema:startDate "2021-05-01"^^xsd:date ;
    org:hasMember <organisaties/gemeente-katwijk> , <organisaties/welzijnskwartier> .

<praktijken/leiden-ouderen> a lp:LearningCommunity ; schema:name "Leiden ouderen" ;
    dct:type soort:leergemeenschap ; dct:subject thema:ouderenzorg ; lp:level niveau:lokaal ;
    dct:spatial gemeente:gm0546 ; adms:status status:actief ;
    {participation("professional", "vrijwilliger")}
    lp:meetingIntervalWeeks "6"^^xsd:positiveInteger ; schema:startDate {day(100)} ;
    org:hasMember <organisaties/welzijnskwartier> .

<praktijken/regio-armoede> a lp:LearningCommunity ; schema:name "Regionaal netwerk armoede West" ;
    dct:type soort:lerend-netwerk ; dct:subject thema:armoede ; lp:level niveau:regionaal ;
    adms:status status:actief ;
    {participation("gemeente", "professional")} .
"""


def oost() -> str:
    return PREFIXES + f"""
cbs:WK026801 a lp:Wijk ; schema:name "Hengstdal" ; skos:notation "WK026801" ; lp:cbsYear "2024"^^xsd:gYear ;
    schema:containedInPlace gemeente:gm0268 .
<praktijken/hengstdal> a lp:LearningCommunity ; schema:name "Wijkkring Hengstdal" ;
    dct:type soort:leergemeenschap ; dct:subject thema:armoede ; lp:level niveau:wijk ;
    dct:spatial cbs:WK026801 , gemeente:gm0268 ; adms:status status:beeindigd ;
    {participation("bewoner", "professional")}
    schema:startDate "2020-01-01"^^xsd:date ; schema:endDate "2020-06-01"^^xsd:date .

<praktijken/katwijk-ouderen> a lp:LearningCommunity ; schema:name "Ouderen Katwijk (Oost)" ;
    dct:type soort:kennisnetwerk ; dct:subject thema:ouderenzorg ; lp:level niveau:lokaal ;
    dct:spatial gemeente:gm0537 ; adms:status status:actief ;
    {participation("professional", "gemeente", "onderzoeker")}
    lp:meetingIntervalWeeks "3"^^xsd:positiveInteger .
"""


def landelijk() -> str:
    return PREFIXES + f"""
<organisaties/movisie> a org:Organization ; schema:name "Movisie" .
<organisaties/gemeente-katwijk> a org:Organization ; schema:name "Gemeente Katwijk" .
<organisaties/welzijn-katwijk> a org:Organization ; schema:name "Welzijnskwartier Katwijk" .
<praktijken/netwerk-armoede> a lp:LearningCommunity ; schema:name "Landelijk netwerk armoede" ;
    dct:type soort:lerend-netwerk ; dct:subject thema:armoede ; lp:level niveau:landelijk ;
    adms:status status:actief ;
    {participation("onderzoeker", "professional", "ervaringsdeskundige", roles={"onderzoeker": "gespreksleider"})}
    lp:knowledgeKind kennis:ervaringskennis ;
    lp:meetingIntervalWeeks "8"^^xsd:positiveInteger ; schema:startDate "2022-01-10"^^xsd:date ;
    org:hasMember <organisaties/movisie> .

<praktijken/samen-katwijk> a lp:LearningCommunity ; schema:name "Samen tegen  armoede, Katwijk" ;
    dct:type soort:lerend-netwerk ; dct:subject thema:armoede ; lp:level niveau:lokaal ;
    dct:spatial gemeente:gm0537 ; adms:status status:actief ;
    {participation("gemeente", "professional")}
    org:hasMember <organisaties/gemeente-katwijk> , <organisaties/welzijn-katwijk> .
"""


class ViewsFederation:
    """Start the three nodes and the hub, and harvest every node once."""

    def __init__(self, root: Path):
        self.root = root
        ports = {name: free_port() for name in ("west", "oost", "landelijk", "hub")}
        self.urls = {name: f"http://127.0.0.1:{port}/" for name, port in ports.items()}
        national = self.urls["landelijk"]
        data = {"west": west(national), "oost": oost(), "landelijk": landelijk()}
        areas = {"west": ["GM0537", "GM0546"], "oost": ["GM0268"], "landelijk": []}
        self.nodes = {}
        for name, turtle in data.items():
            folder = root / name
            area = [arg for code in areas[name] for arg in ("--area", code)]
            bamboe("init", "--name", f"WSD {name.capitalize()}", "--base-url", self.urls[name], *area, data_dir=folder)
            source = root / f"{name}.ttl"
            source.write_text(turtle, encoding="utf-8")
            bamboe("load", source, data_dir=folder)
            self.nodes[name] = NodeProcess(folder, ports[name])
        self.instances = root / "instances.yaml"
        self.instances.write_text(f"""nodes:
  - {{id: west, name: "WSD West", url: "{self.urls['west']}", level: regionaal, area: [GM0537, GM0546]}}
  - {{id: oost, name: "WSD Oost", url: "{self.urls['oost']}", level: regionaal, area: [GM0268]}}
  - {{id: landelijk, name: "Landelijk", url: "{self.urls['landelijk']}", level: landelijk, area: []}}
  - {{id: noord, name: "WSD Noord", url: "", level: regionaal, area: [GM0014]}}
""")
        self.hub_dir = root / "hub"
        bamboe("init", "--name", "Hub", "--base-url", self.urls["hub"], "--instances", self.instances,
               data_dir=self.hub_dir)
        self.harvest = bamboe("harvest", "--all", data_dir=self.hub_dir, env={**os.environ})
        self.hub = NodeProcess(self.hub_dir, ports["hub"], env={"BAMBOE_HARVEST_SCHEDULE": "false"})

    def iri(self, node: str, slug: str) -> str:
        return f"{self.urls[node]}praktijken/{slug}"

    def stop(self):
        for node in [*self.nodes.values(), self.hub]:
            node.stop()
