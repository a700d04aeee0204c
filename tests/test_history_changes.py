"""What changed between two federations, and between two versions of a record: on hand-made data."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from registry.history.changes import KINDS, Change, compare, counts, within_area
from registry.history.resource_history import Version, difference, history
from registry.ldes import KINDS as AS_KINDS
from registry.ldes.versions import Snapshot, log_triples
from registry.store import EmbeddedStore
from registry.views.federation import Community, Federation, Member, Source
from registry.web.view_changes import months_before

ID = "https://w3id.org/lerende-praktijken/id/"
ACTIEF, BEEINDIGD = ID + "status/actief", ID + "status/beeindigd"
ARMOEDE, ZORG = ID + "thema/armoede", ID + "thema/ouderenzorg"
BEWONER, PROF = ID + "perspectief/bewoner", ID + "perspectief/professional"
MEMBERS = [Member("west", "West", "regionaal", ("GM0537",), "http://hub.test/graph/west"),
           Member("oost", "Oost", "regionaal", ("GM0268",), "http://hub.test/graph/oost")]


def made(iri, name, level="lokaal", themes=(ARMOEDE,), perspectives=(PROF,), status=ACTIEF, node="west",
         gemeenten=("GM0537",), wijken=(), regions=None, sources=None) -> Community:
    values = {"name": [name], "level": [ID + "niveau/" + level], "theme": list(themes),
              "perspective": list(perspectives), "status": [status]}
    return Community(iri, values, sources or [Source(node, node, iri)], gemeenten=gemeenten, wijken=wijken,
                     regions=tuple(regions if regions is not None else [node]))


def fed(*communities: Community) -> Federation:
    return Federation(MEMBERS, list(communities))


def kinds(found: list[Change]) -> list[tuple[str, str]]:
    return [(c.name, c.kind) for c in found]


def test_each_kind_of_change_is_found_and_listed_by_kind_then_name():
    before = fed(made("a", "Alfa"), made("b", "Bravo"), made("c", "Charlie"), made("d", "Delta"),
                 made("e", "Echo", perspectives=(PROF, BEWONER)))
    after = fed(made("a", "Alfa", level="regionaal", themes=(ARMOEDE, ZORG)), made("b", "Bravo", status=BEEINDIGD),
                made("d", "Delta", perspectives=(PROF, BEWONER)), made("e", "Echo"), made("f", "Foxtrot"))
    found = compare(before, after)
    assert kinds(found) == [("Foxtrot", "started"), ("Bravo", "ended"), ("Charlie", "ended"), ("Alfa", "level"),
                            ("Alfa", "theme"), ("Delta", "perspective_gained"), ("Echo", "perspective_lost")]
    by = {(c.name, c.kind): c for c in found}
    assert by[("Charlie", "ended")].after == () and by[("Bravo", "ended")].after == (BEEINDIGD,)
    assert by[("Alfa", "level")] == Change("a", "Alfa", "level", (ID + "niveau/lokaal",), (ID + "niveau/regionaal",))
    assert by[("Alfa", "theme")].after == (ARMOEDE, ZORG)
    assert by[("Delta", "perspective_gained")].after == (BEWONER,)
    assert by[("Echo", "perspective_lost")].before == (BEWONER,)
    assert counts(found) == {"started": 1, "ended": 2, "level": 1, "theme": 1, "perspective_gained": 1,
                             "perspective_lost": 1}


def test_nothing_changed_is_no_change_and_counts_list_every_kind():
    same = fed(made("a", "Alfa"))
    assert compare(same, fed(made("a", "Alfa"))) == []
    assert counts([]) == dict.fromkeys(KINDS, 0)


def test_an_ended_community_that_later_disappears_ended_only_once():
    ended = fed(made("a", "Alfa", status=BEEINDIGD))
    assert compare(ended, fed()) == []
    assert compare(ended, fed(made("a", "Alfa", status=BEEINDIGD))) == []


def test_a_community_is_matched_by_any_of_its_sources():
    """A twin whose first source changed (a second node now describes it first) is not new."""
    alone = made("http://west/a", "Samen", sources=[Source("west", "West", "http://west/a")])
    twin = made("http://oost/a", "Samen", sources=[Source("oost", "Oost", "http://oost/a"),
                                                   Source("west", "West", "http://west/a")])
    assert compare(fed(alone), fed(twin)) == []


def test_the_area_of_a_view_limits_the_changes():
    before = fed(made("a", "Alfa"), made("b", "Bravo", node="oost", gemeenten=("GM0268",)))
    after = fed(made("a", "Alfa", themes=(ZORG,)), made("b", "Bravo", node="oost", gemeenten=("GM0268",),
                                                          themes=(ZORG,)),
                made("c", "Charlie", node="landelijk", gemeenten=("GM0537",), wijken=("WK053700",), regions=()))
    assert kinds(compare(before, after, within_area("regio", "west"))) == [("Alfa", "theme")]
    assert kinds(compare(before, after, within_area("regio", "oost"))) == [("Bravo", "theme")]
    assert kinds(compare(before, after, within_area("gemeente", "GM0537"))) == [("Charlie", "started"),
                                                                                 ("Alfa", "theme")]
    assert kinds(compare(before, after, within_area("wijk", "WK053700"))) == [("Charlie", "started")]
    assert len(compare(before, after, within_area("landelijk"))) == 3
    with pytest.raises(ValueError):
        within_area("praktijk", "x")


def test_a_community_that_moved_out_of_the_area_still_shows_its_change_there():
    before = fed(made("a", "Alfa", gemeenten=("GM0537",)))
    after = fed(made("a", "Alfa", gemeenten=("GM0268",), level="regionaal"))
    assert kinds(compare(before, after, within_area("gemeente", "GM0537"))) == [("Alfa", "level")]


def test_three_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(dt.date(2026, 3, 1), 3) == dt.date(2025, 12, 1)
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


C = "http://node.test/praktijken/a"
NT = f"""<{C}> <http://schema.org/name> "Alfa" .
<{C}> <http://purl.org/dc/terms/subject> <{ARMOEDE}> .
<{C}> <https://w3id.org/lerende-praktijken/def#participation> _:p .
_:p <https://w3id.org/lerende-praktijken/def#perspective> <{BEWONER}> .
"""


def version(number: int, content: str, kind: str = "Update", resource: str = C) -> Version:
    triples = tuple(ox.parse(content, format=ox.RdfFormat.N_TRIPLES))
    return Version(number, resource, kind, dt.datetime(2026, 1, number, tzinfo=dt.timezone.utc), None, triples)


def label(iri: str) -> str:
    return {ARMOEDE: "Armoede", ZORG: "Ouderenzorg", BEWONER: "Bewoner", PROF: "Professional",
            "http://purl.org/dc/terms/subject": "Thema"}.get(iri, iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def test_difference_names_fields_added_removed_and_changed_with_labels():
    first = version(1, NT)
    described = f'"Alfa" .\n<{C}> <http://schema.org/description> "Nieuw" .'
    second = version(2, NT.replace("thema/armoede", "thema/ouderenzorg")
                     .replace("perspectief/bewoner", "perspectief/professional").replace('"Alfa" .', described))
    changes = {c.label: c for c in difference(first, second, label)}
    assert set(changes) == {"Thema", "participation", "description"}
    assert changes["Thema"].change == "changed"
    assert (changes["Thema"].removed, changes["Thema"].added) == (((ARMOEDE, "Armoede"),), ((ZORG, "Ouderenzorg"),))
    assert changes["description"].change == "added" and changes["description"].added == (("Nieuw", "Nieuw"),)
    assert changes["participation"].added[0][1] == "perspective: Professional"  # a blank node by what it says
    assert changes["participation"].removed[0][1] == "perspective: Bewoner"
    assert [c.change for c in difference(second, first, label) if c.label == "description"] == ["removed"]


def test_blank_node_labels_do_not_make_a_difference():
    assert difference(version(1, NT), version(2, NT.replace("_:p", "_:other")), label) == []


def test_history_reads_the_log_newest_first_and_compares_each_version_with_its_own_previous():
    store = EmbeddedStore()
    meeting = "http://node.test/praktijken/a/bijeenkomsten/1"
    other = "http://node.test/praktijken/ab"  # starts with the community's IRI, but is not under it
    recorded = [(1, C, AS_KINDS[0], NT),
                (2, meeting, AS_KINDS[0], f'<{meeting}> <http://schema.org/name> "Eerste" .\n'),
                (3, C, AS_KINDS[1], NT.replace("thema/armoede", "thema/ouderenzorg")),
                (4, other, AS_KINDS[0], f'<{other}> <http://schema.org/name> "Ander" .\n'),
                (5, meeting, AS_KINDS[2], "")]
    triples = []
    for number, resource, kind, content in recorded:
        parsed = tuple(ox.parse(content, format=ox.RdfFormat.N_TRIPLES))
        when = f"2026-0{number}-01T10:00:00Z"
        triples += log_triples(number, kind, Snapshot(resource, parsed, f"d{number}", "http://hub.test/graph/west"),
                               f"d{number}", when)
    store.update_private("INSERT DATA { GRAPH <urn:bamboe:ldes> {\n"
                         + ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode() + "} }")
    found = history(store, [C], label, {"http://hub.test/graph/west": "West"})
    assert [(v["number"], v["kind"], v["part"], v["slug"]) for v in found] == [
        (5, "Delete", "bijeenkomsten", "1"), (3, "Update", "", ""), (2, "Create", "bijeenkomsten", "1"),
        (1, "Create", "", "")]
    assert all(v["member_name"] == "West" for v in found)
    assert [c["label"] for c in found[1]["changes"]] == ["Thema"]
    assert found[1]["changes"][0]["added"] == [{"value": ZORG, "label": "Ouderenzorg"}]
    until = dt.datetime(2026, 2, 15, tzinfo=dt.timezone.utc)
    assert [v["number"] for v in history(store, [C], label, {}, until)] == [2, 1]
