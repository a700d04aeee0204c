"""Announce the event stream in the node's DCAT description, beside the dump and the feed."""
from __future__ import annotations

import pyoxigraph as ox

from registry.description import named_node as n
from registry.ldes import SPECIFICATION, stream_iri

DEFAULT_LICENSE = "http://creativecommons.org/licenses/by/4.0/"
DESCRIPTION = ("Elke wijziging als versie van de gewijzigde bron (praktijk, bijeenkomst, verslag, resultaat, "
               "begrip), verwijderingen als as:Delete; wie de stroom afspeelt en van elke bron de nieuwste versie "
               "houdt, heeft de gegevens van deze node.")


def announce(settings: dict) -> list[ox.Triple]:
    """The stream as a dcat:DataService of the node's catalogue, serving its dataset.

    The service is not the stream itself (an `ldes:EventStream` is a dataset): it is
    the endpoint that serves it, so harvesters find it as they find the feed, by
    `dct:conformsTo` and `dcat:endpointURL`.
    """
    base = settings["base_url"]
    catalog, dataset = ox.NamedNode(base), ox.NamedNode(base + "#dataset")
    service, stream = ox.NamedNode(base + "#wijzigingsstroom"), ox.NamedNode(stream_iri(base))
    triples = [
        (catalog, n("dcat:service"), service),
        (service, n("rdf:type"), n("dcat:DataService")),
        (service, n("dcat:endpointURL"), stream),
        (service, n("dcat:endpointDescription"), ox.NamedNode(SPECIFICATION)),
        (service, n("dcat:servesDataset"), dataset),
        (service, n("dct:conformsTo"), ox.NamedNode(SPECIFICATION)),
        (service, n("dct:title"), ox.Literal("Wijzigingen als Linked Data Event Stream", language="nl")),
        (service, n("dct:title"), ox.Literal("Changes as a Linked Data Event Stream", language="en")),
        (service, n("dct:description"), ox.Literal(DESCRIPTION, language="nl")),
        (service, n("dct:license"), ox.NamedNode(settings.get("license") or DEFAULT_LICENSE)),
    ]
    return [ox.Triple(*t) for t in triples]
