"""Communities in a spreadsheet: a template, an export, and an all-or-nothing import.

Werkplaatsen keep their communities in spreadsheets. One row is one community, one
column one field of the editor's community form, with Dutch headers and pick-list
values written as their Dutch labels. The modules, in the order a file travels:

- `layout`: the columns, and how one cell becomes an API value and back;
- `files`: reading an uploaded XLSX or CSV safely, writing the template and export;
- `plan`: every row checked as the editor form checks it, each problem by row and column;
- `load`: the checked rows written in one store transaction, or nothing.

No Flask here: the web layer (`registry.web.spreadsheet`) parses the request and
shows the result.
"""
