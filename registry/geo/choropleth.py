"""The gemeenten coloured by their number of communities: an SVG drawn on the server.

Every gemeente is a link to its view whose `<title>` names it and its count, so the map
works without JavaScript and each link has an accessible name. Werkplaats regions are
outlined; with `focus`, the map zooms to a region and greys what lies around it. The
shapes are decoded and projected once per process (`registry.geo.topojson`): a request
only picks colours and joins strings. Legend, caption, credit and the table that is the
map's text alternative are rendered by `views/_map.html` from the returned `GemeenteMap`.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from registry.geo import topojson
from registry.geo.clip import clip_line, clip_ring
from registry.places import gemeenten, place_name

SHOWN_WIDTH = 672
"""Width in CSS pixels the map is drawn at on a desktop page (42rem, `.chart svg`):
strokes are sized for it, so they look the same on the national and a zoomed-in map."""
BORDER = "#ffffff"
EDGE = "#6e6e6e"
"""Gemeente borders: dark enough (4.9:1 on white) that pale gemeenten do not melt into the page."""
OUTLINE = "#1a1a1a"
OUTSIDE = "#d9d9d9"
"""Grey for the gemeenten around a focused region: drawn for orientation, not counted."""
CREDIT = "Gemeentegrenzen 2025: CBS / PDOK"


@dataclass(frozen=True)
class Band:
    """A colour class: gemeenten with from `low` to `high` communities (no `high`: or more)."""

    low: int
    high: int | None
    colour: str

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


BANDS = (Band(0, 0, "#ffffcc"), Band(1, 1, "#a1dab4"), Band(2, 3, "#41b6c4"),
         Band(4, 7, "#2c7fb8"), Band(8, None, "#253494"))
"""Fixed classes, the same on every view so that colours compare between views; the
colours are ColorBrewer's YlGnBu in five steps: colour-blind safe, and they stay in order
when printed in grey."""


@dataclass(frozen=True)
class GemeenteMap:
    """What `views/_map.html` needs: the SVG, the legend and the rows of the text alternative."""

    id: str
    svg: Markup
    legend: list[dict]  # label, colour, gemeenten (how many gemeenten drawn in that band)
    rows: list[dict]  # code, name, count, url, colour: every gemeente with a count, and every one in focus
    regions: list[str]  # names of the outlined regions
    focused: bool


def band_of(count: int) -> Band:
    return BANDS[bisect_right(_LOWS, max(count, 0)) - 1]


_LOWS = [band.low for band in BANDS]


def gemeente_map(counts: Mapping[str, int], url: Callable[[str], str], *,
                 regions: Iterable[tuple[str, Iterable[str]]] = (), focus: Iterable[str] | None = None,
                 describe: Callable[[str, int], str] | None = None, map_id: str = "kaart") -> GemeenteMap:
    """Draw the 342 gemeenten coloured by `counts` (GM code -> communities).

    `url(code)` gives the link of a gemeente's view; `regions` are (name, GM codes) pairs to
    outline; `focus` (GM codes) zooms to those gemeenten and greys the others;
    `describe(name, count)` words each link's title in the page's language.
    """
    counts = {code.upper(): n for code, n in counts.items() if n and code.upper().startswith("GM")}
    focus = frozenset(code.upper() for code in focus) if focus is not None else None
    if focus is not None and topojson.bbox_of(focus) is None:
        focus = None  # no gemeente of the shipped year to zoom to: show the country
    box = _view_box(focus)
    inside = [code for code, _ in gemeenten() if focus is None or code in focus]
    listed = _listed(counts, focus)
    href = {code: url(code) for code in {*inside, *listed}}  # once each: a URL may cost more than its path
    outlines = [(name, _outline(frozenset(code.upper() for code in codes), box if focus else None))
                for name, codes in regions]
    svg = _svg(map_id, box, [  # the links above the grey, so nothing hides their focus ring
        _surroundings(focus) if focus else "",
        _gemeenten(inside, counts, href, describe or (lambda name, n: f"{name}: {n}"), box),
        _outlines([path for _, path in outlines if path], box),
    ])
    drawn = [band_of(counts.get(code, 0)) for code in inside]
    legend = [{"label": band.label, "colour": band.colour, "gemeenten": drawn.count(band)} for band in BANDS]
    rows = [{"code": code, "name": place_name(code), "count": counts.get(code, 0), "url": href[code],
             "colour": band_of(counts.get(code, 0)).colour} for code in listed]
    return GemeenteMap(map_id, svg, legend, rows,
                       [name for name, path in outlines if path], focus is not None)


def _svg(map_id: str, box: topojson.Box, parts: list[str]) -> Markup:
    x, y, right, bottom = box
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x} {y} {right - x} {bottom - y}" '
        f'role="group" aria-labelledby="{escape(map_id)}-titel" id="{escape(map_id)}-svg">'
        f"<!-- {CREDIT} -->" + "".join(parts) + "</svg>")


def _gemeenten(codes: list[str], counts: dict[str, int], href: dict[str, str],
               describe: Callable[[str, int], str], box: topojson.Box) -> str:
    shapes = topojson.layer().shapes
    links = "".join(
        f'<a href="{escape(href[code])}"><title>{escape(describe(shapes[code].name, counts.get(code, 0)))}</title>'
        f'<path d="{shapes[code].path}" fill="{band_of(counts.get(code, 0)).colour}"/></a>'
        for code in codes)
    return (f'<g stroke="{EDGE}" stroke-width="{_pixels(0.4, box)}" stroke-linejoin="round" '
            f'fill-rule="evenodd">{links}</g>')


@lru_cache(maxsize=64)
def _surroundings(focus: frozenset[str]) -> str:
    """The gemeenten around a focused region, grey and cut to the view: not links, not counted."""
    box = _view_box(focus)
    paths = []
    for code, _ in gemeenten():
        shape = topojson.layer().shapes[code]
        if code not in focus and _overlaps(shape.bbox, box):
            rings = [clip_ring(ring, box) for ring in shape.rings]
            paths.append("".join(topojson.subpath(ring, close=True) for ring in rings if len(ring) > 2))
    drawn = "".join(f'<path d="{path}"/>' for path in paths if path)
    return (f'<g fill="{OUTSIDE}" stroke="{BORDER}" stroke-width="{_pixels(0.6, box)}" fill-rule="evenodd" '
            f'aria-hidden="true">{drawn}</g>')


@lru_cache(maxsize=64)
def _outline(codes: frozenset[str], box: topojson.Box | None) -> str:
    """Path data of a region's border, cut to `box` when the map is zoomed in."""
    arcs = topojson.outline(codes)
    if box is not None:
        arcs = [run for arc in arcs for run in clip_line(arc, box)]
    return "".join(topojson.subpath(arc) for arc in arcs if len(arc) > 1)


