"""Read JSON request bodies so that no body, however odd, crashes the node.

Python's JSON parser recurses once per level of nesting: a body of 30,000 `[` ends in
RecursionError, which no handler expects (a 500). The node's JSON provider measures
the nesting first and refuses anything deeper than MAX_DEPTH with a ValueError, the
error Flask already turns into 400 Bad Request. No API document nests deeper than 4.
"""
from __future__ import annotations

import json
import re

from flask import Flask
from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with request bodies refused beyond MAX_DEPTH levels of nesting."""

    def loads(self, s: str | bytes, **kwargs):
        text = s.decode(json.detect_encoding(s)) if isinstance(s, (bytes, bytearray)) else s
        if nesting_depth(text) > MAX_DEPTH:
            raise TooDeep(f"the JSON is nested deeper than {MAX_DEPTH} levels")
        try:
            return super().loads(text, **kwargs)
        except RecursionError:  # belt and braces: never a 500 for a body
            raise TooDeep(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None


def nesting_depth(text: str, stop: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest (strings skipped); counting stops just past `stop`."""
    deepest = level = 0
    for bracket in BRACKET.finditer(STRING.sub("", text)):
        if bracket.group() in "[{":
            level += 1
            deepest = max(deepest, level)
            if deepest > stop:
                break
        else:
            level -= 1
    return deepest
