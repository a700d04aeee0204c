"""The schema.org JSON-LD in community pages: events that search engines accept.

Google's Event rich results need a name, a startDate and a location: a Place with an
address, or a VirtualLocation with a url. Each meeting also gets its own `url`. The
JSON-LD is parsed as RDF too (pyoxigraph, with schema.org's namespace as the vocabulary,
since the tests have no network for https://schema.org's context).
"""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
import requests

from registry.places import gemeenten

CHROME_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                 "application/signed-exchange;v=b3;q=0.7")
SCHEMA = rdflib.Namespace("http://schema.org/")
GEMEENTEN = {name for _, name in gemeenten()}
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def pages(node) -> dict[str, dict]:
    listing = requests.get(node.url + "praktijken.json", params={"perPagina": 100}, timeout=30).json()
    iris = [community["iri"] for community in listing["communities"]]
    found = {}
    for iri in iris:
        html = requests.get(iri, headers={"Accept": CHROME_ACCEPT}, timeout=30).text
        found[iri] = json.loads(SCRIPT.search(html).group(1))
    return found


def test_every_event_has_a_url_and_a_location(pages):
    events = [event for page in pages.values() for event in page.get("event", [])]
    assert len(events) >= 10
    for event in events:
        assert event["@type"] == "Event" and event["name"] and event["startDate"]
        assert event["url"].startswith("http://127.0.0.1:")
        locations = event["location"] if isinstance(event["location"], list) else [event["location"]]
        for location in locations:
            if location["@type"] == "Place":
                assert location["name"] and location["address"]["addressCountry"] == "NL"
                assert location["address"]["addressLocality"] in GEMEENTEN  # not a wijk's name
            else:
                assert location["@type"] == "VirtualLocation" and location["url"]
        assert event["eventAttendanceMode"].startswith("http://schema.org/")


def test_named_places_and_online_meetings_are_kept(pages):
    places = {location["name"] for page in pages.values() for event in page.get("event", [])
              for location in (event["location"] if isinstance(event["location"], list) else [event["location"]])
              if location["@type"] == "Place"}
    assert "Buurtkamer van Welzijnskwartier in Koestal" in places


def test_json_ld_is_rdf_with_events_linked_to_their_organisation(pages):
    for iri, document in pages.items():
        document = {**document, "@context": {"@vocab": str(SCHEMA)}}
        quads = ox.parse(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD)
        graph = rdflib.Graph().parse(data=ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES),
                                     format="nt")
        community = rdflib.URIRef(iri)
        assert (community, rdflib.RDF.type, SCHEMA.Organization) in graph
        for event in graph.objects(community, SCHEMA.event):
            assert (event, SCHEMA.organizer, community) in graph
            assert graph.value(event, SCHEMA.location) is not None
