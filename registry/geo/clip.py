"""Cut shapes and lines to a box, so that a zoomed-in map holds nothing outside its view.

An SVG hides what lies outside its viewBox, but the shapes are still there: they weigh on
the page, and tools that measure the page by the boxes of its elements (axe-core's colour
contrast check among them) see them lying over the text around the map.
"""
from __future__ import annotations

from collections.abc import Sequence

Point = tuple[int, int]
Box = tuple[int, int, int, int]  # min x, min y, max x, max y


def clip_ring(ring: Sequence[Point], box: Box) -> list[Point]:
    """Cut a closed ring along each side of the box in turn (Sutherland–Hodgman)."""
    left, top, right, bottom = box
    sides = ((lambda p: p[0] >= left, lambda a, b: _at_x(a, b, left)),
             (lambda p: p[0] <= right, lambda a, b: _at_x(a, b, right)),
             (lambda p: p[1] >= top, lambda a, b: _at_y(a, b, top)),
             (lambda p: p[1] <= bottom, lambda a, b: _at_y(a, b, bottom)))
    points = list(ring)
    for inside, crossing in sides:
        kept: list[Point] = []
        for previous, current in zip(points[-1:] + points[:-1], points):
            if inside(current) != inside(previous):
                kept.append(crossing(previous, current))
            if inside(current):
                kept.append(current)
        points = kept
    return points


def clip_line(points: Sequence[Point], box: Box) -> list[list[Point]]:
    """The parts of an open line inside the box, each as its own run of points."""
    runs: list[list[Point]] = []
    for a, b in zip(points, points[1:]):
        segment = _clip_segment(a, b, box)
        if segment is None:
            continue
        start, end = segment
        if runs and runs[-1][-1] == start:
            runs[-1].append(end)
        else:
            runs.append([start, end])
    return runs


def _clip_segment(a: Point, b: Point, box: Box) -> tuple[Point, Point] | None:
    """The part of segment a–b inside the box, or None (Liang–Barsky)."""
    left, top, right, bottom = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    enter, leave = 0.0, 1.0
    for p, q in ((-dx, a[0] - left), (dx, right - a[0]), (-dy, a[1] - top), (dy, bottom - a[1])):
        if p == 0:
            if q < 0:
                return None  # parallel to this side and outside it
        elif p < 0:
            enter = max(enter, q / p)
        else:
            leave = min(leave, q / p)
    if enter > leave:
        return None
    return ((round(a[0] + enter * dx), round(a[1] + enter * dy)),
            (round(a[0] + leave * dx), round(a[1] + leave * dy)))


def _at_x(a: Point, b: Point, x: int) -> Point:
    return x, round(a[1] + (x - a[0]) * (b[1] - a[1]) / (b[0] - a[0]))


def _at_y(a: Point, b: Point, y: int) -> Point:
    return round(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])), y