def _outlines(paths: list[str], box: topojson.Box) -> str:
    """Each region's border twice: a white halo under a dark line, visible on every colour."""
    if not paths:
        return ""
    lines = "".join(f'<path d="{path}"/>' for path in paths)
    return (f'<g fill="none" stroke-linejoin="round" stroke-linecap="round" pointer-events="none" aria-hidden="true">'
            f'<g stroke="{BORDER}" stroke-width="{_pixels(4, box)}">{lines}</g>'
            f'<g stroke="{OUTLINE}" stroke-width="{_pixels(1.8, box)}">{lines}</g></g>')


def _listed(counts: dict[str, int], focus: frozenset[str] | None) -> list[str]:
    """The rows of the map as a table: gemeenten with communities and every one in focus, by name.

    A code the shipped year does not know (a former gemeente) is listed last: not drawn, still counted.
    """
    wanted = set(counts) | (focus or set())
    known = [code for code, _ in gemeenten() if code in wanted]
    return known + sorted(wanted - set(known))


def _view_box(focus: frozenset[str] | None) -> topojson.Box:
    """The whole country, or the focused gemeenten with a margin of a tenth of their size."""
    whole = topojson.layer().bbox
    found = topojson.bbox_of(focus) if focus else None
    if found is None:
        return whole[0] - 4, whole[1] - 4, whole[2] + 4, whole[3] + 4
    margin = max(10, (max(found[2] - found[0], found[3] - found[1])) // 10)
    return found[0] - margin, found[1] - margin, found[2] + margin, found[3] + margin


def _overlaps(a: topojson.Box, b: topojson.Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _pixels(width: float, box: topojson.Box) -> str:
    """A stroke width in SVG units that shows as `width` pixels at SHOWN_WIDTH."""
    return f"{width * (box[2] - box[0]) / SHOWN_WIDTH:.2f}".rstrip("0").rstrip(".")
