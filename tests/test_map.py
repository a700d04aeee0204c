"""Names for place codes and the map of the gemeenten: plain functions, no server.

The SVG is read back with xml.etree, a parser that shares nothing with the code that
writes it, and the expected borders are worked out from the raw TopoJSON here.
"""
from __future__ import annotations

import hashlib
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from registry.geo import choropleth, topojson
from registry.geo.clip import clip_line, clip_ring
from registry.labels import Labels
from registry.places import gemeenten, place_name, provincies, topojson_file
from registry.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
LEIDEN_REGION = {"GM0546", "GM0518", "GM0537"}  # Leiden, 's-Gravenhage, Katwijk
COUNTS = {"GM0546": 3, "GM0518": 12, "GM0363": 1, "GM0344": 5}


def gemeente_url(code: str) -> str:
    return f"/overzicht/gemeente/{code}?q=a&theme=b"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def view_box(root: ET.Element) -> list[float]:
    return [float(n) for n in root.get("viewBox").split()]


def links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href").split("/")[-1].split("?")[0]: a for a in root.iter(f"{SVG}a")}


def points_of(d: str) -> list[tuple[int, int]]:
    """Absolute points of the path data the map writes (M, l and z only)."""
    points, x, y = [], 0, 0
    for command, numbers in re.findall(r"([MlZz])([^MlZz]*)", d):
        values = [int(n) for n in re.findall(r"-?\d+", numbers)]
        for dx, dy in zip(values[::2], values[1::2]):
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            points.append((x, y))
    return points


# Names ---------------------------------------------------------------------------

def test_names_table_has_the_342_gemeenten_and_12_provinces_of_2025():
    table = gemeenten()
    assert len(table) == len({code for code, _ in table}) == 342
    assert all(re.fullmatch(r"GM\d{4}", code) and name for code, name in table)
    assert [code for code, _ in provincies()] == [f"PV{n}" for n in range(20, 32)]


def test_place_name_for_codes_and_iris():
    assert place_name("GM0546") == "Leiden"
    assert place_name("gm0546") == "Leiden"
    assert place_name("https://identifier.overheid.nl/tooi/id/gemeente/gm0546") == "Leiden"
    assert place_name("PV31") == "Limburg"
    assert place_name("https://identifier.overheid.nl/tooi/id/provincie/pv21") == "Fryslân"


def test_place_name_for_wijken_comes_from_the_data_else_the_code():
    iri = "https://w3id.org/lerende-praktijken/id/cbs/2024/WK054600"
    assert place_name("WK054600") == "WK054600"
    assert place_name(iri) == "WK054600"
    assert place_name(iri, {iri: "Binnenstad-Zuid"}) == "Binnenstad-Zuid"
    assert place_name("WK054600", {"WK054600": "Binnenstad-Zuid"}) == "Binnenstad-Zuid"


def test_place_name_leaves_unknown_codes_and_other_text_alone():
    assert place_name("GM9999") == "GM9999"
    assert place_name("https://example.org/somewhere") == "https://example.org/somewhere"


def test_gemeenten_sort_as_a_dutch_reader_looks_them_up():
    names = [name for _, name in gemeenten()]
    assert names[0] == "Aa en Hunze" and names[-1] == "Zwolle"
    assert names.index("Gouda") < names.index("'s-Gravenhage") < names.index("Groningen")
    assert names.index("Stichtse Vecht") < names.index("Súdwest-Fryslân") < names.index("Terneuzen")


def test_labels_name_gemeenten_and_provinces_from_the_table():
    labels = Labels(EmbeddedStore())
    assert labels.label("https://identifier.overheid.nl/tooi/id/gemeente/gm0546") == "Leiden"
    assert labels.label("https://identifier.overheid.nl/tooi/id/provincie/pv31") == "Limburg"
    assert labels.label("https://w3id.org/lerende-praktijken/id/cbs/2024/WK054600") == "wijk WK054600"


