"""What a community page shows, pulled out of its description in the reader's language."""
from __future__ import annotations

import datetime as dt
import json

import pyoxigraph as ox

from registry import clock
from registry.description import Description
from registry.labels import Labels
from registry.places import parse_place, place_name
from registry.signals import Signal

SCHEMA = "http://schema.org/"
MODES = {
    "http://schema.org/OfflineEventAttendanceMode": ("fysiek", "physical"),
    "http://schema.org/OnlineEventAttendanceMode": ("online", "online"),
    "http://schema.org/MixedEventAttendanceMode": ("fysiek en online", "physical and online"),
}


def community_page(d: Description, iri: str, labels: Labels, signals: list[Signal], lang: str,
                   today: dt.date | None = None) -> dict:
    """Everything the community template needs, as plain values.

    Meetings after `today` are planned, not held, and a report dated after it is not
    shared yet: neither is shown as done.
    """
    label = lambda term: labels.label(term.value, lang)  # noqa: E731
    today = (today or clock.today()).isoformat()
    meetings = sorted(d.objects(iri, "lp:hasMeeting"), key=lambda m: d.text(m, "schema:startDate"), reverse=True)
    held = lambda m: d.text(m, "schema:startDate")[:10] <= today  # noqa: E731
    return {
        "iri": iri,
        "name": d.text(iri, "schema:name", lang),
        "description": d.text(iri, "schema:description", lang),
        "question": d.text(iri, "lp:sharedQuestion", lang),
        "themes": [(t.value, label(t)) for t in d.objects(iri, "dct:subject")],
        "kind": [(t.value, label(t)) for t in d.objects(iri, "dct:type")],
        "level": [(t.value, label(t)) for t in d.objects(iri, "lp:level")],
        "status": [(t.value, label(t)) for t in d.objects(iri, "adms:status")],
        "places": [(t.value, label(t)) for t in d.objects(iri, "dct:spatial")],
        "participation": [
            {
                "perspective": ", ".join(label(p) for p in d.objects(node, "lp:perspective")),
                "count": d.text(node, "lp:count"),
                "roles": ", ".join(label(r) for r in d.objects(node, "lp:role")),
            }
            for node in d.objects(iri, "lp:participation")
        ],
        "knowledge": [label(k) for k in d.objects(iri, "lp:knowledgeKind")],
        "interval": d.text(iri, "lp:meetingIntervalWeeks"),
        "meetings": [_meeting(d, m, label, lang, today) for m in meetings if held(m)],
        "planned": [_meeting(d, m, label, lang, today) for m in reversed(meetings) if not held(m)],
        "results": [
            {"iri": r.value, "name": d.text(r, "schema:name", lang), "description": d.text(r, "schema:description", lang),
             "date": d.text(r, "dct:date"), "loop": ", ".join(label(x) for x in d.objects(r, "lp:learningLoop"))}
            for r in d.objects(iri, "lp:hasResult")
        ],
        "partners": [(p.value, d.text(p, "schema:name", lang) or label(p)) for p in d.objects(iri, "org:hasMember")],
        "start": d.text(iri, "schema:startDate"),
        "end": d.text(iri, "schema:endDate"),
        "modified": d.text(iri, "dct:modified"), "confirmed": d.text(iri, "lp:confirmed"),
        "how_to_join": d.text(iri, "lp:howToJoin", lang),
        "confidentiality": d.text(iri, "lp:confidentialityAgreement"),
        "contacts": [
            {"name": d.text(c, "vcard:fn", lang), "email": d.text(c, "vcard:hasEmail").removeprefix("mailto:")}
            for c in d.objects(iri, "dcat:contactPoint")
        ],
        "part_of": [(p.value, d.text(p, "schema:name", lang) or label(p)) for p in d.objects(iri, "dct:isPartOf")],
        "signals": [
            {"key": s.key, "label": s.label.get(lang, s.label.get("nl", s.key)),
             "message": s.message.get(lang, s.message.get("nl", ""))}
            for s in signals
        ],
    }


def _meeting(d: Description, meeting: ox.NamedNode, label, lang: str, today: str) -> dict:
    held = d.text(meeting, "schema:startDate")[:10] <= today
    reports = [r for r in d.subjects_with("lp:reportsOn", meeting) if held and d.text(r, "dct:issued")[:10] <= today]
    mode = d.text(meeting, "schema:eventAttendanceMode")
    return {
        "iri": meeting.value,
        "date": d.text(meeting, "schema:startDate"),
        "name": d.text(meeting, "schema:name", lang),
        "location": d.text(meeting, "schema:location", lang),
        "mode": MODES.get(mode, (mode, mode))[lang == "en"] if mode else "",
        "mode_iri": mode,
        "present": ", ".join(label(p) for p in d.objects(meeting, "lp:perspectivePresent")),
        "reports": [
            {"iri": r.value, "issued": d.text(r, "dct:issued"), "url": d.text(r, "schema:url"),
             "title": d.text(r, "dct:title", lang)}
            for r in reports
        ],
    }


def schema_org(page: dict) -> str:
    """schema.org JSON-LD for search engines, safe to embed in a <script> element."""
    document = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": page["iri"],
        "url": page["iri"],
        "name": page["name"],
        "description": page["description"] or page["question"],
        "foundingDate": page["start"] or None,
        "dissolutionDate": page["end"] or None,
        "keywords": [label for _, label in page["themes"]],
        "areaServed": [label for _, label in page["places"]],
        "member": [{"@type": "Organization", "name": name} for _, name in page["partners"]],
        "email": page["contacts"][0]["email"] if page["contacts"] else None,
        "event": [_event(m, page) for m in [*page["planned"], *page["meetings"][:10]]],
    }
    compact = {key: value for key, value in document.items() if value not in (None, "", [])}
    return json.dumps(compact, ensure_ascii=False).replace("</", "<\\/")


def _gemeente_name(places: list[tuple[str, str]]) -> str | None:
    """The gemeente a community meets in: the one its first gemeente, wijk or buurt lies in."""
    for iri, _ in places:
        place = parse_place(iri)
        if place is not None and place.gemeente:
            return place_name(place.gemeente)
    return places[0][1] if places else None


def _event(meeting: dict, page: dict) -> dict:
    """A meeting as a schema.org Event that search engines accept: a url, and a location.

    A meeting held online is at a VirtualLocation (its own page); one held in a place is
    at a Place named by the meeting's location and addressed to the community's gemeente
    (the data holds no street address). A meeting without a mode is taken as physical.
    """
    mode = meeting["mode_iri"] or SCHEMA + "OfflineEventAttendanceMode"
    locality = _gemeente_name(page["places"])
    place = {"@type": "Place", "name": meeting["location"] or locality or page["name"],
             "address": {"@type": "PostalAddress", "addressLocality": locality, "addressCountry": "NL"}
             if locality else {"@type": "PostalAddress", "addressCountry": "NL"}}
    online = {"@type": "VirtualLocation", "url": meeting["iri"]}
    locations = {SCHEMA + "OnlineEventAttendanceMode": [online],
                 SCHEMA + "MixedEventAttendanceMode": [place, online]}.get(mode, [place])
    return {"@type": "Event", "@id": meeting["iri"], "url": meeting["iri"],
            "name": meeting["name"] or page["name"], "startDate": meeting["date"],
            "eventAttendanceMode": mode, "eventStatus": SCHEMA + "EventScheduled",
            "location": locations[0] if len(locations) == 1 else locations,
            "organizer": {"@id": page["iri"]}}
