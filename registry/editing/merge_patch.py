"""JSON Merge Patch (RFC 7396): apply a patch document to a JSON document.

Objects merge member by member, recursively; `null` removes a member; anything else
(a string, a number, an array) replaces the value whole. A patch that is not an
object replaces the whole target.
"""
from __future__ import annotations


def merge_patch(target, patch):
    """The target with the patch applied (neither argument is changed)."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


def without_nulls(patch):
    """The patch's members that set a value (objects only; arrays replace whole, as given)."""
    if not isinstance(patch, dict):
        return patch
    return {name: without_nulls(value) for name, value in patch.items() if value is not None}