def test_shipped_shapes_are_the_credited_files_and_packaged():
    readme = (ROOT / "vocab" / "places" / "README.md").read_text(encoding="utf-8")
    assert "CBS / PDOK" in readme and "cartomap/nl" in readme
    for kind in ("gemeente", "provincie"):
        digest = hashlib.sha256(topojson_file(kind).read_bytes()).hexdigest()
        assert digest in readme
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "places/*" in package_data["vocab"]


# The map -------------------------------------------------------------------------

def test_map_draws_every_gemeente_as_a_link_named_by_its_title():
    root = parse(choropleth.gemeente_map(COUNTS, gemeente_url).svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "group" and root.get("aria-labelledby") == "kaart-titel"
    found = links(root)
    assert len(found) == 342 and set(found) == {code for code, _ in gemeenten()}
    for code, link in found.items():
        assert link.get("href") == gemeente_url(code)
        assert link[0].tag == f"{SVG}title"  # the first child names the link
        assert link[0].text == f"{place_name(code)}: {COUNTS.get(code, 0)}"
    assert found["GM0518"][0].text == "'s-Gravenhage: 12"


def test_map_colours_follow_the_counts():
    counts = {"GM0546": 1, "GM0518": 2, "GM0537": 3, "GM0344": 4, "GM0363": 7, "GM0599": 8, "GM0014": 40}
    found = links(parse(choropleth.gemeente_map(counts, gemeente_url).svg))
    fill = {code: link.find(f"{SVG}path").get("fill") for code, link in found.items()}
    palette = [band.colour for band in choropleth.BANDS]
    assert fill["GM0772"] == palette[0]  # Eindhoven: none
    assert fill["GM0546"] == palette[1]
    assert fill["GM0518"] == fill["GM0537"] == palette[2]
    assert fill["GM0344"] == fill["GM0363"] == palette[3]
    assert fill["GM0599"] == fill["GM0014"] == palette[4]
    assert len(set(palette)) == 5


def test_map_legend_counts_the_gemeenten_in_each_band():
    legend = choropleth.gemeente_map(COUNTS, gemeente_url).legend
    assert [band["label"] for band in legend] == ["0", "1", "2–3", "4–7", "8+"]
    assert [band["gemeenten"] for band in legend] == [338, 1, 1, 1, 1]


def test_region_outline_is_the_border_only_one_of_its_gemeenten_uses():
    raw = json.loads(topojson_file("gemeente").read_text(encoding="utf-8"))
    arcs_of = {}
    for geometry in raw["objects"]["gemeente_2025"]["geometries"]:
        rings = geometry["arcs"] if geometry["type"] == "Polygon" else [r for p in geometry["arcs"] for r in p]
        arcs_of[geometry["properties"]["statcode"]] = Counter(i if i >= 0 else ~i for ring in rings for i in ring)
    uses = arcs_of["GM0546"] + arcs_of["GM0537"]  # Leiden and Katwijk are neighbours
    shared = {arc for arc, n in uses.items() if n > 1}
    assert shared
    outline = topojson.outline(frozenset({"GM0546", "GM0537"}))
    assert len(outline) == len(uses) - len(shared)
    border = {topojson.layer().arcs[arc] for arc in shared}
    assert not border & set(outline)


def test_map_outlines_each_region_given():
    result = choropleth.gemeente_map(COUNTS, gemeente_url, regions=[("WSD Den Haag & Leiden", LEIDEN_REGION)])
    root = parse(result.svg)
    outlines = [g for g in root.iter(f"{SVG}g") if g.get("pointer-events") == "none"]
    assert len(outlines) == 1 and outlines[0].get("aria-hidden") == "true"
    assert all(path.get("d").startswith("M") for path in outlines[0].iter(f"{SVG}path"))
    assert result.regions == ["WSD Den Haag & Leiden"]


def test_focus_zooms_to_the_region_and_draws_nothing_outside_it():
    national = parse(choropleth.gemeente_map(COUNTS, gemeente_url).svg)
    regional = choropleth.gemeente_map(COUNTS, gemeente_url, regions=[("Den Haag & Leiden", LEIDEN_REGION)],
                                       focus=LEIDEN_REGION)
    root = parse(regional.svg)
    x, y, width, height = view_box(root)
    assert width < view_box(national)[2] / 5 and height < view_box(national)[3] / 5
    assert set(links(root)) == LEIDEN_REGION  # the gemeenten around it are grey, not links
    for path in root.iter(f"{SVG}path"):
        for px, py in points_of(path.get("d")):
            assert x <= px <= x + width and y <= py <= y + height
    assert regional.focused and regional.legend[3]["gemeenten"] == 0


def test_map_rows_are_the_text_alternative():
    national = choropleth.gemeente_map(COUNTS, gemeente_url)
    assert [row["name"] for row in national.rows] == ["Amsterdam", "'s-Gravenhage", "Leiden", "Utrecht"]
    assert national.rows[1] == {"code": "GM0518", "name": "'s-Gravenhage", "count": 12,
                                "url": gemeente_url("GM0518"), "colour": choropleth.BANDS[4].colour}
    regional = choropleth.gemeente_map({"GM0546": 2}, gemeente_url, focus=LEIDEN_REGION)
    assert [(row["name"], row["count"]) for row in regional.rows] == [("'s-Gravenhage", 0), ("Katwijk", 0), ("Leiden", 2)]


def test_national_map_stays_small():
    counts = {code: n % 10 for n, (code, _) in enumerate(gemeenten())}
    svg = choropleth.gemeente_map(counts, gemeente_url, describe=lambda name, n: f"{name}: {n} lerende praktijken",
                                  regions=[("Den Haag & Leiden", LEIDEN_REGION)]).svg
    assert len(svg.encode()) < 150_000
    assert topojson.layer() is topojson.layer()  # shapes are projected once, not per request


def test_map_partial_renders_caption_legend_credit_and_table():
    env = Environment(loader=FileSystemLoader(ROOT / "registry" / "templates"),
                      extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_null_translations(newstyle=True)
    result = choropleth.gemeente_map(COUNTS, gemeente_url, regions=[("Den Haag & Leiden", LEIDEN_REGION)])
    html = env.get_template("views/_map.html").render(map=result)
    figure = ET.fromstring(html.replace("<details>", "<details open=\"open\">"))
    caption = figure.find("figcaption")
    assert caption.get("id") == parse(result.svg).get("aria-labelledby")
    assert "CBS / PDOK" in "".join(figure.itertext())
    table_links = [a.get("href") for a in figure.iter("a") if a.get("href")]
    assert table_links[-len(result.rows):] == [row["url"] for row in result.rows]
    assert len(figure.find("ul").findall("li")) == 6  # five bands and the region border


@pytest.mark.parametrize("ring, expected", [
    ([(0, 0), (10, 0), (10, 10), (0, 10)], [(0, 0), (10, 0), (10, 10), (0, 10)]),
    ([(-5, 2), (5, 2), (5, 8), (-5, 8)], [(0, 2), (5, 2), (5, 8), (0, 8)]),
    ([(20, 20), (30, 20), (30, 30)], []),
])
def test_clip_ring_cuts_a_shape_to_the_box(ring, expected):
    clipped = clip_ring(ring, (0, 0, 10, 10))
    assert sorted(set(clipped)) == sorted(set(expected))


def test_clip_line_keeps_the_parts_inside_as_separate_runs():
    line = [(-5, 5), (5, 5), (15, 5), (15, 8), (5, 8)]
    assert clip_line(line, (0, 0, 10, 10)) == [[(0, 5), (5, 5), (10, 5)], [(10, 8), (5, 8)]]
