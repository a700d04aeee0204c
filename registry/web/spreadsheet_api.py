"""The spreadsheet import for scripts: `POST /api/v1/spreadsheet` with the file as the body.

The body is the XLSX or CSV itself (`Content-Type` says which); a bearer token as for
every API write. Without `?laden=ja` the file is only checked; with it, it is checked
and loaded in the same request: all rows in one transaction, or nothing. Problems come
back as problem+json (400) with one `invalidParams` entry per problem, naming its
row and column as the spreadsheet shows them.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext

from registry.editing.spreadsheet import files
from registry.editing.spreadsheet.load import NOT_LOADED, load
from registry.editing.spreadsheet.plan import Plan, check
from registry.errors import N_, UnsupportedMediaType
from registry.web import current_node
from registry.web.auth import bearer_user, csrf, limiter, write_limit
from registry.web.problems import problem
from registry.web.spreadsheet import problem_text, words

blueprint = Blueprint("spreadsheet_api", __name__, url_prefix="/api/v1")
limiter.shared_limit(write_limit, scope="api-writes", methods=["POST"])(blueprint)  # the count of every API write
CSV_TYPES = ("text/csv", "text/plain", "application/csv")
MACRO_TYPES = ("application/vnd.ms-excel.sheet.macroenabled.12", "application/vnd.ms-excel")


def init_app(app) -> None:
    csrf.exempt(blueprint)  # a bearer token, no session: nothing to forge
    app.register_blueprint(blueprint)


@blueprint.post("/spreadsheet")
def check_or_load():
    """Check an uploaded spreadsheet of communities; with `?laden=ja`, load it whole."""
    user = bearer_user()
    filename = _filename(request.mimetype)
    content = request.get_data(cache=False)
    editor = current_node().editor
    plan = check(editor, words(), files.read(filename, content))
    if plan.problems:
        return _problems(plan)
    written = load(editor, plan, user) if request.args.get("laden") == "ja" else None
    return jsonify(_outcome(plan, written, editor.base))


def _filename(mimetype: str) -> str:
    """The file name `files.read` goes by, from the body's media type."""
    if mimetype == files.XLSX:
        return "upload.xlsx"
    if mimetype in CSV_TYPES:
        return "upload.csv"
    if mimetype in MACRO_TYPES:
        return "upload.xlsm" if "macro" in mimetype else "upload.xls"
    raise UnsupportedMediaType(N_("Stuur het bestand als de inhoud van het verzoek, met Content-Type text/csv of "
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet."))


def _problems(plan: Plan):
    fields = [_param(p) for p in plan.problems]
    return problem(400, gettext("Ongeldige invoer"), gettext(NOT_LOADED), invalidParams=fields)


def _param(item) -> dict:
    where = [f"rij {item.row}" if item.row else "bestand"]
    if item.letter or item.column:
        where.append(" ".join(filter(None, [item.letter, f"({item.column})" if item.column else None])))
    return {"name": ", ".join(where), "row": item.row, "column": item.column, "letter": item.letter,
            "reason": problem_text(item)}


def _outcome(plan: Plan, written: list[str] | None, base: str) -> dict:
    """Each row and what happened (or would happen) to it; a new row's IRI once it is loaded."""
    new_iris = iter(iri for iri, row in zip(written or [], [r for r in plan.rows if r.status != "ongewijzigd"])
                    if row.status == "nieuw")
    rows = []
    for row in plan.rows:
        iri = f"{base}praktijken/{row.slug}" if row.slug else (next(new_iris, None) if written is not None else None)
        rows.append({"rij": row.number, "status": row.status, "naam": row.name, "id": iri, "kolommen": row.changed})
    return {"geladen": written is not None, "aantallen": plan.counts(), "rijen": rows}
