"""Decode the shipped TopoJSON into projected SVG path data, once per process.

TopoJSON keeps each border once, as an arc: a list of points on a quantized grid, each
point a step from the one before (`transform` turns grid steps back into degrees). A
polygon is a list of rings, each a list of arc indexes, `~i` meaning arc `i` walked
backwards. Neighbours therefore share their border exactly, and the outline of a group
of gemeenten is the arcs that only one gemeente of the group uses.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from registry.places import geometries, topology

UNIT = 0.001
"""Degrees of latitude per SVG unit (about 110 m), the grid of the shipped files: whole
units keep every point they hold, and the national map (some 2380 × 2800 units) stays
near 70 KB, only a few KB more than at half that resolution."""
X_SCALE = math.cos(math.radians(52))
"""Equirectangular projection: at 52° north, the middle of the Netherlands, a degree of
longitude is cos(52°) as long as a degree of latitude."""

Point = tuple[int, int]
Box = tuple[int, int, int, int]  # min x, min y, max x, max y


@dataclass(frozen=True)
class Shape:
    """One gemeente (or province) ready to draw."""

    code: str
    name: str
    path: str  # SVG path data: every ring, closed
    rings: tuple[tuple[Point, ...], ...]
    arcs: tuple[int, ...]  # the arcs its rings use, as indexes into Layer.arcs
    bbox: Box


@dataclass(frozen=True)
class Layer:
    """Every shape of one kind, projected onto one grid with its origin at the top left."""

    shapes: dict[str, Shape]  # by CBS code
    arcs: tuple[tuple[Point, ...], ...]
    bbox: Box


@cache
def layer(kind: str = "gemeente") -> Layer:
    """Decode, project and round the gemeenten (or provinces) of the shipped year."""
    topo = topology(kind)
    projected = [project(points) for points in decode_arcs(topo)]
    left = min(x for arc in projected for x, _ in arc)
    top = min(y for arc in projected for _, y in arc)
    arcs = tuple(tuple((x - left, y - top) for x, y in arc) for arc in projected)
    shapes = {}
    for geometry in geometries(kind):
        if rings := _rings(geometry):
            shape = _shape(geometry["properties"], rings, arcs)
            shapes[shape.code] = shape
    return Layer(shapes, arcs, _bbox(point for arc in arcs for point in arc))


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Every arc as (longitude, latitude) points: add up the steps, then undo the quantization."""
    transform = topo.get("transform")
    if transform is None:  # an unquantized topology holds positions, not steps
        return [[(x, y) for x, y, *_ in arc] for arc in topo["arcs"]]
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y, *_ in arc:
            x, y = x + step_x, y + step_y
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        decoded.append(points)
    return decoded


def project(points: Iterable[tuple[float, float]]) -> tuple[Point, ...]:
    """Longitude and latitude to whole SVG units, y pointing down; drop points that round onto the last."""
    projected: list[Point] = []
    for lon, lat in points:
        point = (round(lon * X_SCALE / UNIT), round(-lat / UNIT))
        if not projected or point != projected[-1]:
            projected.append(point)
    return tuple(projected)


@lru_cache(maxsize=64)
def outline(codes: frozenset[str], kind: str = "gemeente") -> tuple[tuple[Point, ...], ...]:
    """The border around these shapes together: the arcs only one of them uses."""
    found = layer(kind)
    uses = Counter(arc for code in codes if code in found.shapes for arc in found.shapes[code].arcs)
    return tuple(found.arcs[arc] for arc, n in sorted(uses.items()) if n == 1)


def bbox_of(codes: Iterable[str], kind: str = "gemeente") -> Box | None:
    """The box around these shapes; None if none of the codes is known."""
    shapes = layer(kind).shapes
    boxes = [shapes[code].bbox for code in codes if code in shapes]
    if not boxes:
        return None
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def subpath(points: Sequence[Point], close: bool = False) -> str:
    """`M x y` then relative steps (`l`), the compact form SVG allows: `l3-2-1 4`."""
    (x, y), steps = points[0], []
    for next_x, next_y in points[1:]:
        if (next_x, next_y) != (x, y):
            steps += (next_x - x, next_y - y)
            x, y = next_x, next_y
    if close and len(steps) >= 2 and points[-1] == points[0]:
        steps = steps[:-2]  # `z` draws the last step back to the start
    numbers = "".join(str(n) if n < 0 or i == 0 else f" {n}" for i, n in enumerate(steps))
    return f"M{points[0][0]} {points[0][1]}" + (f"l{numbers}" if numbers else "") + ("z" if close else "")


def _shape(properties: dict, rings: list[list[int]], arcs: Sequence[tuple[Point, ...]]) -> Shape:
    points = tuple(_ring(ring, arcs) for ring in rings)
    return Shape(code=properties["statcode"], name=properties["statnaam"],
                 path="".join(subpath(ring, close=True) for ring in points), rings=points,
                 arcs=tuple(index if index >= 0 else ~index for ring in rings for index in ring),
                 bbox=_bbox(point for ring in points for point in ring))


def _rings(geometry: dict) -> list[list[int]]:
    """The rings of a Polygon or MultiPolygon, outer and holes alike (the even-odd fill tells them apart)."""
    if geometry["type"] == "Polygon":
        return geometry["arcs"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def _ring(indexes: list[int], arcs: Sequence[tuple[Point, ...]]) -> tuple[Point, ...]:
    """Join a ring's arcs, each starting where the one before ends (that point only once)."""
    ring: list[Point] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return tuple(ring)


def _bbox(points: Iterable[Point]) -> Box:
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)
