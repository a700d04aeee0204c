"""Write a checked spreadsheet in one store transaction: every row, or nothing.

The rows become the Editor's batch write (`Editor.write_batch`): one SPARQL update
under the Editor's lock, each community with its audit record and history version,
refused whole when a community changed since the rows were checked (their ETags).
"""
from __future__ import annotations

from registry.accounts import User
from registry.editing.service import BatchItem, ChangedSince
from registry.editing.spreadsheet.plan import NEW, UNCHANGED, Plan
from registry.errors import N_, InvalidInput

NOT_LOADED = N_("Het bestand heeft nog problemen; er is niets geladen.")
ChangedMeanwhile = ChangedSince
"""A community in the file was changed by someone else after the file was checked (409)."""


def load(editor, plan: Plan, user: User) -> list[str]:
    """Write every new and changed row at once; the IRIs written, in row order."""
    if plan.problems:
        raise InvalidInput(NOT_LOADED, fields=[])
    return editor.write_batch([BatchItem(row.data, list(row.fields), None if row.status == NEW else row.slug,
                                         row.etag, row.name)
                               for row in plan.rows if row.status != UNCHANGED], user)
