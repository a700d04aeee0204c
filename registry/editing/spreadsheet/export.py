"""The template (headers and pick-lists, no rows) and the export of the node's communities.

Both have exactly the layout the import reads, so an export loaded back changes nothing.
"""
from __future__ import annotations

from registry.editing.spreadsheet import files
from registry.editing.spreadsheet.layout import Vocabulary, columns, fold, write_cell
from registry.errors import Gone, NotFound

FORMATS = {"xlsx": files.XLSX, "csv": files.CSV}


def template(editor, words: Vocabulary, file_format: str) -> bytes:
    return _write(editor, words, file_format, [])


def export(editor, words: Vocabulary, file_format: str) -> bytes:
    return _write(editor, words, file_format, stored(editor))


def _write(editor, words: Vocabulary, file_format: str, communities: list[tuple[str, dict]]) -> bytes:
    layout = columns(editor.concepts)
    rows = [[write_cell(column, data, slug, words) for column in layout] for slug, data in communities]
    if file_format == "csv":
        return files.write_csv(layout, rows)
    return files.write_xlsx(layout, rows, words)


def stored(editor) -> list[tuple[str, dict]]:
    """(id, data) of the node's communities, by name."""
    found = []
    for slug in editor.list("praktijken"):
        try:
            found.append((slug, editor.read(editor.address("praktijken", slug)).data))
        except (NotFound, Gone):  # deleted between the list and the read
            continue
    return sorted(found, key=lambda pair: fold(pair[1].get("naam", "")))
